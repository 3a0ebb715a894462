/**
 * One trial-grouped cross-validation helper for the decoders of this folder: the paper's linear
 * decoder (least squares with bias), ridge with λ chosen by nested trial-grouped CV, and k-NN
 * regression. Every method sees the same folds for a given seed, so their scores are paired.
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { ValidationError, checkInteger, checkOneOf, toMatrix, withDefaults } from "../core/validate.js";
import { asOutputs, r2Score } from "./r2.js";
import { trialFolds } from "./folds.js";
import { crossValidateLinearDecoder, type CrossValidatedDecoding } from "./linear.js";
import { crossValidateRidge, RIDGE_LAMBDAS } from "./ridge.js";
import { KnnDecoder, type KnnMetric } from "./knn.js";

export type DecoderMethod = "linear" | "ridge" | "knn";
export const DECODER_METHODS: readonly DecoderMethod[] = ["linear", "ridge", "knn"];

export interface CrossValidateOptions {
  method: DecoderMethod;
  folds: number;
  seed: number;
  /** ridge: relative penalties to choose from (see crossValidateRidge). */
  lambdas: readonly number[];
  /** knn: neighbours and metric (scikit-learn's KNeighborsRegressor, uniform weights). */
  k: number;
  metric: KnnMetric;
}

export interface DecodingResult extends CrossValidatedDecoding {
  method: DecoderMethod;
  /** What was chosen inside the folds (ridge: λ per fold), for the report. */
  chosen: string;
  /** Departures from the options, counted, for printing (k-NN: folds whose training part holds fewer than k rows). */
  notes: string[];
}

export function crossValidateDecoder(
  x: MatrixLike,
  y: MatrixLike | ArrayLike<number>,
  trials: ArrayLike<number>,
  options: Partial<CrossValidateOptions> = {},
): DecodingResult {
  const o = withDefaults<CrossValidateOptions>({ method: "linear", folds: 5, seed: 0, lambdas: RIDGE_LAMBDAS, k: 10, metric: "euclidean" }, options, "crossValidateDecoder");
  checkOneOf(o.method, "crossValidateDecoder method", DECODER_METHODS);
  if (o.method === "linear") return { ...crossValidateLinearDecoder(x, y, trials, { folds: o.folds, seed: o.seed }), method: "linear", chosen: "", notes: [] };
  if (o.method === "ridge") {
    const r = crossValidateRidge(x, y, trials, { folds: o.folds, seed: o.seed, lambdas: o.lambdas });
    return { ...r, method: "ridge", chosen: `λ per fold ${r.lambdas.map((l) => l.toExponential(0)).join(", ")}`, notes: [] };
  }
  checkInteger(o.k, "crossValidateDecoder k", 1);
  const X = toMatrix(x, "crossValidateDecoder x");
  const Y = asOutputs(y, "crossValidateDecoder y");
  if (X.rows !== Y.rows) throw new ValidationError(`crossValidateDecoder: x has ${X.rows} rows but y has ${Y.rows}`);
  if (!trials || trials.length !== X.rows) throw new ValidationError(`crossValidateDecoder trials: expected one trial id per row (${X.rows}), got ${trials ? trials.length : "none"}`);
  const split = trialFolds(trials, o.folds, { seed: o.seed, name: "crossValidateDecoder" });
  const predictions = new Matrix(X.rows, Y.cols);
  const foldR2: number[] = [];
  // a fold whose training part holds fewer than k rows (a small recording or condition) is decoded
  // with k = its training rows, and counted, rather than stopping the whole cross-validation
  const lowered: { fold: number; k: number }[] = [];
  for (let f = 0; f < split.folds; f++) {
    const test = split.testRows[f];
    const train: number[] = [];
    for (let r = 0; r < X.rows; r++) if (split.rowFold[r] !== f) train.push(r);
    if (train.length === 0) throw new ValidationError(`crossValidateDecoder: fold ${f + 1} leaves no training rows; lower folds`);
    const k = Math.min(o.k, train.length);
    if (k < o.k) lowered.push({ fold: f + 1, k });
    const dec = new KnnDecoder({ k, metric: o.metric }).fit(X.selectRows(train), Y.selectRows(train));
    const P = dec.predict(X.selectRows(test));
    test.forEach((r, i) => predictions.data.set(P.row(i), r * Y.cols));
    foldR2.push(test.length >= 2 ? r2Score(Y.selectRows(test), P) : NaN);
  }
  const notes = lowered.length
    ? [`k-NN: ${lowered.length} of ${split.folds} folds have fewer than k = ${o.k} training rows; k lowered there (${lowered.map((l) => `fold ${l.fold}: k = ${l.k}`).join(", ")})`]
    : [];
  const chosen = `k = ${o.k}${lowered.length ? ` (lowered in ${lowered.length} fold${lowered.length > 1 ? "s" : ""})` : ""}, ${o.metric}`;
  return { predictions, r2: r2Score(Y, predictions), foldR2, trialFold: split.trialFold, method: "knn", chosen, notes };
}
