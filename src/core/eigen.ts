import { Matrix } from "./matrix.js";

/** Applies the plane rotation [c s; −s c] to columns p and q of a row-major matrix (rows × ld). */
function rotateColumns(M: Float64Array, rows: number, ld: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < rows; k++) {
    const mp = M[k * ld + p], mq = M[k * ld + q];
    M[k * ld + p] = c * mp - s * mq;
    M[k * ld + q] = s * mp + c * mq;
  }
}

/**
 * In-place cyclic Jacobi for a small symmetric d × d matrix A (destroyed): eigenvalues into vals,
 * eigenvectors as the columns of vecs, unsorted. Allocation-free, with a relative stopping rule, so
 * per-node callers (local frames: n calls) can reuse their buffers.
 */
export function jacobiEigenInPlace(A: Float64Array, d: number, vals: Float64Array, vecs: Float64Array, maxSweeps = 100): void {
  vecs.fill(0);
  for (let a = 0; a < d; a++) vecs[a * d + a] = 1;
  let scale = 0;
  for (let q = 0; q < d * d; q++) scale += A[q] * A[q];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += A[p * d + q] * A[p * d + q];
    if (off <= 1e-32 * scale || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = A[p * d + q];
        if (apq === 0) continue;
        const theta = (A[q * d + q] - A[p * d + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        rotateColumns(A, d, d, p, q, c, s);
        for (let k = 0; k < d; k++) {
          const apk = A[p * d + k], aqk = A[q * d + k];
          A[p * d + k] = c * apk - s * aqk;
          A[q * d + k] = s * apk + c * aqk;
        }
        rotateColumns(vecs, d, d, p, q, c, s);
      }
    }
  }
  for (let a = 0; a < d; a++) vals[a] = A[a * d + a];
}

/**
 * Small dense symmetric eigendecomposition (cyclic Jacobi). Meant for d × d blocks
 * (frames, covariances, Procrustes), never for graph-sized matrices.
 * Returns eigenvalues in descending order and eigenvectors as the columns of `vectors`.
 */
export function symmetricEigen(a: Matrix, maxSweeps = 100): { values: Float64Array; vectors: Matrix } {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`symmetricEigen: matrix must be square, got ${a.rows} × ${a.cols}`);
  const vals = new Float64Array(n);
  const V = new Float64Array(n * n);
  jacobiEigenInPlace(a.data.slice(), n, vals, V, maxSweeps);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => vals[j] - vals[i]);
  const values = new Float64Array(n);
  const vectors = new Matrix(n, n);
  order.forEach((src, dst) => {
    values[dst] = vals[src];
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
        rotateColumns(W, rows, n, p, q, c, s);
        rotateColumns(V, n, n, p, q, c, s);
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
