/**
 * Multidimensional scaling of a precomputed distance matrix (e.g. the C × C matrix of optimal
 * transport distances between conditions): classical (Torgerson) MDS and metric SMACOF.
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { eigenDescending } from "../core/pca.js";
import { toMatrix, withDefaults, checkInteger, checkNumber, ValidationError } from "../core/validate.js";

/** Checks a square, symmetric, non-negative distance matrix with a zero diagonal. */
export function toDistanceMatrix(d: MatrixLike, name: string): Matrix {
  const D = toMatrix(d, name);
  const n = D.rows;
  if (D.cols !== n) throw new ValidationError(`${name}: must be square (a distance matrix), got ${D.rows} × ${D.cols}`);
  if (n < 2) throw new ValidationError(`${name}: needs at least 2 items, got ${n}`);
  for (let i = 0; i < n; i++) {
    if (Math.abs(D.data[i * n + i]) > 1e-12) throw new ValidationError(`${name}: diagonal entry ${i} is ${D.data[i * n + i]}; distances to self must be 0`);
    for (let j = 0; j < n; j++) {
      const v = D.data[i * n + j];
      if (v < 0) throw new ValidationError(`${name}: entry (${i}, ${j}) is ${v}; distances must be ≥ 0`);
      const w = D.data[j * n + i];
      if (Math.abs(v - w) > 1e-9 * Math.max(1, Math.abs(v))) {
        throw new ValidationError(`${name}: not symmetric at (${i}, ${j}): ${v} vs ${w}; symmetrise it, e.g. (D + Dᵀ) / 2`);
      }
    }
  }
  return D;
}

/** Classical MDS: the top eigenvectors of −½ J D² J scaled by √eigenvalue (negative eigenvalues clipped to 0). */
export function classicalMds(distances: MatrixLike, options: { nComponents?: number } = {}): Matrix {
  const { nComponents } = withDefaults({ nComponents: 2 }, options, "classicalMds");
  const D = toDistanceMatrix(distances, "classicalMds distances");
  const n = D.rows;
  checkInteger(nComponents, "classicalMds nComponents", 1, n);
  const B = new Matrix(n, n);
  const rowMean = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = D.data[i * n + j] ** 2;
      B.data[i * n + j] = v;
      rowMean[i] += v / n;
    }
    total += rowMean[i] / n;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) B.data[i * n + j] = -0.5 * (B.data[i * n + j] - rowMean[i] - rowMean[j] + total);
  const { values, vectors } = eigenDescending(B);
  const order = Array.from(values.keys()).sort((p, q) => values[q] - values[p]);
  const out = new Matrix(n, nComponents);
  for (let c = 0; c < nComponents; c++) {
    const col = order[c];
    const s = Math.sqrt(Math.max(values[col], 0));
    // Sign: largest |entry| positive, so results are reproducible across eigensolvers.
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(vectors.data[i * n + col]) > Math.abs(big)) big = vectors.data[i * n + col];
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) out.data[i * nComponents + c] = sign * s * vectors.data[i * n + col];
  }
  return out;
}

export interface SmacofOptions {
  nComponents?: number;
  /** Random restarts (ignored when `init` is given); the lowest stress wins. */
  nInit?: number;
  maxIter?: number;
  /** Relative stress decrease at which to stop. */
  eps?: number;
  seed?: number;
  /** Starting configuration (n × nComponents). */
  init?: MatrixLike;
  /**
   * Also start once from classical MDS (default true). Random starts alone often stop in a poor
   * local minimum; the classical solution is usually near the best one.
   */
  classicalStart?: boolean;
}

export interface SmacofResult {
  embedding: Matrix;
  /** Raw stress Σ_{i<j} (‖x_i − x_j‖ − D_ij)², evaluated (as scikit-learn does) at the start of the last iteration. */
  stress: number;
  iterations: number;
}

/**
 * Metric MDS by SMACOF (Guttman transform iterations) with scikit-learn's defaults (4 random
 * uniform starts, 300 iterations, eps 1e-3) plus one start from classical MDS; lowest stress wins.
 */
export function smacof(distances: MatrixLike, options: SmacofOptions = {}): SmacofResult {
  const opts = withDefaults<SmacofOptions>(
    { nComponents: 2, nInit: 4, maxIter: 300, eps: 1e-3, seed: 0, init: undefined, classicalStart: true },
    options,
    "smacof",
  );
  const D = toDistanceMatrix(distances, "smacof distances");
  const n = D.rows;
  const p = opts.nComponents!;
  checkInteger(p, "smacof nComponents", 1);
  checkInteger(opts.nInit!, "smacof nInit", 1);
  checkInteger(opts.maxIter!, "smacof maxIter", 1);
  checkNumber(opts.eps!, "smacof eps", 0);
  if (opts.init !== undefined) {
    const X0 = toMatrix(opts.init, "smacof init", { rows: n, cols: p });
    return smacofSingle(D, X0.clone(), opts.maxIter!, opts.eps!);
  }
  const rng = new Random(opts.seed ?? 0);
  let best: SmacofResult | null = opts.classicalStart && p <= n ? smacofSingle(D, classicalMds(D, { nComponents: p }), opts.maxIter!, opts.eps!) : null;
  for (let r = 0; r < opts.nInit!; r++) {
    const X0 = new Matrix(n, p, Float64Array.from({ length: n * p }, () => rng.random()));
    const res = smacofSingle(D, X0, opts.maxIter!, opts.eps!);
    if (!best || res.stress < best.stress) best = res;
  }
  return best!;
}

function smacofSingle(D: Matrix, X: Matrix, maxIter: number, eps: number): SmacofResult {
  const n = D.rows, p = X.cols;
  const dis = new Float64Array(n * n);
  const next = new Matrix(n, p);
  let oldStress = NaN;
  let stress = 0;
  let it = 0;
  for (; it < maxIter; it++) {
    stress = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < p; c++) {
          const t = X.data[i * p + c] - X.data[j * p + c];
          s += t * t;
        }
        const dd = Math.sqrt(s);
        stress += (dd - D.data[i * n + j]) ** 2;
        dis[i * n + j] = dd === 0 ? 1e-5 : dd;
      }
    }
    stress /= 2;
    // Guttman transform: X ← (1/n) B(X) X with B_ij = −D_ij / d_ij (i ≠ j), B_ii = Σ_j D_ij / d_ij.
    next.data.fill(0);
    for (let i = 0; i < n; i++) {
      let diag = 0;
      for (let j = 0; j < n; j++) {
        const ratio = D.data[i * n + j] / dis[i * n + j];
        diag += ratio;
        for (let c = 0; c < p; c++) next.data[i * p + c] -= ratio * X.data[j * p + c];
      }
      for (let c = 0; c < p; c++) next.data[i * p + c] += diag * X.data[i * p + c];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < p; c++) {
        const v = next.data[i * p + c] / n;
        X.data[i * p + c] = v;
        s += v * v;
      }
      norm += Math.sqrt(s);
    }
    if (!Number.isNaN(oldStress) && oldStress - stress / norm < eps) break;
    oldStress = stress / norm;
  }
  return { embedding: X, stress, iterations: Math.min(it + 1, maxIter) };
}
