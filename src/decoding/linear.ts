/**
 * Optimal linear estimator (OLE): least squares with a bias term, the decoder the method uses for
 * hand velocity. Cross-validation folds are drawn over trials, never over bins, so neighbouring
 * (correlated) bins of one trial never sit on both sides of a split.
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { symmetricEigen } from "../core/eigen.js";
import { toMatrix, withDefaults, checkInteger, checkNumber, checkOneOf, ValidationError } from "../core/validate.js";
import { asOutputs, r2Score } from "./r2.js";
import { groupByTrial, trialFolds } from "./folds.js";
import { choleskySolveInPlace } from "./cholesky.js";
import { addStats, centreColumns, leastSquaresFromStats, predictInto, ridgeStats } from "./ridge.js";

export { groupByTrial };

/** A fitted affine map y ≈ x W + b. */
export class LinearDecoder {
  /** d × q weights. */
  weights: Matrix | null = null;
  /** q biases. */
  bias: Float64Array | null = null;

  /** Minimum-norm least-squares fit (rank-deficient inputs are handled by a pseudo-inverse). */
  fit(x: MatrixLike, y: MatrixLike | ArrayLike<number>): this {
    const X = toMatrix(x, "LinearDecoder x");
    const Y = asOutputs(y, "LinearDecoder y");
    if (X.rows !== Y.rows) throw new ValidationError(`LinearDecoder: x has ${X.rows} rows but y has ${Y.rows}; pass one target row per sample`);
    if (X.rows < 2) throw new ValidationError(`LinearDecoder: needs at least 2 samples, got ${X.rows}`);
    const { weights, bias } = leastSquaresWithBias(X, Y);
    this.weights = weights;
    this.bias = bias;
    return this;
  }

  predict(x: MatrixLike): Matrix {
    if (!this.weights || !this.bias) throw new ValidationError("LinearDecoder: call fit before predict");
    const X = toMatrix(x, "LinearDecoder x", { cols: this.weights.rows });
    return affine(X, this.weights, this.bias);
  }
}

function affine(X: Matrix, W: Matrix, b: Float64Array): Matrix {
  const n = X.rows, d = X.cols, q = W.cols;
  const out = new Matrix(n, q);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < q; k++) out.data[i * q + k] = b[k];
    for (let j = 0; j < d; j++) {
      const v = X.data[i * d + j];
      if (v === 0) continue;
      for (let k = 0; k < q; k++) out.data[i * q + k] += v * W.data[j * q + k];
    }
  }
  return out;
}

/**
 * Solves min ‖X W + 1 bᵀ − Y‖² on centred data through the pseudo-inverse of the covariance
 * (eigenvalues below 1e-12 × the largest are treated as zero), giving lstsq's minimum-norm answer.
 */
export function leastSquaresWithBias(X: Matrix, Y: Matrix): { weights: Matrix; bias: Float64Array } {
  const n = X.rows, d = X.cols, q = Y.cols;
  const mx = new Float64Array(d), my = new Float64Array(q);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) mx[j] += X.data[i * d + j] / n;
    for (let k = 0; k < q; k++) my[k] += Y.data[i * q + k] / n;
  }
  const S = new Matrix(d, d), R = new Matrix(d, q);
  const xc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) xc[j] = X.data[i * d + j] - mx[j];
    for (let a = 0; a < d; a++) {
      const va = xc[a];
      for (let b = a; b < d; b++) S.data[a * d + b] += va * xc[b];
      for (let k = 0; k < q; k++) R.data[a * q + k] += va * (Y.data[i * q + k] - my[k]);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) S.data[a * d + b] = S.data[b * d + a];
  // Fast path: a well-conditioned covariance is solved by Cholesky (the same solution as the
  // pseudo-inverse when S has full rank); a rank-deficient or nearly singular one falls back to the
  // eigendecomposition and its minimum-norm solution.
  const fast = d > 0 ? choleskyWeights(S, R, d, q) : null;
  if (fast) return withBias(fast, mx, my, d, q);
  const W = new Matrix(d, q);
  if (d > 0) {
    const { values, vectors } = symmetricEigen(S);
    let maxEig = 0;
    for (const v of values) maxEig = Math.max(maxEig, v);
    const cut = 1e-12 * maxEig;
    // W = V diag(1/λ) Vᵀ R over the retained eigenpairs.
    for (let e = 0; e < d; e++) {
      if (!(values[e] > cut)) continue;
      const proj = new Float64Array(q);
      for (let a = 0; a < d; a++) {
        const v = vectors.data[a * d + e];
        for (let k = 0; k < q; k++) proj[k] += v * R.data[a * q + k];
      }
      for (let a = 0; a < d; a++) {
        const v = vectors.data[a * d + e] / values[e];
        for (let k = 0; k < q; k++) W.data[a * q + k] += v * proj[k];
      }
    }
  }
  return withBias(W, mx, my, d, q);
}

