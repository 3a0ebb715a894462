/**
 * From a spec to its tasks: datasets × parameter points × seeds, in that nesting order, so task
 * indices are stable for a given spec. Parameter points are the union of the `vary` entries
 * (each a grid, crossed, or a list), every other parameter at its base value; points that
 * resolve to the same parameters for a dataset (e.g. a one-at-a-time sweep meeting the base
 * value) are one task.
 */
import { PARAMETERS, datasetKind, parameterInfo, parameterKey, type ParamValue } from "./parameters.js";
import { baseValue, type SweepSpec } from "./spec.js";

export interface SweepTask {
  /** Position in the plan: the Slurm array index and the task folder's name. */
  index: number;
  dataset: string;
  seed: number;
  /** Every parameter that applies to the dataset, by "<section>.<name>", in PARAMETERS order. */
  params: Record<string, ParamValue>;
  /** The parameters that differ from the base values, for display. */
  varied: Record<string, ParamValue>;
}

function gridPoints(grid: Record<string, ParamValue[]>): Record<string, ParamValue>[] {
  let points: Record<string, ParamValue>[] = [{}];
  for (const [key, values] of Object.entries(grid)) points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return points;
}

/** The parameter points of `vary` (overrides of the base values); one empty point when nothing varies. */
export function varyPoints(spec: SweepSpec): Record<string, ParamValue>[] {
  if (!spec.vary || spec.vary.length === 0) return [{}];
  return spec.vary.flatMap((entry) => ("list" in entry ? (entry.list as Record<string, ParamValue>[]) : gridPoints(entry as Record<string, ParamValue[]>)));
}

/** The parameters the spec varies, in order of first mention. */
export function sweptParameters(spec: SweepSpec): string[] {
  const keys: string[] = [];
  for (const point of varyPoints(spec)) for (const key of Object.keys(point)) if (!keys.includes(key)) keys.push(key);
  return keys;
}

export function planSweep(spec: SweepSpec): SweepTask[] {
  const tasks: SweepTask[] = [];
  const points = varyPoints(spec);
  for (const dataset of spec.datasets) {
    const kind = datasetKind(dataset);
    const base: Record<string, ParamValue> = {};
    for (const p of PARAMETERS) {
      const v = baseValue(spec, dataset, parameterKey(p));
      if (v !== undefined) base[parameterKey(p)] = v;
    }
    const seen = new Set<string>();
    for (const point of points) {
      const params = { ...base };
      for (const [key, v] of Object.entries(point)) if (parameterInfo(key)?.defaults[kind] !== undefined) params[key] = v;
      const id = JSON.stringify(params);
      if (seen.has(id)) continue;
      seen.add(id);
      const varied = Object.fromEntries(Object.entries(params).filter(([k, v]) => base[k] !== v));
      for (const seed of spec.seeds) tasks.push({ index: tasks.length, dataset, seed, params, varied });
    }
  }
  return tasks;
}

/** "k=5 order=2" for a task's varied parameters ("base" when none). */
export function describeVaried(task: SweepTask): string {
  const parts = Object.entries(task.varied).map(([k, v]) => `${k.slice(k.indexOf(".") + 1)}=${v}`);
  return parts.length ? parts.join(" ") : "base";
}

/** A readable table of the plan, one task per line. */
export function formatPlan(spec: SweepSpec, tasks: SweepTask[]): string {
  const rows = tasks.map((t) => [String(t.index), t.dataset, String(t.seed), describeVaried(t)]);
  const head = ["task", "dataset", "seed", "parameters (differing from the base)"];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ").trimEnd();
  const out = [`sweep "${spec.name}": ${tasks.length} task${tasks.length === 1 ? "" : "s"} (${spec.datasets.length} dataset(s) × ${spec.seeds.length} seed(s) × parameter points)`, "", line(head), line(widths.map((w) => "-".repeat(w)))];
  for (const r of rows) out.push(line(r));
  const bases = spec.datasets.map((d) => {
    const base = PARAMETERS.map(parameterKey).flatMap((k) => {
      const v = baseValue(spec, d, k);
      return v === undefined ? [] : [`${k}=${v}`];
    });
    return `base for ${d}: ${base.join(", ")}`;
  });
  out.push("", ...bases);
  return out.join("\n");
}
