/**
 * Coefficient of determination with scikit-learn's semantics (sklearn.metrics.r2_score):
 * per output R² = 1 − SS_res / SS_tot; an output with SS_tot = 0 scores 1 when predicted exactly
 * and 0 otherwise; outputs are averaged uniformly, weighted by their variance, or returned raw.
 */
import type { MatrixLike } from "../core/matrix.js";
import { Matrix } from "../core/matrix.js";
import { toMatrix, ValidationError, checkOneOf } from "../core/validate.js";

export type R2Multioutput = "uniform_average" | "variance_weighted" | "raw_values";

/** Accepts a 1-D array (one output) or a matrix (one column per output). */
export function asOutputs(y: MatrixLike | ArrayLike<number>, name: string): Matrix {
  if (y instanceof Matrix) return toMatrix(y, name);
  const arr = y as ArrayLike<unknown>;
  if (arr && typeof arr.length === "number" && (arr.length === 0 || typeof arr[0] === "number")) {
    return toMatrix(new Matrix(arr.length, 1, Float64Array.from(arr as ArrayLike<number>)), name);
  }
  return toMatrix(y as MatrixLike, name);
}

export function r2Score(yTrue: MatrixLike | ArrayLike<number>, yPred: MatrixLike | ArrayLike<number>, options?: { multioutput?: "uniform_average" | "variance_weighted" }): number;
export function r2Score(yTrue: MatrixLike | ArrayLike<number>, yPred: MatrixLike | ArrayLike<number>, options: { multioutput: "raw_values" }): Float64Array;
export function r2Score(
  yTrue: MatrixLike | ArrayLike<number>,
  yPred: MatrixLike | ArrayLike<number>,
  options: { multioutput?: R2Multioutput } = {},
): number | Float64Array {
  const multioutput = options.multioutput ?? "uniform_average";
  checkOneOf(multioutput, "r2Score multioutput", ["uniform_average", "variance_weighted", "raw_values"] as const);
  const T = asOutputs(yTrue, "r2Score yTrue");
  const P = asOutputs(yPred, "r2Score yPred");
  if (T.rows !== P.rows || T.cols !== P.cols) {
    throw new ValidationError(`r2Score: yTrue is ${T.rows} × ${T.cols} but yPred is ${P.rows} × ${P.cols}; pass predictions of the same shape`);
  }
  const n = T.rows, q = T.cols;
  if (n < 2) throw new ValidationError(`r2Score: needs at least 2 samples, got ${n}`);
  const num = new Float64Array(q), den = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += T.data[i * q + j];
    mean /= n;
    for (let i = 0; i < n; i++) {
      const t = T.data[i * q + j];
      num[j] += (t - P.data[i * q + j]) ** 2;
      den[j] += (t - mean) ** 2;
    }
  }
  const raw = new Float64Array(q);
  for (let j = 0; j < q; j++) raw[j] = den[j] !== 0 ? 1 - num[j] / den[j] : num[j] === 0 ? 1 : 0;
  if (multioutput === "raw_values") return raw;
  if (multioutput === "variance_weighted") {
    let w = 0, s = 0;
    for (let j = 0; j < q; j++) {
      w += den[j];
      s += den[j] * raw[j];
    }
    // All outputs constant: scikit-learn falls back to the uniform average.
    if (w === 0) return raw.reduce((x, y) => x + y, 0) / q;
    return s / w;
  }
  return raw.reduce((x, y) => x + y, 0) / q;
}
