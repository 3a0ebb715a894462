import { Matrix, type MatrixLike } from "../core/matrix.js";
import { ValidationError, checkNumber, checkOneOf, toMatrix, withDefaults } from "../core/validate.js";

/** The paraboloid z = −(αx)² − (αy)² of the paper's curved-surface experiments. */
export function paraboloidHeight(x: number, y: number, alpha: number): number {
  return -(alpha * x) * (alpha * x) - (alpha * y) * (alpha * y);
}

/** Lifts planar points (n × 2) onto the paraboloid: (x, y) → (x, y, −(αx)² − (αy)²). */
export function liftPointsToParaboloid(points: MatrixLike, alpha: number): Matrix {
  checkNumber(alpha, "liftPointsToParaboloid alpha");
  const P = toMatrix(points, "liftPointsToParaboloid points", { cols: 2 });
  const out = new Matrix(P.rows, 3);
  for (let i = 0; i < P.rows; i++) {
    const x = P.data[2 * i], y = P.data[2 * i + 1];
    out.data[3 * i] = x;
    out.data[3 * i + 1] = y;
    out.data[3 * i + 2] = paraboloidHeight(x, y, alpha);
  }
  return out;
}

export interface LiftOptions {
  alpha: number;
  /**
   * "endpoint" (the authors' toy-example construction): the lifted vector points from the lifted
   * anchor to the lifted end point p + v. It deviates from the tangent plane by α²|v|² (a secant).
   * "tangent": the differential of the lift, (vx, vy, −2α²(x·vx + y·vy)) — exactly tangent; it
   * is the endpoint construction's limit for short vectors.
   */
  method: "endpoint" | "tangent";
  /** Rescale each lifted vector to the length of its planar vector (the authors do in the toy example). */
  keepLength: boolean;
}

/**
 * Lifts a planar vector field (anchors n × 2, vectors n × 2) onto the paraboloid
 * z = −(αx)² − (αy)². Returns 3-D anchors and vectors.
 */
export function liftToParaboloid(anchor: MatrixLike, vector: MatrixLike, options?: Partial<LiftOptions>): { anchor: Matrix; vector: Matrix } {
  const opts = withDefaults<LiftOptions>({ alpha: 0.05, method: "endpoint", keepLength: true }, options, "liftToParaboloid");
  checkNumber(opts.alpha, "liftToParaboloid alpha");
  checkOneOf(opts.method, "liftToParaboloid method", ["endpoint", "tangent"]);
  const P = toMatrix(anchor, "liftToParaboloid anchor", { cols: 2 });
  const V = toMatrix(vector, "liftToParaboloid vector", { cols: 2 });
  if (P.rows !== V.rows) throw new ValidationError(`liftToParaboloid: ${P.rows} anchors but ${V.rows} vectors; pass one vector per anchor`);
  const a = opts.alpha;
  const lifted = liftPointsToParaboloid(P, a);
  const out = new Matrix(P.rows, 3);
  for (let i = 0; i < P.rows; i++) {
    const x = P.data[2 * i], y = P.data[2 * i + 1], vx = V.data[2 * i], vy = V.data[2 * i + 1];
    let vz: number;
    if (opts.method === "tangent") vz = -2 * a * a * (x * vx + y * vy);
    else vz = paraboloidHeight(x + vx, y + vy, a) - lifted.data[3 * i + 2];
    let sx = vx, sy = vy, sz = vz;
    if (opts.keepLength) {
      const len2d = Math.hypot(vx, vy), len3d = Math.hypot(vx, vy, vz);
      const s = len3d > 0 ? len2d / len3d : 0;
      sx *= s;
      sy *= s;
      sz *= s;
    }
    out.data[3 * i] = sx;
    out.data[3 * i + 1] = sy;
    out.data[3 * i + 2] = sz;
  }
  return { anchor: lifted, vector: out };
}
