/**
 * Cells that are missing ("", NA, NaN, null…) or not numbers, in any table reader. By default they
 * are an error naming the row, the column and the value; the caller may instead choose to replace
 * them with 0 or to drop their rows, and is told how many cells or rows that changed.
 */
import { ValidationError } from "../core/validate.js";

export type MissingPolicy = "error" | "zero" | "drop-rows";
export const MISSING_POLICIES: readonly MissingPolicy[] = ["error", "zero", "drop-rows"];

/** One cell a policy changed, as the user would find it in the file. */
export interface ChangedCell {
  /** 1-based row: the file line for CSV, the data row for other tables. */
  row: number;
  /** 1-based column index. */
  column: number;
  columnName: string;
  value: string;
}

/** What the `missing` policy changed. */
export interface PolicyReport {
  policy: MissingPolicy;
  /** Cells that were replaced by 0 (policy "zero"). */
  cellsReplaced: number;
  /** Rows left out (policy "drop-rows"). */
  rowsDropped: number;
  /** The 1-based rows left out (file lines for CSV), to align other data with the result. */
  droppedRows: number[];
  /** Up to five of the cells that were replaced or caused a row to be dropped. */
  examples: ChangedCell[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INFINITIES: Record<string, number> = {
  inf: Infinity, "+inf": Infinity, "-inf": -Infinity, infinity: Infinity, "+infinity": Infinity, "-infinity": -Infinity,
};
const MISSING_TOKENS = new Set(["", "na", "n/a", "#n/a", "nan", "+nan", "-nan", "null", "none", "missing", "?"]);

/** True for the usual spellings of a missing value: empty, NA, N/A, NaN, null, None… */
export function isMissingToken(cell: string): boolean {
  return MISSING_TOKENS.has(cell.trim().toLowerCase());
}

/** A number written as text (decimal, exponent, ±inf), or null for anything else, missing tokens included. */
export function parseNumber(cell: string): number | null {
  const t = cell.trim();
  if (NUMBER.test(t)) return Number(t);
  const inf = INFINITIES[t.toLowerCase()];
  return inf === undefined ? null : inf;
}

/**
 * A table value as a number: numbers as they are (NaN counts as missing), integers held as BigInt
 * converted exactly, numeric strings parsed. NaN for missing or non-numeric values; an error for
 * 64-bit integers too large to be held exactly.
 */
export function cellToNumber(v: unknown, describe: (r: number, c: number) => string, r: number, c: number): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return exactNumber(v, () => describe(r, c));
  if (typeof v === "string") return parseNumber(v) ?? NaN;
  return NaN;
}

/** A BigInt as a number when it is exactly representable (|v| ≤ 2^53), else an error. */
export function exactNumber(v: bigint, describe: () => string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ValidationError(`${describe()}: the 64-bit integer ${v} is beyond ±2^53 and cannot be held exactly as a number; rescale or store the column as float64`);
  }
  return Number(v);
}

/** A row-major grid of numbers in which NaN marks a missing or non-numeric cell. */
export interface CellGrid {
  rows: number;
  cols: number;
  values: Float64Array;
  columnNames: string[];
  /** The 1-based row number a user finds the row at (file line for CSV). */
  rowNumber: (r: number) => number;
  /** "line" for text files, "row" for other tables. */
  rowWord: "line" | "row";
  /** The cell as written in the file, for messages. */
  raw: (r: number, c: number) => unknown;
  /** Extra advice for a bad cell (e.g. "this row may be a header"). */
  hint?: (r: number, c: number) => string;
}

function rawText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function isMissingValue(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)) || (typeof v === "string" && isMissingToken(v));
}

/** "missing cell "NA" at line 7, column 3 ("n2")". */
export function describeCell(grid: CellGrid, r: number, c: number): string {
  const v = grid.raw(r, c);
  const what = isMissingValue(v) ? "missing cell" : "non-numeric cell";
  const shown = v === null || v === undefined ? "(empty)" : JSON.stringify(rawText(v));
  return `${what} ${shown} at ${grid.rowWord} ${grid.rowNumber(r)}, column ${c + 1} ("${grid.columnNames[c]}")`;
}

export interface ResolvedGrid {
  rows: number;
  values: Float64Array;
  /** Indices (0-based, into the input grid) of the rows kept; null when none was dropped. */
  keptRows: Int32Array | null;
  report: PolicyReport;
}

/**
 * Applies the policy to the NaN cells of `grid`: "error" throws naming the first one and how many
 * there are; "zero" writes 0 into them; "drop-rows" removes the rows holding any.
 */
export function resolveMissing(grid: CellGrid, policy: MissingPolicy, where: string): ResolvedGrid {
  const { rows, cols, values } = grid;
  const report: PolicyReport = { policy, cellsReplaced: 0, rowsDropped: 0, droppedRows: [], examples: [] };
  let badCells = 0;
  let first = -1;
  const badRow = new Uint8Array(rows);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) continue;
    badCells++;
    badRow[Math.floor(i / cols)] = 1;
    if (first < 0) first = i;
  }
  if (badCells === 0) return { rows, values, keptRows: null, report };
  const badRows = badRow.reduce((a, b) => a + b, 0);
  const fr = Math.floor(first / cols);
  const fc = first % cols;
  if (policy === "error") {
    const extra = grid.hint?.(fr, fc) ?? "";
    throw new ValidationError(
      `${where}: ${describeCell(grid, fr, fc)}${extra}; in all ${badCells} cell${badCells === 1 ? "" : "s"} in ${badRows} ` +
        `row${badRows === 1 ? "" : "s"} ${badCells === 1 ? "is missing or not a number" : "are missing or not numbers"}. ` +
        `Fix the file, or pass missing: "zero" to replace them with 0 or missing: "drop-rows" to leave those rows out`,
    );
  }
  for (let i = first; i < values.length && report.examples.length < 5; i++) {
    if (!Number.isNaN(values[i])) continue;
    const r = Math.floor(i / cols);
    const c = i % cols;
    report.examples.push({ row: grid.rowNumber(r), column: c + 1, columnName: grid.columnNames[c], value: rawText(grid.raw(r, c)) });
  }
  if (policy === "zero") {
    for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) values[i] = 0;
    report.cellsReplaced = badCells;
    return { rows, values, keptRows: null, report };
  }
  const keep = rows - badRows;
  if (keep === 0) throw new ValidationError(`${where}: every row has a missing or non-numeric cell (first: ${describeCell(grid, fr, fc)}); missing: "drop-rows" would leave nothing`);
  const kept = new Int32Array(keep);
  const out = new Float64Array(keep * cols);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    if (badRow[r]) {
      report.droppedRows.push(grid.rowNumber(r));
      continue;
    }
    kept[k] = r;
    out.set(values.subarray(r * cols, (r + 1) * cols), k * cols);
    k++;
  }
  report.rowsDropped = badRows;
  return { rows: keep, values: out, keptRows: kept, report };
}
