/**
 * The hand kinematics of the macaque-reaching Dataverse files (doi:10.7910/DVN/KTE4PC), joined to
 * the spike trials of conditions_spiking_data.mat.
 *
 * kinematics.pkl (written by the authors' convert_data.py from kinematics_lfadsSingleFromFactors.mat)
 * holds, per session, a dict from a kinematic trial index to { kinematics: rows × T (hand x, y,
 * vx, vy, then rows the authors do not use), lfads_factors: factors × T, time, condition }.
 * trial_ids.pkl maps session → direction → the kinematic trial indices of that direction's
 * non-empty spike trials, in the spike file's order. The T samples are 20 ms apart from the go cue:
 * the authors decode kinematic column j from rate bin go + j, and so does this reader, placing
 * sample j at the centre of that bin (go + (j + ½)·20 ms).
 *
 * Left out, and counted in each recording's report: kinematic rows beyond the first four, the
 * LFADS factors (a representation, not behaviour), and kinematic trials that trial_ids does not
 * pair with a spike trial. A spike trial without kinematics, a direction that disagrees between
 * the files, or a sample count that disagrees with `time` is an error.
 */
import { Matrix } from "../../core/matrix.js";
import { ValidationError } from "../../core/validate.js";
import { toFloat64, type NdArray } from "../dtype.js";
import { readPickle } from "../pickle.js";
import { readConditionsSpikingMat, DATAVERSE_DIRECTIONS } from "./mat-conditions.js";
import type { Exclusion, RecordedTrial, TrialRecording } from "./recording.js";

export interface DataverseReachingFiles {
  spikes: string;
  kinematics: string;
  trialIds: string;
}

export interface ReadDataverseReachingOptions {
  /** Sessions to read (0-based; default all). */
  sessions: number[] | null;
  /** Read only the first n sessions, or all when the files hold fewer (ignored when sessions is given). */
  firstSessions: number | null;
  /** Spacing of the kinematic samples (s). */
  kinematicSeconds: number;
  /** Go cue from the trial start (s). */
  goSeconds: number;
}

/** The behaviour channels read: the first four kinematic rows. */
export const DATAVERSE_KINEMATIC_ROWS = ["hand_x", "hand_y", "hand_vx", "hand_vy"];

/** One trial of kinematics.pkl. */
export interface KinematicTrial {
  condition: string;
  /** T × 4: hand x, y, vx, vy. */
  hand: Matrix;
  extraRows: number;
  factors: number;
}

function isNdArray(x: unknown): x is NdArray {
  return typeof x === "object" && x !== null && "shape" in x && "dtype" in x && "data" in x && "fortranOrder" in x;
}

function entries(x: unknown, where: string, layout: string): [string, unknown][] {
  if (x instanceof Map) return [...x.entries()].map(([k, v]) => [String(k), v]);
  if (typeof x === "object" && x !== null && !Array.isArray(x) && !isNdArray(x)) return Object.entries(x);
  throw new ValidationError(`${where}: expected a dict; the layout is ${layout}`);
}

function field(x: unknown, key: string, where: string): unknown {
  const v = x instanceof Map ? x.get(key) : typeof x === "object" && x !== null ? (x as Record<string, unknown>)[key] : undefined;
  if (v === undefined) throw new ValidationError(`${where}: no "${key}" (it has ${entries(x, where, "a dict").map(([k]) => k).join(", ")})`);
  return v;
}

/** A 2-D array as rows × cols, reading column-major data as such. */
function matrix2d(a: unknown, where: string): { rows: number; cols: number; at: (r: number, c: number) => number } {
  if (!isNdArray(a) || a.shape.length !== 2) throw new ValidationError(`${where}: expected a 2-D NumPy array${isNdArray(a) ? `, found shape (${a.shape.join(", ")})` : ""}`);
  const [rows, cols] = a.shape;
  const d = toFloat64(a.data, where);
  return { rows, cols, at: a.fortranOrder ? (r, c) => d[c * rows + r] : (r, c) => d[r * cols + c] };
}

