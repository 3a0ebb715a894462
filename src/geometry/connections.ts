import { Matrix } from "../core/matrix.js";
import type { SparseMatrix } from "../core/sparse.js";
import { svd } from "../core/eigen.js";
import { frameProduct } from "./frames.js";
import { bandwidthOrder } from "./ordering.js";

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
  const visit = bandwidthOrder(adjacency); // cache-friendly row order; results do not depend on it
  for (let r = 0; r < adjacency.rows; r++) {
    const i = visit[r];
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
  if (jacobiPolar(A, m, out, offset)) return;
  // rank-deficient G_iᵀ G_j (frames nearly orthogonal): the general SVD completes U
  const { U, V } = svd(M);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += U.data[r * U.cols + t] * V.data[c * V.cols + t];
      out[offset + r * m + c] = s;
    }
  }
}

let scratchW = new Float64Array(0), scratchV = new Float64Array(0);

/**
 * U Vᵀ by one-sided Jacobi (columns of W = M V orthogonalised, U = W with unit columns), without
 * allocation. Returns false when a singular value vanishes, leaving the caller to complete U.
 */
function jacobiPolar(A: Float64Array, m: number, out: Float64Array, offset: number): boolean {
  if (scratchW.length < m * m) {
    scratchW = new Float64Array(m * m);
    scratchV = new Float64Array(m * m);
  }
  const W = scratchW, V = scratchV;
  for (let q = 0; q < m * m; q++) {
    W[q] = A[q];
    V[q] = 0;
  }
  for (let a = 0; a < m; a++) V[a * m + a] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let k = 0; k < m; k++) {
          const wp = W[k * m + p], wq = W[k * m + q];
          alpha += wp * wp;
          beta += wq * wq;
          gamma += wp * wq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (let k = 0; k < m; k++) {
          const wp = W[k * m + p], wq = W[k * m + q];
          W[k * m + p] = c * wp - s * wq;
          W[k * m + q] = s * wp + c * wq;
          const vp = V[k * m + p], vq = V[k * m + q];
          V[k * m + p] = c * vp - s * vq;
          V[k * m + q] = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  let scale = 0;
  for (let q = 0; q < m * m; q++) scale = Math.max(scale, Math.abs(A[q]));
  for (let c = 0; c < m; c++) {
    let norm = 0;
    for (let k = 0; k < m; k++) norm += W[k * m + c] * W[k * m + c];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12 * Math.max(scale, 1e-300))) return false;
    for (let k = 0; k < m; k++) W[k * m + c] /= norm;
  }
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += W[r * m + t] * V[c * m + t];
      out[offset + r * m + c] = s;
    }
  }
  return true;
}
