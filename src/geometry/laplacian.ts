import { SparseMatrix } from "../core/sparse.js";
import { ValidationError } from "../core/validate.js";
import { withDiagonal, blockPattern, blockEntry } from "./pattern.js";

/** Weighted degrees deg_i = Σ_j w_ij (off-diagonal entries). */
export function weightedDegrees(adjacency: SparseMatrix): Float64Array {
  const n = adjacency.rows;
  const deg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = adjacency.rowPtr[i]; p < adjacency.rowPtr[i + 1]; p++) if (adjacency.colIdx[p] !== i) s += adjacency.values[p];
    deg[i] = s;
  }
  return deg;
}

function checkDegrees(deg: Float64Array): void {
  for (let i = 0; i < deg.length; i++) {
    if (!(deg[i] > 0)) throw new ValidationError(`graph: node ${i} has no neighbours, so the random-walk Laplacian is undefined; increase k or delta`);
  }
}

/** Random-walk normalised Laplacian L = I − D⁻¹W (sparse, pattern = adjacency plus diagonal). Its spectrum lies in [0, 2]. */
export function randomWalkLaplacian(adjacency: SparseMatrix): SparseMatrix {
  const n = adjacency.rows;
  const deg = weightedDegrees(adjacency);
  checkDegrees(deg);
  const pat = withDiagonal(adjacency);
  const vals = new Float64Array(pat.rowPtr[n]);
  for (let i = 0; i < n; i++) {
    for (let p = adjacency.rowPtr[i]; p < adjacency.rowPtr[i + 1]; p++) {
      if (adjacency.colIdx[p] !== i) vals[pat.edgePos[p]] = -adjacency.values[p] / deg[i];
    }
    vals[pat.diagPos[i]] = 1;
  }
  return new SparseMatrix(n, n, pat.rowPtr, pat.colIdx, vals);
}

/**
 * Connection Laplacian I − D⁻¹(W ⊗ R): (n·m) × (n·m), block (i, j) = −(w_ij / deg_i)·R_ij, diagonal
 * blocks I_m. Since R_ji = R_ijᵀ its spectrum lies in [0, 2] like the scalar one.
 */
export function connectionLaplacian(adjacency: SparseMatrix, connections: Float64Array, m: number): SparseMatrix {
  const n = adjacency.rows, mm = m * m;
  const deg = weightedDegrees(adjacency);
  checkDegrees(deg);
  const pat = withDiagonal(adjacency);
  const { rowPtr, colIdx } = blockPattern(pat, m);
  const vals = new Float64Array(colIdx.length);
  for (let i = 0; i < n; i++) {
    for (let p = adjacency.rowPtr[i]; p < adjacency.rowPtr[i + 1]; p++) {
      if (adjacency.colIdx[p] === i) continue;
      const f = -adjacency.values[p] / deg[i];
      const pos = pat.edgePos[p];
      for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) vals[blockEntry(pat, m, i, pos, r, c)] = f * connections[p * mm + r * m + c];
    }
    for (let r = 0; r < m; r++) vals[blockEntry(pat, m, i, pat.diagPos[i], r, r)] = 1;
  }
  return new SparseMatrix(n * m, n * m, rowPtr, colIdx, vals);
}