function choleskyWeights(S: Matrix, R: Matrix, d: number, q: number): Matrix | null {
  const B = R.data.slice();
  // 1e-9 relative pivot floor: below it the pseudo-inverse's cut-off (1e-12 of the largest
  // eigenvalue) may differ from a plain solve, so the exact minimum-norm path decides.
  return choleskySolveInPlace(S.data.slice(), B, d, q, 1e-9) ? new Matrix(d, q, B) : null;
}

function withBias(W: Matrix, mx: Float64Array, my: Float64Array, d: number, q: number): { weights: Matrix; bias: Float64Array } {
  const bias = my.slice();
  for (let j = 0; j < d; j++) for (let k = 0; k < q; k++) bias[k] -= mx[j] * W.data[j * q + k];
  return { weights: W, bias };
}

export interface CrossValidatedDecoding {
  /** Held-out prediction for every row (n × q). */
  predictions: Matrix;
  /** R² of all held-out predictions pooled (uniform average over outputs). */
  r2: number;
  /** R² within each fold. */
  foldR2: number[];
  /** Fold index of each trial, in order of the trial ids' first appearance. */
  trialFold: Int32Array;
}

/**
 * k-fold cross-validated linear decoding with folds over trials: trials are shuffled (seeded) and
 * dealt into `folds` groups of near-equal size; each group is predicted by a decoder fitted on the rest.
 */
export function crossValidateLinearDecoder(
  x: MatrixLike,
  y: MatrixLike | ArrayLike<number>,
  trials: ArrayLike<number>,
  options: { folds?: number; seed?: number; shuffle?: boolean } = {},
): CrossValidatedDecoding {
  const opts = withDefaults({ folds: 5, seed: 0, shuffle: true }, options, "crossValidateLinearDecoder");
  const X = toMatrix(x, "crossValidateLinearDecoder x");
  const Y = asOutputs(y, "crossValidateLinearDecoder y");
  if (X.rows !== Y.rows) throw new ValidationError(`crossValidateLinearDecoder: x has ${X.rows} rows but y has ${Y.rows}`);
  checkInteger(opts.folds, "crossValidateLinearDecoder folds", 2);
  checkNumber(opts.seed, "crossValidateLinearDecoder seed");
  if (!trials || trials.length !== X.rows) throw new ValidationError(`crossValidateLinearDecoder trials: expected one trial id per row (${X.rows}), got ${trials ? trials.length : "none"}`);
  const split = trialFolds(trials, opts.folds, { seed: opts.seed, shuffle: opts.shuffle, name: "crossValidateLinearDecoder" });
  const { trialRows: rows, trialFold } = split;
  const nt = rows.length;
  const q = Y.cols;
  const predictions = new Matrix(X.rows, q);
  const foldR2: number[] = [];
  // Sums over each fold's rows, accumulated once: a fold's training statistics are the sum of the
  // others', so the d × d covariance is not rebuilt from the rows for every fold.
  const Xc = centreColumns(X).centred, { centred: Yc, mean: yMean } = centreColumns(Y);
  const stats = split.testRows.map((rows) => ridgeStats(Xc, Yc, rows));
  for (let f = 0; f < opts.folds; f++) {
    const test = split.testRows[f];
    const fast = leastSquaresFromStats(addStats(stats.filter((_, g) => g !== f)));
    if (fast) {
      predictInto(Xc, test, fast, predictions);
      for (const r of test) for (let k = 0; k < q; k++) predictions.data[r * q + k] += yMean[k];
    } else {
      // singular or nearly singular covariance: the exact minimum-norm solution from the rows
      const train: number[] = [];
      for (let t = 0; t < nt; t++) if (trialFold[t] !== f) train.push(...rows[t]);
      const P = new LinearDecoder().fit(X.selectRows(train), Y.selectRows(train)).predict(X.selectRows(test));
      test.forEach((r, i) => predictions.data.set(P.row(i), r * q));
    }
    foldR2.push(test.length >= 2 ? r2Score(Y.selectRows(test), predictions.selectRows(test)) : NaN);
  }
  return { predictions, r2: r2Score(Y, predictions), foldR2, trialFold };
}

