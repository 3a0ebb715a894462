import { Matrix, type MatrixLike } from "../core/matrix.js";
import { ValidationError, checkNumber, checkOneOf, toMatrix, withDefaults } from "../core/validate.js";
import { BOUNDARY_MODES, boundaryIndex, type BoundaryMode } from "./boundary.js";

export interface GaussianSmoothOptions {
  /** Standard deviation of the kernel: in bins, or in time units when `binSize` is given. */
  sigma: number;
  /** When given, `sigma` is in the same time unit as `binSize` and is divided by it. */
  binSize?: number;
  /** Kernel half-width in standard deviations (scipy's `truncate`, default 4). */
  truncate: number;
  /** How the signal is extended past its ends (scipy.ndimage's default "reflect"). */
  mode: BoundaryMode;
}

/** The normalised Gaussian kernel of scipy.ndimage.gaussian_filter1d: radius = int(truncate·σ + 0.5). */
export function gaussianKernel1d(sigma: number, truncate = 4): Float64Array {
  checkNumber(sigma, "gaussianKernel1d sigma", Number.MIN_VALUE);
  checkNumber(truncate, "gaussianKernel1d truncate", 0);
  const radius = Math.floor(truncate * sigma + 0.5);
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const v = Math.exp((-0.5 * k * k) / (sigma * sigma));
    w[k + radius] = v;
    sum += v;
  }
  for (let k = 0; k < w.length; k++) w[k] /= sum;
  return w;
}

/**
 * Gaussian smoothing along time (rows), independently for each column — the same numbers as
 * scipy.ndimage.gaussian_filter1d(x, sigma, axis=0, truncate=4.0, mode="reflect"): a normalised
 * kernel of radius int(truncate·σ + 0.5) bins, and the signal extended by half-sample
 * reflection (d c b a | a b c d | d c b a) at both ends, also when the kernel is longer than
 * the signal. Other scipy modes: "mirror", "nearest", "wrap", "constant" (zeros).
 */
export function gaussianSmooth(x: MatrixLike, options: Partial<GaussianSmoothOptions> & { sigma: number }): Matrix {
  const opts = withDefaults<GaussianSmoothOptions>({ sigma: NaN, binSize: undefined, truncate: 4, mode: "reflect" }, options, "gaussianSmooth");
  checkNumber(opts.sigma, "gaussianSmooth sigma", Number.MIN_VALUE);
  checkNumber(opts.truncate, "gaussianSmooth truncate", 0);
  checkOneOf(opts.mode, "gaussianSmooth mode", BOUNDARY_MODES);
  let sigmaBins = opts.sigma;
  if (opts.binSize !== undefined) {
    checkNumber(opts.binSize, "gaussianSmooth binSize", Number.MIN_VALUE);
    sigmaBins = opts.sigma / opts.binSize;
  }
  const X = toMatrix(x, "gaussianSmooth input");
  if (X.rows < 1) throw new ValidationError("gaussianSmooth input: needs at least one row (time bin)");
  const w = gaussianKernel1d(sigmaBins, opts.truncate);
  return correlateRows(X, w, opts.mode);
}

/** out[t, c] = Σ_k w[k] · x[t + k − r, c] with boundary extension (r = (len(w) − 1) / 2). */
export function correlateRows(X: Matrix, w: Float64Array, mode: BoundaryMode): Matrix {
  const T = X.rows, C = X.cols, r = (w.length - 1) >> 1;
  const out = new Matrix(T, C);
  const src = new Int32Array(w.length);
  for (let t = 0; t < T; t++) {
    const interior = t - r >= 0 && t + r < T;
    for (let k = 0; k < w.length; k++) src[k] = interior ? t + k - r : boundaryIndex(t + k - r, T, mode);
    const o = t * C;
    for (let k = 0; k < w.length; k++) {
      const s = src[k];
      if (s < 0) continue;
      const wk = w[k], base = s * C;
      for (let c = 0; c < C; c++) out.data[o + c] += wk * X.data[base + c];
    }
  }
  return out;
}
