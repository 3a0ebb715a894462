/**
 * Bringing trials to a common length: crop (keep the first T bins; shorter trials are an error or
 * padded), pad (repeat the last bin), or resample (linear interpolation onto T evenly spaced
 * points spanning the trial, for time-warped comparisons).
 */
import { Matrix, type MatrixLike } from "../../core/matrix.js";
import { ValidationError, checkInteger, checkOneOf, toMatrix } from "../../core/validate.js";

export type LengthMode = "crop" | "pad" | "crop-or-pad" | "resample";

/** Rows of a T_i × d trial brought to `length` rows. */
export function fitLength(x: MatrixLike, length: number, mode: LengthMode, name = "trial"): Matrix {
  checkInteger(length, "fitLength length", 1);
  checkOneOf(mode, "fitLength mode", ["crop", "pad", "crop-or-pad", "resample"] as const);
  const X = toMatrix(x, name);
  const T = X.rows, d = X.cols;
  if (T === 0) throw new ValidationError(`${name}: has no rows`);
  if (mode === "resample") return resampleRows(X, length);
  if (T > length && mode === "pad") throw new ValidationError(`${name}: has ${T} rows, more than ${length}; use mode "crop" or "crop-or-pad"`);
  if (T < length && mode === "crop") throw new ValidationError(`${name}: has ${T} rows, fewer than ${length}; use mode "crop-or-pad", "pad" or a shorter length`);
  const out = new Matrix(length, d);
  for (let t = 0; t < length; t++) {
    const s = Math.min(t, T - 1);
    out.data.set(X.data.subarray(s * d, (s + 1) * d), t * d);
  }
  return out;
}

/** Linear interpolation of the rows onto `length` points spanning the same interval (first and last rows kept). */
export function resampleRows(x: MatrixLike, length: number): Matrix {
  checkInteger(length, "resampleRows length", 1);
  const X = toMatrix(x, "resampleRows input");
  const T = X.rows, d = X.cols;
  const out = new Matrix(length, d);
  for (let t = 0; t < length; t++) {
    const pos = length === 1 ? 0 : (t * (T - 1)) / (length - 1);
    const a = Math.floor(pos), b = Math.min(a + 1, T - 1), w = pos - a;
    for (let c = 0; c < d; c++) out.data[t * d + c] = (1 - w) * X.data[a * d + c] + w * X.data[b * d + c];
  }
  return out;
}

/** Every trial brought to `length` rows (default: the shortest trial's length, with crop). */
export function commonLength(trials: MatrixLike[], options: { length?: number; mode?: LengthMode } = {}): Matrix[] {
  if (trials.length === 0) throw new ValidationError("commonLength: no trials");
  const mats = trials.map((t, i) => toMatrix(t, `trial ${i}`));
  const length = options.length ?? Math.min(...mats.map((m) => m.rows));
  return mats.map((m, i) => fitLength(m, length, options.mode ?? "crop", `trial ${i}`));
}
