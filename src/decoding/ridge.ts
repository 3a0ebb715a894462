/**
 * Ridge regression, y ≈ x W + b minimising ‖Y − X W − 1bᵀ‖² + α‖W‖² (the bias is not penalised,
 * as scikit-learn's Ridge with fit_intercept), solved in closed form: centred normal equations
 * (XcᵀXc + αI) W = XcᵀYc by Cholesky. α is given relative to the data's scale:
 * α = λ · trace(XcᵀXc) / d, so one λ grid serves features of any units.
 *
 * Cross-validation works on sufficient statistics (n, Σx, Σy, ΣxxᵀΣ, Σxyᵀ) accumulated once per
 * fold: the statistics of any union of folds are sums, so the nested search for λ (inner folds =
 * the other outer folds, grouped by trial like the outer ones) costs one pass over the data plus
 * one d × d Cholesky per (fold, inner fold, λ).
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { ValidationError, checkNumber, toMatrix, withDefaults } from "../core/validate.js";
import { asOutputs, r2Score } from "./r2.js";
import { choleskySolveInPlace } from "./cholesky.js";
import { trialFolds } from "./folds.js";
import type { CrossValidatedDecoding } from "./linear.js";

/** The default relative penalties λ: 10⁻⁶ … 10², one per decade. */
export const RIDGE_LAMBDAS: readonly number[] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100];

/** Sums over a set of rows: count, Σx (d), Σy (q), Σxxᵀ (d × d, full), Σxyᵀ (d × q). */
export interface RidgeStats {
  n: number;
  d: number;
  q: number;
  sx: Float64Array;
  sy: Float64Array;
  xx: Float64Array;
  xy: Float64Array;
}

/**
 * The matrix minus its column means, and the means. Statistics are accumulated on centred columns
 * so that Σxxᵀ − n·μμᵀ does not cancel catastrophically when features sit far from zero.
 */
export function centreColumns(M: Matrix): { centred: Matrix; mean: Float64Array } {
  const n = M.rows, d = M.cols, mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += M.data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, n);
  const out = new Matrix(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out.data[i * d + j] = M.data[i * d + j] - mean[j];
  return { centred: out, mean };
}

/** Adds `mean` back to every row of predictions made in centred coordinates. */
export function addRowMean(P: Matrix, mean: Float64Array): void {
  const q = P.cols;
  for (let i = 0; i < P.rows; i++) for (let k = 0; k < q; k++) P.data[i * q + k] += mean[k];
}

export function ridgeStats(X: Matrix, Y: Matrix, rows?: ArrayLike<number>): RidgeStats {
  const d = X.cols, q = Y.cols;
  const st: RidgeStats = { n: 0, d, q, sx: new Float64Array(d), sy: new Float64Array(q), xx: new Float64Array(d * d), xy: new Float64Array(d * q) };
  const count = rows ? rows.length : X.rows;
  for (let s = 0; s < count; s++) {
    const i = rows ? rows[s] : s;
    const xo = i * d, yo = i * q;
    st.n++;
    for (let k = 0; k < q; k++) st.sy[k] += Y.data[yo + k];
    for (let a = 0; a < d; a++) {
      const va = X.data[xo + a];
      if (va === 0) continue;
      st.sx[a] += va;
      const ra = a * d;
      // upper triangle only; mirrored when solving
      for (let b = a; b < d; b++) st.xx[ra + b] += va * X.data[xo + b];
      for (let k = 0; k < q; k++) st.xy[a * q + k] += va * Y.data[yo + k];
    }
  }
  return st;
}

export function addStats(parts: RidgeStats[]): RidgeStats {
  const { d, q } = parts[0];
  const out: RidgeStats = { n: 0, d, q, sx: new Float64Array(d), sy: new Float64Array(q), xx: new Float64Array(d * d), xy: new Float64Array(d * q) };
  for (const p of parts) {
    out.n += p.n;
    for (let i = 0; i < d; i++) out.sx[i] += p.sx[i];
    for (let i = 0; i < q; i++) out.sy[i] += p.sy[i];
    for (let i = 0; i < d * d; i++) out.xx[i] += p.xx[i];
    for (let i = 0; i < d * q; i++) out.xy[i] += p.xy[i];
  }
  return out;
}

/** Centred Gram (full, symmetric) and cross term of a set of statistics. */
function centred(st: RidgeStats): { G: Float64Array; C: Float64Array; mx: Float64Array; my: Float64Array; scale: number } {
  const { n, d, q } = st;
  const mx = st.sx.map((v) => v / n), my = st.sy.map((v) => v / n);
  const G = new Float64Array(d * d), C = new Float64Array(d * q);
  let trace = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = st.xx[a * d + b] - n * mx[a] * mx[b];
      G[a * d + b] = v;
      G[b * d + a] = v;
    }
    trace += G[a * d + a];
    for (let k = 0; k < q; k++) C[a * q + k] = st.xy[a * q + k] - n * mx[a] * my[k];
  }
  return { G, C, mx, my, scale: d > 0 ? trace / d : 0 };
}

