import { SparseMatrix } from "../core/sparse.js";
import { ValidationError } from "../core/validate.js";

/**
 * Symmetric CSR adjacency with weights 1 / distance from a list of (i, j, distance) pairs.
 * Each pair is stored in both directions; pairs found more than once are kept once; i = j is ignored.
 * A zero distance (two coincident points) has no finite weight, so it is an error that names the
 * two points; `what` says where they came from (e.g. "anchor (condition 2)").
 */
export function symmetricDistanceAdjacency(n: number, pi: ArrayLike<number>, pj: ArrayLike<number>, dist: ArrayLike<number>, what = "points"): SparseMatrix {
  const m = pi.length;
  const counts = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    if (pi[e] === pj[e]) continue;
    counts[pi[e] + 1]++;
    counts[pj[e] + 1]++;
  }
  for (let i = 0; i < n; i++) counts[i + 1] += counts[i];
  const total = counts[n];
  const fill = counts.slice(0, n);
  const col = new Int32Array(total);
  const dis = new Float64Array(total);
  for (let e = 0; e < m; e++) {
    const i = pi[e], j = pj[e];
    if (i === j) continue;
    const d = dist[e];
    if (!(d > 0)) {
      throw new ValidationError(
        `${what}: points ${Math.min(i, j)} and ${Math.max(i, j)} coincide (distance ${d}), so the edge weight 1/distance is undefined; remove duplicate points (or use spacing > 0 to subsample evenly)`,
      );
    }
    let p = fill[i]++;
    col[p] = j; dis[p] = d;
    p = fill[j]++;
    col[p] = i; dis[p] = d;
  }
  // sort each row by column (insertion sort: rows are short) and drop repeats
  const outPtr = new Int32Array(n + 1);
  const outCol = new Int32Array(total);
  const outVal = new Float64Array(total);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const s = counts[i], e = counts[i + 1];
    for (let a = s + 1; a < e; a++) {
      const c = col[a], d = dis[a];
      let b = a - 1;
      while (b >= s && col[b] > c) {
        col[b + 1] = col[b];
        dis[b + 1] = dis[b];
        b--;
      }
      col[b + 1] = c;
      dis[b + 1] = d;
    }
    let last = -1;
    for (let a = s; a < e; a++) {
      if (col[a] === last) continue;
      last = col[a];
      outCol[w] = last;
      outVal[w] = 1 / dis[a];
      w++;
    }
    outPtr[i + 1] = w;
  }
  return new SparseMatrix(n, n, outPtr, outCol.slice(0, w), outVal.slice(0, w));
}

/** Block-diagonal assembly of square sparse matrices (conditions share one global node index space). */
export function blockDiagonal(blocks: SparseMatrix[]): SparseMatrix {
  let n = 0, nnz = 0;
  for (const b of blocks) {
    if (b.rows !== b.cols) throw new RangeError("blockDiagonal: blocks must be square");
    n += b.rows;
    nnz += b.nnz;
  }
  const ptr = new Int32Array(n + 1);
  const col = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  let row = 0, w = 0;
  for (const b of blocks) {
    const off = row;
    for (let i = 0; i < b.rows; i++, row++) {
      for (let p = b.rowPtr[i]; p < b.rowPtr[i + 1]; p++) {
        col[w] = b.colIdx[p] + off;
        val[w] = b.values[p];
        w++;
      }
      ptr[row + 1] = w;
    }
  }
  return new SparseMatrix(n, n, ptr, col, val);
}

/**
 * Connected components of an undirected graph given by a symmetric CSR pattern.
 * Returns the component label of every node (0-based, in order of first node) and the sizes.
 */
export function connectedComponents(adjacency: SparseMatrix): { labels: Int32Array; sizes: number[] } {
  const n = adjacency.rows;
  const labels = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const queue = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (labels[s] >= 0) continue;
    const c = sizes.length;
    let head = 0, tail = 0;
    queue[tail++] = s;
    labels[s] = c;
    while (head < tail) {
      const i = queue[head++];
      for (let p = adjacency.rowPtr[i]; p < adjacency.rowPtr[i + 1]; p++) {
        const j = adjacency.colIdx[p];
        if (labels[j] < 0) {
          labels[j] = c;
          queue[tail++] = j;
        }
      }
    }
    sizes.push(tail);
  }
  return { labels, sizes };
}
