/**
 * The long trial table (docs/trial-table.md): one row per time bin per trial, with columns
 *   trial, time (s), direction or condition, hand_x, hand_y, [hand_vx, hand_vy], unit_* (counts),
 *   and optionally session and event_<name> (the event's time in s, the same on every row of a trial).
 * Read from CSV/TSV, Parquet or Arrow through readTable. Nothing is skipped without a word: an
 * unknown column, a missing cell, a trial whose rows are not contiguous or whose bins are uneven
 * is an error saying what to change; the counts of units, trials and bins are in the report.
 */
import { writeFileAtomic } from "../atomic.js";
import { readTable, type TableFormat } from "../table.js";
import { Matrix } from "../../core/matrix.js";
import { ValidationError, withDefaults } from "../../core/validate.js";
import { readTrialConditions } from "./trial-file.js";
import type { Exclusion, RecordedTrial, TrialRecording } from "./recording.js";

export interface ReadTrialTableOptions {
  format: TableFormat | null;
  /** Which session to read when the table has a session column with several values. */
  session: string | number | null;
  /** Columns to leave out on purpose (listed in the report); any other unknown column is an error. */
  ignore: string[];
  /** A second table (CSV/Parquet/Arrow) with one row per trial: trial, condition (or direction), [start, end, event_*]. */
  trials: string | null;
  /** Condition order (default: the order of first appearance). */
  conditionOrder: string[] | null;
  /** Relative tolerance on even time steps within a trial. */
  timeTolerance: number;
}

const BEHAVIOUR = ["hand_x", "hand_y", "hand_vx", "hand_vy"];

