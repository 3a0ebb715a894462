import { Matrix } from "../core/matrix.js";
import type { SparseMatrix } from "../core/sparse.js";
import { svd } from "../core/eigen.js";
import { frameProduct } from "./frames.js";

/**
 * Discrete parallel transport between neighbouring frames: for every stored adjacency entry p = (i, j)
 * the orthogonal Procrustes solution R_ij = U Vᵀ of G_iᵀ G_j = U Σ Vᵀ, i.e. the orthogonal m × m matrix
 * minimising |G_i R − G_j|. It maps frame-j coordinates to frame-i coordinates (G_j v ≈ G_i R_ij v),
 * and R_ji = R_ijᵀ. Returns nnz·m·m values, block p row-major at p·m·m.
 */
export function computeConnections(gauges: Matrix, adjacency: SparseMatrix, d: number): Float64Array {
  const m = gauges.cols / d;
  const G = gauges.data;
  const nnz = adjacency.nnz, mm = m * m;
  const out = new Float64Array(nnz * mm);
  const M = new Matrix(m, m);
  for (let i = 0; i < adjacency.rows; i++) {
    for (let p = adjacency.rowPtr[i]; p < adjacency.rowPtr[i + 1]; p++) {
      frameProduct(G, i, adjacency.colIdx[p], d, m, M.data);
      polarFactor(M, out, p * mm);
    }
  }
  return out;
}

/** Orthogonal polar factor U Vᵀ of a square matrix, written at out[offset..]. Closed form for m ≤ 2. */
export function polarFactor(M: Matrix, out: Float64Array, offset: number): void {
  const m = M.rows, A = M.data;
  if (m === 1) {
    out[offset] = A[0] < 0 ? -1 : 1;
    return;
  }
  if (m === 2) {
    const a = A[0], b = A[1], c = A[2], dd = A[3];
    if (a * dd - b * c >= 0) {
      // rotation [[cos, −sin], [sin, cos]] maximising tr(Rᵀ M)
      const th = Math.atan2(c - b, a + dd);
      const co = Math.cos(th), si = Math.sin(th);
      out[offset] = co; out[offset + 1] = -si; out[offset + 2] = si; out[offset + 3] = co;
    } else {
      // reflection [[cos, sin], [sin, −cos]]
      const th = Math.atan2(b + c, a - dd);
      const co = Math.cos(th), si = Math.sin(th);
      out[offset] = co; out[offset + 1] = si; out[offset + 2] = si; out[offset + 3] = -co;
    }
    return;
  }
  const { U, V } = svd(M);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += U.data[r * U.cols + t] * V.data[c * V.cols + t];
      out[offset + r * m + c] = s;
    }
  }
}
