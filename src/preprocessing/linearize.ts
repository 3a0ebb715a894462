/**
 * Position along a straight track from 2-D tracking: the track's axis is the principal axis of the
 * positions (fitted on the samples the caller chooses, e.g. those taken while the animal moves, so
 * that time spent off the track does not tilt it); every sample is projected on it. Pixels become
 * centimetres through the track length: the `lowPercentile`–`highPercentile` extent of the fitted
 * samples along the axis is taken to be `trackLengthCm` long (a stated assumption when the camera's
 * pixel scale is unknown), or through `pixelsPerCm` when it is known.
 */
import { ValidationError, checkNumber } from "../core/validate.js";

export interface LinearizeOptions {
  /** Samples used to fit the axis and the scale (default: all). */
  fitMask?: ArrayLike<boolean | number>;
  /** Length, in cm, of the fitted samples' percentile extent along the axis (used when pixelsPerCm is not given). */
  trackLengthCm?: number;
  /** Known camera scale; overrides trackLengthCm. */
  pixelsPerCm?: number;
  /** Percentiles of the projection taken as the track's ends (defaults 1 and 99: robust to tracking glitches). */
  lowPercentile?: number;
  highPercentile?: number;
}

export interface LinearizedTrack {
  /** Position along the track in cm, 0 at the low end; samples beyond the ends fall outside [0, length]. */
  position: Float64Array;
  /** Signed distance from the axis in cm. */
  offAxis: Float64Array;
  /** Unit vector of the axis (in pixel coordinates) and the pixel point where position is 0. */
  axis: [number, number];
  origin: [number, number];
  pixelsPerCm: number;
  /** Track length in cm (the fitted extent). */
  lengthCm: number;
  /** Samples used for the fit. */
  fitted: number;
  /** Spread of the fitted samples across the axis relative to along it (second / first singular value). */
  straightness: number;
}

function percentile(sorted: Float64Array, p: number): number {
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Projects 2-D positions on the principal axis of the fitted samples and scales them to cm. */
export function linearizeTrack(x: ArrayLike<number>, y: ArrayLike<number>, options: LinearizeOptions = {}): LinearizedTrack {
  const n = x.length;
  if (y.length !== n) throw new ValidationError(`linearizeTrack: ${n} x but ${y.length} y values`);
  const lowP = options.lowPercentile ?? 1, highP = options.highPercentile ?? 99;
  checkNumber(lowP, "linearizeTrack lowPercentile", 0, 100);
  checkNumber(highP, "linearizeTrack highPercentile", 0, 100);
  if (!(highP > lowP)) throw new ValidationError("linearizeTrack: highPercentile must exceed lowPercentile");
  if (options.pixelsPerCm === undefined && options.trackLengthCm === undefined) {
    throw new ValidationError("linearizeTrack: pass trackLengthCm (the track's length, an assumption when the camera scale is unknown) or pixelsPerCm");
  }
  if (options.pixelsPerCm !== undefined) checkNumber(options.pixelsPerCm, "linearizeTrack pixelsPerCm", Number.MIN_VALUE);
  if (options.trackLengthCm !== undefined) checkNumber(options.trackLengthCm, "linearizeTrack trackLengthCm", Number.MIN_VALUE);
  const mask = options.fitMask;
  if (mask && mask.length !== n) throw new ValidationError(`linearizeTrack: fitMask has ${mask.length} entries for ${n} samples`);
  const use = (i: number) => !mask || Boolean(mask[i]);
  let m = 0, mx = 0, my = 0;
  for (let i = 0; i < n; i++) if (use(i)) { m++; mx += x[i]; my += y[i]; }
  if (m < 2) throw new ValidationError(`linearizeTrack: ${m} samples to fit the axis; need at least 2 (loosen fitMask)`);
  mx /= m; my /= m;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) if (use(i)) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
  }
  // Largest eigenvector of the 2 × 2 covariance.
  const tr = sxx + syy, det = sxx * syy - sxy * sxy;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const l1 = tr / 2 + disc, l2 = Math.max(0, tr / 2 - disc);
  if (!(l1 > 0)) throw new ValidationError("linearizeTrack: the fitted samples do not move; cannot find the track's axis");
  let ax = sxy !== 0 ? l1 - syy : sxx >= syy ? 1 : 0, ay = sxy !== 0 ? sxy : sxx >= syy ? 0 : 1;
  const norm = Math.hypot(ax, ay);
  ax /= norm; ay /= norm;
  // Orient the axis so that position grows with x (or with y for a vertical track): a fixed convention.
  if (ax < 0 || (ax === 0 && ay < 0)) { ax = -ax; ay = -ay; }
  const proj = new Float64Array(m);
  for (let i = 0, k = 0; i < n; i++) if (use(i)) proj[k++] = (x[i] - mx) * ax + (y[i] - my) * ay;
  proj.sort();
  const lo = percentile(proj, lowP), hi = percentile(proj, highP);
  const pixelsPerCm = options.pixelsPerCm ?? (hi - lo) / options.trackLengthCm!;
  if (!(pixelsPerCm > 0)) throw new ValidationError("linearizeTrack: the fitted samples span no distance along the axis");
  const position = new Float64Array(n), offAxis = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    position[i] = (dx * ax + dy * ay - lo) / pixelsPerCm;
    offAxis[i] = (-dx * ay + dy * ax) / pixelsPerCm;
  }
  return {
    position, offAxis, axis: [ax, ay], origin: [mx + lo * ax, my + lo * ay], pixelsPerCm,
    lengthCm: (hi - lo) / pixelsPerCm, fitted: m, straightness: Math.sqrt(l2 / l1),
  };
}
