import { Matrix, type MatrixLike } from "../core/matrix.js";
import { ValidationError, checkOneOf, toMatrix, withDefaults } from "../core/validate.js";
import { savgolFilter } from "./savgol.js";

/** Row-wise forward difference: out[t] = x[t+1] − x[t], (T − 1) × d. */
export function diffRows(x: MatrixLike): Matrix {
  const X = toMatrix(x, "diffRows input");
  if (X.rows < 2) throw new ValidationError(`diffRows input: needs at least 2 rows (time points), got ${X.rows}`);
  const d = X.cols, out = new Matrix(X.rows - 1, d);
  for (let i = 0; i < out.data.length; i++) out.data[i] = X.data[i + d] - X.data[i];
  return out;
}

export interface TrajectoryVelocityOptions {
  /** "diff": forward differences (T − 1 rows, as MARBLE's pos/vel split); "savgol": SG derivative (T rows). */
  method: "diff" | "savgol";
  /** Savitzky–Golay window and order (method "savgol"). */
  window: number;
  order: number;
  /** Sample spacing: velocities are divided by it (1 = per sample). */
  dt: number;
}

/**
 * Velocity of a trajectory (T × d). With "diff" the result has T − 1 rows and pairs with positions
 * ts[0..T−2] (method doc §1); with "savgol" it has T rows (derivative of the local polynomial).
 */
export function trajectoryVelocity(x: MatrixLike, options?: Partial<TrajectoryVelocityOptions>): Matrix {
  const opts = withDefaults<TrajectoryVelocityOptions>({ method: "diff", window: 9, order: 2, dt: 1 }, options, "trajectoryVelocity");
  checkOneOf(opts.method, "trajectoryVelocity method", ["diff", "savgol"]);
  if (opts.method === "savgol") return savgolFilter(x, { window: opts.window, order: opts.order, deriv: 1, delta: opts.dt });
  const v = diffRows(x);
  if (opts.dt !== 1) for (let i = 0; i < v.data.length; i++) v.data[i] /= opts.dt;
  return v;
}

/** MARBLE's split of a time series (T × d) into anchors ts[0..T−2] and vectors diff(ts). */
export function positionsAndVelocities(ts: MatrixLike): { anchor: Matrix; vector: Matrix } {
  const X = toMatrix(ts, "positionsAndVelocities time series");
  const vector = diffRows(X);
  const anchor = new Matrix(X.rows - 1, X.cols, X.data.slice(0, (X.rows - 1) * X.cols));
  return { anchor, vector };
}
