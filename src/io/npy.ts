/**
 * NumPy's .npy format (versions 1.0, 2.0 and 3.0): read any common numeric dtype in either byte
 * order and in C or Fortran order; write arrays from typed arrays.
 * Format reference: numpy/lib/format.py (magic "\x93NUMPY", version, header length, a Python dict
 * literal with descr / fortran_order / shape, padded so the data start 64-byte aligned).
 */
import { Matrix } from "../core/index.js";
import {
  type NdArray,
  type NumericTypedArray,
  decodeElements,
  dtypeOfTypedArray,
  parseDtype,
  shapeSize,
  toFloat64,
} from "./dtype.js";
import { writeFileAtomic } from "./atomic.js";
import { readInputFile } from "./input-file.js";

export type { NdArray } from "./dtype.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function asBytes(pathOrBuffer: string | Uint8Array): { bytes: Uint8Array; where: string } {
  if (typeof pathOrBuffer === "string") return { bytes: readInputFile(pathOrBuffer, "readNpy"), where: pathOrBuffer };
  return { bytes: pathOrBuffer, where: "npy buffer" };
}

/** Parses the Python dict literal in an .npy header. */
function parseHeader(text: string, where: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(text);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    throw new Error(`${where}: malformed .npy header ${JSON.stringify(text.trim())} (structured dtypes are not supported)`);
  }
  const dims = shape[1]
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, "")));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${where}: bad shape (${shape[1]}) in .npy header`);
  return { descr: descr[1], fortranOrder: fortran[1] === "True", shape: dims };
}

/**
 * Reads an .npy file (path) or buffer. Data come back in native byte order, in the file's memory
 * order (`fortranOrder` tells which); 64-bit integers come back as BigInt64Array / BigUint64Array.
 */
export function readNpy(pathOrBuffer: string | Uint8Array): NdArray {
  const { bytes, where } = asBytes(pathOrBuffer);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error(`${where}: not an .npy file (missing the \\x93NUMPY magic string)`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new Error(`${where}: unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (headerStart + headerLen > bytes.length) {
    throw new Error(`${where}: truncated .npy file: the header needs ${headerLen} bytes after byte ${headerStart}, the file has ${bytes.length} bytes`);
  }
  const decoder = new TextDecoder(major === 3 ? "utf-8" : "latin1");
  const header = parseHeader(decoder.decode(bytes.subarray(headerStart, headerStart + headerLen)), where);
  const { dtype, littleEndian } = parseDtype(header.descr, where);
  const count = shapeSize(header.shape);
  const data = decodeElements(bytes.subarray(headerStart + headerLen), dtype, littleEndian, count, where);
  return { shape: header.shape, dtype, fortranOrder: header.fortranOrder, data };
}

/**
 * A 2-D array as a row-major Matrix of float64 (Fortran order is transposed into place). A 1-D
 * array becomes an n × 1 column.
 */
export function npyToMatrix(arr: NdArray, name = "array"): Matrix {
  if (arr.shape.length === 1) return new Matrix(arr.shape[0], 1, Float64Array.from(toFloat64(arr.data, name)));
  if (arr.shape.length !== 2) {
    throw new Error(`${name}: expected a 2-D array, got shape (${arr.shape.join(", ")})`);
  }
  const [rows, cols] = arr.shape;
  const src = toFloat64(arr.data, name);
  if (!arr.fortranOrder) return new Matrix(rows, cols, src === arr.data ? Float64Array.from(src) : src);
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const base = j * rows;
    for (let i = 0; i < rows; i++) out[i * cols + j] = src[base + i];
  }
  return new Matrix(rows, cols, out);
}

export interface NpyInput {
  shape: number[];
  data: NumericTypedArray;
  fortranOrder?: boolean;
  /** Element type to store; defaults to the typed array's ("f8" for Float64Array). "b1" stores booleans from a Uint8Array. */
  dtype?: string;
}

/**
 * Encodes an array as .npy version 1.0 (little-endian) bytes; when `path` is given, also writes the
 * file atomically. Accepts a Matrix (stored as its rows × cols float64 array).
 */
export function writeNpy(array: NpyInput | Matrix, path?: string): Uint8Array {
  const input: NpyInput = array instanceof Matrix ? { shape: [array.rows, array.cols], data: array.data } : array;
  const natural = dtypeOfTypedArray(input.data);
  const dtype = input.dtype ?? natural;
  if (dtype !== natural && !(dtype === "b1" && natural === "u1")) {
    throw new Error(`writeNpy: dtype "${dtype}" does not match the data's typed array (${natural})`);
  }
  const count = shapeSize(input.shape);
  if (count !== input.data.length) {
    throw new Error(`writeNpy: shape (${input.shape.join(", ")}) has ${count} elements but data has ${input.data.length}`);
  }
  const itemsize = input.data.BYTES_PER_ELEMENT;
  const byteOrder = itemsize === 1 ? "|" : "<";
  const shapeText = input.shape.length === 1 ? `(${input.shape[0]},)` : `(${input.shape.join(", ")})`;
  let header = `{'descr': '${byteOrder}${dtype}', 'fortran_order': ${input.fortranOrder ? "True" : "False"}, 'shape': ${shapeText}, }`;
  // Pad with spaces and end with a newline so the data start on a 64-byte boundary.
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  if (header.length > 65535) throw new Error("writeNpy: header too long for format 1.0");
  const out = new Uint8Array(10 + header.length + count * itemsize);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new Uint8Array(input.data.buffer, input.data.byteOffset, count * itemsize);
  const nativeLittle = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (nativeLittle || itemsize === 1) {
    out.set(body, 10 + header.length);
  } else {
    for (let i = 0; i < count; i++) {
      for (let b = 0; b < itemsize; b++) out[10 + header.length + i * itemsize + b] = body[i * itemsize + itemsize - 1 - b];
    }
  }
  if (path) writeFileAtomic(path, out);
  return out;
}
