/**
 * Mean ± SEM over seeds per swept parameter: for a parameter p and a dataset, the tasks that differ
 * from the base in p alone (or not at all, the base point), grouped by p's value.
 */
import { METRIC_TITLES } from "./experiments/types.js";
import { parameterInfo, type ParamValue } from "./parameters.js";
import type { SweepTask } from "./plan.js";
import type { TaskResult } from "./table.js";
import { lineSpec } from "../reporting/chart-specs.js";
import { figureGrid } from "../reporting/figure-layout.js";

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

/**
 * A figure of the swept parameter in the publication style: one lettered panel per metric (at most
 * three per row), mean ± SEM over seeds as error bars at each setting, ticks at the settings, one
 * line per dataset (a legend only when there are several).
 */
export function parameterFigure(parameter: string, summaries: SeedSummary[], sweepName: string): Record<string, unknown> | null {
  const metrics = FIGURE_METRICS.filter((m) => summaries.some((s) => s.metric === m && Number.isFinite(s.mean)));
  if (metrics.length === 0) return null;
  const info = parameterInfo(parameter);
  const xTitle = info?.axis ?? parameter;
  const numeric = summaries.every((s) => typeof s.value === "number");
  // non-numeric settings (e.g. true/false) are drawn at 0, 1, 2… in their order
  const settings = [...new Set(summaries.map((s) => s.value))];
  const position = (v: ParamValue) => (numeric ? (v as number) : settings.indexOf(v));
  const datasets = [...new Set(summaries.map((s) => s.dataset))];
  const seeds = [...new Set(summaries.map((s) => s.n))].sort((a, b) => a - b);
  const seedText = seeds.length === 1 ? `${seeds[0]} seeds` : `${seeds[0]}–${seeds.at(-1)} seeds`;
  const errorBars = `mean ± SEM over ${seedText}`;
  const panels = metrics.map((metric) => {
    const series = datasets.flatMap((dataset) => {
      const rows = summaries.filter((s) => s.metric === metric && s.dataset === dataset && Number.isFinite(s.mean));
      if (!rows.length) return [];
      // one seed has no SEM: its bar is drawn with zero length rather than left out
      const sem = (s: SeedSummary) => (Number.isFinite(s.sem) ? s.sem : 0);
      return [{ name: dataset, x: rows.map((s) => position(s.value)), y: rows.map((s) => s.mean), low: rows.map((s) => s.mean - sem(s)), high: rows.map((s) => s.mean + sem(s)) }];
    });
    return lineSpec(series, {
      // the y axis names the metric; a single panel says the dataset in its title
      ...(metrics.length === 1 ? { title: `${datasets.join(", ")}: ${METRIC_TITLES[metric] ?? metric}` } : {}),
      xTitle: numeric ? xTitle : `${xTitle} (${settings.map((v, i) => `${i}: ${String(v)}`).join(", ")})`,
      yTitle: METRIC_TITLES[metric] ?? metric,
      errorBars, errorStyle: "bars", yZero: false, seriesTitle: "dataset",
      xTicks: settings.map(position),
      width: 150, height: 150,
    });
  });
  const figure = figureGrid(panels, { columns: Math.min(3, panels.length), width: panels.length > 1 ? "double" : "single", letters: panels.length > 1,
    ...(panels.length > 1 ? { title: `${datasets.join(", ")}: against ${xTitle}` } : {}) });
  return { ...figure, description: `sweep ${sweepName}: ${parameter}` };
}
