/**
 * Trial recordings from NWB 2 files (HDF5): spike times from the units table (the ragged pair
 * /units/spike_times + /units/spike_times_index, where index[u] is the end of unit u's run), the
 * trials table /intervals/trials (start_time, stop_time, a condition column, and every other
 * *_time column as an event), and behaviour TimeSeries (data T × d with timestamps). Spikes outside
 * every trial interval are counted in the report, not silently lost.
 */
import { Matrix } from "../../core/matrix.js";
import { ValidationError } from "../../core/validate.js";
import { toFloat64, type NdArray } from "../dtype.js";
import { hdf5GroupKeys, readHdf5Datasets } from "../hdf5.js";
import type { Exclusion, RecordedTrial, TrialRecording } from "./recording.js";

export interface NwbBehaviourSeries {
  /** Group path of a TimeSeries / SpatialSeries, e.g. "/processing/behavior/Position/hand". */
  path: string;
  /** One name per data column, e.g. ["hand_x", "hand_y"]. */
  names: string[];
}

export interface ReadNwbTrialsOptions {
  /** Trials-table column naming each trial's condition (default: the first of condition, direction, reach_direction, target present). */
  conditionColumn: string | null;
  behaviour: NwbBehaviourSeries[];
  conditionOrder: string[] | null;
}

const DEFAULT_BEHAVIOUR: NwbBehaviourSeries[] = [
  { path: "/processing/behavior/Position/hand", names: ["hand_x", "hand_y"] },
  { path: "/processing/behavior/Velocity/hand", names: ["hand_vx", "hand_vy"] },
];

function vec(v: NdArray | string[] | null, where: string): Float64Array {
  if (v === null) throw new ValidationError(`${where}: missing`);
  if (Array.isArray(v)) throw new ValidationError(`${where}: holds text, expected numbers`);
  return toFloat64(v.data, where);
}

