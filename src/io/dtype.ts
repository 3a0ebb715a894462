/**
 * NumPy-style element types shared by the .npy, MAT and pickle readers.
 * A dtype is written without its byte order ("f8", "u1", "b1"); data are always held in the
 * machine's byte order once read.
 */

export type NumericTypedArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** An n-dimensional array as stored on disk: shape, element type and flat data. */
export interface NdArray {
  shape: number[];
  /** Element type without byte order: u1 i1 u2 i2 u4 i4 u8 i8 f4 f8 b1. */
  dtype: string;
  /** True when `data` is in column-major (Fortran, MATLAB) order. */
  fortranOrder: boolean;
  data: NumericTypedArray;
}

interface DtypeInfo {
  size: number;
  create: (n: number) => NumericTypedArray;
  /** Reads one element at byte offset `o` of `view`. */
  read: (view: DataView, o: number, little: boolean) => number | bigint;
}

const DTYPES: Record<string, DtypeInfo> = {
  b1: { size: 1, create: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) },
  u1: { size: 1, create: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) },
  i1: { size: 1, create: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o) },
  u2: { size: 2, create: (n) => new Uint16Array(n), read: (v, o, l) => v.getUint16(o, l) },
  i2: { size: 2, create: (n) => new Int16Array(n), read: (v, o, l) => v.getInt16(o, l) },
  u4: { size: 4, create: (n) => new Uint32Array(n), read: (v, o, l) => v.getUint32(o, l) },
  i4: { size: 4, create: (n) => new Int32Array(n), read: (v, o, l) => v.getInt32(o, l) },
  u8: { size: 8, create: (n) => new BigUint64Array(n), read: (v, o, l) => v.getBigUint64(o, l) },
  i8: { size: 8, create: (n) => new BigInt64Array(n), read: (v, o, l) => v.getBigInt64(o, l) },
  f4: { size: 4, create: (n) => new Float32Array(n), read: (v, o, l) => v.getFloat32(o, l) },
  f8: { size: 8, create: (n) => new Float64Array(n), read: (v, o, l) => v.getFloat64(o, l) },
};

export const SUPPORTED_DTYPES = Object.keys(DTYPES);

/**
 * Normalises a NumPy type string ("<f8", "|u1", "?", "float64", ">i4") to
 * `{ dtype: "f8", littleEndian }`. Throws for types the readers do not handle.
 */
export function parseDtype(descr: string, where: string): { dtype: string; littleEndian: boolean } {
  const aliases: Record<string, string> = {
    "?": "b1", bool: "b1", b: "i1", B: "u1", h: "i2", H: "u2", i: "i4", I: "u4", l: "i8", L: "u8",
    q: "i8", Q: "u8", e: "f2", f: "f4", d: "f8",
    int8: "i1", uint8: "u1", int16: "i2", uint16: "u2", int32: "i4", uint32: "u4", int64: "i8",
    uint64: "u8", float32: "f4", float64: "f8",
  };
  let order = "=";
  let body = descr;
  if (/^[<>|=!]/.test(body)) {
    order = body[0];
    body = body.slice(1);
  }
  body = aliases[body] ?? body;
  if (!DTYPES[body]) {
    throw new Error(
      `${where}: unsupported element type "${descr}"; supported: ${SUPPORTED_DTYPES.join(", ")} ` +
        "(convert the array with numpy's .astype('f8') first)",
    );
  }
  return { dtype: body, littleEndian: order !== ">" && order !== "!" };
}

export function dtypeSize(dtype: string): number {
  const info = DTYPES[dtype];
  if (!info) throw new Error(`unsupported element type "${dtype}"`);
  return info.size;
}

/** Copies `count` elements of `dtype` from `bytes` into a new native-order typed array. */
export function decodeElements(
  bytes: Uint8Array,
  dtype: string,
  littleEndian: boolean,
  count: number,
  where: string,
): NumericTypedArray {
  const info = DTYPES[dtype];
  if (!info) throw new Error(`${where}: unsupported element type "${dtype}"`);
  const need = count * info.size;
  if (bytes.byteLength < need) {
    throw new Error(`${where}: data truncated: need ${need} bytes for ${count} × ${dtype}, found ${bytes.byteLength}`);
  }
  const out = info.create(count);
  const nativeLittle = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (littleEndian === nativeLittle || info.size === 1) {
    // Fast path: a byte copy into the typed array's own (aligned) buffer.
    new Uint8Array(out.buffer).set(bytes.subarray(0, need));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, need);
  const sink = out as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < count; i++) sink[i] = info.read(view, i * info.size, littleEndian);
  return out;
}

/** The dtype code of a typed array ("f8" for Float64Array...). */
export function dtypeOfTypedArray(a: NumericTypedArray): string {
  if (a instanceof Float64Array) return "f8";
  if (a instanceof Float32Array) return "f4";
  if (a instanceof Int8Array) return "i1";
  if (a instanceof Uint8Array) return "u1";
  if (a instanceof Int16Array) return "i2";
  if (a instanceof Uint16Array) return "u2";
  if (a instanceof Int32Array) return "i4";
  if (a instanceof Uint32Array) return "u4";
  if (a instanceof BigInt64Array) return "i8";
  if (a instanceof BigUint64Array) return "u8";
  throw new Error("unsupported typed array");
}

export function shapeSize(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Converts any numeric typed array to Float64Array. 64-bit integers are converted exactly; one
 * beyond ±2^53 (which a float64 cannot hold) is an error naming `where` and its index.
 */
export function toFloat64(data: NumericTypedArray, where = "array"): Float64Array {
  if (data instanceof Float64Array) return data;
  const out = new Float64Array(data.length);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    const min = BigInt(Number.MIN_SAFE_INTEGER);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v > max || v < min) {
        throw new Error(`${where}: the 64-bit integer ${v} at index ${i} is beyond ±2^53 and cannot be held exactly as a float64; convert the array (e.g. .astype('f8') after rescaling) first`);
      }
      out[i] = Number(v);
    }
  } else {
    out.set(data);
  }
  return out;
}
