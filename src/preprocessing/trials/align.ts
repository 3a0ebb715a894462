/**
 * Alignment of binned trials to an event: each trial keeps the bins whose start lies in
 * [event − before, event + after). A trial whose window leaves its bins is an error, or with
 * outOfRange "drop" it is left out and counted in the report; "pad" repeats the edge bins.
 */
import { Matrix } from "../../core/matrix.js";
import { ValidationError, checkNumber, checkOneOf } from "../../core/validate.js";
import type { RecordedTrial, TrialRecording } from "../../io/trials/recording.js";

export interface AlignTrialsOptions {
  /** Event name (a key of trial.events), or "start" for the trial start. */
  event: string;
  before: number;
  after: number;
  outOfRange?: "error" | "drop" | "pad";
}

export function alignTrials(rec: TrialRecording, options: AlignTrialsOptions): TrialRecording {
  const w = rec.binSeconds;
  if (w === null) throw new ValidationError("alignTrials: the recording holds no binned counts; bin it first (binTrials)");
  checkNumber(options.before, "alignTrials before", 0);
  checkNumber(options.after, "alignTrials after", Number.MIN_VALUE);
  const mode = options.outOfRange ?? "error";
  checkOneOf(mode, "alignTrials outOfRange", ["error", "drop", "pad"] as const);
  const nBefore = Math.round(options.before / w), nAfter = Math.round(options.after / w), n = nBefore + nAfter;
  const kept: RecordedTrial[] = [];
  let dropped = 0, padded = 0;
  for (const t of rec.trials) {
    const e = options.event === "start" ? t.start : t.events[options.event];
    if (e === undefined || !Number.isFinite(e)) throw new ValidationError(`alignTrials: trial ${t.id} has no event "${options.event}"; its events: ${Object.keys(t.events).join(", ") || "none"}`);
    const first = Math.round((e - t.binStart![0]) / w) - nBefore;
    const inside = first >= 0 && first + n <= t.counts!.rows;
    if (!inside) {
      if (mode === "error") throw new ValidationError(`alignTrials: trial ${t.id}: the window [${options.event} − ${options.before} s, + ${options.after} s) leaves its ${t.counts!.rows} bins; shorten the window or pass outOfRange: "drop" or "pad"`);
      if (mode === "drop") {
        dropped++;
        continue;
      }
      padded++;
    }
    const pick = (m: Matrix) => {
      const out = new Matrix(n, m.cols);
      for (let k = 0; k < n; k++) {
        const s = Math.min(Math.max(first + k, 0), m.rows - 1);
        out.data.set(m.data.subarray(s * m.cols, (s + 1) * m.cols), k * m.cols);
      }
      return out;
    };
    const binStart = Float64Array.from({ length: n }, (_, k) => e + (k - nBefore) * w);
    const sameGrid = t.behaviour.rows === t.counts!.rows;
    if (!sameGrid && t.behaviour.cols > 0) throw new ValidationError(`alignTrials: trial ${t.id}'s behaviour is not on its bins; bin the recording first (binTrials)`);
    kept.push({ ...t, start: binStart[0], end: binStart[0] + n * w, counts: pick(t.counts!), binStart, behaviour: sameGrid ? pick(t.behaviour) : t.behaviour, behaviourTime: binStart.slice() });
  }
  if (kept.length === 0) throw new ValidationError(`alignTrials: no trial holds the window around "${options.event}"; shorten it`);
  const excluded = [...rec.report.excluded];
  if (dropped) excluded.push({ what: "trials", count: dropped, reason: `window around ${options.event} leaves the trial` });
  const notes = padded ? [...rec.session.notes, `${padded} trials padded with their edge bins to fill the window around ${options.event}`] : rec.session.notes;
  return { ...rec, session: { ...rec.session, notes }, trials: kept, report: { ...rec.report, trials: kept.length, bins: kept.length * n, excluded } };
}
