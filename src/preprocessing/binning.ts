import { Matrix } from "../core/matrix.js";
import { ValidationError, checkNumber, withDefaults, assertFinite } from "../core/validate.js";

export interface BinSpikeTimesOptions {
  /** Bin width, in the same unit as the spike times (e.g. seconds or ms). */
  binSize: number;
  /** Left edge of the first bin. */
  start: number;
  /** Right edge of the last bin (exclusive). The bin count is round((end − start) / binSize). */
  end: number;
}

/**
 * Counts spikes in consecutive half-open bins [start + k·binSize, start + (k+1)·binSize).
 * `times` is one spike train (number[]) or a list of trains (one per unit); the result has one
 * row per bin and one column per unit (a single column for a single train). Spikes outside
 * [start, end) are ignored. Matches numpy.histogram on those edges except that numpy closes
 * its last bin on the right.
 */
export function binSpikeTimes(times: ArrayLike<number> | ArrayLike<ArrayLike<number>>, options: BinSpikeTimesOptions): Matrix {
  const opts = withDefaults({ binSize: NaN, start: NaN, end: NaN } as BinSpikeTimesOptions, options, "binSpikeTimes");
  checkNumber(opts.binSize, "binSpikeTimes binSize", Number.MIN_VALUE);
  checkNumber(opts.start, "binSpikeTimes start");
  checkNumber(opts.end, "binSpikeTimes end");
  if (!(opts.end > opts.start)) throw new ValidationError(`binSpikeTimes: end (${opts.end}) must be greater than start (${opts.start})`);
  const nBins = Math.round((opts.end - opts.start) / opts.binSize);
  if (nBins < 1) throw new ValidationError(`binSpikeTimes: (end − start) / binSize = ${(opts.end - opts.start) / opts.binSize} gives no bins; use a smaller binSize`);
  if (times === null || times === undefined || typeof (times as ArrayLike<unknown>).length !== "number") {
    throw new ValidationError("binSpikeTimes times: pass an array of spike times or an array of spike trains");
  }
  const arr = times as ArrayLike<unknown>;
  const nested = arr.length > 0 && typeof arr[0] !== "number";
  const trains: ArrayLike<number>[] = nested ? Array.from(arr as ArrayLike<ArrayLike<number>>) : [arr as ArrayLike<number>];
  const out = new Matrix(nBins, trains.length);
  for (let u = 0; u < trains.length; u++) {
    const train = trains[u];
    if (!train || typeof train.length !== "number") throw new ValidationError(`binSpikeTimes times: train ${u} is not an array of numbers`);
    assertFinite(train, `binSpikeTimes times[${u}]`);
    for (let s = 0; s < train.length; s++) {
      const t = train[s];
      if (t < opts.start || t >= opts.end) continue;
      const k = Math.floor((t - opts.start) / opts.binSize);
      // guard against rounding at the last edge
      if (k >= 0 && k < nBins) out.data[k * trains.length + u] += 1;
    }
  }
  return out;
}
