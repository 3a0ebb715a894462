/**
 * HDF5 files (NWB, MATLAB v7.3) through h5wasm, the HDF5 C library compiled to WebAssembly.
 * h5wasm is an ES module, so it is loaded lazily with a dynamic import and every function here is
 * async. Files are opened read-only straight from disk.
 */
import { statSync } from "node:fs";
import { checkInputFile } from "./input-file.js";
import { type NdArray, type NumericTypedArray, dtypeOfTypedArray, shapeSize } from "./dtype.js";
import type { MatValue } from "./mat5.js";

// The subset of h5wasm's API used here. (Its own typings are ESM-only and cannot be referenced
// from this CommonJS build, so the shapes are restated.)
interface H5Attribute {
  value: unknown;
}
interface H5Node {
  attrs: Record<string, H5Attribute>;
  dereference(ref: unknown): H5Group | H5Dataset | null;
}
interface H5Group extends H5Node {
  keys(): string[];
  get(path: string): H5Group | H5Dataset | null;
}
interface H5Dataset extends H5Node {
  shape: number[] | null;
  dtype: unknown;
  value: unknown;
}
interface H5File extends H5Group {
  close(): void;
}
interface H5Module {
  activate_throwing_error_handler?: () => number;
}
interface H5Lib {
  ready: Promise<H5Module>;
  File: new (path: string, mode: "r") => H5File;
}

let h5: Promise<H5Lib> | null = null;

async function h5wasm(): Promise<H5Lib> {
  if (!h5) {
    h5 = (import("h5wasm/node") as Promise<{ default: H5Lib }>).then(async (mod) => {
      const module = await mod.default.ready;
      // HDF5 errors become exceptions (summarised below) instead of pages of HDF5-DIAG on stderr.
      module.activate_throwing_error_handler?.();
      return mod.default;
    });
  }
  return h5;
}

/**
 * One line from an h5wasm error: the HDF5 error stack's deepest entry (its root cause) and
 * minor code, rather than the whole HDF5-DIAG listing.
 */
export function hdf5ErrorReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/name not defined/.test(message)) return "object missing or unreadable (h5wasm: name not defined)";
  let cause = "";
  let minor = "";
  for (const line of message.split("\n")) {
    const entry = /#\d+: .* in [^(]*\(\): (.*)$/.exec(line);
    if (entry) {
      cause = entry[1].trim();
      minor = "";
      continue;
    }
    const code = /^\s*minor: (.*)$/.exec(line);
    if (code) minor = code[1].trim();
  }
  if (!cause) return message.split("\n")[0].replace(/^error - /, "");
  return minor && minor.toLowerCase() !== cause.toLowerCase() ? `${cause} (${minor})` : cause;
}

/** Runs `read` and turns an h5wasm/HDF5 failure into one line naming `where` (file and object path). */
function guarded<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof Hdf5ReadError) throw err;
    throw new Hdf5ReadError(`${where}: cannot read: ${hdf5ErrorReason(err)}`, err);
  }
}

/** A failure inside the HDF5 library, already summarised and located. */
class Hdf5ReadError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = "Hdf5ReadError";
  }
}

/**
 * Files whose read failed after they were opened, by device and inode, with their change time.
 * When an HDF5 error interrupts h5wasm, the objects it had opened stay open, and HDF5 then keeps
 * the file itself open: a later open of the same inode gets that earlier version back. A file
 * rewritten in place after such a failure is therefore refused rather than read stale.
 */
const possiblyHeldOpen = new Map<string, bigint>();

function fileIdentity(path: string): { key: string; changed: bigint } {
  const st = statSync(path, { bigint: true });
  return { key: `${st.dev}:${st.ino}`, changed: st.ctimeNs };
}

async function withFile<T>(path: string, fn: (file: H5File) => T): Promise<T> {
  checkInputFile(path, "HDF5");
  const lib = await h5wasm();
  const identity = fileIdentity(path);
  const heldSince = possiblyHeldOpen.get(identity.key);
  if (heldSince !== undefined && heldSince !== identity.changed) {
    throw new Error(
      `${path}: the file was rewritten (or replaced by one reusing its inode) after an earlier read of it failed in this process, ` +
        "and the HDF5 library may still hold the earlier version open; restart the process (or the notebook kernel), or copy the new file to another name",
    );
  }
  let file: H5File;
  try {
    file = new lib.File(path, "r");
  } catch (err) {
    throw new Error(`${path}: cannot open as HDF5: ${hdf5ErrorReason(err)}`, { cause: err });
  }
  try {
    return fn(file);
  } catch (err) {
    // errors this module raised on purpose already name the file; anything else came from h5wasm
    const own = !(err instanceof Hdf5ReadError) && err instanceof Error && err.message.startsWith(path);
    if (own) throw err;
    possiblyHeldOpen.set(identity.key, identity.changed);
    if (err instanceof Hdf5ReadError) throw err;
    throw new Error(`${path}: cannot read: ${hdf5ErrorReason(err)}`, { cause: err });
  } finally {
    try {
      file.close();
    } catch {
      // a file HDF5 could not read fully may also fail to close; the read error matters more
    }
  }
}

