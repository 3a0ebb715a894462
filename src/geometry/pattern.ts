import type { SparseMatrix } from "../core/sparse.js";

/**
 * The sparsity pattern of an adjacency with the diagonal added, and where each original entry and
 * each diagonal entry land in it. Lets operators (kernels, Laplacians) that live on "edges plus
 * diagonal" be filled in one pass without re-sorting.
 */
export interface DiagonalPattern {
  readonly n: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  /** diagPos[i] = position of (i, i). */
  readonly diagPos: Int32Array;
  /** edgePos[p] = position of the adjacency's p-th stored entry. */
  readonly edgePos: Int32Array;
}

export function withDiagonal(a: SparseMatrix): DiagonalPattern {
  const n = a.rows;
  const rowPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let hasDiag = false;
    for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) if (a.colIdx[p] === i) hasDiag = true;
    rowPtr[i + 1] = rowPtr[i] + (a.rowPtr[i + 1] - a.rowPtr[i]) + (hasDiag ? 0 : 1);
  }
  const colIdx = new Int32Array(rowPtr[n]);
  const diagPos = new Int32Array(n);
  const edgePos = new Int32Array(a.nnz);
  for (let i = 0; i < n; i++) {
    let w = rowPtr[i];
    let placed = false;
    for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) {
      const j = a.colIdx[p];
      if (!placed && j >= i) {
        if (j !== i) colIdx[w++] = i;
        diagPos[i] = w - (j === i ? 0 : 1);
        placed = true;
      }
      edgePos[p] = w;
      colIdx[w++] = j;
    }
    if (!placed) {
      diagPos[i] = w;
      colIdx[w] = i;
    }
  }
  return { n, rowPtr, colIdx, diagPos, edgePos };
}

/**
 * Expands a scalar pattern (with diagonal) to its m × m block version: scalar entry (i, j) becomes the
 * entries (i·m + r, j·m + c); see `blockEntry` for where each lands.
 */
export function blockPattern(pat: DiagonalPattern, m: number): { rowPtr: Int32Array; colIdx: Int32Array } {
  const n = pat.n;
  const rowPtr = new Int32Array(n * m + 1);
  const colIdx = new Int32Array(pat.rowPtr[n] * m * m);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const s = pat.rowPtr[i], e = pat.rowPtr[i + 1];
    for (let r = 0; r < m; r++) {
      for (let q = s; q < e; q++) {
        const jm = pat.colIdx[q] * m;
        for (let c = 0; c < m; c++) colIdx[w++] = jm + c;
      }
      rowPtr[i * m + r + 1] = w;
    }
  }
  return { rowPtr, colIdx };
}

/** Position in the block CSR (from `blockPattern`) of entry (i·m + r, col c of the block at scalar position q). */
export function blockEntry(pat: DiagonalPattern, m: number, i: number, q: number, r: number, c: number): number {
  const s = pat.rowPtr[i], len = pat.rowPtr[i + 1] - s;
  return s * m * m + r * len * m + (q - s) * m + c;
}
