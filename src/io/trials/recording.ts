/**
 * A trial-structured recording: per trial its spikes (binned counts or spike times), its behaviour
 * time series (e.g. hand position and velocity), its interval and events, and its condition; plus
 * the session's metadata and what the reader counted and left out. Every reader of src/io/trials
 * returns this type, and the trial tools of src/preprocessing/trials work on it.
 */
import { Matrix } from "../../core/matrix.js";
import { ValidationError } from "../../core/validate.js";

export interface RecordedTrial {
  /** The trial's id in the source file. */
  id: number;
  /** Condition name (e.g. the reach direction). */
  condition: string;
  /** Trial interval (s, the recording's clock). */
  start: number;
  end: number;
  /** Named events (s, same clock), e.g. { go: 0.5, movement: 0.73 }. */
  events: Record<string, number>;
  /** Binned spike counts, bins × units; bin k covers [binStart[k], binStart[k] + binSeconds). */
  counts: Matrix | null;
  binStart: Float64Array | null;
  /** Spike times per unit (s, same clock), when the source holds times. */
  spikeTimes: Float64Array[] | null;
  /** Behaviour samples × channels (channel names in the recording's behaviourNames) at behaviourTime (s). */
  behaviour: Matrix;
  behaviourTime: Float64Array;
}

export interface SessionInfo {
  /** A name for the session (file name, session number…). */
  name: string;
  /** Where it was read from. */
  source: string;
  /** The reader: "long-table", "nwb", "mat-conditions", "simulation"… */
  format: string;
  /** True for simulated data, so that results can never pass for recorded ones. */
  simulated: boolean;
  notes: string[];
}

/** Something a reader left out on purpose: what, how many, and why. */
export interface Exclusion {
  what: string;
  count: number;
  reason: string;
}

export interface ReadReport {
  units: number;
  trials: number;
  /** Rows / bins read (counts), or samples of behaviour. */
  bins: number;
  spikes: number | null;
  excluded: Exclusion[];
}

export interface TrialRecording {
  session: SessionInfo;
  units: string[];
  behaviourNames: string[];
  /** Bin width (s) of the counts, when the trials hold counts. */
  binSeconds: number | null;
  /** Condition names in a fixed order (e.g. the paper's seven directions). */
  conditionNames: string[];
  trials: RecordedTrial[];
  report: ReadReport;
}

/** One line per fact: source, counts of units, trials, bins and spikes, per-condition trials, exclusions. */
export function describeRecording(rec: TrialRecording): string {
  const r = rec.report;
  const perCondition = rec.conditionNames.map((c) => `${c} ${rec.trials.filter((t) => t.condition === c).length}`).join(", ");
  const lines = [
    `${rec.session.simulated ? "SIMULATED " : ""}${rec.session.format} recording "${rec.session.name}" from ${rec.session.source}`,
    `${r.units} units, ${r.trials} trials, ${r.bins} ${rec.binSeconds ? `bins of ${rec.binSeconds * 1000} ms` : "behaviour samples"}${r.spikes !== null ? `, ${r.spikes} spikes` : ""}; behaviour: ${rec.behaviourNames.join(", ") || "none"}`,
    `trials per condition: ${perCondition}`,
    r.excluded.length ? `left out: ${r.excluded.map((e) => `${e.count} ${e.what} (${e.reason})`).join("; ")}` : "left out: nothing",
    ...rec.session.notes,
  ];
  return lines.join("\n");
}

/** The counts on one line (units, trials, bins, what was left out), e.g. for every session after the first few. */
export function recordingCounts(rec: TrialRecording): string {
  const r = rec.report;
  const left = r.excluded.length ? r.excluded.map((e) => `${e.count} ${e.what}`).join(", ") : "nothing";
  return `${rec.session.name}: ${r.units} units, ${r.trials} trials, ${r.bins} ${rec.binSeconds ? "bins" : "behaviour samples"}${r.spikes !== null ? `, ${r.spikes} spikes` : ""}; left out: ${left}`;
}

/** Throws a ValidationError naming the first inconsistency (shapes, units, conditions, times). */
export function checkTrialRecording(rec: TrialRecording, where = "trial recording"): void {
  if (!rec || !Array.isArray(rec.trials)) throw new ValidationError(`${where}: not a TrialRecording (no trials list)`);
  if (rec.trials.length === 0) throw new ValidationError(`${where}: has no trials`);
  const U = rec.units.length, B = rec.behaviourNames.length;
  const ids = new Set<number>();
  for (const t of rec.trials) {
    const w = `${where}, trial ${t.id}`;
    if (ids.has(t.id)) throw new ValidationError(`${where}: trial id ${t.id} appears twice; trial ids must be unique`);
    ids.add(t.id);
    if (!rec.conditionNames.includes(t.condition)) throw new ValidationError(`${w}: condition "${t.condition}" is not among conditionNames (${rec.conditionNames.join(", ")})`);
    if (!t.counts && !t.spikeTimes) throw new ValidationError(`${w}: has neither counts nor spike times`);
    if (t.counts) {
      if (t.counts.cols !== U) throw new ValidationError(`${w}: counts have ${t.counts.cols} columns but the recording has ${U} units`);
      if (!t.binStart || t.binStart.length !== t.counts.rows) throw new ValidationError(`${w}: needs one binStart per row of counts`);
      if (rec.binSeconds === null) throw new ValidationError(`${where}: trials hold counts but binSeconds is not set`);
    }
    if (t.spikeTimes && t.spikeTimes.length !== U) throw new ValidationError(`${w}: spike times for ${t.spikeTimes.length} units but the recording has ${U}`);
    if (t.behaviour.cols !== B) throw new ValidationError(`${w}: behaviour has ${t.behaviour.cols} channels but behaviourNames lists ${B}`);
    if (t.behaviourTime.length !== t.behaviour.rows) throw new ValidationError(`${w}: needs one behaviourTime per behaviour sample`);
    if (!(t.end > t.start)) throw new ValidationError(`${w}: end (${t.end}) is not after start (${t.start})`);
  }
}

/** Trials of each condition, in conditionNames order. */
export function trialsByCondition(rec: TrialRecording): Map<string, RecordedTrial[]> {
  const m = new Map<string, RecordedTrial[]>(rec.conditionNames.map((c) => [c, []]));
  for (const t of rec.trials) m.get(t.condition)!.push(t);
  return m;
}

export function emptyBehaviour(): { behaviour: Matrix; behaviourTime: Float64Array } {
  return { behaviour: new Matrix(0, 0), behaviourTime: new Float64Array(0) };
}
