// Browser-side decoding of the payload's base64 little-endian typed arrays.
import type { EncodedArray } from "./payload";

export type NumericArray = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
} as const;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Decodes an encoded array, checking its length against the shape. */
export function decodeArray(enc: EncodedArray, name: string): NumericArray {
  const Ctor = CTORS[enc.dtype];
  if (!Ctor) throw new Error(`${name}: unknown dtype "${enc.dtype}"`);
  const binary = atob(enc.data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const size = enc.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== size * Ctor.BYTES_PER_ELEMENT) {
    throw new Error(`${name}: ${bytes.length} bytes do not match shape [${enc.shape.join(", ")}] of ${enc.dtype}`);
  }
  if (!LITTLE_ENDIAN && Ctor.BYTES_PER_ELEMENT > 1) {
    const w = Ctor.BYTES_PER_ELEMENT;
    for (let i = 0; i < bytes.length; i += w) bytes.subarray(i, i + w).reverse();
  }
  return new Ctor(bytes.buffer);
}

/** Decodes an `[n, d]` array, checking d. */
export function decodeMatrix(enc: EncodedArray, name: string, cols: number): NumericArray {
  if (enc.shape.length !== 2 || enc.shape[1] !== cols) throw new Error(`${name}: expected shape [n, ${cols}], got [${enc.shape.join(", ")}]`);
  return decodeArray(enc, name);
}
