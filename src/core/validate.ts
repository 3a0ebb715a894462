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
  } else if (x && typeof (x as ArrayLike<unknown>).length === "number") {
    const arr = x as ArrayLike<ArrayLike<number>>;
    for (let i = 0; i < arr.length; i++) {
      if (!arr[i] || typeof arr[i].length !== "number") {
        throw new ValidationError(`${name}: row ${i} is not an array; pass a number[][] or a Matrix`);
      }
    }
    try {
      m = Matrix.from(arr, name);
    } catch (e) {
      throw new ValidationError((e as Error).message);
    }
  } else {
    throw new ValidationError(`${name}: expected a Matrix or number[][], got ${x === null ? "null" : typeof x}`);
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
 * Merges user options over defaults, rejecting unknown keys with the list of valid ones.
 * The single place where option objects are checked for typos.
 */
export function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined, where: string): T {
  const out = { ...defaults };
  if (given === undefined || given === null) return out;
  if (typeof given !== "object") throw new ValidationError(`${where}: options must be an object`);
  const valid = Object.keys(defaults);
  for (const [k, v] of Object.entries(given)) {
    if (!valid.includes(k)) {
      throw new ValidationError(`${where}: unknown option "${k}". Valid options: ${valid.join(", ")}`);
    }
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function checkInteger(v: number, name: string, min = -Infinity, max = Infinity): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new ValidationError(`${name} must be an integer ${range}, got ${v}`);
  }
}

export function checkNumber(v: number, name: string, min = -Infinity, max = Infinity): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new ValidationError(`${name} must be a finite number ${range}, got ${v}`);
  }
}

export function checkOneOf<T extends string>(v: T, name: string, allowed: readonly T[]): void {
  if (!allowed.includes(v)) throw new ValidationError(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got "${v}"`);
}
