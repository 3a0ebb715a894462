/**
 * Per-trial velocity from sampled positions. Schemes:
 * - "central" (default): (x[t+1] − x[t−1]) / (2·dt) inside the trial, one-sided first differences
 *   (x[1] − x[0]) / dt and (x[T−1] − x[T−2]) / dt at its ends — numpy.gradient's rule, T rows;
 * - "forward": (x[t+1] − x[t]) / dt, T − 1 rows (MARBLE's pairing of ts[0..T−2] with diff(ts));
 * - "backward": (x[t] − x[t−1]) / dt with row 0 = row 1, T rows.
 * Differences never cross trial boundaries.
 */
import { Matrix, type MatrixLike } from "../../core/matrix.js";
import { ValidationError, checkNumber, checkOneOf, toMatrix } from "../../core/validate.js";

export type DifferenceScheme = "central" | "forward" | "backward";

export function trialVelocity(position: MatrixLike, dt: number, scheme: DifferenceScheme = "central"): Matrix {
  checkNumber(dt, "trialVelocity dt", Number.MIN_VALUE);
  checkOneOf(scheme, "trialVelocity scheme", ["central", "forward", "backward"] as const);
  const X = toMatrix(position, "trialVelocity position");
  const T = X.rows, d = X.cols;
  if (T < 2) throw new ValidationError(`trialVelocity: a trial needs at least 2 samples, got ${T}`);
  const at = (t: number, c: number) => X.data[t * d + c];
  if (scheme === "forward") {
    const out = new Matrix(T - 1, d);
    for (let t = 0; t < T - 1; t++) for (let c = 0; c < d; c++) out.data[t * d + c] = (at(t + 1, c) - at(t, c)) / dt;
    return out;
  }
  const out = new Matrix(T, d);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < d; c++) {
      let v: number;
      if (scheme === "backward") v = t === 0 ? at(1, c) - at(0, c) : at(t, c) - at(t - 1, c);
      else if (t === 0) v = at(1, c) - at(0, c);
      else if (t === T - 1) v = at(T - 1, c) - at(T - 2, c);
      else v = (at(t + 1, c) - at(t - 1, c)) / 2;
      out.data[t * d + c] = v / dt;
    }
  }
  return out;
}
