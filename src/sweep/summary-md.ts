/** sweep.md: what the sweep ran, what is missing, and mean ± SEM over seeds per swept parameter. */
import { relative, dirname } from "node:path";
import { METRIC_TITLES } from "./experiments/types.js";
import { parameterInfo } from "./parameters.js";
import { sweptParameters, type SweepTask } from "./plan.js";
import type { SweepSpec } from "./spec.js";
import type { SeedSummary } from "./summary-stats.js";
import type { SweepTable } from "./table.js";

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(4) : "–";
}

export function sweepMarkdown(s: { spec: SweepSpec; tasks: SweepTask[]; table: SweepTable; missing: number[]; summaries: SeedSummary[]; figures: string[] }): string {
  const lines = [`# Sweep \`${s.spec.name}\``, "",
    `${s.tasks.length} tasks: datasets ${s.spec.datasets.join(", ")}; seeds ${s.spec.seeds.join(", ")}; ${s.table.rows.length} collected into sweep.parquet and sweep.csv (one row per task, by task index).`];
  if (s.missing.length) lines.push("", `**Not collected (not done): ${s.missing.length} task(s): ${s.missing.join(", ")}.** The numbers below leave them out.`);
  for (const p of sweptParameters(s.spec)) {
    const rows = s.summaries.filter((x) => x.parameter === p);
    if (rows.length === 0) continue;
    const metrics = [...new Set(rows.map((r) => r.metric))];
    lines.push("", `## ${p} (${parameterInfo(p)?.axis ?? p})`, "", "Mean ± SEM over seeds (n seeds); * marks the base value.", "");
    lines.push(`| dataset | ${p} | n | ${metrics.map((m) => (METRIC_TITLES[m] ?? m).replace(/\|/g, "\\|")).join(" | ")} |`, `|---|---|---|${metrics.map(() => "---|").join("")}`);
    const keys = [...new Set(rows.map((r) => `${r.dataset}\u0000${String(r.value)}`))];
    for (const key of keys) {
      const group = rows.filter((r) => `${r.dataset}\u0000${String(r.value)}` === key);
      const cells = metrics.map((m) => {
        const r = group.find((x) => x.metric === m);
        return r ? `${fmt(r.mean)} ± ${fmt(r.sem)}` : "";
      });
      lines.push(`| ${group[0].dataset} | ${String(group[0].value)}${group[0].base ? "*" : ""} | ${group[0].n} | ${cells.join(" | ")} |`);
    }
  }
  if (s.figures.length) {
    lines.push("", "## Figures (Vega-Lite)", "");
    for (const f of s.figures) lines.push(`- ${relative(dirname(dirname(f)), f)}`);
  }
  return lines.join("\n") + "\n";
}