/** Number of samples in `time` (any shape: T, 1 × T or T × 1). */
function timeLength(a: unknown, where: string): number {
  if (!isNdArray(a)) throw new ValidationError(`${where}: expected a NumPy array of sample times`);
  const long = a.shape.filter((d) => d !== 1);
  if (long.length > 1) throw new ValidationError(`${where}: time has shape (${a.shape.join(", ")}); expected a vector`);
  return a.shape.reduce((p, d) => p * d, 1);
}

function intList(x: unknown, where: string): number[] {
  const values = isNdArray(x) ? Array.from(toFloat64(x.data, where)) : Array.isArray(x) ? x.map(Number) : null;
  if (!values || values.some((v) => !Number.isInteger(v))) throw new ValidationError(`${where}: expected a list or array of integer trial indices`);
  return values;
}

/** One session of kinematics.pkl: kinematic trial index → hand kinematics and condition. */
function readKinematicSession(day: unknown, where: string): Map<number, KinematicTrial> {
  const out = new Map<number, KinematicTrial>();
  for (const [key, trial] of entries(day, where, "{trial index: {kinematics, lfads_factors, time, condition}}")) {
    const w = `${where}[${key}]`;
    const index = Number(key);
    if (!Number.isInteger(index)) throw new ValidationError(`${w}: the trial key is not an integer index`);
    const condition = field(trial, "condition", w);
    if (typeof condition !== "string") throw new ValidationError(`${w}.condition: expected a direction name, found ${typeof condition}`);
    const k = matrix2d(field(trial, "kinematics", w), `${w}.kinematics`);
    if (k.rows < 4) throw new ValidationError(`${w}.kinematics: ${k.rows} rows; expected at least 4 (hand x, y, vx, vy) × samples`);
    const T = timeLength(field(trial, "time", w), `${w}.time`);
    if (T !== k.cols) throw new ValidationError(`${w}: kinematics hold ${k.cols} samples but time holds ${T}`);
    const f = field(trial, "lfads_factors", w);
    const factors = isNdArray(f) && f.shape.length === 2 ? f.shape[0] : 0;
    const hand = new Matrix(T, 4);
    for (let j = 0; j < T; j++) for (let r = 0; r < 4; r++) {
      const v = k.at(r, j);
      if (!Number.isFinite(v)) throw new ValidationError(`${w}.kinematics: row ${r} (${DATAVERSE_KINEMATIC_ROWS[r]}), sample ${j} is ${v}`);
      hand.data[j * 4 + r] = v;
    }
    out.set(index, { condition, hand, extraRows: k.rows - 4, factors });
  }
  return out;
}

/**
 * Joins one session's spike trials (in the spike file's order: by condition, non-empty cells) to
 * its kinematics through trial_ids. Trials take their kinematic trial index as id.
 */
