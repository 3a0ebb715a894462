/**
 * A user's own recording as a table: one row per time bin, one column per neuron (counts or rates),
 * plus optional behaviour-label and time columns. Reads CSV/TSV, Arrow IPC (Feather v2), Parquet,
 * .npy and HDF5/NWB datasets into an arquero table, then into typed arrays with shape and unit checks.
 */
import { readFileSync, existsSync } from "node:fs";
import { extname } from "node:path";
import type { ColumnTable } from "arquero" with { "resolution-mode": "import" };
import { tableFromIPC } from "apache-arrow";
import { Matrix } from "../core/matrix.js";
import { ValidationError, withDefaults, checkNumber, checkOneOf } from "../core/validate.js";
import { readNpy, npyToMatrix } from "./npy.js";
import { readHdf5Dataset } from "./hdf5.js";

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
  /** For .npy/HDF5 matrices: column names (default n0, n1, …). */
  columnNames?: string[] | null;
  /** For HDF5/NWB: the dataset holding the T × N matrix, e.g. "/processing/ecephys/rates/data". */
  dataset?: string | null;
}

/** Reads a table from disk; numeric matrices (.npy, HDF5) become one column per matrix column. */
export async function readTable(path: string, options: ReadTableOptions = {}): Promise<ColumnTable> {
  const opts = withDefaults<Required<ReadTableOptions>>({ format: null, columnNames: null, dataset: null }, options, "readTable");
  if (!existsSync(path)) throw new ValidationError(`readTable: file not found: ${path}`);
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
      return aq.fromCSV(readFileSync(path, "utf8"), { delimiter: format === "tsv" ? "\t" : "," });
    case "arrow":
      // arquero declares its own copy of the Arrow types; the runtime objects are the same
      return aq.fromArrow(tableFromIPC(readFileSync(path)) as any);
    case "parquet": {
      const { parquetReadObjects } = await import("hyparquet");
      const bytes = readFileSync(path);
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
      return aq.from(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]))));
    }
    case "npy":
      return matrixTable(aq, npyToMatrix(readNpy(path)), opts.columnNames, path);
    case "hdf5": {
      if (!opts.dataset) throw new ValidationError(`readTable: ${path} is HDF5/NWB; pass { dataset: "/path/to/T×N/data" }`);
      return matrixTable(aq, npyToMatrix(await readHdf5Dataset(path, opts.dataset)), opts.columnNames, `${path}:${opts.dataset}`);
    }
  }
}

function matrixTable(aq: Arquero, m: Matrix, names: string[] | null, where: string): ColumnTable {
  if (names && names.length !== m.cols) throw new ValidationError(`readTable: ${where} has ${m.cols} columns but ${names.length} columnNames were given`);
  const cols: Record<string, Float64Array> = {};
  for (let j = 0; j < m.cols; j++) cols[names ? names[j] : `n${j}`] = m.col(j);
  return aq.table(cols);
}

export type RecordingUnits = "counts" | "rates";

export interface RecordingFromTableOptions {
  /** Columns holding neural activity: names, a pattern, or null for every numeric column not used as label/time. */
  neurons?: string[] | RegExp | null;
  /** Behaviour columns carried as labels (e.g. position, direction). */
  labels?: string[];
  /** A time column in seconds; must increase in even steps. */
  time?: string | null;
  /** "counts": non-negative integers per bin; "rates": non-negative numbers (spikes/s or smoothed counts). */
  units?: RecordingUnits;
  /** Bin width in seconds; required without a time column, checked against it otherwise. */
  binSeconds?: number | null;
}

export interface TabularRecording {
  neurons: string[];
  /** T × N activity. */
  activity: Matrix;
  units: RecordingUnits;
  labels: Record<string, Float64Array>;
  time: Float64Array | null;
  binSeconds: number;
}

/**
 * Turns a table into activity + labels with the checks that catch the usual mistakes: a label
 * column left among the neurons, rates declared as counts, missing values, uneven time steps.
 */
