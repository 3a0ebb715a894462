/**
 * Running and resting: speed from binned position, then the running epochs (contiguous bins at or
 * above a speed threshold, lasting long enough). Each running epoch is one segment, e.g. one pass
 * along a linear track: decoders are trained and tested on whole segments (`segmentFolds`) so that
 * neighbouring, strongly correlated bins never sit on both sides of a split.
 */
import { ValidationError, checkInteger, checkNumber } from "../core/validate.js";
import { gaussianKernel1d } from "./gaussian-smooth.js";

/**
 * Speed per bin (|central difference| ÷ bin width, one-sided at the ends and next to NaN bins),
 * smoothed with a Gaussian of `sigmaBins` over the finite bins; NaN where position is NaN.
 */
export function speedFromPosition(position: ArrayLike<number>, binSize: number, sigmaBins = 0): Float64Array {
  checkNumber(binSize, "speedFromPosition binSize", Number.MIN_VALUE);
  checkNumber(sigmaBins, "speedFromPosition sigmaBins", 0);
  const n = position.length;
  const raw = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(position[i])) continue;
    const prev = i > 0 && Number.isFinite(position[i - 1]), next = i + 1 < n && Number.isFinite(position[i + 1]);
    if (prev && next) raw[i] = Math.abs(position[i + 1] - position[i - 1]) / (2 * binSize);
    else if (next) raw[i] = Math.abs(position[i + 1] - position[i]) / binSize;
    else if (prev) raw[i] = Math.abs(position[i] - position[i - 1]) / binSize;
  }
  if (sigmaBins === 0) return raw;
  // Normalised over the finite neighbours only, so gaps neither pull speed to 0 nor spread NaN.
  const w = gaussianKernel1d(sigmaBins);
  const r = (w.length - 1) / 2;
  const out = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(raw[i])) continue;
    let s = 0, ws = 0;
    for (let k = -r; k <= r; k++) {
      const j = i + k;
      if (j < 0 || j >= n || !Number.isFinite(raw[j])) continue;
      s += w[k + r] * raw[j];
      ws += w[k + r];
    }
    out[i] = s / ws;
  }
  return out;
}

export interface Segment {
  /** First bin and one past the last bin. */
  start: number;
  end: number;
}

export interface RunningEpochsOptions {
  /** Speed threshold (same unit as speed, e.g. cm/s); bins at or above it run. */
  threshold: number;
  /** Shortest running epoch kept, in bins; shorter ones are counted and treated as rest. */
  minBins?: number;
  /** Extra condition per bin (e.g. on the track); a false bin ends an epoch. */
  valid?: ArrayLike<boolean | number>;
}

export interface RunningEpochs {
  segments: Segment[];
  /** Per bin: segment index, or -1 when not running. */
  segmentOf: Int32Array;
  runBins: number;
  /** Finite-speed bins outside every kept segment. */
  restBins: number;
  /** Bins without a speed (no position). */
  unknownBins: number;
  /** Epochs shorter than minBins (their bins count as rest). */
  shortEpochs: number;
  /** Bins excluded by `valid`. */
  invalidBins: number;
}

/** Splits bins into running epochs (segments) and rest; see the module comment. */
export function runningEpochs(speed: ArrayLike<number>, options: RunningEpochsOptions): RunningEpochs {
  checkNumber(options.threshold, "runningEpochs threshold", 0);
  const minBins = options.minBins ?? 1;
  checkInteger(minBins, "runningEpochs minBins", 1);
  const n = speed.length;
  if (options.valid && options.valid.length !== n) throw new ValidationError(`runningEpochs: valid has ${options.valid.length} entries for ${n} bins`);
  const segmentOf = new Int32Array(n).fill(-1);
  const segments: Segment[] = [];
  let shortEpochs = 0, unknownBins = 0, invalidBins = 0;
  let open = -1;
  const close = (end: number) => {
    if (open < 0) return;
    if (end - open >= minBins) {
      for (let i = open; i < end; i++) segmentOf[i] = segments.length;
      segments.push({ start: open, end });
    } else shortEpochs++;
    open = -1;
  };
  for (let i = 0; i < n; i++) {
    const known = Number.isFinite(speed[i]);
    if (!known) unknownBins++;
    const ok = !options.valid || Boolean(options.valid[i]);
    if (known && !ok) invalidBins++;
    const running = known && ok && speed[i] >= options.threshold;
    if (running && open < 0) open = i;
    if (!running) close(i);
  }
  close(n);
  const runBins = segments.reduce((s, g) => s + g.end - g.start, 0);
  return { segments, segmentOf, runBins, restBins: n - unknownBins - runBins, unknownBins, shortEpochs, invalidBins };
}

/**
 * Grouped k-fold over segments in time order: fold f tests the f-th block of consecutive segments
 * and trains on the rest, so no segment has bins on both sides. Returns segment indices per fold.
 */
export function segmentFolds(segments: number, folds: number): { train: number[]; test: number[] }[] {
  checkInteger(folds, "segmentFolds folds", 2);
  checkInteger(segments, "segmentFolds segments", 0);
  if (segments < folds) throw new ValidationError(`segmentFolds: ${segments} segments cannot fill ${folds} folds; use fewer folds`);
  const out: { train: number[]; test: number[] }[] = [];
  for (let f = 0; f < folds; f++) {
    const lo = Math.floor((f * segments) / folds), hi = Math.floor(((f + 1) * segments) / folds);
    const test: number[] = [], train: number[] = [];
    for (let s = 0; s < segments; s++) (s >= lo && s < hi ? test : train).push(s);
    out.push({ train, test });
  }
  return out;
}
