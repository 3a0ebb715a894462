/**
 * Mean ± SEM over seeds per swept parameter: for a parameter p and a dataset, the tasks that differ
 * from the base in p alone (or not at all, the base point), grouped by p's value.
 */
import { METRIC_TITLES } from "./experiments/types.js";
import { parameterInfo, type ParamValue } from "./parameters.js";
import type { SweepTask } from "./plan.js";
import type { TaskResult } from "./table.js";

export interface SeedSummary {
  parameter: string;
  dataset: string;
  value: ParamValue;
  metric: string;
  /** Seeds with a finite value. */
  n: number;
  mean: number;
  /** Standard deviation over seeds (n − 1), NaN for one seed. */
  sd: number;
  /** Standard error of the mean, sd / √n. */
  sem: number;
  /** Whether this is the base value (the other sweeps' setting). */
  base: boolean;
}

/** Metrics drawn in the figures, in this order, when a task reports them. */
export const FIGURE_METRICS = ["medianError", "orderRho", "pairRho", "blockRatio"];

export function seedSummaries(parameter: string, tasks: SweepTask[], results: Map<number, TaskResult>): SeedSummary[] {
  const out: SeedSummary[] = [];
  const datasets = [...new Set(tasks.map((t) => t.dataset))];
  for (const dataset of datasets) {
    const eligible = tasks.filter((t) => t.dataset === dataset && parameter in t.params && Object.keys(t.varied).every((k) => k === parameter));
    const values: ParamValue[] = [];
    for (const t of eligible) if (!values.includes(t.params[parameter])) values.push(t.params[parameter]);
    if (values.length < 2) continue;
    if (values.every((v) => typeof v === "number")) (values as number[]).sort((a, b) => a - b);
    for (const value of values) {
      const group = eligible.filter((t) => t.params[parameter] === value).map((t) => results.get(t.index)).filter((r): r is TaskResult => r !== undefined);
      const metrics: string[] = [];
      for (const r of group) for (const m of Object.keys(r.metrics)) if (!metrics.includes(m)) metrics.push(m);
      for (const metric of metrics) {
        const xs = group.map((r) => r.metrics[metric]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
        const n = xs.length;
        const mean = n ? xs.reduce((a, b) => a + b, 0) / n : NaN;
        const sd = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
        out.push({ parameter, dataset, value, metric, n, mean, sd, sem: n > 1 ? sd / Math.sqrt(n) : NaN, base: eligible.some((t) => t.params[parameter] === value && Object.keys(t.varied).length === 0) });
      }
    }
  }
  return out;
}

/** A Vega-Lite figure of the swept parameter: one panel per metric, mean ± SEM over seeds, one line per dataset. */
export function parameterFigure(parameter: string, summaries: SeedSummary[], sweepName: string): Record<string, unknown> | null {
  const metrics = FIGURE_METRICS.filter((m) => summaries.some((s) => s.metric === m));
  if (metrics.length === 0) return null;
  const info = parameterInfo(parameter);
  const numeric = summaries.every((s) => typeof s.value === "number");
  const xTitle = info?.axis ?? parameter;
  const panels = metrics.map((metric) => {
    const rows = summaries.filter((s) => s.metric === metric).map((s) => ({
      dataset: s.dataset, value: typeof s.value === "boolean" ? String(s.value) : s.value, mean: s.mean,
      lo: Number.isFinite(s.sem) ? s.mean - s.sem : s.mean, hi: Number.isFinite(s.sem) ? s.mean + s.sem : s.mean, n: s.n,
    }));
    const x = { field: "value", type: numeric ? "quantitative" : "ordinal", title: xTitle, ...(numeric ? { scale: { zero: false } } : {}) };
    const color = { field: "dataset", type: "nominal", title: "dataset" };
    const yTitle = METRIC_TITLES[metric] ?? metric;
    return {
      title: `${yTitle} against ${xTitle}`,
      width: 280, height: 200,
      data: { values: rows },
      layer: [
        { mark: { type: "line", point: true }, encoding: { x, y: { field: "mean", type: "quantitative", title: `${yTitle}, mean ± SEM over seeds`, scale: { zero: false } }, color,
          tooltip: [{ field: "dataset" }, { field: "value", title: xTitle }, { field: "mean", format: ".4g" }, { field: "n", title: "seeds" }] } },
        { mark: { type: "errorbar", ticks: true }, encoding: { x, y: { field: "lo", type: "quantitative", title: `${yTitle}, mean ± SEM over seeds` }, y2: { field: "hi" }, color } },
      ],
    };
  });
  return { $schema: "https://vega.github.io/schema/vega-lite/v5.json", description: `sweep ${sweepName}: ${parameter}`, hconcat: panels,
    usermeta: { marble: { errorBars: "mean ± SEM over seeds" } } };
}
