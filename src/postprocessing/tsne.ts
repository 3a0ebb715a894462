/**
 * Exact t-SNE (van der Maaten & Hinton 2008) with scikit-learn's optimiser settings: perplexity
 * calibration by bisection, early exaggeration 12 for 250 iterations, momentum 0.5 → 0.8,
 * delta-bar-delta gains, learning rate max(n / 48, 50) and a PCA initialisation scaled to std 1e-4.
 * Exact means O(n²) time and memory per iteration, so it is limited to a few thousand points;
 * use UMAP for larger sets.
 */
import { Matrix } from "../core/matrix.js";
import { PCA } from "../core/pca.js";
import { ValidationError } from "../core/validate.js";

export const TSNE_MAX_POINTS = 4000;

export interface TsneOptions {
  perplexity: number;
  nIter: number;
  earlyExaggeration: number;
  /** "auto" = max(n / earlyExaggeration / 4, 50). */
  learningRate: number | "auto";
}

export function tsne(X: Matrix, opts: TsneOptions): Matrix {
  const n = X.rows, d = X.cols;
  if (n > TSNE_MAX_POINTS) {
    throw new ValidationError(`embed2D t-SNE: exact t-SNE is limited to ${TSNE_MAX_POINTS} points, got ${n}; subsample or use method "umap"`);
  }
  if (n < 4) throw new ValidationError(`embed2D t-SNE: needs at least 4 points, got ${n}`);
  if (!(opts.perplexity > 0) || opts.perplexity >= n) {
    throw new ValidationError(`embed2D perplexity must be in (0, ${n}) for ${n} points, got ${opts.perplexity}`);
  }
  // Squared distances, then conditional probabilities with per-point bandwidths.
  const P = new Float64Array(n * n);
  const dist2 = new Float64Array(n);
  const logPerp = Math.log(opts.perplexity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const t = X.data[i * d + c] - X.data[j * d + c];
        s += t * t;
      }
      dist2[j] = s;
    }
    let beta = 1, lo = -Infinity, hi = Infinity;
    for (let step = 0; step < 100; step++) {
      let sum = 0, sumDP = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const p = Math.exp(-dist2[j] * beta);
        P[i * n + j] = p;
        sum += p;
        sumDP += dist2[j] * p;
      }
      if (sum === 0) sum = 1e-8;
      const entropy = Math.log(sum) + (beta * sumDP) / sum;
      for (let j = 0; j < n; j++) if (j !== i) P[i * n + j] /= sum;
      const diff = entropy - logPerp;
      if (Math.abs(diff) < 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
    P[i * n + i] = 0;
  }
  // Symmetrise and normalise.
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = P[i * n + j] + P[j * n + i];
      P[i * n + j] = v;
      P[j * n + i] = v;
      total += 2 * v;
    }
  }
  for (let e = 0; e < n * n; e++) P[e] = Math.max(P[e] / total, 1e-12);
  for (let i = 0; i < n; i++) P[i * n + i] = 0;

  // Initialisation: PCA scaled so the first coordinate has std 1e-4.
  const Y = new PCA({ nComponents: Math.min(2, d) }).fitTransform(X);
  const Y2 = new Matrix(n, 2);
  for (let i = 0; i < n; i++) for (let c = 0; c < Y.cols; c++) Y2.data[i * 2 + c] = Y.data[i * Y.cols + c];
  let sd = 0;
  for (let i = 0; i < n; i++) sd += Y2.data[i * 2] ** 2;
  sd = Math.sqrt(sd / n) || 1;
  for (let e = 0; e < 2 * n; e++) Y2.data[e] *= 1e-4 / sd;

  const lr = opts.learningRate === "auto" ? Math.max(n / opts.earlyExaggeration / 4, 50) : opts.learningRate;
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const grad = new Float64Array(2 * n);
  const num = new Float64Array(n * n);
  const exaggerationIters = Math.min(250, opts.nIter);
  for (let it = 0; it < opts.nIter; it++) {
    const exag = it < exaggerationIters ? opts.earlyExaggeration : 1;
    const momentum = it < exaggerationIters ? 0.5 : 0.8;
    let sumQ = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = Y2.data[i * 2] - Y2.data[j * 2], dy = Y2.data[i * 2 + 1] - Y2.data[j * 2 + 1];
        const q = 1 / (1 + dx * dx + dy * dy);
        num[i * n + j] = q;
        num[j * n + i] = q;
        sumQ += 2 * q;
      }
    }
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      let gx = 0, gy = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const q = num[i * n + j];
        const m = (exag * P[i * n + j] - Math.max(q / sumQ, 1e-12)) * q;
        gx += m * (Y2.data[i * 2] - Y2.data[j * 2]);
        gy += m * (Y2.data[i * 2 + 1] - Y2.data[j * 2 + 1]);
      }
      grad[i * 2] = 4 * gx;
      grad[i * 2 + 1] = 4 * gy;
    }
    for (let e = 0; e < 2 * n; e++) {
      const same = update[e] * grad[e] < 0;
      gains[e] = Math.max(same ? gains[e] + 0.2 : gains[e] * 0.8, 0.01);
      update[e] = momentum * update[e] - lr * gains[e] * grad[e];
      Y2.data[e] += update[e];
    }
  }
  return Y2;
}
