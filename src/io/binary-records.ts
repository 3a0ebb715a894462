/**
 * Fixed-width binary records after a text header, the layout of many acquisition systems'
 * tracking and event files: a text block between two delimiter lines (often `key: value` settings),
 * then records of a fixed layout to the end of the file. The caller gives the delimiters and the
 * record layout (field names and types, byte order), or lets the header's own field list
 * (`Fields: <time uint32><x uint16>…`) define it.
 *
 * Nothing is dropped silently: bytes after the last whole record are an error unless the caller
 * chooses `trailing: "ignore"`, in which case the result counts them (`trailingBytes`).
 */
import { ValidationError } from "../core/validate.js";
import { readInputFile } from "./input-file.js";

export type RecordFieldType = "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "float32" | "float64";

export interface RecordField {
  name: string;
  type: RecordFieldType;
}

export type RecordColumn = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface HeaderedRecordsOptions {
  /** Line that opens the header (default "<Start settings>"); the file must start with it. */
  headerStart?: string;
  /** Line that closes the header (default "<End settings>"); records start after its line end. */
  headerEnd?: string;
  /** Record layout, in file order. Default: parsed from the header's `fieldsKey` line. */
  fields?: RecordField[];
  /** Header key whose value lists the fields as `<name type><name type>…` (default "Fields"). */
  fieldsKey?: string;
  /** Byte order of the records (default "little"). */
  endianness?: "little" | "big";
  /** Number of records the caller expects; a different count is an error. */
  expectedRecords?: number;
  /** Bytes after the last whole record: "error" (default) or "ignore" (counted in `trailingBytes`). */
  trailing?: "error" | "ignore";
}

export interface HeaderedRecords {
  /** The header's text between the delimiter lines. */
  header: string;
  /** `key: value` lines of the header (keys as written, values trimmed). */
  settings: Record<string, string>;
  fields: RecordField[];
  /** Bytes per record. */
  recordSize: number;
  /** Byte offset of the first record. */
  dataOffset: number;
  /** Number of whole records read. */
  count: number;
  /** One typed array per field, `count` long. */
  columns: Record<string, RecordColumn>;
  /** Bytes after the last whole record (always 0 unless `trailing: "ignore"`). */
  trailingBytes: number;
}

const TYPES: Record<RecordFieldType, { size: number; make: (n: number) => RecordColumn; get: (v: DataView, o: number, le: boolean) => number }> = {
  int8: { size: 1, make: (n) => new Int8Array(n), get: (v, o) => v.getInt8(o) },
  uint8: { size: 1, make: (n) => new Uint8Array(n), get: (v, o) => v.getUint8(o) },
  int16: { size: 2, make: (n) => new Int16Array(n), get: (v, o, le) => v.getInt16(o, le) },
  uint16: { size: 2, make: (n) => new Uint16Array(n), get: (v, o, le) => v.getUint16(o, le) },
  int32: { size: 4, make: (n) => new Int32Array(n), get: (v, o, le) => v.getInt32(o, le) },
  uint32: { size: 4, make: (n) => new Uint32Array(n), get: (v, o, le) => v.getUint32(o, le) },
  float32: { size: 4, make: (n) => new Float32Array(n), get: (v, o, le) => v.getFloat32(o, le) },
  float64: { size: 8, make: (n) => new Float64Array(n), get: (v, o, le) => v.getFloat64(o, le) },
};
/** Common spellings of the types in headers ("double", "int", "single"…). */
const TYPE_ALIASES: Record<string, RecordFieldType> = {
  char: "int8", uchar: "uint8", short: "int16", ushort: "uint16", int: "int32", uint: "uint32", long: "int32",
  single: "float32", float: "float32", double: "float64",
};

export const RECORD_FIELD_TYPES = Object.keys(TYPES) as RecordFieldType[];

function fieldType(raw: string, where: string): RecordFieldType {
  const t = raw.trim().toLowerCase();
  if (t in TYPES) return t as RecordFieldType;
  if (t in TYPE_ALIASES) return TYPE_ALIASES[t];
  throw new ValidationError(`${where}: unknown field type "${raw}"; use one of ${RECORD_FIELD_TYPES.join(", ")}`);
}