function isDataset(node: H5Group | H5Dataset): node is H5Dataset {
  return !("keys" in node && typeof node.keys === "function");
}

function isTyped(v: unknown): v is NumericTypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

function datasetToNdArray(ds: H5Dataset, where: string): NdArray {
  const shape = guarded(where, () => ds.shape) ?? [];
  const value = guarded(where, () => ds.value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    const data = typeof value === "bigint" ? BigInt64Array.of(value) : Float64Array.of(Number(value));
    return { shape: [], dtype: dtypeOfTypedArray(data), fortranOrder: false, data };
  }
  if (!isTyped(value)) throw new Error(`${where}: dataset is not numeric (dtype ${guarded(where, () => JSON.stringify(ds.dtype))})`);
  if (value.length !== shapeSize(shape)) throw new Error(`${where}: dataset size does not match its shape`);
  return { shape: [...shape], dtype: dtypeOfTypedArray(value), fortranOrder: false, data: value };
}

/** Reads one numeric dataset (C order, HDF5's shape), e.g. "/acquisition/ElectricalSeries/data". */
export async function readHdf5Dataset(path: string, datasetPath: string): Promise<NdArray> {
  return withFile(path, (file) => {
    const entity = guarded(`${path}:${datasetPath}`, () => file.get(datasetPath));
    if (!entity) throw new Error(`${path}: no dataset "${datasetPath}"`);
    if (!isDataset(entity)) throw new Error(`${path}: "${datasetPath}" is a group, not a dataset`);
    return datasetToNdArray(entity, `${path}:${datasetPath}`);
  });
}

export interface Hdf5Entry {
  path: string;
  kind: "group" | "dataset";
  shape?: number[];
  dtype?: string;
  attrs: Record<string, unknown>;
}

function attrsOf(obj: H5Group | H5Dataset): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(obj.attrs)) {
    try {
      out[name] = obj.attrs[name].value;
    } catch {
      out[name] = undefined;
    }
  }
  return out;
}

/** Lists every group and dataset (depth first) with shapes, dtypes and attributes. */
export async function listHdf5(path: string): Promise<Hdf5Entry[]> {
  return withFile(path, (file) => {
    const out: Hdf5Entry[] = [];
    const walk = (group: H5Group, prefix: string) => {
      for (const key of guarded(`${path}:${prefix || "/"}`, () => group.keys())) {
        const p = `${prefix}/${key}`;
        const child = guarded(`${path}:${p}`, () => group.get(key));
        if (!child) continue;
        if (!isDataset(child)) {
          out.push({ path: p, kind: "group", attrs: attrsOf(child) });
          walk(child, p);
        } else {
          const ds = child;
          const shape = guarded(`${path}:${p}`, () => ds.shape ?? []);
          const dtype = guarded(`${path}:${p}`, () => JSON.stringify(ds.dtype));
          out.push({ path: p, kind: "dataset", shape, dtype, attrs: attrsOf(ds) });
        }
      }
    };
    walk(file, "");
    return out;
  });
}

/** Text from UTF-16 code units, in chunks (spreading a long array overflows the call stack). */
function charCodesToString(codes: ArrayLike<number>): string {
  let text = "";
  for (let i = 0; i < codes.length; i += 8192) text += String.fromCharCode(...Array.from(Array.prototype.slice.call(codes, i, i + 8192) as number[]));
  return text;
}