export interface RidgeFit {
  weights: Matrix;
  bias: Float64Array;
  /** The absolute penalty α used. */
  alpha: number;
}

/** Ridge weights from statistics for relative penalty λ. λ = 0 is ordinary least squares (must be full rank). */
export function ridgeFromStats(st: RidgeStats, lambda: number): RidgeFit {
  if (st.n < 2) throw new ValidationError(`ridge: needs at least 2 samples, got ${st.n}`);
  return solveCentred(centred(st), st.d, st.q, lambda);
}

/**
 * Ordinary least squares with bias from statistics, when the centred covariance is well
 * conditioned (Cholesky pivots above 1e-9 of the largest diagonal); null otherwise, so the caller
 * can fall back to the minimum-norm solution.
 */
export function leastSquaresFromStats(st: RidgeStats): RidgeFit | null {
  if (st.n < 2) return null;
  const c = centred(st);
  const W = c.C.slice();
  if (!choleskySolveInPlace(c.G.slice(), W, st.d, st.q, 1e-9)) return null;
  const bias = c.my.slice();
  for (let a = 0; a < st.d; a++) for (let k = 0; k < st.q; k++) bias[k] -= c.mx[a] * W[a * st.q + k];
  return { weights: new Matrix(st.d, st.q, W), bias, alpha: 0 };
}

function solveCentred(c: ReturnType<typeof centred>, d: number, q: number, lambda: number): RidgeFit {
  checkNumber(lambda, "ridge lambda", 0);
  const G = c.G.slice(), W = c.C.slice();
  // constant features (scale 0) still get a positive penalty so the system stays solvable
  const alpha = lambda * (c.scale > 0 ? c.scale : 1);
  for (let a = 0; a < d; a++) G[a * d + a] += alpha;
  if (!choleskySolveInPlace(G, W, d, q, 1e-14)) {
    throw new ValidationError(`ridge: the ${d}-feature system is singular at λ = ${lambda}; use a positive λ (e.g. 1e-6) or fewer features`);
  }
  const bias = c.my.slice();
  for (let a = 0; a < d; a++) for (let k = 0; k < q; k++) bias[k] -= c.mx[a] * W[a * q + k];
  return { weights: new Matrix(d, q, W), bias, alpha };
}

export function predictInto(X: Matrix, rows: ArrayLike<number>, fit: RidgeFit, out: Matrix): void {
  const d = X.cols, q = fit.bias.length, W = fit.weights.data;
  for (let s = 0; s < rows.length; s++) {
    const i = rows[s];
    for (let k = 0; k < q; k++) out.data[i * q + k] = fit.bias[k];
    for (let a = 0; a < d; a++) {
      const v = X.data[i * d + a];
      if (v === 0) continue;
      for (let k = 0; k < q; k++) out.data[i * q + k] += v * W[a * q + k];
    }
  }
}

/** A fitted ridge map y ≈ x W + b with a fixed relative penalty λ. */
export class RidgeDecoder {
  readonly lambda: number;
  fitted: RidgeFit | null = null;
  constructor(options: { lambda?: number } = {}) {
    this.lambda = options.lambda ?? 1e-3;
    checkNumber(this.lambda, "RidgeDecoder lambda", 0);
  }
  fit(x: MatrixLike, y: MatrixLike | ArrayLike<number>): this {
    const X = toMatrix(x, "RidgeDecoder x");
    const Y = asOutputs(y, "RidgeDecoder y");
    if (X.rows !== Y.rows) throw new ValidationError(`RidgeDecoder: x has ${X.rows} rows but y has ${Y.rows}; pass one target row per sample`);
    this.fitted = ridgeFromStats(ridgeStats(X, Y), this.lambda);
    return this;
  }
  predict(x: MatrixLike): Matrix {
    if (!this.fitted) throw new ValidationError("RidgeDecoder: call fit before predict");
    const X = toMatrix(x, "RidgeDecoder x", { cols: this.fitted.weights.rows });
    const out = new Matrix(X.rows, this.fitted.bias.length);
    predictInto(X, Array.from({ length: X.rows }, (_, i) => i), this.fitted, out);
    return out;
  }
}

export interface RidgeCrossValidation extends CrossValidatedDecoding {
  /** λ chosen inside each outer fold (by the inner, trial-grouped CV). */
  lambdas: number[];
  /** Inner-CV R² of each λ of the grid, per outer fold. */
  innerR2: number[][];
  grid: number[];
}

