/**
 * collectSweep: every task's verified result into one table (sweep.parquet, sweep.csv), a
 * sweep.md summary and one Vega-Lite figure per swept parameter (mean ± SEM over seeds). A task
 * whose result does not match its completion record stops the collection (it is never read as
 * if it were fine); tasks not done stop it too unless `partial`, which lists them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../core/validate.js";
import { writeFileAtomic } from "../io/atomic.js";
import { readTaskStatus, readVerifiedResult, SPEC_COPY, taskDir } from "./layout.js";
import { planSweep, sweptParameters, type SweepTask } from "./plan.js";
import { readSpecFile, type SweepSpec } from "./spec.js";
import { parameterFigure, seedSummaries, type SeedSummary } from "./summary-stats.js";
import { buildTable, tableCsv, tableParquet, type SweepTable, type TaskResult } from "./table.js";
import { sweepMarkdown } from "./summary-md.js";

export interface CollectOptions {
  /** Collect the done tasks even when others are not done (they are listed in sweep.md). */
  partial?: boolean;
}

export interface CollectedSweep {
  dir: string;
  spec: SweepSpec;
  tasks: SweepTask[];
  table: SweepTable;
  taskCount: number;
  /** Tasks not collected (not done), by index. */
  missing: number[];
  /** Per swept parameter: mean ± SEM over seeds for each dataset, value and metric. */
  summaries: SeedSummary[];
  figures: { parameter: string; path: string; spec: Record<string, unknown> }[];
  parquetPath: string;
  csvPath: string;
  summaryPath: string;
}

/** Reads the verified results of the done tasks; throws naming every corrupt task folder. */
export function readResults(dir: string, tasks: SweepTask[], partial = false): { results: TaskResult[]; missing: number[] } {
  const results: TaskResult[] = [];
  const missing: number[] = [];
  const corrupt: string[] = [];
  const notDone: string[] = [];
  for (const task of tasks) {
    const s = readTaskStatus(dir, task.index);
    if (s.state === "corrupt") corrupt.push(`task ${task.index}: ${s.detail}`);
    else if (s.state !== "done") {
      missing.push(task.index);
      notDone.push(`${task.index} (${s.state})`);
    } else {
      const r = JSON.parse(readVerifiedResult(taskDir(dir, task.index))) as TaskResult;
      if (r.index !== task.index || r.seed !== task.seed || r.dataset !== task.dataset || JSON.stringify(r.params) !== JSON.stringify(task.params)) {
        corrupt.push(`task ${task.index}: ${join(taskDir(dir, task.index), "result.json")} holds the result of another task (index ${r.index}, ${r.dataset}, seed ${r.seed}); delete the task folder to redo it`);
      } else results.push(r);
    }
  }
  if (corrupt.length) throw new ValidationError(`sweep ${dir}: ${corrupt.length} task result(s) are damaged and were not collected:\n  ${corrupt.join("\n  ")}`);
  if (notDone.length && !partial) {
    throw new ValidationError(`sweep ${dir}: ${notDone.length} of ${tasks.length} tasks are not done: ${notDone.slice(0, 20).join(", ")}${notDone.length > 20 ? ", …" : ""}. ` +
      `Run the sweep again to finish them (add --retry-failed for failed ones), or collect the done ones with --partial`);
  }
  return { results, missing };
}

export async function collectSweep(dir: string, options: CollectOptions = {}): Promise<CollectedSweep> {
  const spec = readSpecFile(join(dir, SPEC_COPY));
  const tasks = planSweep(spec);
  const { results, missing } = readResults(dir, tasks, options.partial ?? false);
  const table = buildTable(results);
  const parquetPath = join(dir, "sweep.parquet"), csvPath = join(dir, "sweep.csv"), summaryPath = join(dir, "sweep.md");
  writeFileAtomic(parquetPath, await tableParquet(table));
  writeFileAtomic(csvPath, tableCsv(table));
  const byIndex = new Map(results.map((r) => [r.index, r]));
  const summaries = sweptParameters(spec).flatMap((p) => seedSummaries(p, tasks, byIndex));
  const figures = sweptParameters(spec).flatMap((p) => {
    const fig = parameterFigure(p, summaries.filter((s) => s.parameter === p), spec.name);
    if (!fig) return [];
    const path = join(dir, "figures", `${p}.vl.json`);
    writeFileAtomic(path, JSON.stringify(fig, null, 1) + "\n");
    return [{ parameter: p, path, spec: fig }];
  });
  writeFileAtomic(summaryPath, sweepMarkdown({ spec, tasks, table, missing, summaries, figures: figures.map((f) => f.path) }));
  return { dir, spec, tasks, table, taskCount: tasks.length, missing, summaries, figures, parquetPath, csvPath, summaryPath };
}

/** The CSV text of a collected sweep (for byte comparisons). */
export function readCollectedCsv(dir: string): string {
  return readFileSync(join(dir, "sweep.csv"), "utf8");
}
