/**
 * A user's own recording as a table: one row per time bin, one column per neuron (counts or rates),
 * plus optional behaviour-label and time columns. Reads CSV/TSV, Arrow IPC (Feather v2), Parquet,
 * .npy and HDF5/NWB datasets into an arquero table, then into typed arrays with shape and unit checks.
 */
import { extname } from "node:path";
import type { ColumnTable } from "arquero" with { "resolution-mode": "import" };
// apache-arrow is loaded on the first Arrow read: it is a quarter of a second of start-up for
// every program that imports the library, and only Feather files need it.
type ApacheArrow = typeof import("apache-arrow");
let arrow: ApacheArrow | null = null;
const tableFromIPC: ApacheArrow["tableFromIPC"] = ((...args: Parameters<ApacheArrow["tableFromIPC"]>) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (arrow ??= require("apache-arrow") as ApacheArrow).tableFromIPC(...args)) as ApacheArrow["tableFromIPC"];
import { Matrix } from "../core/matrix.js";
import { ValidationError, withDefaults, checkNumber, checkOneOf } from "../core/validate.js";
import { readNpy, npyToMatrix } from "./npy.js";
import { readHdf5Dataset } from "./hdf5.js";
import { type HeaderOption, parseCsv } from "./csv.js";
import { checkInputFile, readInputFile } from "./input-file.js";
import { type CellGrid, type MissingPolicy, type PolicyReport, MISSING_POLICIES, cellToNumber, describeCell, exactNumber, isMissingToken, resolveMissing } from "./missing.js";

type Arquero = typeof import("arquero", { with: { "resolution-mode": "import" } });

export type TableFormat = "csv" | "tsv" | "arrow" | "parquet" | "npy" | "hdf5";
const FORMATS: readonly TableFormat[] = ["csv", "tsv", "arrow", "parquet", "npy", "hdf5"];

const EXTENSIONS: Record<string, TableFormat> = {
  ".csv": "csv", ".tsv": "tsv", ".txt": "tsv", ".arrow": "arrow", ".feather": "arrow", ".ipc": "arrow",
  ".parquet": "parquet", ".npy": "npy", ".h5": "hdf5", ".hdf5": "hdf5", ".nwb": "hdf5", ".mat": "hdf5",
};

export interface ReadTableOptions {
  /** Overrides detection from the file extension. */
  format?: TableFormat | null;
  /** For .npy/HDF5 matrices and headerless CSV: column names (default n0, n1, … and col0, col1, …). */
  columnNames?: string[] | null;
  /** For HDF5/NWB: the dataset holding the T × N matrix, e.g. "/processing/ecephys/rates/data". */
  dataset?: string | null;
  /** For CSV/TSV: whether the first line names the columns (true, false or "auto", the default); see readCsvMatrix. */
  header?: HeaderOption;
  /** For CSV/TSV: the cell separator; detected from the first line by default. */
  delimiter?: string | null;
}

/** For tables read from CSV: the file line of each row, and the columns the header left unnamed. */
interface CsvOrigin {
  lineNumbers: Int32Array;
  unnamed: Set<string>;
}
const csvOrigins = new WeakMap<ColumnTable, CsvOrigin>();

/**
 * Reads a table from disk; numeric matrices (.npy, HDF5) become one column per matrix column.
 * CSV columns holding only numbers become Float64Arrays; any other column keeps its text cells as
 * strings (numbers as numbers), so that no cell is lost before tableToRecording applies its policy.
 */