export async function readNwbTrials(path: string, options: Partial<ReadNwbTrialsOptions> = {}): Promise<TrialRecording> {
  const o: ReadNwbTrialsOptions = { conditionColumn: null, behaviour: DEFAULT_BEHAVIOUR, conditionOrder: null, ...options };
  const where = `readNwbTrials: ${path}`;
  const trialCols = await hdf5GroupKeys(path, "/intervals/trials");
  if (!trialCols) throw new ValidationError(`${where}: no trials table (/intervals/trials); the file needs one to cut trials`);
  if (!(await hdf5GroupKeys(path, "/units"))) throw new ValidationError(`${where}: no units table (/units) with spike_times`);
  const condCol = o.conditionColumn ?? ["condition", "direction", "reach_direction", "target"].find((c) => trialCols.includes(c)) ?? null;
  if (!condCol || !trialCols.includes(condCol)) throw new ValidationError(`${where}: the trials table has no condition column${o.conditionColumn ? ` "${o.conditionColumn}"` : ""}; its columns: ${trialCols.join(", ")}; pass { conditionColumn }`);
  const eventCols = trialCols.filter((c) => c.endsWith("_time") && c !== "start_time" && c !== "stop_time");
  const behaviourPaths = o.behaviour.flatMap((b) => [`${b.path}/data`, `${b.path}/timestamps`]);
  const ds = await readHdf5Datasets(path, [
    "/units/spike_times", "/units/spike_times_index", "/units/id",
    "/intervals/trials/start_time", "/intervals/trials/stop_time", "/intervals/trials/id", `/intervals/trials/${condCol}`,
    ...eventCols.map((c) => `/intervals/trials/${c}`), ...behaviourPaths,
  ]);
  const times = vec(ds["/units/spike_times"], `${where}:/units/spike_times`);
  const index = vec(ds["/units/spike_times_index"], `${where}:/units/spike_times_index (the ragged index of spike_times)`);
  const U = index.length;
  for (let u = 0; u < U; u++) {
    const prev = u === 0 ? 0 : index[u - 1];
    if (!(index[u] >= prev) || index[u] > times.length) throw new ValidationError(`${where}: spike_times_index[${u}] = ${index[u]} is not a non-decreasing end index into ${times.length} spike times`);
  }
  const unitIds = ds["/units/id"] ? Array.from(vec(ds["/units/id"], `${where}:/units/id`)) : Array.from({ length: U }, (_, u) => u);
  const start = vec(ds["/intervals/trials/start_time"], `${where}:/intervals/trials/start_time`);
  const stop = vec(ds["/intervals/trials/stop_time"], `${where}:/intervals/trials/stop_time`);
  const nT = start.length;
  if (stop.length !== nT) throw new ValidationError(`${where}: trials table has ${nT} start_time but ${stop.length} stop_time rows`);
  const ids = ds["/intervals/trials/id"] ? Array.from(vec(ds["/intervals/trials/id"], `${where}:/intervals/trials/id`)) : Array.from({ length: nT }, (_, i) => i);
  const condRaw = ds[`/intervals/trials/${condCol}`]!;
  const conditions = Array.isArray(condRaw) ? condRaw : Array.from(toFloat64(condRaw.data), String);
  if (conditions.length !== nT) throw new ValidationError(`${where}: trials column ${condCol} has ${conditions.length} rows for ${nT} trials`);
  const events = eventCols.map((c) => ({ name: c.replace(/_time$/, ""), values: vec(ds[`/intervals/trials/${c}`], `${where}:/intervals/trials/${c}`) }));
  const behaviour = o.behaviour.filter((b) => ds[`${b.path}/data`] !== null).map((b) => {
    const data = ds[`${b.path}/data`] as NdArray;
    if (Array.isArray(data)) throw new ValidationError(`${where}:${b.path}/data holds text`);
    const cols = data.shape.length === 1 ? 1 : data.shape[1];
    if (cols !== b.names.length) throw new ValidationError(`${where}:${b.path}/data has ${cols} columns but ${b.names.length} names were given (${b.names.join(", ")})`);
    const ts = ds[`${b.path}/timestamps`];
    if (!ts) throw new ValidationError(`${where}:${b.path} has no timestamps; store timestamps with the series (starting_time + rate is not read)`);
    return { names: b.names, values: new Matrix(data.shape[0], cols, toFloat64(data.data)), time: vec(ts, `${where}:${b.path}/timestamps`) };
  });
  const behaviourNames = behaviour.flatMap((b) => b.names);
  let used = 0;
  const samplesInTrials = new Uint8Array(behaviour.length ? behaviour[0].time.length : 0);
  const trials: RecordedTrial[] = [];
  for (let i = 0; i < nT; i++) {
    const spikeTimes: Float64Array[] = [];
    for (let u = 0; u < U; u++) {
      const a = u === 0 ? 0 : index[u - 1], z = index[u];
      const mine: number[] = [];
      for (let s = a; s < z; s++) if (times[s] >= start[i] && times[s] < stop[i]) mine.push(times[s]);
      used += mine.length;
      spikeTimes.push(Float64Array.from(mine));
    }
    // behaviour samples inside the trial, all series on the first series' timestamps
    const rows: number[] = [];
    if (behaviour.length) behaviour[0].time.forEach((t, s) => { if (t >= start[i] && t < stop[i]) { rows.push(s); samplesInTrials[s] = 1; } });
    const B = new Matrix(rows.length, behaviourNames.length);
    let off = 0;
    for (const b of behaviour) {
      if (b.time.length !== behaviour[0].time.length) throw new ValidationError(`${where}: behaviour series have different timestamps; give series sampled together`);
      rows.forEach((s, k) => { for (let c = 0; c < b.names.length; c++) B.data[k * behaviourNames.length + off + c] = b.values.data[s * b.names.length + c]; });
      off += b.names.length;
    }
    trials.push({
      id: ids[i], condition: conditions[i], start: start[i], end: stop[i],
      events: Object.fromEntries(events.map((e) => [e.name, e.values[i]])),
      counts: null, binStart: null, spikeTimes, behaviour: B, behaviourTime: Float64Array.from(rows, (s) => behaviour[0].time[s]),
    });
  }
  const excluded: Exclusion[] = [];
  if (used < times.length) excluded.push({ what: "spikes", count: times.length - used, reason: "outside every trial interval" });
  const samplesOutside = samplesInTrials.length - samplesInTrials.reduce((a, v) => a + v, 0);
  if (samplesOutside) excluded.push({ what: "behaviour samples", count: samplesOutside, reason: "outside every trial interval" });
  const missingSeries = o.behaviour.filter((b) => ds[`${b.path}/data`] === null);
  const seen = [...new Set(conditions)];
  return {
    session: { name: path.split("/").pop()!, source: path, format: "nwb", simulated: false, notes: missingSeries.length ? [`behaviour series not in the file: ${missingSeries.map((b) => b.path).join(", ")}`] : [] },
    units: unitIds.map((u) => `unit_${u}`), behaviourNames, binSeconds: null, conditionNames: o.conditionOrder ?? seen, trials,
    report: { units: U, trials: nT, bins: trials.reduce((a, t) => a + t.behaviour.rows, 0), spikes: used, excluded },
  };
}
