/**
 * PyTorch checkpoints saved with torch.save (zip format, PyTorch ≥ 1.6): a zip archive holding
 * `<root>/data.pkl` (a pickle whose tensors point at storages by persistent id) and one raw
 * little-endian file per storage, `<root>/data/<key>`. Read without PyTorch, nothing executed.
 */
import { lazyModule } from "../core/lazy-module.js";
import { type NdArray, type NumericTypedArray, decodeElements, dtypeSize, shapeSize } from "./dtype.js";
import { unpickle } from "./pickle.js";
import { readInputFile } from "./input-file.js";

const zlib = lazyModule<typeof import("node:zlib")>("node:zlib", "compressed PyTorch checkpoints");

/** Entries of a zip archive (stored or deflated), by name. */
export function readZipEntries(bytes: Uint8Array, where = "zip"): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End of central directory: signature 0x06054b50 within the last 64 kB + 22 bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${where}: not a zip archive (no end-of-central-directory record)`);
  const corrupt = (what: string) => new Error(`${where}: corrupt zip archive (${what})`);
  const within = (start: number, length: number, what: string) => {
    if (!(start >= 0 && start + length <= bytes.length)) throw corrupt(`${what} at byte ${start} lies beyond the end of the file`);
  };
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff) {
    // ZIP64: the locator sits just before the EOCD record.
    const loc = eocd - 20;
    if (loc < 0 || view.getUint32(loc, true) !== 0x07064b50) throw new Error(`${where}: malformed ZIP64 archive`);
    const z64 = Number(view.getBigUint64(loc + 8, true));
    within(z64, 56, "ZIP64 directory record");
    count = Number(view.getBigUint64(z64 + 32, true));
    offset = Number(view.getBigUint64(z64 + 48, true));
  }
  const out = new Map<string, Uint8Array>();
  const decoder = new TextDecoder("utf-8");
  for (let n = 0; n < count; n++) {
    within(offset, 46, "central directory entry");
    if (view.getUint32(offset, true) !== 0x02014b50) throw new Error(`${where}: corrupt central directory`);
    const method = view.getUint16(offset + 10, true);
    let compSize = view.getUint32(offset + 20, true);
    let size = view.getUint32(offset + 24, true);
    const nameLen = view.getUint16(offset + 28, true);
    const extraLen = view.getUint16(offset + 30, true);
    const commentLen = view.getUint16(offset + 32, true);
    let local = view.getUint32(offset + 42, true);
    within(offset + 46, nameLen + extraLen + commentLen, "central directory entry");
    const name = decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLen));
    // ZIP64 extra field (id 1) carries the 64-bit sizes/offset that overflowed.
    let e = offset + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 1 && e + 4 + len <= extraEnd) {
        let p = e + 4;
        const end = e + 4 + len;
        if (size === 0xffffffff && p + 8 <= end) {
          size = Number(view.getBigUint64(p, true));
          p += 8;
        }
        if (compSize === 0xffffffff && p + 8 <= end) {
          compSize = Number(view.getBigUint64(p, true));
          p += 8;
        }
        if (local === 0xffffffff && p + 8 <= end) local = Number(view.getBigUint64(p, true));
      }
      e += 4 + len;
    }
    within(local, 30, `local header of ${name}`);
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    within(dataStart, compSize, `data of ${name}`);
    const raw = bytes.subarray(dataStart, dataStart + compSize);
    if (method === 0) out.set(name, raw);
    else if (method === 8) {
      try {
        // the declared size bounds the output, so a corrupt stream cannot inflate without limit
        out.set(name, zlib().inflateRawSync(raw, { maxOutputLength: Math.max(1, size) }));
      } catch (err) {
        throw corrupt(`entry ${name} does not inflate: ${(err as Error).message}`);
      }
    } else throw new Error(`${where}: entry ${name} uses unsupported compression method ${method}`);
    if (out.get(name)?.length !== size) throw new Error(`${where}: entry ${name} is truncated`);
    offset = extraEnd + commentLen;
  }
  return out;
}

const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: "f4", DoubleStorage: "f8", LongStorage: "i8", IntStorage: "i4", ShortStorage: "i2",
  CharStorage: "i1", ByteStorage: "u1", BoolStorage: "b1",
};

interface Storage {
  dtype: string;
  data: NumericTypedArray;
}

function rebuildTensor(args: unknown[], where: string): NdArray {
  const [storage, offsetRaw, sizeRaw, strideRaw] = args as [Storage, number, number[], number[]];
  if (!storage || !storage.data) throw new Error(`${where}: tensor without storage`);
  const ints = (x: unknown) => (Array.isArray(x) ? x.map(Number) : null);
  const shape = ints(sizeRaw ?? []);
  const stride = ints(strideRaw ?? []);
  const offset = Number(offsetRaw ?? 0);
  const valid = (v: number) => Number.isSafeInteger(v) && v >= 0;
  if (!shape || !stride || !shape.every(valid) || !stride.every(valid) || stride.length !== shape.length || !valid(offset)) {
    throw new Error(`${where}: corrupt tensor layout (size ${String(sizeRaw)}, stride ${String(strideRaw)}, offset ${String(offsetRaw)})`);
  }
  const n = shapeSize(shape);
  const src = storage.data;
  // every index the strides reach must lie inside the storage
  const last = n === 0 ? -1 : shape.reduce((o, s, d) => o + (s - 1) * stride[d], offset);
  if (last >= src.length) throw new Error(`${where}: tensor of shape (${shape.join(", ")}) reaches element ${last} of a storage of ${src.length}`);
  const out = new (src.constructor as new (n: number) => NumericTypedArray)(n);
  const sink = out as unknown as { [i: number]: number | bigint };
  const idx = new Array(shape.length).fill(0);
  // Copy through the strides into a contiguous C-order array.
  for (let k = 0; k < n; k++) {
    let o = offset;
    for (let d = 0; d < shape.length; d++) o += idx[d] * stride[d];
    sink[k] = src[o];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return { shape, dtype: storage.dtype, fortranOrder: false, data: out };
}

/**
 * Reads a torch.save checkpoint (zip format) and returns its unpickled content with every tensor
 * as an NdArray (C order) — for a state dict, a Map from parameter name to tensor.
 * Half-precision and quantized tensors are not supported; the legacy (pre-1.6) format is not either.
 */
export function readTorch(pathOrBuffer: string | Uint8Array): unknown {
  const bytes = typeof pathOrBuffer === "string" ? readInputFile(pathOrBuffer, "readTorch") : pathOrBuffer;
  const where = typeof pathOrBuffer === "string" ? pathOrBuffer : "torch buffer";
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) {
    throw new Error(`${where}: not a zip-format PyTorch file (saved by torch < 1.6?); re-save it with a current torch.save`);
  }
  const entries = readZipEntries(bytes, where);
  const pklName = [...entries.keys()].find((k) => k.endsWith("/data.pkl") || k === "data.pkl");
  if (!pklName) throw new Error(`${where}: no data.pkl in the archive`);
  const root = pklName.slice(0, pklName.length - "data.pkl".length);
  const bigEndian = entries.get(`${root}byteorder`) && new TextDecoder().decode(entries.get(`${root}byteorder`)) === "big";
  const storages = new Map<string, Storage>();
  const persistentLoad = (pid: unknown): Storage => {
    // ('storage', storage_type, key, location, numel)
    if (!Array.isArray(pid)) throw new Error(`${where}: corrupt persistent id ${String(pid)}`);
    const [tag, type, key, , numel] = pid as [string, { name?: string }, string, string, number];
    if (tag !== "storage") throw new Error(`${where}: unknown persistent id ${String(tag)}`);
    const cached = storages.get(key);
    if (cached) return cached;
    const dtype = STORAGE_DTYPES[type?.name ?? ""];
    if (!dtype) throw new Error(`${where}: unsupported tensor storage ${type?.name ?? "?"}`);
    const raw = entries.get(`${root}data/${key}`);
    if (!raw) throw new Error(`${where}: missing storage ${root}data/${key}`);
    const count = Number(numel);
    if (!Number.isSafeInteger(count) || count < 0) throw new Error(`${where}: storage ${key} has a corrupt element count ${String(numel)}`);
    if (raw.length < count * dtypeSize(dtype)) throw new Error(`${where}: storage ${key} is truncated`);
    const storage = { dtype, data: decodeElements(raw, dtype, !bigEndian, count, where) };
    storages.set(key, storage);
    return storage;
  };
  return unpickle(entries.get(pklName) as Uint8Array, {
    where,
    persistentLoad,
    globals: {
      "torch._utils._rebuild_tensor_v2": (args) => rebuildTensor(args, where),
      "torch._utils._rebuild_tensor": (args) => rebuildTensor(args, where),
      "torch._utils._rebuild_parameter": (args) => args[0],
    },
  });
}

const isTensor = (v: unknown): v is NdArray => typeof v === "object" && v !== null && "shape" in v && "data" in v;

function tensorsOf(value: unknown): Record<string, NdArray> {
  const entries = value instanceof Map ? [...value.entries()] : typeof value === "object" && value !== null && !Array.isArray(value) && !isTensor(value) ? Object.entries(value) : [];
  const out: Record<string, NdArray> = {};
  for (const [k, v] of entries) if (isTensor(v)) out[String(k)] = v;
  return out;
}

/**
 * The state dict in a torch.save'd file as a record of NdArrays (non-tensor entries skipped).
 * When the file holds a tuple or list (e.g. (extra arrays, state_dict)), the first dict in it with
 * tensors is taken.
 */
export function readTorchStateDict(pathOrBuffer: string | Uint8Array): Record<string, NdArray> {
  const value = readTorch(pathOrBuffer);
  const candidates = Array.isArray(value) ? value : [value];
  for (const c of candidates) {
    const t = tensorsOf(c);
    if (Object.keys(t).length) return t;
  }
  throw new Error(`${typeof pathOrBuffer === "string" ? pathOrBuffer : "torch buffer"}: no state dict of tensors found`);
}