/** Reads every session of a long trial table (one recording per value of its session column, or one). */
export async function readTrialTableSessions(path: string, options: Partial<ReadTrialTableOptions> = {}): Promise<TrialRecording[]> {
  const o = withDefaults<ReadTrialTableOptions>({ format: null, session: null, ignore: [], trials: null, conditionOrder: null, timeTolerance: 1e-6 }, options, "readTrialTable");
  const table = await readTable(path, { format: o.format, header: true });
  const names = table.columnNames();
  // arquero's array() builds a new array per call: read each column once
  const columns = new Map<string, ArrayLike<unknown>>();
  const col = (n: string) => {
    let c = columns.get(n);
    if (!c) {
      c = table.array(n) as ArrayLike<unknown>;
      columns.set(n, c);
    }
    return c;
  };
  const rows = table.numRows();
  if (rows === 0) throw new ValidationError(`readTrialTable: ${path} has no rows`);
  const where = `readTrialTable: ${path}`;
  const need = (n: string) => {
    if (!names.includes(n)) throw new ValidationError(`${where}: no "${n}" column; the long trial table needs trial, time, direction or condition, hand_x, hand_y and unit_* columns (see docs/trial-table.md); it has ${names.join(", ")}`);
  };
  need("trial");
  need("time");
  const condCol = names.includes("condition") ? "condition" : names.includes("direction") ? "direction" : null;
  if (condCol === null && !o.trials) throw new ValidationError(`${where}: no "direction" or "condition" column; add one, or pass { trials: "trials.csv" } with one row per trial naming its condition`);
  if (condCol !== null && o.trials) throw new ValidationError(`${where}: the table has a "${condCol}" column and a trials file was given too; pass only one source of conditions`);
  need("hand_x");
  need("hand_y");
  const units = names.filter((n) => n.startsWith("unit_"));
  if (units.length === 0) throw new ValidationError(`${where}: no unit_* columns (spike counts per bin, one column per unit)`);
  const events = names.filter((n) => n.startsWith("event_"));
  const behaviourNames = BEHAVIOUR.filter((n) => names.includes(n));
  if (names.includes("hand_vx") !== names.includes("hand_vy")) throw new ValidationError(`${where}: has only one of hand_vx, hand_vy; give both or neither`);
  const absentIgnored = o.ignore.filter((n) => !names.includes(n));
  if (absentIgnored.length) throw new ValidationError(`${where}: ignore lists ${absentIgnored.join(", ")}, which the table does not have`);
  const known = new Set(["trial", "time", "session", ...(condCol ? [condCol] : []), ...behaviourNames, ...units, ...events, ...o.ignore]);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) throw new ValidationError(`${where}: unknown column${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; rename to unit_* (counts) or event_* (event times in s), or leave out with { ignore: [${unknown.map((u) => `"${u}"`).join(", ")}] }`);

  const num = (name: string, r: number): number => {
    const v = col(name)[r];
    const x = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    if (!Number.isFinite(x)) throw new ValidationError(`${where}: column "${name}", data row ${r + 1}: ${JSON.stringify(v)} is not a number; fill the cell or remove the row`);
    return x;
  };
  const sessionOf = (r: number) => (names.includes("session") ? String(col("session")[r]) : "");
  const sessionValues = [...new Set(Array.from({ length: rows }, (_, r) => sessionOf(r)))];
  const wanted = o.session === null ? sessionValues : [String(o.session)];
  if (o.session !== null && !sessionValues.includes(String(o.session))) throw new ValidationError(`${where}: no session ${o.session}; sessions: ${sessionValues.join(", ")}`);
  const trialInfo = o.trials ? await readTrialConditions(o.trials, { format: null }) : null;

  const out: TrialRecording[] = [];
  for (const session of wanted) {
    // contiguous blocks of rows per trial
    const order: number[] = [];
    const rowsOf = new Map<number, number[]>();
    let last = NaN;
    for (let r = 0; r < rows; r++) {
      if (sessionOf(r) !== session) continue;
      const id = num("trial", r);
      if (!Number.isInteger(id)) throw new ValidationError(`${where}: column "trial", data row ${r + 1}: ${id} is not an integer trial id`);
      if (id !== last && rowsOf.has(id)) throw new ValidationError(`${where}: the rows of trial ${id} are not contiguous (it reappears at data row ${r + 1}); sort the table by trial, then time`);
      if (!rowsOf.has(id)) {
        rowsOf.set(id, []);
        order.push(id);
      }
      rowsOf.get(id)!.push(r);
      last = id;
    }
    let binSeconds = NaN;
    const trials: RecordedTrial[] = [];
    for (const id of order) {
      const rs = rowsOf.get(id)!;
      const time = Float64Array.from(rs, (r) => num("time", r));
      for (let s = 1; s < time.length; s++) {
        const step = time[s] - time[s - 1];
        if (!(step > 0)) throw new ValidationError(`${where}: trial ${id}: time does not increase at data row ${rs[s] + 1} (${time[s - 1]} then ${time[s]}); sort by trial, then time`);
        if (Number.isNaN(binSeconds)) binSeconds = step;
        else if (Math.abs(step - binSeconds) > o.timeTolerance * Math.max(1, Math.abs(time[s])) + 1e-9 * binSeconds && Math.abs(step - binSeconds) > 1e-6 * binSeconds) {
          throw new ValidationError(`${where}: trial ${id}: time step ${step} s at data row ${rs[s] + 1} differs from the bin width ${binSeconds} s; bins must be evenly spaced (resample first)`);
        }
      }
      let condition: string;
      if (condCol) {
        condition = String(col(condCol)[rs[0]]);
        for (const r of rs) if (String(col(condCol)[r]) !== condition) throw new ValidationError(`${where}: trial ${id} changes ${condCol} at data row ${r + 1} ("${condition}" then "${col(condCol)[r]}"); a trial has one condition`);
      } else {
        const info = trialInfo!.get(id);
        if (!info) throw new ValidationError(`${where}: trial ${id} is not in the trials file ${o.trials}; add it or remove its rows`);
        condition = info.condition;
      }
      const ev: Record<string, number> = {};
      for (const e of events) {
        const v = num(e, rs[0]);
        for (const r of rs) if (num(e, r) !== v) throw new ValidationError(`${where}: trial ${id}: ${e} changes within the trial at data row ${r + 1}; an event column holds the event's time, the same on every row of the trial`);
        ev[e.slice("event_".length)] = v;
      }
      const counts = new Matrix(rs.length, units.length);
      rs.forEach((r, s) => units.forEach((u, k) => {
        const c = num(u, r);
        if (c < 0 || !Number.isInteger(c)) throw new ValidationError(`${where}: column "${u}", data row ${r + 1}: ${c} is not a spike count (a non-negative integer); the long table holds counts per bin`);
        counts.data[s * units.length + k] = c;
      }));
      const behaviour = new Matrix(rs.length, behaviourNames.length);
      rs.forEach((r, s) => behaviourNames.forEach((b, k) => (behaviour.data[s * behaviourNames.length + k] = num(b, r))));
      trials.push({ id, condition, start: time[0], end: NaN, events: ev, counts, binStart: time, spikeTimes: null, behaviour, behaviourTime: time.slice() });
    }
    if (Number.isNaN(binSeconds)) throw new ValidationError(`${where}: every trial has a single row; the bin width cannot be told from the time column`);
    const excluded: Exclusion[] = [];
    if (trialInfo) {
      const unused = [...trialInfo.keys()].filter((t) => !rowsOf.has(t));
      if (unused.length) excluded.push({ what: "trials of the trials file", count: unused.length, reason: `no bins in the table (ids ${unused.slice(0, 5).join(", ")}${unused.length > 5 ? ", …" : ""})` });
      trials.forEach((t) => Object.assign(t.events, trialInfo.get(t.id)!.events));
    }
    if (o.ignore.length) excluded.push({ what: "columns", count: o.ignore.length, reason: `ignored on request: ${o.ignore.join(", ")}` });
    if (o.session !== null && sessionValues.length > 1) {
      const kept = order.reduce((a, id) => a + rowsOf.get(id)!.length, 0);
      excluded.push({ what: "rows", count: rows - kept, reason: `of the other ${sessionValues.length - 1} session(s); session ${o.session} chosen` });
    }
    for (const t of trials) t.end = t.start + t.binStart!.length * binSeconds;
    const seen = [...new Set(trials.map((t) => t.condition))];
    const conditionNames = o.conditionOrder ?? seen;
    const missing = seen.filter((c) => !conditionNames.includes(c));
    if (missing.length) throw new ValidationError(`${where}: conditions ${missing.join(", ")} are not in conditionOrder`);
    const nb = trials.reduce((a, t) => a + t.counts!.rows, 0);
    let spikes = 0;
    for (const t of trials) for (const v of t.counts!.data) spikes += v;
    out.push({
      session: { name: session === "" ? path.split("/").pop()! : `session ${session}`, source: path, format: "long-table", simulated: false, notes: [] },
      units,
      behaviourNames,
      binSeconds,
      conditionNames,
      trials,
      report: { units: units.length, trials: trials.length, bins: nb, spikes, excluded },
    });
  }
  return out;
}

