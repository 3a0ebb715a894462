// Kernel-side encoding of typed arrays into the payload's base64 little-endian form.
import type { EncodedArray, EncodedDType } from "./payload.js";

type NumericArray = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

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

/** Encodes `values` as `dtype` (converting if needed) with the given shape. */
export function encodeArray(values: ArrayLike<number>, dtype: EncodedDType, shape: number[] = [values.length]): EncodedArray {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) {
    throw new Error(`encodeArray: shape [${shape.join(", ")}] holds ${size} values but ${values.length} were given`);
  }
  const Ctor = CTORS[dtype];
  const typed: NumericArray = values instanceof Ctor ? (values as NumericArray) : Ctor.from(values as ArrayLike<number>);
  let bytes = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
  if (!LITTLE_ENDIAN && typed.BYTES_PER_ELEMENT > 1) {
    bytes = Buffer.from(bytes);
    if (typed.BYTES_PER_ELEMENT === 2) bytes.swap16();
    else if (typed.BYTES_PER_ELEMENT === 4) bytes.swap32();
    else bytes.swap64();
  }
  return { dtype, shape: [...shape], data: bytes.toString("base64") };
}

/** Decodes an {@link EncodedArray} back into a typed array (used by tests and reports). */
export function decodeArray(encoded: EncodedArray): NumericArray {
  const Ctor = CTORS[encoded.dtype];
  if (!Ctor) throw new Error(`decodeArray: unknown dtype "${encoded.dtype}"`);
  const bytes = Buffer.from(encoded.data, "base64");
  const size = encoded.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== size * Ctor.BYTES_PER_ELEMENT) {
    throw new Error(`decodeArray: ${bytes.length} bytes do not match shape [${encoded.shape.join(", ")}] of ${encoded.dtype}`);
  }
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!LITTLE_ENDIAN && Ctor.BYTES_PER_ELEMENT > 1) {
    const b = Buffer.from(copy.buffer);
    if (Ctor.BYTES_PER_ELEMENT === 2) b.swap16();
    else if (Ctor.BYTES_PER_ELEMENT === 4) b.swap32();
    else b.swap64();
  }
  return new Ctor(copy.buffer);
}
