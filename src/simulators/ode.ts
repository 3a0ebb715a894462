import { Matrix } from "../core/matrix.js";
import { ValidationError, checkInteger, checkNumber, withDefaults } from "../core/validate.js";

/** Right-hand side dy/dt = f(t, y), written into `out` (length of y). */
export type OdeRhs = (t: number, y: Float64Array, out: Float64Array) => void;

function checkTimes(times: ArrayLike<number>, where: string): void {
  if (times.length < 1) throw new ValidationError(`${where} times: pass at least one output time`);
  for (let i = 0; i < times.length; i++) {
    if (!Number.isFinite(times[i])) throw new ValidationError(`${where} times[${i}] is ${times[i]}; times must be finite`);
    if (i > 0 && !(times[i] > times[i - 1])) throw new ValidationError(`${where} times must be strictly increasing (times[${i}] = ${times[i]} after ${times[i - 1]})`);
  }
}

function checkY0(y0: ArrayLike<number>, where: string): Float64Array {
  if (!y0 || y0.length < 1) throw new ValidationError(`${where} y0: pass the initial state (at least one component)`);
  const y = Float64Array.from(y0);
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) throw new ValidationError(`${where} y0[${i}] is ${y[i]}`);
  return y;
}

/**
 * Classical fixed-step fourth-order Runge–Kutta. Integrates from times[0] through every requested
 * time (one row of the result per time), with `substeps` equal RK4 steps between consecutive
 * output times (or steps no longer than `maxStep` when that is given).
 */
