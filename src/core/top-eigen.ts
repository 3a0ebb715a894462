import { Matrix } from "./matrix.js";
import { symmetricEigen } from "./eigen.js";
import { Random } from "./random.js";

/**
 * The k largest eigenpairs of a dense symmetric d × d matrix by block subspace iteration with
 * Rayleigh–Ritz (a block of k + max(8, k/2) vectors), for k ≪ d: each sweep costs (k + 4)·d² instead of the d³
 * of a full decomposition. Stops when every Ritz residual |A v − λ v| is below tol·|λ₁|; returns null
 * when that does not happen within maxIter (the caller then falls back to a full decomposition).
 * Eigenvalues descending; eigenvectors as the rows of `vectors` (k × d).
 */
export function topSymmetricEigen(a: Matrix, k: number, options: { seed?: number; tol?: number; maxIter?: number } = {}): { values: Float64Array; vectors: Matrix } | null {
  const d = a.rows;
  const A = a.data;
  const tol = options.tol ?? 1e-9;
  const maxIter = options.maxIter ?? 60;
  const p = Math.min(d, k + Math.max(8, Math.ceil(k / 2)));
  const rng = new Random(options.seed ?? 0);
  // Q holds p vectors of length d, one after another
  let Q = Float64Array.from({ length: p * d }, () => rng.normal());
  orthonormalise(Q, d, p);
  const Y = new Float64Array(p * d);
  for (let iter = 0; iter < maxIter; iter++) {
    for (let c = 0; c < p; c++) {
      const q = c * d;
      for (let r = 0; r < d; r++) {
        let s = 0;
        const base = r * d;
        for (let t = 0; t < d; t++) s += A[base + t] * Q[q + t];
        Y[q + r] = s;
      }
    }
    const H = new Matrix(p, p);
    for (let i = 0; i < p; i++) {
      for (let j = i; j < p; j++) {
        let s = 0;
        for (let r = 0; r < d; r++) s += Q[i * d + r] * Y[j * d + r];
        H.data[i * p + j] = s;
        H.data[j * p + i] = s;
      }
    }
    const eig = symmetricEigen(H); // descending
    const V = new Float64Array(p * d);
    const AV = new Float64Array(p * d);
    for (let c = 0; c < p; c++) {
      for (let i = 0; i < p; i++) {
        const w = eig.vectors.data[i * p + c];
        if (w === 0) continue;
        for (let r = 0; r < d; r++) {
          V[c * d + r] += w * Q[i * d + r];
          AV[c * d + r] += w * Y[i * d + r];
        }
      }
    }
    let worst = 0;
    for (let c = 0; c < k; c++) {
      let res = 0;
      for (let r = 0; r < d; r++) res += (AV[c * d + r] - eig.values[c] * V[c * d + r]) ** 2;
      worst = Math.max(worst, Math.sqrt(res));
    }
    if (worst <= tol * Math.max(Math.abs(eig.values[0]), 1e-300)) {
      return { values: eig.values.slice(0, k), vectors: new Matrix(k, d, V.slice(0, k * d)) };
    }
    Q = AV;
    orthonormalise(Q, d, p);
  }
  return null;
}

/** Modified Gram–Schmidt, twice for stability, on p consecutive vectors of length d. */
function orthonormalise(Q: Float64Array, d: number, p: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < p; c++) {
      for (let e = 0; e < c; e++) {
        let dot = 0;
        for (let r = 0; r < d; r++) dot += Q[c * d + r] * Q[e * d + r];
        for (let r = 0; r < d; r++) Q[c * d + r] -= dot * Q[e * d + r];
      }
      let norm = 0;
      for (let r = 0; r < d; r++) norm += Q[c * d + r] ** 2;
      norm = Math.sqrt(norm);
      if (norm === 0) {
        Q[c * d + (c % d)] = 1;
        continue;
      }
      for (let r = 0; r < d; r++) Q[c * d + r] /= norm;
    }
  }
}
