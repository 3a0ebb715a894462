/**
 * A safe, minimal Python pickle reader (protocols 0–5) for data files: dicts (also defaultdicts),
 * lists, tuples, strings, numbers, bytes and NumPy arrays — plain pickled ndarrays (protocols 2–4:
 * _reconstruct + BUILD; protocol 5: _frombuffer with in-band bytes) and joblib's format, where
 * each array's raw bytes follow a NumpyArrayWrapper object directly in the stream.
 * Nothing is ever executed: a reference to any class other than the few NumPy/joblib constructors
 * understood here becomes an inert `PythonObject` record.
 */
import { lazyModule } from "../core/lazy-module.js";
import { type NdArray, decodeElements, dtypeSize, parseDtype, shapeSize } from "./dtype.js";
import { readInputFile } from "./input-file.js";

const zlib = lazyModule<typeof import("node:zlib")>("node:zlib", "compressed joblib files");

/** A value of a class this reader does not reconstruct: its qualified name, arguments and state. */
export class PythonObject {
  constructor(
    readonly module: string,
    readonly name: string,
    public args: unknown[] = [],
    public state: unknown = undefined,
  ) {}
}

/** A reference to a global (class or function) met in the stream. */
class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** numpy.dtype under construction (its byte order arrives later in a BUILD state). */
class PyDtype {
  byteOrder = "=";
  constructor(readonly code: string) {}
}

/** numpy.ndarray under construction by _reconstruct, completed by BUILD. */
class PendingNdarray {}

/** joblib's NumpyArrayWrapper before its array bytes are read. */
class ArrayWrapper {
  state: Record<string, unknown> = {};
}


function isNdArray(x: unknown): x is NdArray {
  return typeof x === "object" && x !== null && "shape" in x && "dtype" in x && "data" in x && "fortranOrder" in x;
}

function dtypeFrom(d: unknown, where: string): { dtype: string; littleEndian: boolean } {
  if (!(d instanceof PyDtype)) throw new Error(`${where}: expected a numpy dtype`);
  const parsed = parseDtype(d.code, where);
  const order = d.byteOrder === "=" || d.byteOrder === "|" ? "<" : d.byteOrder;
  return { dtype: parsed.dtype, littleEndian: order === "<" };
}

function bytesOf(x: unknown, where: string): Uint8Array {
  if (x instanceof Uint8Array) return x;
  if (typeof x === "string") {
    // Protocol 2 stores raw bytes as latin-1 text (see _codecs.encode).
    const out = new Uint8Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x.charCodeAt(i);
    return out;
  }
  throw new Error(`${where}: expected raw array bytes`);
}

function shapeOf(x: unknown, where: string): number[] {
  const dims = Array.isArray(x) ? x.map((v) => (typeof v === "number" || typeof v === "bigint" ? Number(v) : NaN)) : null;
  if (!dims || dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new Error(`${where}: corrupt NumPy array shape ${describe(x)}`);
  return dims;
}

function describe(x: unknown): string {
  try {
    return JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v))?.slice(0, 80) ?? String(x);
  } catch {
    return String(x);
  }
}

function argsOf(x: unknown, op: string, where: string, pos: number): unknown[] {
  if (!Array.isArray(x)) throw new Error(`${where}: corrupt pickle (${op} arguments are not a tuple at byte ${pos})`);
  return x;
}

