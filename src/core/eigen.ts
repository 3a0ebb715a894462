import { Matrix } from "./matrix.js";

/**
 * Small dense symmetric eigendecomposition (cyclic Jacobi). Meant for d × d blocks
 * (frames, covariances, Procrustes), never for graph-sized matrices.
 * Returns eigenvalues in descending order and eigenvectors as the columns of `vectors`.
 */
export function symmetricEigen(a: Matrix, maxSweeps = 100): { values: Float64Array; vectors: Matrix } {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`symmetricEigen: matrix must be square, got ${a.rows} × ${a.cols}`);
  const A = a.data.slice();
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] * A[p * n + q];
    if (off < 1e-30) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = A[p * n + p], aqq = A[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p], akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k], aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p], vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j] - A[i * n + i]);
  const values = new Float64Array(n);
  const vectors = new Matrix(n, n);
  order.forEach((src, dst) => {
    values[dst] = A[src * n + src];
    for (let k = 0; k < n; k++) vectors.data[k * n + dst] = V[k * n + src];
  });
  return { values, vectors };
}

/**
 * Thin singular value decomposition A = U diag(S) Vᵀ by one-sided Jacobi on the columns.
 * For small or tall-skinny matrices (neighbourhoods × d). Singular values descending;
 * U is rows × k, V is cols × k with k = min(rows, cols).
 */
export function svd(a: Matrix, maxSweeps = 60): { U: Matrix; S: Float64Array; V: Matrix } {
  const transposed = a.rows < a.cols;
  const m = transposed ? a.transpose() : a;
  const rows = m.rows, n = m.cols;
  const W = m.data.slice(); // rows × n, columns get orthogonalised
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let k = 0; k < rows; k++) {
          const wp = W[k * n + p], wq = W[k * n + q];
          alpha += wp * wp;
          beta += wq * wq;
          gamma += wp * wq;
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let k = 0; k < rows; k++) {
          const wp = W[k * n + p], wq = W[k * n + q];
          W[k * n + p] = c * wp - s * wq;
          W[k * n + q] = s * wp + c * wq;
        }
        for (let k = 0; k < n; k++) {
          const vp = V[k * n + p], vq = V[k * n + q];
          V[k * n + p] = c * vp - s * vq;
          V[k * n + q] = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < rows; k++) s += W[k * n + j] * W[k * n + j];
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => norms[j] - norms[i]);
  const S = new Float64Array(n);
  const U = new Matrix(rows, n);
  const Vm = new Matrix(n, n);
  order.forEach((src, dst) => {
    S[dst] = norms[src];
    const inv = norms[src] > 0 ? 1 / norms[src] : 0;
    for (let k = 0; k < rows; k++) U.data[k * n + dst] = W[k * n + src] * inv;
    for (let k = 0; k < n; k++) Vm.data[k * n + dst] = V[k * n + src];
  });
  // zero singular values leave U columns at 0; complete them to an orthonormal set
  completeOrthonormal(U, S);
  return transposed ? { U: Vm, S, V: U } : { U, S, V: Vm };
}

/** Fills columns of U whose singular value is 0 with unit vectors orthogonal to the rest (Gram–Schmidt). */
function completeOrthonormal(U: Matrix, S: Float64Array): void {
  const rows = U.rows, n = U.cols;
  for (let j = 0; j < n; j++) {
    if (S[j] > 0) continue;
    for (let e = 0; e < rows; e++) {
      const v = new Float64Array(rows);
      v[e] = 1;
      for (let k = 0; k < n; k++) {
        if (k === j || (S[k] === 0 && k > j)) continue;
        let d = 0;
        for (let r = 0; r < rows; r++) d += v[r] * U.data[r * n + k];
        for (let r = 0; r < rows; r++) v[r] -= d * U.data[r * n + k];
      }
      let nv = 0;
      for (let r = 0; r < rows; r++) nv += v[r] * v[r];
      nv = Math.sqrt(nv);
      if (nv > 1e-6) {
        for (let r = 0; r < rows; r++) U.data[r * n + j] = v[r] / nv;
        break;
      }
    }
  }
}
