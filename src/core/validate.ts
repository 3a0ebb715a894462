import { Matrix, type MatrixLike } from "./matrix.js";

/** An error in what the caller passed; the message names the argument and what to change. */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValidationError";
  }
}

/** Accepts a Matrix or number[][] (rectangular), returns a Matrix; checks shape and finiteness. */
export function toMatrix(x: MatrixLike, name: string, opts: { cols?: number; rows?: number; finite?: boolean } = {}): Matrix {
  let m: Matrix;
  if (x instanceof Matrix) {
    m = x;
  } else if (x && typeof (x as ArrayLike<unknown>).length === "number" && typeof x !== "string") {
    const arr = x as ArrayLike<ArrayLike<number>>;
    if (isBigIntArray(arr)) {
      throw new ValidationError(`${name}: got a flat ${arr.constructor.name} (64-bit integers); pass an n × d matrix of numbers, e.g. new Matrix(n, d, Float64Array.from(values, Number))`);
    }
    for (let i = 0; i < arr.length; i++) {
      const row = arr[i] as unknown;
      if (row === null || typeof row !== "object" || typeof (row as ArrayLike<unknown>).length !== "number") {
        const flat = typeof row === "number" || typeof row === "bigint";
        throw new ValidationError(`${name}: row ${i} is ${describeValue(row)}, not an array of numbers; pass a number[][] (one array per point) or a Matrix${flat ? " (a flat list of numbers is one value per row: wrap it as [[v0], [v1], …] or use Matrix.column)" : ""}`);
      }
      if (isBigIntArray(row as ArrayLike<unknown>)) {
        throw new ValidationError(`${name}: row ${i} holds BigInt values (${(row as object).constructor.name}); convert to numbers first, e.g. rows.map((r) => Array.from(r, Number)), or read the file as float64`);
      }
    }
    try {
      m = Matrix.from(arr, name);
    } catch (e) {
      throw new ValidationError((e as Error).message);
    }
  } else {
    throw new ValidationError(`${name}: expected a Matrix or number[][], got ${describeValue(x)}`);
  }
  if (opts.cols !== undefined && m.cols !== opts.cols) {
    throw new ValidationError(`${name}: expected ${opts.cols} columns, got ${m.cols}`);
  }
  if (opts.rows !== undefined && m.rows !== opts.rows) {
    throw new ValidationError(`${name}: expected ${opts.rows} rows, got ${m.rows}`);
  }
  if (opts.finite !== false) assertFinite(m.data, name, m.cols);
  return m;
}

/** A BigInt64Array/BigUint64Array, or an array whose first value is a BigInt (int64 data read as is). */
function isBigIntArray(a: ArrayLike<unknown>): boolean {
  return a instanceof BigInt64Array || a instanceof BigUint64Array || (a.length > 0 && typeof a[0] === "bigint");
}

/** Throws naming the first NaN/Infinity (row and column when cols is given). */
export function assertFinite(values: ArrayLike<number>, name: string, cols?: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      const where = cols ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
      throw new ValidationError(`${name}: contains ${v} at ${where}; remove or impute non-finite values first`);
    }
  }
}

/**
 * Merges user options over defaults, rejecting unknown keys with the closest valid name and the
 * list of valid ones. The single place where option objects are checked for typos.
 */
export function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined, where: string): T {
  const out = { ...defaults };
  if (given === undefined || given === null) return out;
  if (typeof given !== "object" || Array.isArray(given)) throw new ValidationError(`${where}: options must be an object such as { k: 10 }, got ${describeValue(given)}`);
  const valid = Object.keys(defaults);
  for (const [k, v] of Object.entries(given)) {
    if (!valid.includes(k)) {
      const guess = closestName(k, valid);
      throw new ValidationError(`${where}: unknown option "${k}"${guess ? `; did you mean "${guess}"?` : "."} Valid options: ${valid.join(", ")}`);
    }
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** The spelling used for matching names loosely: lower case without separators (batch_size ≡ batchSize). */
function looseName(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, "");
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/**
 * The valid name a mistyped one most likely meant: the same name in another case or with
 * underscores (Python spellings such as out_channels), else the nearest by edit distance when it
 * is close (at most a third of the name's letters differ); null when nothing is close.
 */
export function closestName(name: string, valid: readonly string[]): string | null {
  const loose = looseName(name);
  const same = valid.find((v) => looseName(v) === loose);
  if (same) return same;
  let best: string | null = null, bestDistance = Infinity;
  for (const v of valid) {
    const dist = editDistance(loose, looseName(v));
    if (dist < bestDistance) {
      best = v;
      bestDistance = dist;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(loose.length / 3)) ? best : null;
}

/** A value as an error message shows it: its JSON text and, for non-numbers, what kind of value it is. */
export function describeValue(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "bigint") return `${v}n (a BigInt; pass a Number)`;
  if (v === null || v === undefined) return String(v);
  if (typeof v === "string") return `"${v}" (a string)`;
  if (Array.isArray(v)) return `an array ${truncate(JSON.stringify(v))}`;
  if (typeof v === "object") return `${(v as object).constructor?.name ?? "an object"} ${truncate(safeJson(v))}`;
  return `${String(v)} (a ${typeof v})`;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function checkInteger(v: number, name: string, min = -Infinity, max = Infinity): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new ValidationError(`${name} must be an integer ${rangeText(min, max)}, got ${describeValue(v)}`);
  }
}

export function checkNumber(v: number, name: string, min = -Infinity, max = Infinity): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    throw new ValidationError(`${name} must be a finite number ${rangeText(min, max)}, got ${describeValue(v)}`);
  }
}

export function checkBoolean(v: unknown, name: string): void {
  if (typeof v !== "boolean") throw new ValidationError(`${name} must be true or false, got ${describeValue(v)}`);
}

/** "≥ 1", "in [0, 1]", "> 0" (Number.MIN_VALUE as the lower bound reads as "> 0"). */
function rangeText(min: number, max: number): string {
  if (min === -Infinity && max === Infinity) return "";
  const lower = min === Number.MIN_VALUE ? "> 0" : `≥ ${min}`;
  if (max === Infinity) return lower;
  if (min === Number.MIN_VALUE) return `in (0, ${max}]`;
  if (min === -Infinity) return `≤ ${max}`;
  return `in [${min}, ${max}]`;
}

export function checkOneOf<T extends string>(v: T, name: string, allowed: readonly T[]): void {
  if (!allowed.includes(v)) {
    const guess = typeof v === "string" ? closestName(v, allowed) : null;
    throw new ValidationError(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describeValue(v)}${guess ? `; did you mean "${guess}"?` : ""}`);
  }
}
