/**
 * Binning a trial recording onto a common bin width: spike times are counted in bins
 * [start + k·w, start + (k+1)·w) from each trial's start; existing counts are summed over groups
 * of whole bins when w is an integer multiple of their width (a trailing partial group is
 * dropped and counted in the report). Behaviour is averaged over the samples inside each bin
 * (linear interpolation at the bin centre when a bin holds no sample).
 */
import { Matrix } from "../../core/matrix.js";
import { ValidationError, checkNumber } from "../../core/validate.js";
import { binSpikeTimes } from "../binning.js";
import type { RecordedTrial, TrialRecording } from "../../io/trials/recording.js";

export function binTrials(rec: TrialRecording, binSeconds: number): TrialRecording {
  checkNumber(binSeconds, "binTrials binSeconds", Number.MIN_VALUE);
  let partialBins = 0;
  const trials = rec.trials.map((t): RecordedTrial => {
    let counts: Matrix, binStart: Float64Array;
    if (t.counts && rec.binSeconds !== null) {
      const ratio = binSeconds / rec.binSeconds;
      if (Math.abs(ratio - Math.round(ratio)) > 1e-6 || Math.round(ratio) < 1) {
        throw new ValidationError(`binTrials: ${binSeconds} s is not a whole multiple of the recording's ${rec.binSeconds} s bins; choose a multiple (e.g. ${rec.binSeconds * Math.max(1, Math.round(ratio))} s)`);
      }
      const m = Math.round(ratio), n = Math.floor(t.counts.rows / m), U = t.counts.cols;
      partialBins += t.counts.rows - n * m;
      counts = new Matrix(n, U);
      for (let b = 0; b < n * m; b++) for (let u = 0; u < U; u++) counts.data[Math.floor(b / m) * U + u] += t.counts.data[b * U + u];
      binStart = Float64Array.from({ length: n }, (_, k) => t.binStart![k * m]);
    } else if (t.spikeTimes) {
      const n = Math.floor((t.end - t.start) / binSeconds + 1e-9);
      if (n < 1) throw new ValidationError(`binTrials: trial ${t.id} lasts ${t.end - t.start} s, shorter than one ${binSeconds} s bin`);
      counts = binSpikeTimes(t.spikeTimes.map((s) => Array.from(s)), { binSize: binSeconds, start: t.start, end: t.start + n * binSeconds });
      binStart = Float64Array.from({ length: n }, (_, k) => t.start + k * binSeconds);
    } else {
      throw new ValidationError(`binTrials: trial ${t.id} has neither counts nor spike times`);
    }
    const behaviour = behaviourAtBins(t, binStart, binSeconds);
    return { ...t, counts, binStart, spikeTimes: t.spikeTimes, behaviour, behaviourTime: binStart.slice() };
  });
  const excluded = partialBins ? [...rec.report.excluded, { what: "source bins", count: partialBins, reason: `trailing bins that do not fill a whole ${binSeconds} s bin` }] : rec.report.excluded;
  return { ...rec, binSeconds, trials, report: { ...rec.report, bins: trials.reduce((a, t) => a + t.counts!.rows, 0), excluded } };
}

/** Behaviour averaged over each bin's samples (interpolated at the centre when a bin holds none). */
export function behaviourAtBins(t: RecordedTrial, binStart: Float64Array, binSeconds: number): Matrix {
  const B = t.behaviour.cols, n = binStart.length, T = t.behaviourTime;
  const out = new Matrix(n, B);
  if (B === 0) return out;
  if (T.length === 0) throw new ValidationError(`trial ${t.id}: has behaviour channels but no samples`);
  for (let k = 0; k < n; k++) {
    const a = binStart[k], b = a + binSeconds;
    let cnt = 0;
    for (let s = 0; s < T.length; s++) {
      if (T[s] >= a - 1e-12 && T[s] < b - 1e-12) {
        cnt++;
        for (let c = 0; c < B; c++) out.data[k * B + c] += t.behaviour.data[s * B + c];
      }
    }
    if (cnt) for (let c = 0; c < B; c++) out.data[k * B + c] /= cnt;
    else interpolateInto(t, (a + b) / 2, out.data, k * B);
  }
  return out;
}

function interpolateInto(t: RecordedTrial, at: number, out: Float64Array, off: number): void {
  const T = t.behaviourTime, B = t.behaviour.cols;
  let j = 0;
  while (j < T.length - 1 && T[j + 1] < at) j++;
  const j1 = Math.min(j + 1, T.length - 1);
  const w = T[j1] === T[j] ? 0 : Math.min(1, Math.max(0, (at - T[j]) / (T[j1] - T[j])));
  for (let c = 0; c < B; c++) out[off + c] = (1 - w) * t.behaviour.data[j * B + c] + w * t.behaviour.data[j1 * B + c];
}