export async function readTable(path: string, options: ReadTableOptions = {}): Promise<ColumnTable> {
  const opts = withDefaults<Required<ReadTableOptions>>({ format: null, columnNames: null, dataset: null, header: "auto", delimiter: null }, options, "readTable");
  checkInputFile(path, "readTable");
  const format = opts.format ?? EXTENSIONS[extname(path).toLowerCase()];
  if (!format) {
    throw new ValidationError(`readTable: cannot tell the format of ${path} from its extension; pass { format: ${FORMATS.map((f) => `"${f}"`).join(" | ")} }`);
  }
  checkOneOf(format, "format", FORMATS);
  // arquero is an ES module; this library is CommonJS, so it is loaded on first use
  const aq = await import("arquero");
  switch (format) {
    case "csv":
    case "tsv":
      return csvTable(aq, path, opts);
    case "arrow": {
      let ipc;
      try {
        ipc = tableFromIPC(readInputFile(path, "readTable"));
      } catch (err) {
        throw new ValidationError(`readTable: ${path} is not a readable Arrow IPC (Feather v2) file: ${(err as Error).message}`);
      }
      // arquero declares its own copy of the Arrow types; the runtime objects are the same
      return aq.fromArrow(ipc as any);
    }
    case "parquet": {
      const { parquetReadObjects } = await import("hyparquet");
      const bytes = readInputFile(path, "readTable");
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      let rows: Record<string, unknown>[];
      try {
        rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
      } catch (err) {
        throw new ValidationError(`readTable: ${path} is not a readable Parquet file: ${(err as Error).message}`);
      }
      // 64-bit integer columns arrive as BigInt: converted exactly, or an error naming the cell
      return aq.from(rows.map((r, i) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? exactNumber(v, () => `readTable: ${path}, column "${k}", row ${i + 1}`) : v]))));
    }
    case "npy":
      return matrixTable(aq, npyToMatrix(readNpy(path), path), opts.columnNames, path);
    case "hdf5": {
      if (!opts.dataset) throw new ValidationError(`readTable: ${path} is HDF5/NWB; pass { dataset: "/path/to/T×N/data" }`);
      return matrixTable(aq, npyToMatrix(await readHdf5Dataset(path, opts.dataset), `${path}:${opts.dataset}`), opts.columnNames, `${path}:${opts.dataset}`);
    }
  }
}

function csvTable(aq: Arquero, path: string, opts: Required<ReadTableOptions>): ColumnTable {
  const parsed = parseCsv(readInputFile(path, "readTable").toString("utf8"), path, opts);
  const { rows, cols, values, raw } = parsed;
  const columns: Record<string, Float64Array | (number | string)[]> = {};
  parsed.names.forEach((name, c) => {
    let clean = true;
    for (let r = 0; r < rows && clean; r++) clean = !raw.has(r * cols + c);
    if (clean) {
      const col = new Float64Array(rows);
      for (let r = 0; r < rows; r++) col[r] = values[r * cols + c];
      columns[name] = col;
    } else {
      columns[name] = Array.from({ length: rows }, (_, r) => raw.get(r * cols + c) ?? values[r * cols + c]);
    }
  });
  const table = aq.table(columns);
  csvOrigins.set(table, { lineNumbers: parsed.lineNumbers, unnamed: new Set(parsed.unnamed) });
  return table;
}

function matrixTable(aq: Arquero, m: Matrix, names: string[] | null, where: string): ColumnTable {
  if (names && names.length !== m.cols) throw new ValidationError(`readTable: ${where} has ${m.cols} columns but ${names.length} columnNames were given`);
  const cols: Record<string, Float64Array> = {};
  for (let j = 0; j < m.cols; j++) cols[names ? names[j] : `n${j}`] = m.col(j);
  return aq.table(cols);
}

export type RecordingUnits = "counts" | "rates";

export interface RecordingFromTableOptions {
  /** Columns holding neural activity: names, a pattern, or null for every column not used as label/time or ignored. */
  neurons?: string[] | RegExp | null;
  /** Behaviour columns carried as labels (e.g. position, direction). */
  labels?: string[];
  /** A time column in seconds; must increase in even steps. */
  time?: string | null;
  /** "counts": non-negative integers per bin; "rates": non-negative numbers (spikes/s or smoothed counts). */
  units?: RecordingUnits;
  /** Bin width in seconds; required without a time column, checked against it otherwise. */
  binSeconds?: number | null;
  /**
   * Missing (empty, NA, NaN…) or non-numeric cells in the neuron, label and time columns:
   * "error" (default) names the first one; "zero" replaces them with 0; "drop-rows" leaves out
   * every row holding one. `policyReport` in the result says what was changed.
   */
  missing?: MissingPolicy;
  /** Columns to leave out when neurons are chosen automatically (e.g. a text column of trial types). */
  ignore?: string[];
}

export interface TabularRecording {
  neurons: string[];
  /** T × N activity. */
  activity: Matrix;
  units: RecordingUnits;
  labels: Record<string, Float64Array>;
  time: Float64Array | null;
  binSeconds: number;
  /** What the `missing` policy changed (all zero when nothing was missing). */
  policyReport: PolicyReport;
}

/**
 * Turns a table into activity + labels with the checks that catch the usual mistakes: a label
 * column left among the neurons, rates declared as counts, missing values, uneven time steps.
 * Rows are numbered from 1 in messages (file lines for a table read from CSV).
 */
