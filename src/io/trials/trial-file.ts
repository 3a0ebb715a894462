/**
 * A per-trial table (one row per trial: trial, condition or direction, optional event_* columns in
 * s), the second file that supplies conditions and events when the binned data lack them.
 */
import { readTable, type TableFormat } from "../table.js";
import { ValidationError } from "../../core/validate.js";

export interface TrialConditionRow {
  condition: string;
  events: Record<string, number>;
}

export async function readTrialConditions(path: string, options: { format: TableFormat | null }): Promise<Map<number, TrialConditionRow>> {
  const table = await readTable(path, { format: options.format, header: true });
  const names = table.columnNames();
  const where = `trials file ${path}`;
  if (!names.includes("trial")) throw new ValidationError(`${where}: no "trial" column; it needs trial and condition (or direction), one row per trial`);
  const condCol = names.includes("condition") ? "condition" : names.includes("direction") ? "direction" : null;
  if (!condCol) throw new ValidationError(`${where}: no "condition" or "direction" column`);
  const events = names.filter((n) => n.startsWith("event_"));
  const unknown = names.filter((n) => n !== "trial" && n !== condCol && !events.includes(n));
  if (unknown.length) throw new ValidationError(`${where}: unknown columns ${unknown.join(", ")}; a trials file holds trial, ${condCol} and event_* columns only`);
  const ids = table.array("trial") as ArrayLike<unknown>;
  const conds = table.array(condCol) as ArrayLike<unknown>;
  const out = new Map<number, TrialConditionRow>();
  const eventValues = events.map((e) => table.array(e) as ArrayLike<unknown>);
  for (let r = 0; r < table.numRows(); r++) {
    const id = Number(ids[r]);
    if (!Number.isInteger(id)) throw new ValidationError(`${where}: data row ${r + 1}: trial ${JSON.stringify(ids[r])} is not an integer`);
    if (out.has(id)) throw new ValidationError(`${where}: trial ${id} is listed twice (data row ${r + 1})`);
    const ev: Record<string, number> = {};
    for (const [j, e] of events.entries()) {
      const v = Number(eventValues[j][r]);
      if (!Number.isFinite(v)) throw new ValidationError(`${where}: column "${e}", data row ${r + 1}: not a time in s`);
      ev[e.slice("event_".length)] = v;
    }
    out.set(id, { condition: String(conds[r]), events: ev });
  }
  return out;
}
