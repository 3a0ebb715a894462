/**
 * MATLAB Level 5 MAT-files (v5, v6, v7 incl. zlib-compressed variables).
 * Format: a 128-byte header (text, subsystem offset, version 0x0100, endian marker "IM"/"MI"),
 * then tagged data elements. Each variable is an miMATRIX element (possibly wrapped in
 * miCOMPRESSED) holding array flags, dimensions, a name and the real (and imaginary) parts in
 * column-major order; the stored element type may be narrower than the array's class.
 * Reference: MathWorks, "MAT-File Format" (matfile_format.pdf).
 */
import { Matrix } from "../core/index.js";
import { lazyModule } from "../core/lazy-module.js";
import { type NdArray, type NumericTypedArray, decodeElements, shapeSize, toFloat64 } from "./dtype.js";
import { readInputFile } from "./input-file.js";

const zlib = lazyModule<typeof import("node:zlib")>("node:zlib", "compressed MAT-file variables");

/** A MATLAB value read from a MAT-file. Numeric and logical arrays are NdArrays in column-major order. */
export type MatValue = MatNumeric | MatChar | MatCell | MatStruct | MatUnsupported;

export interface MatNumeric extends NdArray {
  kind: "numeric";
  /** MATLAB class: double, single, int8 … uint64, logical. */
  matlabClass: string;
  /** Imaginary part for complex arrays. */
  imag: NumericTypedArray | null;
}
export interface MatChar {
  kind: "char";
  shape: number[];
  value: string;
}
export interface MatCell {
  kind: "cell";
  shape: number[];
  /** Elements in column-major order. */
  items: MatValue[];
}
export interface MatStruct {
  kind: "struct";
  shape: number[];
  fieldNames: string[];
  /** One record per struct element, column-major. */
  elements: Record<string, MatValue>[];
}
export interface MatUnsupported {
  kind: "unsupported";
  matlabClass: string;
  shape: number[];
}

// Data element types (miINT8 …) → NumPy dtype codes.
const MI_TYPES: Record<number, string> = { 1: "i1", 2: "u1", 3: "i2", 4: "u2", 5: "i4", 6: "u4", 7: "f4", 9: "f8", 12: "i8", 13: "u8" };
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const MI_UTF8 = 16;
const MI_UTF16 = 17;
const MI_UTF32 = 18;

// Array classes (mxDOUBLE_CLASS = 6 …) → [MATLAB name, dtype].
const MX_CLASSES: Record<number, [string, string]> = {
  6: ["double", "f8"], 7: ["single", "f4"], 8: ["int8", "i1"], 9: ["uint8", "u1"], 10: ["int16", "i2"],
  11: ["uint16", "u2"], 12: ["int32", "i4"], 13: ["uint32", "u4"], 14: ["int64", "i8"], 15: ["uint64", "u8"],
};
const MX_NAMES: Record<number, string> = { 1: "cell", 2: "struct", 3: "object", 4: "char", 5: "sparse", 16: "function", 17: "opaque" };

interface Element {
  type: number;
  data: Uint8Array;
}

class Reader {
  private readonly view: DataView;
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
    readonly where: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
  get remaining(): number {
    return Math.max(0, this.bytes.length - this.pos);
  }
  /** Reads one tagged element (normal or small format) and advances past its padding. */
  element(): Element {
    if (this.pos + 8 > this.bytes.length) throw new Error(`${this.where}: truncated MAT-file (tag at byte ${this.pos})`);
    const first = this.view.getUint32(this.pos, this.little);
    const smallBytes = first >>> 16;
    if (smallBytes !== 0) {
      // Small data element: type and size packed in 4 bytes, up to 4 bytes of data.
      if (smallBytes > 4) throw new Error(`${this.where}: corrupt MAT-file (small data element of ${smallBytes} bytes at byte ${this.pos})`);
      const data = this.bytes.subarray(this.pos + 4, this.pos + 4 + smallBytes);
      this.pos += 8;
      return { type: first & 0xffff, data };
    }
    const nbytes = this.view.getUint32(this.pos + 4, this.little);
    const start = this.pos + 8;
    if (start + nbytes > this.bytes.length) {
      throw new Error(`${this.where}: truncated MAT-file (element of ${nbytes} bytes at byte ${this.pos})`);
    }
    const data = this.bytes.subarray(start, start + nbytes);
    // Compressed elements are not padded; everything else is aligned to 8 bytes.
    this.pos = first === MI_COMPRESSED ? start + nbytes : start + Math.ceil(nbytes / 8) * 8;
    return { type: first, data };
  }
}