export function tableToRecording(table: ColumnTable, options: RecordingFromTableOptions = {}): TabularRecording {
  const opts = withDefaults<Required<RecordingFromTableOptions>>(
    { neurons: null, labels: [], time: null, units: "counts", binSeconds: null, missing: "error", ignore: [] },
    options,
    "tableToRecording",
  );
  checkOneOf(opts.units, "units", ["counts", "rates"] as const);
  checkOneOf(opts.missing, "missing", MISSING_POLICIES);
  const names = table.columnNames();
  const origin = csvOrigins.get(table);
  const absent = [...opts.labels, ...(opts.time ? [opts.time] : []), ...opts.ignore].filter((c) => !names.includes(c));
  if (absent.length) throw new ValidationError(`tableToRecording: no column ${absent.map((c) => `"${c}"`).join(", ")}; the table has ${names.join(", ")}`);
  const reserved = new Set([...opts.labels, ...(opts.time ? [opts.time] : []), ...opts.ignore]);
  let neurons: string[];
  if (Array.isArray(opts.neurons)) {
    const absentNeurons = opts.neurons.filter((c) => !names.includes(c));
    if (absentNeurons.length) throw new ValidationError(`tableToRecording: neurons: no column ${absentNeurons.slice(0, 5).join(", ")}${absentNeurons.length > 5 ? ", …" : ""}`);
    neurons = opts.neurons;
  } else if (opts.neurons instanceof RegExp) {
    const re = opts.neurons;
    neurons = names.filter((c) => re.test(c) && !reserved.has(c));
  } else {
    neurons = names.filter((c) => !reserved.has(c));
    for (const name of neurons) checkNeuronCandidate(table, name, names.indexOf(name), origin);
  }
  if (neurons.length === 0) throw new ValidationError("tableToRecording: no neuron columns selected; pass neurons as a list of column names or a RegExp");
  const rows = table.numRows();

  // Neurons, labels and time as one grid, so that the missing-cell policy treats a row as a whole.
  const gridColumns = [...neurons, ...opts.labels, ...(opts.time ? [opts.time] : [])];
  const cols = gridColumns.length;
  const rowNumber = (r: number) => (origin ? origin.lineNumbers[r] : r + 1);
  const rowWord = origin ? "line" : "row";
  const arrays = gridColumns.map((name) => table.array(name) as ArrayLike<unknown>);
  const values = new Float64Array(rows * cols);
  const cellName = (r: number, c: number) => `tableToRecording: column "${gridColumns[c]}", ${rowWord} ${rowNumber(r)}`;
  arrays.forEach((col, c) => {
    for (let r = 0; r < rows; r++) {
      const v = col[r];
      values[r * cols + c] = typeof v === "number" ? v : cellToNumber(v, cellName, r, c);
    }
  });
  // a column with more bad cells than numbers may not be a neuron at all: say how to leave it out
  const mostlyBad = gridColumns.map((_, c) => {
    let bad = 0;
    for (let r = 0; r < rows; r++) if (Number.isNaN(values[r * cols + c])) bad++;
    return bad * 2 > rows;
  });
  const grid: CellGrid = {
    rows, cols, values, rowNumber, rowWord,
    columnNames: gridColumns,
    raw: (r, c) => arrays[c][r],
    hint: (_r, c) =>
      opts.neurons === null && c < neurons.length && mostlyBad[c] ? ` (if column "${gridColumns[c]}" is not a neuron, leave it out with ignore: ["${gridColumns[c]}"])` : "",
  };
  if (opts.time && opts.missing === "zero") {
    for (let r = 0; r < rows; r++) {
      if (Number.isNaN(values[r * cols + cols - 1])) {
        throw new ValidationError(`tableToRecording: ${describeCell(grid, r, cols - 1)} is in the time column, which cannot be filled with 0; fix the file or pass missing: "drop-rows"`);
      }
    }
  }
  const resolved = resolveMissing(grid, opts.missing, "tableToRecording");
  const T = resolved.rows;
  const sourceRow = (t: number) => rowNumber(resolved.keptRows ? resolved.keptRows[t] : t);
  if (T < 2) throw new ValidationError(`tableToRecording: the table has ${T} row${T === 1 ? "" : "s"}${resolved.report.rowsDropped ? ` after dropping ${resolved.report.rowsDropped} with missing cells` : ""}; a recording needs at least 2 time bins`);
  const column = (c: number) => {
    const out = new Float64Array(T);
    for (let t = 0; t < T; t++) out[t] = resolved.values[t * cols + c];
    return out;
  };
  const N = neurons.length;
  const activity = new Matrix(T, N);
  const at = (t: number) => `${rowWord} ${sourceRow(t)}`;
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < N; j++) {
      const v = resolved.values[t * cols + j];
      if (!Number.isFinite(v)) throw new ValidationError(`tableToRecording: neuron column "${neurons[j]}" has ${v} at ${at(t)}; activity must be finite`);
      if (v < 0) throw new ValidationError(`tableToRecording: neuron column "${neurons[j]}" has a negative value (${v}) at ${at(t)}; activity must be counts or rates ≥ 0 (is it a label column? list it in labels)`);
      if (opts.units === "counts" && !Number.isInteger(v)) {
        throw new ValidationError(`tableToRecording: neuron column "${neurons[j]}" has a non-integer value (${v}) at ${at(t)} but units is "counts"; pass units: "rates" for smoothed or per-second data`);
      }
      activity.data[t * N + j] = v;
    }
  }
  const labels: Record<string, Float64Array> = {};
  opts.labels.forEach((name, i) => {
    labels[name] = column(N + i);
  });
  let time: Float64Array | null = null;
  let binSeconds = opts.binSeconds ?? NaN;
  if (opts.time) {
    time = column(cols - 1);
    const step = time[1] - time[0];
    const dropped = resolved.report.rowsDropped ? ` (missing: "drop-rows" left out ${resolved.report.rowsDropped} row${resolved.report.rowsDropped === 1 ? "" : "s"})` : "";
    for (let t = 1; t < T; t++) {
      const dt = time[t] - time[t - 1];
      if (!(dt > 0)) throw new ValidationError(`tableToRecording: time column "${opts.time}" does not increase at ${rowWord} ${sourceRow(t)} (${time[t - 1]} → ${time[t]}); sort the table by time`);
      if (Math.abs(dt - step) > 1e-6 * Math.max(1, Math.abs(step))) {
        throw new ValidationError(`tableToRecording: time column "${opts.time}" is unevenly spaced at ${rowWord} ${sourceRow(t)} (step ${dt} vs ${step})${dropped}; rebin to a fixed bin width first`);
      }
    }
    if (opts.binSeconds !== null && Math.abs(opts.binSeconds - step) > 1e-6 * step) {
      throw new ValidationError(`tableToRecording: binSeconds = ${opts.binSeconds} but the time column steps by ${step}; is the time column in seconds?`);
    }
    binSeconds = step;
  }
  if (opts.binSeconds === null && !opts.time) throw new ValidationError("tableToRecording: pass binSeconds (the bin width in seconds) or a time column");
  checkNumber(binSeconds, "binSeconds", Number.MIN_VALUE);
  return { neurons, activity, units: opts.units, labels, time, binSeconds, policyReport: resolved.report };
}

