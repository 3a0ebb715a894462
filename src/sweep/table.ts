/**
 * The sweep's table: one row per task in task-index order, columns task, dataset, seed, every
 * parameter (PARAMETERS order) and every metric (order of first appearance). Cells come straight
 * from the verified result files, and the CSV writes numbers in JavaScript's shortest round-trip
 * form, so the same results give the same bytes whatever ran the tasks.
 */
import { PARAMETER_KEYS, parameterInfo, type ParamValue } from "./parameters.js";

export type Cell = number | string | boolean | null;

export interface SweepTable {
  columns: string[];
  /** Which columns are parameters and which metrics. */
  paramColumns: string[];
  metricColumns: string[];
  rows: Record<string, Cell>[];
}

export interface TaskResult {
  index: number;
  dataset: string;
  seed: number;
  params: Record<string, ParamValue>;
  metrics: Record<string, number | null>;
}

export function buildTable(results: TaskResult[]): SweepTable {
  const sorted = [...results].sort((a, b) => a.index - b.index);
  const present = new Set(sorted.flatMap((r) => Object.keys(r.params)));
  const paramColumns = PARAMETER_KEYS.filter((k) => present.has(k));
  const metricColumns: string[] = [];
  for (const r of sorted) for (const k of Object.keys(r.metrics)) if (!metricColumns.includes(k)) metricColumns.push(k);
  const rows = sorted.map((r) => {
    const row: Record<string, Cell> = { task: r.index, dataset: r.dataset, seed: r.seed };
    for (const k of paramColumns) row[k] = r.params[k] ?? null;
    for (const k of metricColumns) row[k] = r.metrics[k] ?? null;
    return row;
  });
  return { columns: ["task", "dataset", "seed", ...paramColumns, ...metricColumns], paramColumns, metricColumns, rows };
}

function csvCell(v: Cell): string {
  if (v === null) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function tableCsv(t: SweepTable): string {
  return [t.columns.map(csvCell).join(","), ...t.rows.map((r) => t.columns.map((c) => csvCell(r[c])).join(","))].join("\n") + "\n";
}

/** Parquet bytes: numbers as DOUBLE (integers as INT32), strings, booleans; empty cells as nulls. */
/** Columns stored as integers: task, seed, integer parameters and node counts (by name, not by value, so the schema is fixed). */
function integerColumn(name: string): boolean {
  return name === "task" || name === "seed" || INTEGER_METRICS.includes(name) || parameterInfo(name)?.type === "integer";
}

const INTEGER_METRICS = ["nodes", "trainNodes", "testNodes"];

export async function tableParquet(t: SweepTable): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const columnData = t.columns.map((name) => {
    const values = t.rows.map((r) => r[name]);
    const kinds = new Set(values.filter((v) => v !== null).map((v) => typeof v));
    if (kinds.size > 1) throw new Error(`sweep table column ${name} mixes ${[...kinds].join(" and ")} values`);
    const kind = [...kinds][0] ?? "number";
    if (kind === "string") return { name, data: values, type: "STRING" as const, nullable: true };
    if (kind === "boolean") return { name, data: values, type: "BOOLEAN" as const, nullable: true };
    return { name, data: values, type: integerColumn(name) ? ("INT32" as const) : ("DOUBLE" as const), nullable: true };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy: "marble sweep collect" }));
}