function numericData(el: Element, little: boolean, where: string): { dtype: string; values: NumericTypedArray } {
  const dtype = MI_TYPES[el.type];
  if (!dtype) throw new Error(`${where}: unexpected data element type ${el.type} for numeric data`);
  const size = { i1: 1, u1: 1, i2: 2, u2: 2, i4: 4, u4: 4, f4: 4, f8: 8, i8: 8, u8: 8 }[dtype] ?? 1;
  if (el.data.length % size !== 0) throw new Error(`${where}: corrupt MAT-file (${el.data.length} bytes is not a whole number of ${dtype} values)`);
  return { dtype, values: decodeElements(el.data, dtype, little, el.data.length / size, where) };
}

/** Stores `values` (any element type) into the class's typed array. */
function castTo(values: NumericTypedArray, dtype: string, count: number, where: string): NumericTypedArray {
  const make: Record<string, (n: number) => NumericTypedArray> = {
    f8: (n) => new Float64Array(n), f4: (n) => new Float32Array(n), i1: (n) => new Int8Array(n), u1: (n) => new Uint8Array(n),
    i2: (n) => new Int16Array(n), u2: (n) => new Uint16Array(n), i4: (n) => new Int32Array(n), u4: (n) => new Uint32Array(n),
    i8: (n) => new BigInt64Array(n), u8: (n) => new BigUint64Array(n),
  };
  if (values.length !== count) throw new Error(`${where}: expected ${count} values, found ${values.length}`);
  const out = make[dtype](count);
  if (out.constructor === values.constructor) return values;
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  const src = values as unknown as ArrayLike<number | bigint>;
  const sink = out as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < count; i++) {
    const v = src[i];
    if (big && typeof v === "number" && !Number.isInteger(v)) throw new Error(`${where}: value ${v} at index ${i} is not an integer but the variable is ${dtype}`);
    sink[i] = big ? BigInt(v) : Number(v);
  }
  return out;
}

/** Text from character codes, in chunks (spreading a long array overflows the call stack). */
function codesToString(codes: Uint16Array | Uint32Array, where: string): string {
  let text = "";
  for (let i = 0; i < codes.length; i += 8192) {
    const chunk = Array.from(codes.subarray(i, i + 8192));
    if (codes instanceof Uint16Array) text += String.fromCharCode(...chunk);
    else {
      const bad = chunk.find((c) => c > 0x10ffff);
      if (bad !== undefined) throw new Error(`${where}: invalid character code ${bad} in a char array`);
      text += String.fromCodePoint(...chunk);
    }
  }
  return text;
}

function decodeText(el: Element, little: boolean, where: string): string {
  if (el.type === MI_UTF8 || el.type === 1 || el.type === 2) return new TextDecoder("utf-8").decode(el.data);
  if (el.type === MI_UTF16 || el.type === 4) {
    const codes = decodeElements(el.data, "u2", little, Math.floor(el.data.length / 2), where) as Uint16Array;
    return codesToString(codes, where);
  }
  if (el.type === MI_UTF32 || el.type === 6) {
    const codes = decodeElements(el.data, "u4", little, Math.floor(el.data.length / 4), where) as Uint32Array;
    return codesToString(codes, where);
  }
  return "";
}