/**
 * Integrates velocity to position within each trial, starting from `start` (one row per trial in
 * order of first appearance; zeros when omitted).
 * - step "backward" (default, as the method's kinematic decoder does): pos[0] = start,
 *   pos[t] = pos[t−1] + dt · vel[t] — the velocity of bin t brings the hand to bin t;
 * - step "forward": pos[t] = start + dt · Σ_{s<t} vel[s] — vel[t] moves the hand from bin t to
 *   t + 1, matching vel = diff(position).
 */
export function integrateVelocity(
  velocity: MatrixLike,
  trials: ArrayLike<number>,
  options: { dt?: number; start?: MatrixLike; step?: "backward" | "forward" } = {},
): Matrix {
  const opts = withDefaults<{ dt: number; start: MatrixLike | undefined; step: "backward" | "forward" }>(
    { dt: 1, start: undefined, step: "backward" },
    options,
    "integrateVelocity",
  );
  const V = toMatrix(velocity, "integrateVelocity velocity");
  checkNumber(opts.dt, "integrateVelocity dt");
  checkOneOf(opts.step, "integrateVelocity step", ["backward", "forward"] as const);
  const { rows } = groupByTrial(trials, V.rows, "integrateVelocity trials");
  const q = V.cols;
  const start = opts.start !== undefined ? toMatrix(opts.start, "integrateVelocity start", { rows: rows.length, cols: q }) : new Matrix(rows.length, q);
  const out = new Matrix(V.rows, q);
  rows.forEach((rs, t) => {
    const acc = Float64Array.from(start.row(t));
    rs.forEach((r, s) => {
      if (opts.step === "backward" && s > 0) for (let k = 0; k < q; k++) acc[k] += opts.dt * V.data[r * q + k];
      out.data.set(acc, r * q);
      if (opts.step === "forward") for (let k = 0; k < q; k++) acc[k] += opts.dt * V.data[r * q + k];
    });
  });
  return out;
}

/**
 * One feature row per trial: the trial's trajectory flattened dimension by dimension
 * ([x_0 … x_T, y_0 … y_T] for 2-D positions), the input of the reach-direction classifier.
 * Every trial must have the same number of bins.
 */
export function trajectoryFeatures(positions: MatrixLike, trials: ArrayLike<number>): { features: Matrix; trialIds: number[] } {
  const P = toMatrix(positions, "trajectoryFeatures positions");
  const { ids, rows } = groupByTrial(trials, P.rows, "trajectoryFeatures trials");
  const T = rows[0].length, q = P.cols;
  rows.forEach((rs, t) => {
    if (rs.length !== T) {
      throw new ValidationError(`trajectoryFeatures: trial ${ids[t]} has ${rs.length} bins but trial ${ids[0]} has ${T}; crop or resample trials to equal length`);
    }
  });
  const features = new Matrix(rows.length, T * q);
  rows.forEach((rs, t) => {
    for (let k = 0; k < q; k++) for (let s = 0; s < T; s++) features.data[t * T * q + k * T + s] = P.data[rs[s] * q + k];
  });
  return { features, trialIds: ids };
}
