/**
 * Diffusion layers with a learnable time t (initialised at 0; like the original, the value itself
 * is clamped to ≥ 1e-8 before use, and derivatives are taken at the clamped value).
 *
 * Scalar signals: each channel is diffused with the heat kernel exp(−tL).
 * Vector signals in local frames: diffused with the connection Laplacian, then each node's
 * vector is rescaled so its magnitude equals the scalar diffusion of the magnitudes divided by
 * the scalar diffusion of the constant 1 (keeps the magnitudes the scalar heat flow would give,
 * while the connection Laplacian supplies the directions).
 */
import { Matrix } from "../core/matrix.js";
import type { DiffusionOperator } from "../geometry/types.js";

export const MIN_DIFFUSION_TIME = 1e-8;

export function clampDiffusionTime(t: number): number {
  return t < MIN_DIFFUSION_TIME ? MIN_DIFFUSION_TIME : t;
}

/** exp(−tL) applied channel-wise to an n × c signal. */
export class ScalarDiffusion {
  readonly op: DiffusionOperator;
  constructor(op: DiffusionOperator) {
    this.op = op;
  }

  forward(x: Matrix, t: number): Matrix {
    return this.op.apply(x, clampDiffusionTime(t));
  }

  /** Value and derivative with respect to t. */
  forwardWithTangent(x: Matrix, t: number): { value: Matrix; tangent: Matrix } {
    const r = this.op.applyWithDerivative(x, clampDiffusionTime(t));
    return { value: r.value, tangent: r.dt };
  }

  /** dL/dx and dL/dt from dL/dy. */
  backward(x: Matrix, t: number, gy: Matrix): { gradX: Matrix; gradT: number } {
    const tc = clampDiffusionTime(t);
    const gradX = this.op.applyTranspose(gy, tc);
    const { dt } = this.op.applyWithDerivative(x, tc);
    let gradT = 0;
    for (let i = 0; i < dt.data.length; i++) gradT += dt.data[i] * gy.data[i];
    return { gradX, gradT };
  }
}

/**
 * Connection-Laplacian diffusion of an m-vector per node (signal n × m in local frames,
 * node-major, i.e. the (n·m) × 1 column the vector operator acts on), with magnitude rescaling.
 */
export class VectorDiffusion {
  readonly vectorOp: DiffusionOperator;
  readonly scalarOp: DiffusionOperator;
  readonly dimMan: number;

  constructor(vectorOp: DiffusionOperator, scalarOp: DiffusionOperator) {
    if (vectorOp.size % scalarOp.size !== 0) {
      throw new RangeError(`VectorDiffusion: vector operator size ${vectorOp.size} is not a multiple of the node count ${scalarOp.size}`);
    }
    this.vectorOp = vectorOp;
    this.scalarOp = scalarOp;
    this.dimMan = vectorOp.size / scalarOp.size;
  }

  forward(x: Matrix, t: number): Matrix {
    return this.forwardWithTangent(x, t).value;
  }

  /** Value and derivative with respect to t of the rescaled vector diffusion. */
  forwardWithTangent(x: Matrix, t: number): { value: Matrix; tangent: Matrix } {
    const n = this.scalarOp.size, m = this.dimMan;
    if (x.rows !== n || x.cols !== m) throw new RangeError(`VectorDiffusion: expected an ${n} × ${m} signal in local frames, got ${x.rows} × ${x.cols}`);
    const tc = clampDiffusionTime(t);
    const vec = this.vectorOp.applyWithDerivative(new Matrix(n * m, 1, x.data), tc);
    const sc = this.scalarOp.applyWithDerivative(VectorDiffusion.magnitudes(x), tc);
    return VectorDiffusion.rescale(vec, sc, n, m);
  }

  /** The n × 2 signal [|x_i|, 1] whose scalar diffusion sets the magnitudes. */
  static magnitudes(x: Matrix): Matrix {
    const n = x.rows, m = x.cols;
    const mag = new Matrix(n, 2);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let a = 0; a < m; a++) s += x.data[i * m + a] ** 2;
      mag.data[2 * i] = Math.sqrt(s);
      mag.data[2 * i + 1] = 1;
    }
    return mag;
  }

  /**
   * Rescales the connection-diffused vectors `vec` ((n·m) × 1, with t-derivative) to the
   * magnitudes diffused in `sc` (n × 2: magnitudes and the constant 1, with t-derivatives).
   */
  static rescale(vec: { value: Matrix; dt: Matrix }, sc: { value: Matrix; dt: Matrix }, n: number, m: number): { value: Matrix; tangent: Matrix } {
    const value = new Matrix(n, m), tangent = new Matrix(n, m);
    const v = vec.value.data, dv = vec.dt.data, S = sc.value.data, dS = sc.dt.data;
    for (let i = 0; i < n; i++) {
      let vv = 0, vdv = 0;
      for (let a = 0; a < m; a++) {
        vv += v[i * m + a] ** 2;
        vdv += v[i * m + a] * dv[i * m + a];
      }
      const norm = Math.sqrt(vv);
      if (norm === 0 || S[2 * i + 1] === 0) continue;
      const target = S[2 * i] / S[2 * i + 1];
      const dTarget = (dS[2 * i] * S[2 * i + 1] - S[2 * i] * dS[2 * i + 1]) / (S[2 * i + 1] * S[2 * i + 1]);
      const k = target / norm;
      // d(k) = dTarget/norm − target (v·dv)/norm³
      const dk = dTarget / norm - (target * vdv) / (norm * norm * norm);
      for (let a = 0; a < m; a++) {
        value.data[i * m + a] = v[i * m + a] * k;
        tangent.data[i * m + a] = dv[i * m + a] * k + v[i * m + a] * dk;
      }
    }
    return { value, tangent };
  }
}