/** Calls a global with arguments, for the few constructors we understand. */
function callGlobal(fn: PyGlobal, args: unknown[], where: string): unknown {
  switch (fn.qualified) {
    case "numpy.dtype":
      return new PyDtype(String(args[0]));
    case "numpy.core.multiarray._reconstruct":
    case "numpy._core.multiarray._reconstruct":
      return new PendingNdarray();
    case "_codecs.encode": {
      const s = String(args[0]);
      return bytesOf(s, where);
    }
    case "numpy.core.multiarray.scalar":
    case "numpy._core.multiarray.scalar": {
      const { dtype, littleEndian } = dtypeFrom(args[0], where);
      const v = decodeElements(bytesOf(args[1], where), dtype, littleEndian, 1, where)[0];
      return typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    case "builtins.set":
    case "builtins.frozenset":
    case "__builtin__.set":
      if (args[0] !== undefined && !Array.isArray(args[0])) throw new Error(`${where}: set() of a non-list`);
      return new Set((args[0] as unknown[]) ?? []);
    case "builtins.bytearray":
    case "__builtin__.bytearray":
      return args.length ? bytesOf(args[0], where) : new Uint8Array(0);
    case "collections.OrderedDict":
      return new Map();
    case "collections.defaultdict":
      // defaultdict(factory) then SETITEMS: a dict like any other (the factory is irrelevant to reading)
      return {};
    case "numpy.core.numeric._frombuffer":
    case "numpy._core.numeric._frombuffer": {
      // protocol 5: ndarray.__reduce_ex__ gives _frombuffer(buffer, dtype, shape, order), the
      // buffer in-band as bytes in the array's own order ("C" or "F")
      const [raw, dt, shapeRaw, order] = args;
      const shape = shapeOf(shapeRaw, where);
      const { dtype, littleEndian } = dtypeFrom(dt, where);
      const data = decodeElements(bytesOf(raw, where), dtype, littleEndian, shapeSize(shape), where);
      return { shape, dtype, fortranOrder: order === "F", data } satisfies NdArray;
    }
    case "joblib.numpy_pickle.NumpyArrayWrapper":
      return new ArrayWrapper();
    default:
      return new PythonObject(fn.module, fn.name, args);
  }
}

export interface PickleReadOptions {
  /** Name used in error messages. */
  where?: string;
  /** Resolves persistent ids (PERSID/BINPERSID), e.g. PyTorch's tensor storages. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Extra constructors by qualified name ("module.name"), called with the REDUCE/NEWOBJ arguments. */
  globals?: Record<string, (args: unknown[]) => unknown>;
}

/**
 * Unpickles `bytes`. Dicts become plain objects when all keys are strings (Map otherwise), tuples
 * and lists become arrays, ints beyond 2^53 BigInt, None null, NumPy arrays NdArray.
 */
export function unpickle(bytes: Uint8Array, options: PickleReadOptions = {}): unknown {
  const where = options.where ?? "pickle";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const latin1 = new TextDecoder("latin1");
  const utf8 = new TextDecoder("utf-8");

  const need = (n: number) => {
    if (pos + n > bytes.length) throw new Error(`${where}: truncated pickle (needed ${n} bytes at byte ${pos})`);
  };
  const u8 = () => (need(1), bytes[pos++]);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    pos += 8;
    return Number(view.getBigUint64(pos - 8, true));
  };
  const take = (n: number) => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new Error(`${where}: truncated pickle (unterminated line at byte ${pos})`);
    const s = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => {
    if (stack.length === 0) throw new Error(`${where}: corrupt pickle (stack underflow at byte ${pos})`);
    return stack.pop();
  };
  const top = () => stack[stack.length - 1];
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) throw new Error(`${where}: corrupt pickle (no mark at byte ${pos})`);
    return stack.splice(m);
  };
  const list = (op: string): unknown[] => {
    const t = top();
    if (!Array.isArray(t)) throw new Error(`${where}: corrupt pickle (${op} on a non-list at byte ${pos})`);
    return t;
  };
  const parseInteger = (text: string): number | bigint => {
    const t = text.trim().replace(/L$/, "");
    if (!/^[+-]?\d+$/.test(t)) throw new Error(`${where}: corrupt pickle (bad integer ${JSON.stringify(text.slice(0, 40))} at byte ${pos})`);
    const v = BigInt(t);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const setItem = (container: unknown, key: unknown, value: unknown) => {
    if (container instanceof Map) container.set(key, value);
    else if (typeof container === "object" && container !== null) {
      if (typeof key === "string" || typeof key === "number") (container as Record<string, unknown>)[String(key)] = value;
      else throw new Error(`${where}: dict key of unsupported type at byte ${pos}`);
    } else throw new Error(`${where}: SETITEM on a non-dict at byte ${pos}`);
  };
  const longFromBytes = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    // through hexadecimal text: linear in the length, where shifting byte by byte is quadratic
    let hex = "";
    for (let i = b.length - 1; i >= 0; i--) hex += b[i].toString(16).padStart(2, "0");
    let v = BigInt(`0x${hex}`);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  /** BUILD: apply `state` to the object on top of the stack. */
  const build = (state: unknown) => {
    const obj = top();
    if (obj instanceof PyDtype) {
      if (Array.isArray(state) && typeof state[1] === "string") obj.byteOrder = state[1];
      return;
    }
    if (obj instanceof PendingNdarray) {
      // state = (version, shape, dtype, is_fortran, rawdata)
      if (!Array.isArray(state)) throw new Error(`${where}: corrupt NumPy array state at byte ${pos}`);
      const [, shapeRaw, dt, isFortran, raw] = state as unknown[];
      const shape = shapeOf(shapeRaw, where);
      const { dtype, littleEndian } = dtypeFrom(dt, where);
      if (Array.isArray(raw)) throw new Error(`${where}: NumPy object arrays are not supported`);
      const data = decodeElements(bytesOf(raw, where), dtype, littleEndian, shapeSize(shape), where);
      stack[stack.length - 1] = { shape, dtype, fortranOrder: Boolean(isFortran), data } satisfies NdArray;
      return;
    }
    if (obj instanceof ArrayWrapper) {
      if (typeof state !== "object" || state === null) throw new Error(`${where}: corrupt joblib array state at byte ${pos}`);
      obj.state = state as Record<string, unknown>;
      const s = obj.state;
      const shape = shapeOf(s.shape, where);
      const { dtype, littleEndian } = dtypeFrom(s.dtype, where);
      // joblib ≥ 1.2 writes one byte giving a padding length, then padding, to align the data.
      if ("numpy_array_alignment_bytes" in s && s.numpy_array_alignment_bytes !== null) {
        const pad = u8();
        take(pad);
      }
      const count = shapeSize(shape);
      const data = decodeElements(take(count * dtypeSize(dtype)), dtype, littleEndian, count, where);
      stack[stack.length - 1] = { shape, dtype, fortranOrder: s.order === "F", data } satisfies NdArray;
      return;
    }
    if (obj instanceof PythonObject) {
      obj.state = state;
      return;
    }
    if (obj instanceof Map && state instanceof Map) {
      for (const [k, v] of state) obj.set(k, v);
      return;
    }
    if (typeof obj === "object" && obj !== null && typeof state === "object" && state !== null) {
      Object.assign(obj, state);
    }
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME: frames are contiguous in the stream, nothing to do
        u64();
        break;
      case 0x2e: // STOP
        return finish(pop());
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push({});
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x8f: // EMPTY_SET
        stack.push(new Set());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x8a: // LONG1
        stack.push(longFromBytes(take(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(longFromBytes(take(u32())));
        break;
      case 0x49: {
        // INT (text): also encodes True/False in protocol 0
        const s = line();
        stack.push(s === "01" ? true : s === "00" ? false : parseInteger(s));
        break;
      }
      case 0x4c: // LONG (text)
        stack.push(parseInteger(line()));
        break;
      case 0x47: // BINFLOAT (big-endian double)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x46: // FLOAT (text)
        stack.push(Number(line()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8.decode(take(u8())));
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8.decode(take(u32())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8.decode(take(u64())));
        break;
      case 0x56: // UNICODE (raw-unicode-escape text)
        stack.push(line());
        break;
      case 0x55: // SHORT_BINSTRING (Python 2 str)
        stack.push(latin1.decode(take(u8())));
        break;
      case 0x54: // BINSTRING
        stack.push(latin1.decode(take(u32())));
        break;
      case 0x53: {
        // STRING (quoted text)
        const s = line();
        stack.push(s.slice(1, -1));
        break;
      }
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()).slice());
        break;
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()).slice());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x70: // PUT
        memo.set(Number(line()), top());
        break;
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
      case 0x67: {
        // GET
        const idx = op === 0x68 ? u8() : op === 0x6a ? u32() : Number(line());
        if (!memo.has(idx)) throw new Error(`${where}: corrupt pickle (memo ${idx} missing at byte ${pos})`);
        stack.push(memo.get(idx));
        break;
      }
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x74: // TUPLE
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d = {};
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        stack.push(d);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        list("APPEND").push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const target = list("APPENDS");
        for (const it of items) target.push(it);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItem(top(), k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        for (let i = 0; i < items.length; i += 2) setItem(top(), items[i], items[i + 1]);
        break;
      }
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) throw new Error(`${where}: corrupt pickle (ADDITEMS on a non-set at byte ${pos})`);
        for (const it of items) s.add(it);
        break;
      }
      case 0x91: // FROZENSET
        stack.push(new Set(popMark()));
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        const name = line();
        stack.push(new PyGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = String(pop());
        const module = String(pop());
        stack.push(new PyGlobal(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = argsOf(pop(), "REDUCE", where, pos);
        const fn = pop();
        if (!(fn instanceof PyGlobal)) throw new Error(`${where}: REDUCE on a non-callable at byte ${pos}`);
        const custom = options.globals?.[fn.qualified];
        stack.push(custom ? custom(args) : callGlobal(fn, args, where));
        break;
      }
      case 0x81: {
        // NEWOBJ cls(*args)
        const args = argsOf(pop(), "NEWOBJ", where, pos);
        const cls = pop();
        if (!(cls instanceof PyGlobal)) throw new Error(`${where}: NEWOBJ on a non-class at byte ${pos}`);
        stack.push(callGlobal(cls, args, where));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX cls(*args, **kwargs)
        pop();
        const args = argsOf(pop(), "NEWOBJ_EX", where, pos);
        const cls = pop();
        if (!(cls instanceof PyGlobal)) throw new Error(`${where}: NEWOBJ_EX on a non-class at byte ${pos}`);
        stack.push(callGlobal(cls, args, where));
        break;
      }
      case 0x62: // BUILD
        build(pop());
        break;
      case 0x51: // BINPERSID
      case 0x50: {
        // PERSID
        const pid = op === 0x51 ? pop() : line();
        if (!options.persistentLoad) throw new Error(`${where}: pickle refers to external objects (persistent id) and no loader was given`);
        stack.push(options.persistentLoad(pid));
        break;
      }
      case 0x97: // NEXT_BUFFER (out-of-band buffers are not available in files)
      case 0x98: // READONLY_BUFFER
        throw new Error(`${where}: pickles with out-of-band buffers (protocol 5) are not supported`);
      default:
        throw new Error(`${where}: unsupported pickle opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }

  function finish(value: unknown): unknown {
    if (value instanceof PendingNdarray || value instanceof ArrayWrapper) {
      throw new Error(`${where}: incomplete NumPy array in pickle`);
    }
    return value;
  }
}

/**
 * Reads a joblib file (CEBRA's `.jl`, scikit-learn dumps): uncompressed, or compressed with zlib or
 * gzip. Returns the unpickled value with NumPy arrays as NdArray.
 */
export function readJoblib(pathOrBuffer: string | Uint8Array): unknown {
  let bytes: Uint8Array = typeof pathOrBuffer === "string" ? readInputFile(pathOrBuffer, "readJoblib") : pathOrBuffer;
  const where = typeof pathOrBuffer === "string" ? pathOrBuffer : "joblib buffer";
  const decompress = (fn: (b: Uint8Array) => Uint8Array, kind: string) => {
    try {
      return fn(bytes);
    } catch (err) {
      throw new Error(`${where}: corrupt ${kind}-compressed joblib file: ${(err as Error).message}`, { cause: err });
    }
  };
  if (bytes.length < 2) throw new Error(`${where}: ${bytes.length} bytes is too short to be a joblib/pickle file`);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = decompress((b) => zlib().gunzipSync(b), "gzip");
  else if (bytes[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(bytes[1])) bytes = decompress((b) => zlib().inflateSync(b), "zlib");
  else if (bytes[0] === 0x5a && bytes[1] === 0x46) {
    throw new Error(`${where}: joblib < 0.10 compressed format is not supported; re-save with a current joblib`);
  } else if (bytes[0] !== 0x80) {
    throw new Error(`${where}: not a joblib/pickle file (unknown first bytes 0x${bytes[0]?.toString(16)} 0x${bytes[1]?.toString(16)}); lz4/xz/bz2 compression is not supported`);
  }
  return unpickle(bytes, { where });
}

/** Reads a plain pickle file (pickle.dump output); NumPy arrays become NdArray. */
export function readPickle(pathOrBuffer: string | Uint8Array): unknown {
  const bytes = typeof pathOrBuffer === "string" ? readInputFile(pathOrBuffer, "readPickle") : pathOrBuffer;
  return unpickle(bytes, { where: typeof pathOrBuffer === "string" ? pathOrBuffer : "pickle buffer" });
}

/** Fetches `key` from an unpickled dict and checks it is a NumPy array. */
export function pickledArray(dict: unknown, key: string, where = "pickle"): NdArray {
  const v = typeof dict === "object" && dict !== null ? (dict instanceof Map ? dict.get(key) : (dict as Record<string, unknown>)[key]) : undefined;
  if (v === undefined) {
    const keys = dict instanceof Map ? [...dict.keys()] : typeof dict === "object" && dict !== null ? Object.keys(dict) : [];
    throw new Error(`${where}: no key "${key}" (keys: ${keys.join(", ")})`);
  }
  if (!isNdArray(v)) throw new Error(`${where}: "${key}" is not a NumPy array`);
  return v;
}