function sse(Y: Matrix, P: Matrix, rows: number[]): number {
  const q = Y.cols;
  let s = 0;
  for (const i of rows) for (let k = 0; k < q; k++) s += (Y.data[i * q + k] - P.data[i * q + k]) ** 2;
  return s;
}

/**
 * Nested, trial-grouped cross-validated ridge decoding. Outer folds (over trials) give the held-out
 * predictions; inside each, λ is the grid value with the smallest pooled squared error over inner
 * folds that are the remaining outer folds, each held out in turn (so inner splits are by trial too).
 */
export function crossValidateRidge(
  x: MatrixLike,
  y: MatrixLike | ArrayLike<number>,
  trials: ArrayLike<number>,
  options: { folds?: number; seed?: number; lambdas?: readonly number[] } = {},
): RidgeCrossValidation {
  const o = withDefaults<{ folds: number; seed: number; lambdas: readonly number[] }>({ folds: 5, seed: 0, lambdas: RIDGE_LAMBDAS }, options, "crossValidateRidge");
  const X0 = toMatrix(x, "crossValidateRidge x");
  const Y0 = asOutputs(y, "crossValidateRidge y");
  if (X0.rows !== Y0.rows) throw new ValidationError(`crossValidateRidge: x has ${X0.rows} rows but y has ${Y0.rows}`);
  if (!trials || trials.length !== X0.rows) throw new ValidationError(`crossValidateRidge trials: expected one trial id per row (${X0.rows}), got ${trials ? trials.length : "none"}`);
  const X = centreColumns(X0).centred, { centred: Y, mean: yMean } = centreColumns(Y0);
  if (o.lambdas.length === 0) throw new ValidationError("crossValidateRidge lambdas: the grid is empty; pass at least one λ ≥ 0");
  o.lambdas.forEach((l, i) => checkNumber(l, `crossValidateRidge lambdas[${i}]`, 0));
  const split = trialFolds(trials, o.folds, { seed: o.seed, name: "crossValidateRidge" });
  const F = split.folds;
  if (F < 3 && o.lambdas.length > 1) throw new ValidationError("crossValidateRidge: choosing λ needs folds ≥ 3 (inner folds are the other outer folds); raise folds or pass one λ");
  const stats = split.testRows.map((rows) => ridgeStats(X, Y, rows));
  const predictions = new Matrix(X.rows, Y.cols);
  const scratch = new Matrix(X.rows, Y.cols);
  const lambdas: number[] = [], innerR2: number[][] = [], foldR2: number[] = [];
  for (let f = 0; f < F; f++) {
    const inner = Array.from({ length: F }, (_, g) => g).filter((g) => g !== f);
    let best = o.lambdas[0], bestErr = Infinity;
    const scores: number[] = [];
    if (o.lambdas.length > 1) {
      const innerRows = inner.flatMap((g) => split.testRows[g]);
      let ss = 0;
      const mean = new Float64Array(Y.cols);
      for (const i of innerRows) for (let k = 0; k < Y.cols; k++) mean[k] += Y.data[i * Y.cols + k] / innerRows.length;
      for (const i of innerRows) for (let k = 0; k < Y.cols; k++) ss += (Y.data[i * Y.cols + k] - mean[k]) ** 2;
      const errs = new Float64Array(o.lambdas.length);
      for (const h of inner) {
        // the inner training set's centred statistics, shared by every λ
        const st = addStats(inner.filter((g) => g !== h).map((g) => stats[g]));
        if (st.n < 2) throw new ValidationError("crossValidateRidge: an inner training set has fewer than 2 rows; add trials or lower folds");
        const c = centred(st);
        o.lambdas.forEach((lambda, li) => {
          predictInto(X, split.testRows[h], solveCentred(c, st.d, st.q, lambda), scratch);
          errs[li] += sse(Y, scratch, split.testRows[h]);
        });
      }
      o.lambdas.forEach((lambda, li) => {
        scores.push(ss > 0 ? 1 - errs[li] / ss : NaN);
        if (errs[li] < bestErr) {
          bestErr = errs[li];
          best = lambda;
        }
      });
    }
    lambdas.push(best);
    innerR2.push(scores);
    const fit = ridgeFromStats(addStats(inner.map((g) => stats[g])), best);
    predictInto(X, split.testRows[f], fit, predictions);
    const test = split.testRows[f];
    foldR2.push(test.length >= 2 ? r2Score(Y.selectRows(test), predictions.selectRows(test)) : NaN);
  }
  addRowMean(predictions, yMean);
  return { predictions, r2: r2Score(Y0, predictions), foldR2, trialFold: split.trialFold, lambdas, innerR2, grid: [...o.lambdas] };
}