/** readTable + tableToRecording. */
export async function loadRecording(path: string, options: RecordingFromTableOptions & ReadTableOptions = {}): Promise<TabularRecording> {
  const { format, columnNames, dataset, header, delimiter, ...rest } = options;
  const table = await readTable(path, { format, columnNames, dataset, header, delimiter });
  try {
    return tableToRecording(table, rest);
  } catch (err) {
    // name the file: the table alone does not know where it came from
    if (err instanceof ValidationError) throw new ValidationError(err.message.replace(/^tableToRecording: /, `loadRecording: ${path}: `));
    throw err;
  }
}

/**
 * A column picked as a neuron only because it is there: refuse one that holds no numbers at all
 * (a text column) or that the CSV header left unnamed (often an index written by pandas), rather
 * than guess; the message says how to leave it out.
 */
function checkNeuronCandidate(table: ColumnTable, name: string, index: number, origin: CsvOrigin | undefined): void {
  const leaveOut = `leave it out with ignore: ["${name}"], or choose the neurons with neurons: [...] or a RegExp`;
  if (origin?.unnamed.has(name)) {
    throw new ValidationError(`tableToRecording: column ${index + 1} has no name in the header (often an index column written by pandas' to_csv); ${leaveOut}`);
  }
  const col = table.array(name) as ArrayLike<unknown>;
  let firstText: unknown = undefined;
  for (let r = 0; r < col.length; r++) {
    const v = col[r];
    if (!Number.isNaN(cellToNumber(v, (row) => `tableToRecording: column "${name}", row ${row + 1}`, r, 0))) return;
    if (firstText === undefined && v !== null && v !== undefined && !(typeof v === "string" && isMissingToken(v)) && !(typeof v === "number")) firstText = v;
  }
  if (firstText === undefined) throw new ValidationError(`tableToRecording: column "${name}" (column ${index + 1}) is empty in every row; ${leaveOut}`);
  throw new ValidationError(`tableToRecording: column "${name}" (column ${index + 1}) holds no numbers (first value ${JSON.stringify(String(firstText))}); ${leaveOut}`);
}
