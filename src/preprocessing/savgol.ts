import { Matrix, type MatrixLike } from "../core/matrix.js";
import { ValidationError, checkInteger, checkNumber, toMatrix, withDefaults } from "../core/validate.js";

export interface SavgolOptions {
  /** Window length in samples (odd, ≥ order + 1). */
  window: number;
  /** Polynomial order (< window). */
  order: number;
  /** Derivative order (0 = smoothing). */
  deriv: number;
  /** Sample spacing; derivatives are divided by delta^deriv. */
  delta: number;
}

/**
 * Weights w (length `window`) such that Σ_j w_j·y_j is the `deriv`-th derivative, at offset `at`
 * from the window centre (in samples), of the least-squares polynomial of degree `order` through
 * the window's samples (unit spacing). Coordinates are scaled to [−1, 1] so the small normal
 * equations stay well conditioned.
 */
export function savgolWeights(window: number, order: number, deriv: number, at: number): Float64Array {
  const half = (window - 1) / 2;
  const scale = Math.max(half, 1);
  const p = order + 1;
  // Gram matrix G = AᵀA and A (window × p) with A[j][k] = t_j^k.
  const A = new Float64Array(window * p);
  for (let j = 0; j < window; j++) {
    const t = (j - half) / scale;
    let v = 1;
    for (let k = 0; k < p; k++) {
      A[j * p + k] = v;
      v *= t;
    }
  }
  const G = new Float64Array(p * p);
  for (let j = 0; j < window; j++) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) G[a * p + b] += A[j * p + a] * A[j * p + b];
  // e[k] = d^deriv/dz^deriv of t^k at z = at, with t = z / scale.
  const e = new Float64Array(p);
  const ta = at / scale;
  for (let k = deriv; k < p; k++) {
    let f = 1;
    for (let q = 0; q < deriv; q++) f *= k - q;
    e[k] = (f * Math.pow(ta, k - deriv)) / Math.pow(scale, deriv);
  }
  // Solve G c = e (G symmetric positive definite) by Cholesky, then w = A c.
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = G[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      if (i === j) {
        if (!(s > 0)) throw new ValidationError(`savgol: window ${window} cannot determine a polynomial of order ${order}`);
        L[i * p + i] = Math.sqrt(s);
      } else {
        L[i * p + j] = s / L[j * p + j];
      }
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = e[i];
    for (let k = 0; k < i; k++) s -= L[i * p + k] * y[k];
    y[i] = s / L[i * p + i];
  }
  const c = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * c[k];
    c[i] = s / L[i * p + i];
  }
  const w = new Float64Array(window);
  for (let j = 0; j < window; j++) {
    let s = 0;
    for (let k = 0; k < p; k++) s += A[j * p + k] * c[k];
    w[j] = s;
  }
  return w;
}

/**
 * Savitzky–Golay filter along time (rows), per column — the same numbers as
 * scipy.signal.savgol_filter(x, window, order, deriv, delta, axis=0, mode="interp"): interior
 * samples use the centred least-squares polynomial; the first and last (window − 1)/2 samples are
 * evaluated from the polynomial fitted to the first / last `window` samples.
 * The paper's macaque pipeline uses window 9, order 2.
 */
export function savgolFilter(x: MatrixLike, options: Partial<SavgolOptions> & { window: number; order: number }): Matrix {
  const opts = withDefaults<SavgolOptions>({ window: NaN, order: NaN, deriv: 0, delta: 1 }, options, "savgolFilter");
  checkInteger(opts.window, "savgolFilter window", 1);
  if (opts.window % 2 !== 1) throw new ValidationError(`savgolFilter window must be odd, got ${opts.window}; use ${opts.window + 1}`);
  checkInteger(opts.order, "savgolFilter order", 0);
  if (opts.order >= opts.window) throw new ValidationError(`savgolFilter order (${opts.order}) must be less than window (${opts.window})`);
  checkInteger(opts.deriv, "savgolFilter deriv", 0);
  checkNumber(opts.delta, "savgolFilter delta", Number.MIN_VALUE);
  const X = toMatrix(x, "savgolFilter input");
  const T = X.rows, C = X.cols, W = opts.window, half = (W - 1) / 2;
  if (T < W) throw new ValidationError(`savgolFilter: the signal has ${T} samples, fewer than window ${W}; use a shorter window`);
  const norm = Math.pow(opts.delta, opts.deriv);
  const out = new Matrix(T, C);
  const apply = (t: number, w: Float64Array, first: number) => {
    for (let j = 0; j < W; j++) {
      const wj = w[j] / norm, base = (first + j) * C;
      for (let c = 0; c < C; c++) out.data[t * C + c] += wj * X.data[base + c];
    }
  };
  const centre = savgolWeights(W, opts.order, opts.deriv, 0);
  for (let t = half; t < T - half; t++) apply(t, centre, t - half);
  for (let t = 0; t < half; t++) {
    apply(t, savgolWeights(W, opts.order, opts.deriv, t - half), 0);
    apply(T - half + t, savgolWeights(W, opts.order, opts.deriv, t + 1), T - W);
  }
  return out;
}