export function joinDataverseKinematics(rec: TrialRecording, kinematics: Map<number, KinematicTrial>, ids: Map<string, number[]>, o: Pick<ReadDataverseReachingOptions, "kinematicSeconds" | "goSeconds">): TrialRecording {
  const where = `${rec.session.source}, ${rec.session.name}`;
  const seen = new Map<string, number>();
  const used = new Set<number>();
  let extraRows = 0, factorRows = 0, samples = 0;
  const perTrial = (total: number) => (total % rec.trials.length === 0 ? `${total / rec.trials.length} per trial × ${rec.trials.length} trials` : `over ${rec.trials.length} trials`);
  const trials = rec.trials.map((t): RecordedTrial => {
    const n = seen.get(t.condition) ?? 0;
    seen.set(t.condition, n + 1);
    const list = ids.get(t.condition);
    if (!list) throw new ValidationError(`${where}: trial_ids.pkl lists no trials for direction ${t.condition}`);
    if (n >= list.length) throw new ValidationError(`${where}: the spike file holds more ${t.condition} trials than trial_ids.pkl lists (${list.length}); the files do not belong together`);
    const index = list[n];
    const kin = kinematics.get(index);
    if (!kin) throw new ValidationError(`${where}: trial_ids.pkl pairs ${t.condition} trial ${n + 1} with kinematic trial ${index}, which kinematics.pkl does not hold`);
    if (kin.condition !== t.condition) throw new ValidationError(`${where}: kinematic trial ${index} is a ${kin.condition} reach but trial_ids.pkl pairs it with a ${t.condition} spike trial`);
    if (used.has(index)) throw new ValidationError(`${where}: trial_ids.pkl pairs kinematic trial ${index} with two spike trials`);
    used.add(index);
    extraRows += kin.extraRows;
    factorRows += kin.factors;
    samples += kin.hand.rows;
    const go = t.events.go ?? o.goSeconds;
    const behaviourTime = Float64Array.from({ length: kin.hand.rows }, (_, j) => go + (j + 0.5) * o.kinematicSeconds);
    if (behaviourTime[behaviourTime.length - 1] > t.end) {
      throw new ValidationError(`${where}: kinematic trial ${index} holds ${kin.hand.rows} samples of ${o.kinematicSeconds * 1000} ms from the go cue, beyond the spike trial's end (${t.end} s); check kinematicSeconds`);
    }
    return { ...t, id: index, behaviour: kin.hand, behaviourTime };
  });
  for (const [c, list] of ids) {
    if ((seen.get(c) ?? 0) !== list.length) throw new ValidationError(`${where}: trial_ids.pkl lists ${list.length} ${c} trials but the spike file holds ${seen.get(c) ?? 0}; the files do not belong together`);
  }
  const excluded: Exclusion[] = [...rec.report.excluded];
  const unpaired = [...kinematics.keys()].filter((k) => !used.has(k));
  if (unpaired.length) excluded.push({ what: "kinematic trials", count: unpaired.length, reason: `not paired with a spike trial in trial_ids.pkl (indices ${unpaired.slice(0, 5).join(", ")}${unpaired.length > 5 ? ", …" : ""})` });
  if (extraRows) excluded.push({ what: "kinematic rows", count: extraRows, reason: `beyond hand x, y, vx, vy: ${perTrial(extraRows)}` });
  if (factorRows) excluded.push({ what: "LFADS factor rows", count: factorRows, reason: `a representation, not behaviour: ${perTrial(factorRows)}` });
  return {
    ...rec,
    session: { ...rec.session, format: "dataverse-reaching", notes: [...rec.session.notes, `hand kinematics: ${samples} samples of ${o.kinematicSeconds * 1000} ms from the go cue (before it, binning repeats the first sample)`] },
    behaviourNames: [...DATAVERSE_KINEMATIC_ROWS],
    trials,
    report: { ...rec.report, excluded },
  };
}

/**
 * The Dataverse spike trials with their hand kinematics, one recording per session: spikes at
 * 1 ms, behaviour hand_x, hand_y, hand_vx, hand_vy at 20 ms from the go cue.
 */
export async function readDataverseReaching(files: DataverseReachingFiles, options: Partial<ReadDataverseReachingOptions> = {}): Promise<TrialRecording[]> {
  const o: ReadDataverseReachingOptions = { sessions: null, firstSessions: null, kinematicSeconds: 0.02, goSeconds: 0.5, ...options };
  const spikes = await readConditionsSpikingMat(files.spikes, { sessions: o.sessions, firstSessions: o.firstSessions, goSeconds: o.goSeconds, conditionNames: DATAVERSE_DIRECTIONS });
  const kinTop = readPickle(files.kinematics);
  const idsTop = readPickle(files.trialIds);
  const sessions = o.sessions ?? spikes.map((_, i) => i);
  return spikes.map((rec, i) => {
    const s = sessions[i];
    const kin = readKinematicSession(field(kinTop, String(s), files.kinematics), `${files.kinematics}[${s}]`);
    const day = field(idsTop, String(s), files.trialIds);
    const ids = new Map(entries(day, `${files.trialIds}[${s}]`, "{session: {direction: trial indices}}").map(([c, v]) => [c, intList(v, `${files.trialIds}[${s}][${c}]`)]));
    return joinDataverseKinematics(rec, kin, ids, o);
  });
}