function matValueFrom(entity: H5Group | H5Dataset, file: H5File, where: string, depth = 0): MatValue {
  if (depth > 32) throw new Error(`${where}: cell arrays nested too deeply`);
  const attrs = attrsOf(entity);
  const cls = typeof attrs.MATLAB_class === "string" ? attrs.MATLAB_class : "";
  if (!isDataset(entity)) {
    const group = entity;
    const fieldNames = guarded(where, () => group.keys());
    const rec: Record<string, MatValue> = {};
    for (const f of fieldNames) {
      const child = guarded(`${where}.${f}`, () => group.get(f));
      if (child) rec[f] = matValueFrom(child, file, `${where}.${f}`, depth + 1);
    }
    return { kind: "struct", shape: [1, 1], fieldNames, elements: [rec] };
  }
  const ds = entity;
  // MATLAB writes an m × n array as an HDF5 dataset of shape (n, m): the bytes are column-major.
  const shape = [...(guarded(where, () => ds.shape) ?? [])].reverse();
  if (attrs.MATLAB_empty !== undefined && Number(attrs.MATLAB_empty) !== 0) {
    // Empty arrays are stored as their dimensions (reversed) with the MATLAB_empty flag.
    const stored = guarded(where, () => ds.value);
    if (!isTyped(stored) && !Array.isArray(stored)) throw new Error(`${where}: empty array without its stored dimensions (corrupt MAT-file?)`);
    const dims = Array.from(stored as ArrayLike<number | bigint>, (v) => Number(v)).reverse();
    return { kind: "numeric", matlabClass: cls || "double", shape: dims, dtype: "f8", fortranOrder: true, data: new Float64Array(0), imag: null };
  }
  if (cls === "cell") {
    // A cell array is a dataset of object references to its elements (kept in #refs#).
    const refs = guarded(where, () => ds.value);
    if (!Array.isArray(refs)) throw new Error(`${where}: cell array without references`);
    const items = refs.map((ref, i) => {
      const target = guarded(`${where}{${i + 1}}`, () => file.dereference(ref));
      if (!target) throw new Error(`${where}{${i + 1}}: dangling reference`);
      return matValueFrom(target, file, `${where}{${i + 1}}`, depth + 1);
    });
    return { kind: "cell", shape, items };
  }
  if (cls === "struct") return { kind: "unsupported", matlabClass: "struct array", shape };
  if (cls === "char") {
    const codes = guarded(where, () => ds.value);
    const text = isTyped(codes) ? charCodesToString(codes as ArrayLike<number>) : String(codes);
    return { kind: "char", shape, value: text };
  }
  const arr = datasetToNdArray(ds, where);
  return {
    kind: "numeric",
    matlabClass: cls || "double",
    shape,
    dtype: cls === "logical" ? "b1" : arr.dtype,
    fortranOrder: true,
    data: arr.data,
    imag: null,
  };
}

/** Reads every top-level variable of a MATLAB v7.3 MAT-file (HDF5), cell arrays included. */
export async function readMat73(path: string): Promise<Record<string, MatValue>> {
  return withFile(path, (file) => {
    const out: Record<string, MatValue> = {};
    for (const key of guarded(`${path}:/`, () => file.keys())) {
      if (key.startsWith("#")) continue; // MATLAB's #refs# group holds cell contents
      const child = guarded(`${path}:${key}`, () => file.get(key));
      if (child) out[key] = matValueFrom(child, file, `${path}:${key}`);
    }
    return out;
  });
}

/**
 * Reads several datasets in one open: numeric ones as NdArrays (C order), string ones as string[],
 * absent ones as null (so optional NWB columns can be probed without an error per column).
 */
export async function readHdf5Datasets(path: string, datasetPaths: string[]): Promise<Record<string, NdArray | string[] | null>> {
  return withFile(path, (file) => {
    const out: Record<string, NdArray | string[] | null> = {};
    for (const p of datasetPaths) {
      const where = `${path}:${p}`;
      const entity = guarded(where, () => file.get(p));
      if (!entity) {
        out[p] = null;
        continue;
      }
      if (!isDataset(entity)) throw new Error(`${path}: "${p}" is a group, not a dataset`);
      const value = guarded(where, () => entity.value);
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) out[p] = value as string[];
      else if (typeof value === "string") out[p] = [value];
      else out[p] = datasetToNdArray(entity, where);
    }
    return out;
  });
}

/** The names of a group's members (null when the group does not exist). */
export async function hdf5GroupKeys(path: string, groupPath: string): Promise<string[] | null> {
  return withFile(path, (file) => {
    const g = guarded(`${path}:${groupPath}`, () => file.get(groupPath));
    if (!g) return null;
    if (isDataset(g)) throw new Error(`${path}: "${groupPath}" is a dataset, not a group`);
    return guarded(`${path}:${groupPath}`, () => g.keys());
  });
}