export function rk4(f: OdeRhs, y0: ArrayLike<number>, times: ArrayLike<number>, options?: { substeps?: number; maxStep?: number }): Matrix {
  const opts = withDefaults({ substeps: 1, maxStep: Infinity }, options, "rk4");
  checkInteger(opts.substeps, "rk4 substeps", 1);
  if (opts.maxStep !== Infinity) checkNumber(opts.maxStep, "rk4 maxStep", Number.MIN_VALUE);
  checkTimes(times, "rk4");
  const y = checkY0(y0, "rk4");
  const n = y.length;
  const out = new Matrix(times.length, n);
  out.data.set(y, 0);
  const k1 = new Float64Array(n), k2 = new Float64Array(n), k3 = new Float64Array(n), k4 = new Float64Array(n), tmp = new Float64Array(n);
  for (let i = 1; i < times.length; i++) {
    const span = times[i] - times[i - 1];
    const steps = Math.max(opts.substeps, Math.ceil(span / opts.maxStep));
    const h = span / steps;
    let t = times[i - 1];
    for (let s = 0; s < steps; s++) {
      f(t, y, k1);
      for (let j = 0; j < n; j++) tmp[j] = y[j] + 0.5 * h * k1[j];
      f(t + 0.5 * h, tmp, k2);
      for (let j = 0; j < n; j++) tmp[j] = y[j] + 0.5 * h * k2[j];
      f(t + 0.5 * h, tmp, k3);
      for (let j = 0; j < n; j++) tmp[j] = y[j] + h * k3[j];
      f(t + h, tmp, k4);
      for (let j = 0; j < n; j++) y[j] += (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
      t = times[i - 1] + (s + 1) * h;
    }
    out.data.set(y, i * n);
  }
  return out;
}

export interface DormandPrinceOptions {
  /** Relative tolerance (per component, scaled by max(|y_old|, |y_new|)). */
  rtol: number;
  /** Absolute tolerance. */
  atol: number;
  /** First step size; 0 = chosen automatically (Hairer's heuristic). */
  firstStep: number;
  /** Largest allowed step. */
  maxStep: number;
  /** Give up after this many attempted steps. */
  maxSteps: number;
}

export interface DormandPrinceResult {
  /** The solution at the requested times, one row per time. */
  y: Matrix;
  /** Accepted and rejected steps, and right-hand-side evaluations. */
  stats: { accepted: number; rejected: number; evaluations: number };
}

// Dormand–Prince 5(4) tableau (the 5th-order solution is propagated; FSAL).
const C2 = 1 / 5, C3 = 3 / 10, C4 = 4 / 5, C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40, A32 = 9 / 40;
const A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9;
const A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729;
const A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176, A65 = -5103 / 18656;
const B1 = 35 / 384, B3 = 500 / 1113, B4 = 125 / 192, B5 = -2187 / 6784, B6 = 11 / 84;
const E1 = 71 / 57600, E3 = -71 / 16695, E4 = 71 / 1920, E5 = -17253 / 339200, E6 = 22 / 525, E7 = -1 / 40;
// Continuous extension (Hairer, Nørsett & Wanner, dense output of DOPRI5, 4th order).
const D1 = -12715105075 / 11282082432, D3 = 87487479700 / 32700410799, D4 = -10690763975 / 1880347072;
const D5 = 701980252875 / 199316789632, D6 = -1453857185 / 822651844, D7 = 69997945 / 29380423;

/**
 * Adaptive Dormand–Prince 5(4) (the method of MATLAB's ode45 and SciPy's RK45) with error control
 * err = RMS(e_i / (atol + rtol·max(|y_i|, |y_i,new|))) ≤ 1 and dense output: the solution is
 * reported at the requested times by the method's 4th-order continuous extension, so output
 * times do not constrain the step size.
 */
export function dormandPrince(f: OdeRhs, y0: ArrayLike<number>, times: ArrayLike<number>, options?: Partial<DormandPrinceOptions>): DormandPrinceResult {
  const opts = withDefaults<DormandPrinceOptions>({ rtol: 1e-6, atol: 1e-9, firstStep: 0, maxStep: Infinity, maxSteps: 1_000_000 }, options, "dormandPrince");
  checkNumber(opts.rtol, "dormandPrince rtol", 0);
  checkNumber(opts.atol, "dormandPrince atol", 0);
  if (opts.rtol === 0 && opts.atol === 0) throw new ValidationError("dormandPrince: rtol and atol cannot both be 0");
  checkNumber(opts.firstStep, "dormandPrince firstStep", 0);
  if (opts.maxStep !== Infinity) checkNumber(opts.maxStep, "dormandPrince maxStep", Number.MIN_VALUE);
  checkInteger(opts.maxSteps, "dormandPrince maxSteps", 1);
  checkTimes(times, "dormandPrince");
  let y: Float64Array = checkY0(y0, "dormandPrince");
  const n = y.length;
  const out = new Matrix(times.length, n);
  out.data.set(y, 0);
  const stats = { accepted: 0, rejected: 0, evaluations: 0 };
  if (times.length === 1) return { y: out, stats };
  const rhs = (t: number, s: Float64Array, o: Float64Array) => {
    f(t, s, o);
    stats.evaluations++;
  };
  const t0 = times[0], tEnd = times[times.length - 1];
  const k1 = new Float64Array(n), k2 = new Float64Array(n), k3 = new Float64Array(n), k4 = new Float64Array(n);
  const k5 = new Float64Array(n), k6 = new Float64Array(n), k7 = new Float64Array(n);
  const tmp = new Float64Array(n);
  let yNew: Float64Array = new Float64Array(n);
  const r1 = new Float64Array(n), r2 = new Float64Array(n), r3 = new Float64Array(n), r4 = new Float64Array(n), r5 = new Float64Array(n);
  rhs(t0, y, k1);
  let h = opts.firstStep > 0 ? opts.firstStep : initialStep(rhs, t0, y, k1, opts.rtol, opts.atol, tEnd - t0);
  h = Math.min(h, opts.maxStep, tEnd - t0);
  let t = t0;
  let next = 1; // next output index
  let attempts = 0;
  let lastRejected = false;
  while (next < times.length) {
    if (++attempts > opts.maxSteps) throw new ValidationError(`dormandPrince: more than maxSteps (${opts.maxSteps}) steps before t = ${tEnd} (reached t = ${t}); the problem may be stiff — loosen rtol/atol or raise maxSteps`);
    if (t + h > tEnd) h = tEnd - t;
    if (!(h > Math.abs(t) * 1e-15)) throw new ValidationError(`dormandPrince: step size underflow at t = ${t}; the solution may blow up there`);
    for (let j = 0; j < n; j++) tmp[j] = y[j] + h * A21 * k1[j];
    rhs(t + C2 * h, tmp, k2);
    for (let j = 0; j < n; j++) tmp[j] = y[j] + h * (A31 * k1[j] + A32 * k2[j]);
    rhs(t + C3 * h, tmp, k3);
    for (let j = 0; j < n; j++) tmp[j] = y[j] + h * (A41 * k1[j] + A42 * k2[j] + A43 * k3[j]);
    rhs(t + C4 * h, tmp, k4);
    for (let j = 0; j < n; j++) tmp[j] = y[j] + h * (A51 * k1[j] + A52 * k2[j] + A53 * k3[j] + A54 * k4[j]);
    rhs(t + C5 * h, tmp, k5);
    for (let j = 0; j < n; j++) tmp[j] = y[j] + h * (A61 * k1[j] + A62 * k2[j] + A63 * k3[j] + A64 * k4[j] + A65 * k5[j]);
    rhs(t + h, tmp, k6);
    for (let j = 0; j < n; j++) yNew[j] = y[j] + h * (B1 * k1[j] + B3 * k3[j] + B4 * k4[j] + B5 * k5[j] + B6 * k6[j]);
    rhs(t + h, yNew, k7);
    let err = 0;
    for (let j = 0; j < n; j++) {
      const e = h * (E1 * k1[j] + E3 * k3[j] + E4 * k4[j] + E5 * k5[j] + E6 * k6[j] + E7 * k7[j]);
      const sc = opts.atol + opts.rtol * Math.max(Math.abs(y[j]), Math.abs(yNew[j]));
      err += (e / sc) * (e / sc);
    }
    err = Math.sqrt(err / n);
    if (!Number.isFinite(err)) {
      stats.rejected++;
      h *= 0.2;
      lastRejected = true;
      continue;
    }
    if (err <= 1) {
      const tNew = t + h >= tEnd ? tEnd : t + h;
      // dense output coefficients for this step
      for (let j = 0; j < n; j++) {
        const dy = yNew[j] - y[j];
        const bspl = h * k1[j] - dy;
        r1[j] = y[j];
        r2[j] = dy;
        r3[j] = bspl;
        r4[j] = dy - h * k7[j] - bspl;
        r5[j] = h * (D1 * k1[j] + D3 * k3[j] + D4 * k4[j] + D5 * k5[j] + D6 * k6[j] + D7 * k7[j]);
      }
      while (next < times.length && times[next] <= tNew) {
        const theta = (times[next] - t) / h;
        const th1 = 1 - theta;
        const base = next * n;
        if (times[next] === tNew) out.data.set(yNew, base);
        else for (let j = 0; j < n; j++) out.data[base + j] = r1[j] + theta * (r2[j] + th1 * (r3[j] + theta * (r4[j] + th1 * r5[j])));
        next++;
      }
      stats.accepted++;
      t = tNew;
      const swap = y;
      y = yNew;
      yNew = swap;
      k1.set(k7);
      let factor = err === 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * Math.pow(err, -0.2)));
      if (lastRejected) factor = Math.min(1, factor);
      h = Math.min(h * factor, opts.maxStep);
      lastRejected = false;
    } else {
      stats.rejected++;
      h *= Math.max(0.2, 0.9 * Math.pow(err, -0.2));
      lastRejected = true;
    }
  }
  return { y: out, stats };
}

/** Hairer's starting step: balance the first two Taylor terms against the tolerance. */
function initialStep(f: OdeRhs, t0: number, y0: Float64Array, f0: Float64Array, rtol: number, atol: number, span: number): number {
  const n = y0.length;
  let d0 = 0, d1 = 0;
  for (let j = 0; j < n; j++) {
    const sc = atol + rtol * Math.abs(y0[j]);
    d0 += (y0[j] / sc) ** 2;
    d1 += (f0[j] / sc) ** 2;
  }
  d0 = Math.sqrt(d0 / n);
  d1 = Math.sqrt(d1 / n);
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  h0 = Math.min(h0, span);
  const y1 = new Float64Array(n), f1 = new Float64Array(n);
  for (let j = 0; j < n; j++) y1[j] = y0[j] + h0 * f0[j];
  f(t0 + h0, y1, f1);
  let d2 = 0;
  for (let j = 0; j < n; j++) {
    const sc = atol + rtol * Math.abs(y0[j]);
    d2 += ((f1[j] - f0[j]) / sc) ** 2;
  }
  d2 = Math.sqrt(d2 / n) / h0;
  const h1 = Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1 / 5);
  return Math.min(100 * h0, h1, span);
}
