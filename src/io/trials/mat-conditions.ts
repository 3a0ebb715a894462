/**
 * The Dataverse reaching layout (conditions_spiking_data.mat, variable all_results; read by the
 * authors with mat73): a cell array over sessions, each a cell array over the conditions (the
 * seven reach directions in the paper's order), each a cell array over trials; a trial is a
 * one-element cell holding a units × samples spike matrix at 1 ms (binary), or empty where no
 * trial was recorded. Read from MAT v5 or v7.3 through readMat; empty trial cells are left out and
 * counted per session.
 */
import { Matrix } from "../../core/matrix.js";
import { ValidationError } from "../../core/validate.js";
import { toFloat64 } from "../dtype.js";
import { readMat } from "../mat.js";
import type { MatCell, MatNumeric, MatValue } from "../mat5.js";
import type { RecordedTrial, TrialRecording } from "./recording.js";
import { emptyBehaviour } from "./recording.js";

export interface ReadConditionsMatOptions {
  variable: string;
  /** Condition names in the file's order (default: the paper's seven directions). */
  conditionNames: string[];
  /** Sample period of the spike matrices (s). */
  sampleSeconds: number;
  /** Go cue from the trial start (s); stored as the event "go". */
  goSeconds: number;
  /** Sessions to read (0-based; default all). */
  sessions: number[] | null;
  /** Read only the first n sessions, or all when the file holds fewer (ignored when sessions is given). */
  firstSessions: number | null;
}

export const DATAVERSE_DIRECTIONS = ["DownLeft", "Left", "UpLeft", "Up", "UpRight", "Right", "DownRight"];

function asCell(v: MatValue | undefined, where: string): MatCell {
  if (!v || v.kind !== "cell") throw new ValidationError(`${where}: expected a cell array, found ${v ? (v.kind === "numeric" ? `a ${v.matlabClass} array` : v.kind) : "nothing"}; the layout is all_results{session}{condition}{trial} = {units × samples}`);
  return v;
}

function isEmpty(v: MatValue): boolean {
  return (v.kind === "numeric" || v.kind === "cell") && v.shape.some((d) => d === 0);
}

export async function readConditionsSpikingMat(path: string, options: Partial<ReadConditionsMatOptions> = {}): Promise<TrialRecording[]> {
  const o: ReadConditionsMatOptions = { variable: "all_results", conditionNames: DATAVERSE_DIRECTIONS, sampleSeconds: 0.001, goSeconds: 0.5, sessions: null, firstSessions: null, ...options };
  const vars = await readMat(path);
  if (!(o.variable in vars)) throw new ValidationError(`readConditionsSpikingMat: ${path} has no variable "${o.variable}"; it has ${Object.keys(vars).join(", ") || "none"}; pass { variable }`);
  const top = asCell(vars[o.variable], `${path}:${o.variable}`);
  const wanted = o.sessions ?? top.items.map((_, i) => i).slice(0, o.firstSessions ?? top.items.length);
  const out: TrialRecording[] = [];
  for (const s of wanted) {
    if (s < 0 || s >= top.items.length) throw new ValidationError(`readConditionsSpikingMat: session ${s} is out of range; the file holds ${top.items.length} sessions (0-based)`);
    const day = asCell(top.items[s], `${path}:${o.variable}{${s + 1}}`);
    if (day.items.length !== o.conditionNames.length) {
      throw new ValidationError(`readConditionsSpikingMat: session ${s} holds ${day.items.length} conditions but ${o.conditionNames.length} condition names were given; pass conditionNames in the file's order`);
    }
    const trials: RecordedTrial[] = [];
    let empty = 0, units = -1, spikes = 0, bins = 0;
    day.items.forEach((condValue, c) => {
      const cond = asCell(condValue, `${path}:${o.variable}{${s + 1}}{${c + 1}}`);
      cond.items.forEach((trialValue, t) => {
        const where = `${path}:${o.variable}{${s + 1}}{${c + 1}}{${t + 1}}`;
        let v: MatValue = trialValue;
        if (isEmpty(v)) {
          empty++;
          return;
        }
        if (v.kind === "cell") {
          if (v.items.length !== 1) throw new ValidationError(`${where}: a trial cell holds ${v.items.length} values; expected one units × samples matrix`);
          v = v.items[0];
        }
        if (v.kind !== "numeric" || v.shape.length !== 2) throw new ValidationError(`${where}: expected a units × samples numeric matrix`);
        const m = v as MatNumeric;
        const [U, T] = m.shape;
        if (units < 0) units = U;
        if (U !== units) throw new ValidationError(`${where}: has ${U} units but earlier trials of session ${s} have ${units}`);
        const data = toFloat64(m.data, where);
        // column-major units × samples → samples × units counts
        const counts = new Matrix(T, U);
        for (let j = 0; j < T; j++) for (let u = 0; u < U; u++) {
          const x = data[j * U + u];
          if (!(x >= 0) || !Number.isInteger(x)) throw new ValidationError(`${where}: value ${x} at unit ${u + 1}, sample ${j + 1} is not a spike count`);
          counts.data[j * U + u] = x;
          spikes += x;
        }
        bins += T;
        const binStart = Float64Array.from({ length: T }, (_, j) => j * o.sampleSeconds);
        trials.push({ id: trials.length, condition: o.conditionNames[c], start: 0, end: T * o.sampleSeconds, events: { go: o.goSeconds }, counts, binStart, spikeTimes: null, ...emptyBehaviour() });
      });
    });
    if (trials.length === 0) throw new ValidationError(`readConditionsSpikingMat: session ${s} holds no trials`);
    out.push({
      session: { name: `session ${s}`, source: path, format: "mat-conditions", simulated: false, notes: [] },
      units: Array.from({ length: units }, (_, u) => `unit_${u}`), behaviourNames: [], binSeconds: o.sampleSeconds, conditionNames: [...o.conditionNames], trials,
      report: { units, trials: trials.length, bins, spikes, excluded: empty ? [{ what: "trial cells", count: empty, reason: "empty (no trial recorded)" }] : [] },
    });
  }
  return out;
}
