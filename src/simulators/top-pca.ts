import { Matrix } from "../core/matrix.js";
import { PCA } from "../core/pca.js";
import { symmetricEigen } from "../core/eigen.js";
import { Random } from "../core/random.js";
import { ValidationError, checkInteger } from "../core/validate.js";

/**
 * The leading k principal components of wide data (e.g. 500-unit RNN states) without a full
 * d × d eigendecomposition: the covariance is formed exactly, then its top-k eigenpairs are found
 * by block subspace iteration with Rayleigh–Ritz (block of k + 4 vectors) until the Ritz residuals
 * fall below 1e-10 of the leading eigenvalue. Returns a fitted core `PCA` (same sign convention:
 * each component's largest |loading| positive; explained-variance ratios relative to the trace).
 */
export function fitTopPca(X: Matrix, k: number, seed = 0): PCA {
  const n = X.rows, d = X.cols;
  checkInteger(k, "fitTopPca k", 1, d);
  if (n < 2) throw new ValidationError(`fitTopPca: needs at least 2 rows, got ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += X.data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = X.data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      const base = a * d;
      for (let b = a; b < d; b++) cov[base + b] += ra * row[b];
    }
  }
  let trace = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b] / (n - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
    trace += cov[a * d + a];
  }
  const p = Math.min(d, k + 4);
  // Q: d × p, column-major in blocks of d for cheap column operations
  const rng = new Random(seed);
  let Q = Float64Array.from({ length: p * d }, () => rng.normal());
  orthonormalise(Q, d, p);
  const Y = new Float64Array(p * d);
  let values = new Float64Array(p);
  let vectors = new Float64Array(p * d);
  for (let iter = 0; iter < 500; iter++) {
    // Y = C Q
    for (let c = 0; c < p; c++) {
      const q = c * d;
      for (let a = 0; a < d; a++) {
        let s = 0;
        const base = a * d;
        for (let b = 0; b < d; b++) s += cov[base + b] * Q[q + b];
        Y[q + a] = s;
      }
    }
    // Rayleigh–Ritz: H = Qᵀ C Q (p × p), rotate to its eigenvectors
    const H = new Matrix(p, p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += Q[i * d + a] * Y[j * d + a];
      H.data[i * p + j] = s;
    }
    for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) H.data[i * p + j] = H.data[j * p + i] = 0.5 * (H.data[i * p + j] + H.data[j * p + i]);
    const eig = symmetricEigen(H);
    const order = Array.from({ length: p }, (_, i) => i).sort((i, j) => eig.values[j] - eig.values[i]);
    values = Float64Array.from(order, (i) => eig.values[i]);
    vectors = new Float64Array(p * d);
    const CV = new Float64Array(p * d);
    order.forEach((src, dst) => {
      for (let i = 0; i < p; i++) {
        const w = eig.vectors.data[i * p + src];
        for (let a = 0; a < d; a++) {
          vectors[dst * d + a] += w * Q[i * d + a];
          CV[dst * d + a] += w * Y[i * d + a];
        }
      }
    });
    let worst = 0;
    for (let c = 0; c < k; c++) {
      let r = 0;
      for (let a = 0; a < d; a++) r += (CV[c * d + a] - values[c] * vectors[c * d + a]) ** 2;
      worst = Math.max(worst, Math.sqrt(r));
    }
    if (worst <= 1e-10 * Math.max(Math.abs(values[0]), 1e-300)) break;
    Q = CV;
    orthonormalise(Q, d, p);
  }
  const pca = new PCA({ nComponents: k });
  const comps = new Matrix(k, d);
  for (let c = 0; c < k; c++) {
    let maxAbs = 0, sign = 1;
    for (let a = 0; a < d; a++) {
      const v = vectors[c * d + a];
      if (Math.abs(v) > maxAbs) {
        maxAbs = Math.abs(v);
        sign = v < 0 ? -1 : 1;
      }
    }
    for (let a = 0; a < d; a++) comps.data[c * d + a] = sign * vectors[c * d + a];
  }
  pca.mean = mean;
  pca.components = comps;
  pca.explainedVariance = Float64Array.from(values.subarray(0, k), (v) => Math.max(v, 0));
  pca.explainedVarianceRatio = Float64Array.from(pca.explainedVariance, (v) => (trace > 0 ? v / trace : 0));
  return pca;
}

/** Modified Gram–Schmidt on p column blocks of length d (twice, for stability). */
function orthonormalise(Q: Float64Array, d: number, p: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < p; c++) {
      for (let e = 0; e < c; e++) {
        let dot = 0;
        for (let a = 0; a < d; a++) dot += Q[c * d + a] * Q[e * d + a];
        for (let a = 0; a < d; a++) Q[c * d + a] -= dot * Q[e * d + a];
      }
      let norm = 0;
      for (let a = 0; a < d; a++) norm += Q[c * d + a] ** 2;
      norm = Math.sqrt(norm);
      if (norm === 0) {
        Q[c * d + (c % d)] = 1;
        continue;
      }
      for (let a = 0; a < d; a++) Q[c * d + a] /= norm;
    }
  }
}
