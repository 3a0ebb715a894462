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
  let maxDeg = 0;
  for (let i = 0; i < n; i++) {
    degree[i] = rowPtr[i + 1] - rowPtr[i];
    if (degree[i] > maxDeg) maxDeg = degree[i];
  }
  // nodes by increasing degree (counting sort; stable, so ties by index)
  const bucket = new Int32Array(maxDeg + 2);
  for (let i = 0; i < n; i++) bucket[degree[i] + 1]++;
  for (let g = 0; g <= maxDeg; g++) bucket[g + 1] += bucket[g];
  const byDegree = new Int32Array(n);
  for (let i = 0; i < n; i++) byDegree[bucket[degree[i]]++] = i;
  const order = new Int32Array(n);
  const seen = new Uint8Array(n);
  let tail = 0, head = 0;
  for (let s0 = 0; s0 < n; s0++) {
    const s = byDegree[s0];
    if (seen[s]) continue;
    seen[s] = 1;
    order[tail++] = s;
    while (head < tail) {
      const i = order[head++];
      const first = tail;
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        const j = colIdx[p];
        if (seen[j]) continue;
        seen[j] = 1;
        // insertion into the newly appended run, by (degree, index)
        let q = tail++;
        while (q > first && (degree[order[q - 1]] > degree[j] || (degree[order[q - 1]] === degree[j] && order[q - 1] > j))) {
          order[q] = order[q - 1];
          q--;
        }
        order[q] = j;
      }
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
  for (let r = 0; r < n; r++) {
    const i = order[r];
    const start = rowPtr[r];
    let w = start;
    for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) {
      const c = position[a.colIdx[p]], v = a.values[p];
      // insertion sort: rows are short
      let q = w++;
      while (q > start && colIdx[q - 1] > c) {
        colIdx[q] = colIdx[q - 1];
        values[q] = values[q - 1];
        q--;
      }
      colIdx[q] = c;
      values[q] = v;
    }
  }
  return new SparseMatrix(n, n, rowPtr, colIdx, values);
}