/** Parses a field list written as `<time uint32><xloc uint16>…` into a record layout. */
export function parseFieldList(text: string, where = "field list"): RecordField[] {
  const fields: RecordField[] = [];
  const re = /<\s*([^<>\s]+)\s+([^<>\s]+)\s*>/g;
  let m: RegExpExecArray | null;
  let consumed = "";
  while ((m = re.exec(text)) !== null) {
    fields.push({ name: m[1], type: fieldType(m[2], `${where}: field "${m[1]}"`) });
    consumed += m[0];
  }
  if (fields.length === 0 || text.replace(/\s+/g, "") !== consumed.replace(/\s+/g, "")) {
    throw new ValidationError(`${where}: cannot read "${text.trim()}" as a field list; expected <name type><name type>…`);
  }
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw new ValidationError(`${where}: field "${f.name}" appears twice`);
    seen.add(f.name);
  }
  return fields;
}

/** `key: value` lines of a header; the first colon splits. Lines without one are skipped (they stay in `header`). */
export function parseSettings(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of header.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Reads a file (path or bytes) of fixed-width binary records after a delimited text header. */
export function readHeaderedRecords(pathOrBytes: string | Uint8Array, options: HeaderedRecordsOptions = {}): HeaderedRecords {
  const bytes = typeof pathOrBytes === "string" ? readInputFile(pathOrBytes, "readHeaderedRecords") : pathOrBytes;
  const where = typeof pathOrBytes === "string" ? pathOrBytes : "record buffer";
  const startMark = options.headerStart ?? "<Start settings>";
  const endMark = options.headerEnd ?? "<End settings>";
  const trailing = options.trailing ?? "error";
  if (trailing !== "error" && trailing !== "ignore") throw new ValidationError(`readHeaderedRecords: trailing must be "error" or "ignore", got "${String(trailing)}"`);
  const endianness = options.endianness ?? "little";
  if (endianness !== "little" && endianness !== "big") throw new ValidationError(`readHeaderedRecords: endianness must be "little" or "big", got "${String(endianness)}"`);
  const enc = new TextEncoder();
  const start = enc.encode(startMark);
  if (indexOfBytes(bytes.subarray(0, start.length), start, 0) !== 0) {
    throw new Error(`${where}: does not start with the header line "${startMark}" (not this format, or pass headerStart)`);
  }
  const endAt = indexOfBytes(bytes, enc.encode(endMark), start.length);
  if (endAt < 0) throw new Error(`${where}: no "${endMark}" line closes the header (truncated header, or pass headerEnd)`);
  let dataOffset = endAt + enc.encode(endMark).length;
  if (bytes[dataOffset] === 0x0d) dataOffset++;
  if (bytes[dataOffset] !== 0x0a) throw new Error(`${where}: "${endMark}" is not followed by a line end at byte ${dataOffset}`);
  dataOffset++;
  const header = new TextDecoder("latin1").decode(bytes.subarray(start.length, endAt)).replace(/^\r?\n/, "").replace(/\r?\n$/, "");
  const settings = parseSettings(header);
  const fieldsKey = options.fieldsKey ?? "Fields";
  let fields = options.fields;
  if (!fields) {
    const list = settings[fieldsKey];
    if (list === undefined) throw new Error(`${where}: the header has no "${fieldsKey}:" line; pass the record layout as fields: [{ name, type }, …]`);
    fields = parseFieldList(list, `${where}: header "${fieldsKey}"`);
  } else {
    if (!Array.isArray(fields) || fields.length === 0) throw new ValidationError("readHeaderedRecords: fields must be a non-empty list of { name, type }");
    fields = fields.map((f) => ({ name: f.name, type: fieldType(f.type, `readHeaderedRecords fields "${f.name}"`) }));
  }
  const recordSize = fields.reduce((s, f) => s + TYPES[f.type].size, 0);
  const body = bytes.length - dataOffset;
  const count = Math.floor(body / recordSize);
  const trailingBytes = body - count * recordSize;
  if (trailingBytes !== 0 && trailing === "error") {
    throw new Error(`${where}: ${body} bytes of records is not a whole number of ${recordSize}-byte records ` +
      `(${count} records and ${trailingBytes} bytes over: the file is truncated or the layout is wrong); ` +
      `pass trailing: "ignore" to read the ${count} whole records and count the rest`);
  }
  if (options.expectedRecords !== undefined && options.expectedRecords !== count) {
    throw new Error(`${where}: expected ${options.expectedRecords} records, found ${count}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, count * recordSize);
  const le = endianness === "little";
  const columns: Record<string, RecordColumn> = {};
  let offset = 0;
  for (const f of fields) {
    const t = TYPES[f.type];
    const col = t.make(count);
    for (let r = 0, o = offset; r < count; r++, o += recordSize) col[r] = t.get(view, o, le);
    columns[f.name] = col;
    offset += t.size;
  }
  return { header, settings, fields, recordSize, dataOffset, count, columns, trailingBytes };
}