export function tableToRecording(table: ColumnTable, options: RecordingFromTableOptions = {}): TabularRecording {
  const opts = withDefaults<Required<RecordingFromTableOptions>>(
    { neurons: null, labels: [], time: null, units: "counts", binSeconds: null },
    options,
    "tableToRecording",
  );
  checkOneOf(opts.units, "units", ["counts", "rates"] as const);
  const names = table.columnNames();
  const missing = [...opts.labels, ...(opts.time ? [opts.time] : [])].filter((c) => !names.includes(c));
  if (missing.length) throw new ValidationError(`tableToRecording: no column ${missing.map((c) => `"${c}"`).join(", ")}; the table has ${names.join(", ")}`);
  const reserved = new Set([...opts.labels, ...(opts.time ? [opts.time] : [])]);
  let neurons: string[];
  if (Array.isArray(opts.neurons)) {
    const absent = opts.neurons.filter((c) => !names.includes(c));
    if (absent.length) throw new ValidationError(`tableToRecording: neurons: no column ${absent.slice(0, 5).join(", ")}${absent.length > 5 ? ", …" : ""}`);
    neurons = opts.neurons;
  } else if (opts.neurons instanceof RegExp) {
    const re = opts.neurons;
    neurons = names.filter((c) => re.test(c) && !reserved.has(c));
  } else {
    neurons = names.filter((c) => !reserved.has(c) && isNumericColumn(table, c));
  }
  if (neurons.length === 0) throw new ValidationError("tableToRecording: no neuron columns selected; pass neurons as a list of column names or a RegExp");
  const T = table.numRows();
  if (T < 2) throw new ValidationError(`tableToRecording: the table has ${T} rows; a recording needs at least 2 time bins`);
  const activity = new Matrix(T, neurons.length);
  neurons.forEach((name, j) => {
    const col = numericColumn(table, name, T);
    for (let t = 0; t < T; t++) {
      const v = col[t];
      if (!Number.isFinite(v)) throw new ValidationError(`tableToRecording: neuron column "${name}" has ${v} in row ${t}; fill or drop missing bins first`);
      if (v < 0) throw new ValidationError(`tableToRecording: neuron column "${name}" has a negative value (${v}) in row ${t}; activity must be counts or rates ≥ 0 (is it a label column? list it in labels)`);
      if (opts.units === "counts" && !Number.isInteger(v)) {
        throw new ValidationError(`tableToRecording: neuron column "${name}" has a non-integer value (${v}) in row ${t} but units is "counts"; pass units: "rates" for smoothed or per-second data`);
      }
      activity.data[t * neurons.length + j] = v;
    }
  });
  const labels: Record<string, Float64Array> = {};
  for (const name of opts.labels) {
    labels[name] = numericColumn(table, name, T);
  }
  let time: Float64Array | null = null;
  let binSeconds = opts.binSeconds ?? NaN;
  if (opts.time) {
    time = numericColumn(table, opts.time, T);
    const step = time[1] - time[0];
    for (let t = 1; t < T; t++) {
      const dt = time[t] - time[t - 1];
      if (!(dt > 0)) throw new ValidationError(`tableToRecording: time column "${opts.time}" does not increase at row ${t} (${time[t - 1]} → ${time[t]}); sort the table by time`);
      if (Math.abs(dt - step) > 1e-6 * Math.max(1, Math.abs(step))) {
        throw new ValidationError(`tableToRecording: time column "${opts.time}" is unevenly spaced at row ${t} (step ${dt} vs ${step}); rebin to a fixed bin width first`);
      }
    }
    if (opts.binSeconds !== null && Math.abs(opts.binSeconds - step) > 1e-6 * step) {
      throw new ValidationError(`tableToRecording: binSeconds = ${opts.binSeconds} but the time column steps by ${step}; is the time column in seconds?`);
    }
    binSeconds = step;
  }
  if (opts.binSeconds === null && !opts.time) throw new ValidationError("tableToRecording: pass binSeconds (the bin width in seconds) or a time column");
  checkNumber(binSeconds, "binSeconds", Number.MIN_VALUE);
  return { neurons, activity, units: opts.units, labels, time, binSeconds };
}

/** readTable + tableToRecording. */
export async function loadRecording(path: string, options: RecordingFromTableOptions & ReadTableOptions = {}): Promise<TabularRecording> {
  const { format, columnNames, dataset, ...rest } = options;
  const table = await readTable(path, { format, columnNames, dataset });
  return tableToRecording(table, rest);
}

function isNumericColumn(table: ColumnTable, name: string): boolean {
  const col = table.array(name) as ArrayLike<unknown>;
  for (let i = 0; i < Math.min(col.length, 50); i++) {
    const v = col[i];
    if (v !== null && v !== undefined && typeof v !== "number" && typeof v !== "bigint") return false;
  }
  return true;
}

function numericColumn(table: ColumnTable, name: string, T: number): Float64Array {
  const col = table.array(name) as ArrayLike<unknown>;
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    const v = col[t];
    if (typeof v === "number") out[t] = v;
    else if (typeof v === "bigint") out[t] = Number(v);
    else if (v === null || v === undefined) out[t] = NaN;
    else throw new ValidationError(`column "${name}" holds a non-numeric value (${JSON.stringify(v)}) in row ${t}`);
  }
  return out;
}
