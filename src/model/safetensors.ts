/**
 * The safetensors format: an 8-byte little-endian header length N, an N-byte JSON header
 * mapping each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets into the data
 * section) plus an optional "__metadata__" map of strings, then the raw little-endian data.
 */
export interface NamedArray {
  shape: number[];
  data: Float64Array | Float32Array;
}

const DTYPES = { F64: 8, F32: 4 } as const;

export function encodeSafetensors(tensors: Record<string, NamedArray>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name];
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new RangeError(`safetensors: tensor "${name}" has ${t.data.length} values but shape [${t.shape}]`);
    const dtype = t.data instanceof Float64Array ? "F64" : "F32";
    const bytes = t.data.length * DTYPES[dtype];
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // pad the header with spaces so the data section starts 8-byte aligned
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += " ";
  const headerBytes = Buffer.from(json, "utf8");
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors[name];
    if (t.data instanceof Float64Array) {
      for (let i = 0; i < t.data.length; i++, pos += 8) dv.setFloat64(pos, t.data[i], true);
    } else {
      for (let i = 0; i < t.data.length; i++, pos += 4) dv.setFloat32(pos, t.data[i], true);
    }
  }
  return out;
}

export function decodeSafetensors(buf: Buffer): { tensors: Record<string, NamedArray>; metadata: Record<string, string> } {
  if (buf.length < 8) throw new RangeError(`safetensors: file of ${buf.length} bytes is shorter than its 8-byte header length`);
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw new RangeError(`safetensors: header length ${n} exceeds the file size ${buf.length}`);
  let header: unknown;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString("utf8"));
  } catch (e) {
    throw new RangeError(`safetensors: the header is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (!header || typeof header !== "object" || Array.isArray(header)) throw new RangeError("safetensors: the header is not a JSON object");
  const base = 8 + n;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tensors: Record<string, NamedArray> = {};
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = info as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = (info ?? {}) as { dtype: unknown; shape: unknown; data_offsets: unknown };
    const width = typeof dtype === "string" ? DTYPES[dtype as keyof typeof DTYPES] : undefined;
    if (!width) throw new RangeError(`safetensors: tensor "${name}" has dtype ${JSON.stringify(dtype)}; only F64 and F32 are read`);
    const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
    if (!Array.isArray(shape) || !shape.every(isCount)) throw new RangeError(`safetensors: tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2 || !data_offsets.every(isCount)) {
      throw new RangeError(`safetensors: tensor "${name}" has invalid data_offsets ${JSON.stringify(data_offsets)}`);
    }
    const [b, e] = data_offsets as [number, number];
    const count = (e - b) / width;
    const size = shape.reduce((a: number, c: number) => a * c, 1);
    if (e < b || count !== size || base + e > buf.length) {
      throw new RangeError(`safetensors: tensor "${name}" has offsets [${b}, ${e}] inconsistent with shape [${shape}] or beyond the file's ${buf.length - base} data bytes`);
    }
    const data = width === 8 ? new Float64Array(count) : new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = width === 8 ? dv.getFloat64(base + b + 8 * i, true) : dv.getFloat32(base + b + 4 * i, true);
    tensors[name] = { shape: shape as number[], data };
  }
  return { tensors, metadata };
}