/** Reads one session of a long trial table (the only one, or `session`). */
export async function readTrialTable(path: string, options: Partial<ReadTrialTableOptions> = {}): Promise<TrialRecording> {
  const all = await readTrialTableSessions(path, options);
  if (all.length > 1) throw new ValidationError(`readTrialTable: ${path} holds ${all.length} sessions; pass { session } or use readTrialTableSessions`);
  return all[0];
}

/**
 * Writes recordings with binned counts as one long-table CSV (atomic). Behaviour channels must be
 * sampled at the bins (as this format holds them); with several recordings a session column is added.
 */
export function writeTrialTableCsv(path: string, recordings: TrialRecording | TrialRecording[]): { rows: number; columns: string[] } {
  const recs = Array.isArray(recordings) ? recordings : [recordings];
  if (recs.length === 0) throw new ValidationError("writeTrialTableCsv: no recordings");
  const first = recs[0];
  const eventNames = [...new Set(recs.flatMap((r) => r.trials.flatMap((t) => Object.keys(t.events))))];
  const columns = [...(recs.length > 1 ? ["session"] : []), "trial", "time", "direction", ...first.behaviourNames, ...first.units, ...eventNames.map((e) => `event_${e}`)];
  const lines = [columns.join(",")];
  recs.forEach((rec, s) => {
    if (rec.units.join() !== first.units.join() || rec.behaviourNames.join() !== first.behaviourNames.join()) throw new ValidationError(`writeTrialTableCsv: recording ${s} has other units or behaviour channels than recording 0`);
    for (const t of rec.trials) {
      if (!t.counts || !t.binStart) throw new ValidationError(`writeTrialTableCsv: trial ${t.id} has no binned counts; bin spike times first (binTrials)`);
      if (t.behaviour.rows !== t.counts.rows) throw new ValidationError(`writeTrialTableCsv: trial ${t.id} has ${t.behaviour.rows} behaviour samples for ${t.counts.rows} bins; resample behaviour to the bins first`);
      for (let b = 0; b < t.counts.rows; b++) {
        const cells: (string | number)[] = recs.length > 1 ? [s] : [];
        cells.push(t.id, +t.binStart[b].toFixed(9), JSON.stringify(t.condition));
        for (let k = 0; k < t.behaviour.cols; k++) cells.push(+t.behaviour.data[b * t.behaviour.cols + k].toPrecision(10));
        for (let k = 0; k < t.counts.cols; k++) cells.push(t.counts.data[b * t.counts.cols + k]);
        for (const e of eventNames) cells.push(e in t.events ? t.events[e] : "");
        lines.push(cells.join(","));
      }
    }
  });
  writeFileAtomic(path, lines.join("\n") + "\n");
  return { rows: lines.length - 1, columns };
}