/** Cells and structs nest; a corrupt file must not recurse until the stack overflows. */
const MAX_DEPTH = 256;
/** A struct array without fields occupies no bytes, so its element count is bounded here instead. */
const MAX_EMPTY_STRUCT_ELEMENTS = 1 << 20;

function parseMatrix(data: Uint8Array, little: boolean, where: string, depth = 0): { name: string; value: MatValue } {
  if (depth > MAX_DEPTH) throw new Error(`${where}: cells or structs nested more than ${MAX_DEPTH} deep (corrupt MAT-file?)`);
  if (data.length === 0) return { name: "", value: { kind: "numeric", matlabClass: "double", shape: [0, 0], dtype: "f8", fortranOrder: true, data: new Float64Array(0), imag: null } };
  const r = new Reader(data, little, where);
  const flags = numericData(r.element(), little, where).values;
  if (!(flags instanceof Uint32Array) || flags.length < 1) throw new Error(`${where}: corrupt MAT-file (array flags are not a uint32 element)`);
  const mxClass = flags[0] & 0xff;
  const isComplex = (flags[0] & 0x0800) !== 0;
  const isLogical = (flags[0] & 0x0200) !== 0;
  const dims = Array.from(numericData(r.element(), little, where).values as ArrayLike<number | bigint>, Number);
  const nameEl = r.element();
  const name = new TextDecoder("latin1").decode(nameEl.data);
  const here = `${where}: variable "${name}"`;
  if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${here}: corrupt dimensions [${dims.join(", ")}]`);
  const count = shapeSize(dims);

  const numeric = MX_CLASSES[mxClass];
  if (numeric) {
    const [matlabClass, classDtype] = numeric;
    const dtype = isLogical ? "b1" : classDtype;
    const real = castTo(numericData(r.element(), little, here).values, isLogical ? "u1" : classDtype, count, here);
    const imag = isComplex ? castTo(numericData(r.element(), little, here).values, classDtype, count, here) : null;
    return { name, value: { kind: "numeric", matlabClass: isLogical ? "logical" : matlabClass, shape: dims, dtype, fortranOrder: true, data: real, imag } };
  }
  if (mxClass === 4) {
    // Char arrays are column-major too: read row by row for a 2-D char matrix.
    const text = r.done ? "" : decodeText(r.element(), little, here);
    if (count > text.length) throw new Error(`${here}: char array of ${count} characters holds only ${text.length} (corrupt MAT-file?)`);
    let value = text;
    if (dims.length === 2 && dims[0] > 1) {
      const rows: string[] = [];
      for (let i = 0; i < dims[0]; i++) {
        let row = "";
        for (let j = 0; j < dims[1]; j++) row += text[j * dims[0] + i] ?? "";
        rows.push(row);
      }
      value = rows.join("\n");
    }
    return { name, value: { kind: "char", shape: dims, value } };
  }
  if (mxClass === 1) {
    if (count * 8 > r.remaining) throw new Error(`${here}: truncated MAT-file (a cell array of ${count} elements needs more than the ${r.remaining} bytes left)`);
    const items: MatValue[] = [];
    for (let i = 0; i < count; i++) items.push(parseElementAsMatrix(r.element(), little, here, depth + 1));
    return { name, value: { kind: "cell", shape: dims, items } };
  }
  if (mxClass === 2) {
    const fieldLen = Number((numericData(r.element(), little, here).values as ArrayLike<number | bigint>)[0]);
    if (!Number.isInteger(fieldLen) || fieldLen < 1) throw new Error(`${here}: corrupt struct (field name length ${fieldLen})`);
    const namesRaw = r.element().data;
    const fieldNames: string[] = [];
    for (let off = 0; off + fieldLen <= namesRaw.length; off += fieldLen) {
      const chunk = namesRaw.subarray(off, off + fieldLen);
      const end = chunk.indexOf(0);
      fieldNames.push(new TextDecoder("latin1").decode(end >= 0 ? chunk.subarray(0, end) : chunk));
    }
    if (fieldNames.length === 0 ? count > MAX_EMPTY_STRUCT_ELEMENTS : count * fieldNames.length * 8 > r.remaining) {
      throw new Error(`${here}: truncated or corrupt MAT-file (a struct array of ${count} elements × ${fieldNames.length} fields does not fit in the ${r.remaining} bytes left)`);
    }
    const elements: Record<string, MatValue>[] = [];
    for (let i = 0; i < count; i++) {
      const rec: Record<string, MatValue> = {};
      for (const f of fieldNames) rec[f] = parseElementAsMatrix(r.element(), little, `${here}.${f}`, depth + 1);
      elements.push(rec);
    }
    return { name, value: { kind: "struct", shape: dims, fieldNames, elements } };
  }
  return { name, value: { kind: "unsupported", matlabClass: MX_NAMES[mxClass] ?? `class ${mxClass}`, shape: dims } };
}

function parseElementAsMatrix(el: Element, little: boolean, where: string, depth: number): MatValue {
  if (el.type !== MI_MATRIX) throw new Error(`${where}: expected a matrix element, found type ${el.type}`);
  return parseMatrix(el.data, little, where, depth).value;
}

/** Reads every variable of a Level 5 MAT-file (path or bytes). Sparse and object variables come back as `unsupported`. */
export function readMat5(pathOrBuffer: string | Uint8Array): Record<string, MatValue> {
  const bytes = typeof pathOrBuffer === "string" ? readInputFile(pathOrBuffer, "readMat5") : pathOrBuffer;
  const where = typeof pathOrBuffer === "string" ? pathOrBuffer : "MAT buffer";
  if (bytes.length < 128) throw new Error(`${where}: too short to be a MAT-file`);
  const marker = String.fromCharCode(bytes[126], bytes[127]);
  if (marker !== "IM" && marker !== "MI") {
    throw new Error(`${where}: not a Level 5 MAT-file (no IM/MI endian marker at byte 126)`);
  }
  const version = marker === "IM" ? bytes[124] | (bytes[125] << 8) : (bytes[124] << 8) | bytes[125];
  if (version === 0x0200) {
    throw new Error(`${where}: this is a MATLAB v7.3 (HDF5) file; read it with readMat() or readMat73()`);
  }
  const little = marker === "IM";
  const out: Record<string, MatValue> = {};
  const r = new Reader(bytes.subarray(128), little, where);
  while (!r.done) {
    if (r.bytes.length - r.pos < 8) break;
    let el = r.element();
    if (el.type === MI_COMPRESSED) {
      let inflated: Uint8Array;
      try {
        inflated = zlib().inflateSync(el.data);
      } catch (err) {
        throw new Error(`${where}: corrupt compressed variable: ${(err as Error).message}`, { cause: err });
      }
      el = new Reader(inflated, little, where).element();
    }
    if (el.type !== MI_MATRIX) continue;
    const { name, value } = parseMatrix(el.data, little, where);
    out[name] = value;
  }
  return out;
}

/**
 * A 2-D numeric MAT variable as a row-major float64 Matrix (MATLAB stores column-major).
 * Vectors (1 × n or n × 1) come back with their MATLAB shape.
 */
export function matToMatrix(value: MatValue | undefined, name = "variable"): Matrix {
  if (!value) throw new Error(`${name}: no such variable in the MAT-file`);
  if (value.kind !== "numeric") throw new Error(`${name}: expected a numeric array, found ${value.kind}`);
  if (value.shape.length !== 2) throw new Error(`${name}: expected a 2-D array, got shape (${value.shape.join(", ")})`);
  const [rows, cols] = value.shape;
  const src = toFloat64(value.data, name);
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const base = j * rows;
    for (let i = 0; i < rows; i++) out[i * cols + j] = src[base + i];
  }
  return new Matrix(rows, cols, out);
}
