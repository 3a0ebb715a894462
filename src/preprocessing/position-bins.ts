/**
 * A sampled signal (e.g. position from video frames) on the bins of spike counts: linear
 * interpolation at each bin's centre between the samples on either side. A bin whose neighbouring
 * samples are further apart than `maxGap` (the tracker lost the animal), or that lies outside the
 * samples, gets NaN and is counted, never filled in.
 */
import { ValidationError, checkInteger, checkNumber } from "../core/validate.js";

export interface SamplesAtBinsOptions {
  /** Left edge of the first bin, bin width and number of bins (as for binSpikeTimes). */
  start: number;
  binSize: number;
  bins: number;
  /** Largest gap between the two samples around a bin centre that is interpolated across (same unit as times). */
  maxGap: number;
}

export interface SamplesAtBins {
  values: Float64Array;
  /** Bins left NaN because the samples around them are more than maxGap apart. */
  gapBins: number;
  /** Bins before the first or after the last sample. */
  outsideBins: number;
}

/** Interpolates samples (strictly increasing times) at bin centres; see the module comment. */
export function samplesAtBins(times: ArrayLike<number>, values: ArrayLike<number>, options: SamplesAtBinsOptions): SamplesAtBins {
  const { start, binSize, bins, maxGap } = options;
  checkNumber(start, "samplesAtBins start");
  checkNumber(binSize, "samplesAtBins binSize", Number.MIN_VALUE);
  checkInteger(bins, "samplesAtBins bins", 0);
  checkNumber(maxGap, "samplesAtBins maxGap", 0);
  const n = times.length;
  if (values.length !== n) throw new ValidationError(`samplesAtBins: ${n} times but ${values.length} values`);
  for (let i = 1; i < n; i++) {
    if (!(times[i] > times[i - 1])) throw new ValidationError(`samplesAtBins: times must increase strictly (sample ${i}: ${times[i]} after ${times[i - 1]}); clean them first (cleanTrackingSamples)`);
  }
  const out = new Float64Array(bins).fill(NaN);
  let gapBins = 0, outsideBins = 0, j = 0;
  for (let b = 0; b < bins; b++) {
    const t = start + (b + 0.5) * binSize;
    while (j + 1 < n && times[j + 1] <= t) j++;
    if (n === 0 || t < times[0] || t > times[n - 1]) {
      outsideBins++;
      continue;
    }
    if (times[j] === t || j + 1 >= n) {
      out[b] = values[j];
      continue;
    }
    const gap = times[j + 1] - times[j];
    if (gap > maxGap) {
      gapBins++;
      continue;
    }
    const w = (t - times[j]) / gap;
    out[b] = values[j] + w * (values[j + 1] - values[j]);
  }
  return { values: out, gapBins, outsideBins };
}
