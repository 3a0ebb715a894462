/**
 * MAT-file values as plain JavaScript: structs become objects, cell and struct arrays become
 * arrays, numeric arrays become typed arrays. The rules (the same spirit as scipy's
 * `loadmat(squeeze_me=True, simplify_cells=True)`):
 *
 * | MATLAB value | plain value |
 * |---|---|
 * | numeric or logical, 1 × 1 | a number (a bigint for int64/uint64; with `squeeze: false`, a length-1 typed array) |
 * | numeric or logical vector (1 × n, n × 1) or empty | its typed array (Float64Array for double, Int16Array for int16 …; logical as Uint8Array) |
 * | numeric matrix or n-D | `{ shape, data, order: "F" }`: the typed array in MATLAB's column-major order |
 * | complex | `{ re, im }`, each converted as above |
 * | char | a string (a char matrix: one string per row) |
 * | cell 1 × 1 | its element (with `squeeze: false`, a one-element array) |
 * | cell vector or empty | an array |
 * | cell matrix | an array of rows, each an array |
 * | struct 1 × 1 | an object with one key per field |
 * | struct vector | an array of such objects; a struct matrix: an array of rows |
 * | sparse, object, function handle … | `{ unsupported: class, shape }` (never dropped silently) |
 *
 * n-D (more than 2 dimensions) cell and struct arrays are an error naming the variable: their
 * layout has no single obvious plain form; walk the MatValue instead.
 */
import type { NumericTypedArray } from "./dtype.js";
import type { MatNumeric, MatValue } from "./mat5.js";

/** A numeric array that is neither a scalar nor a vector, in MATLAB's column-major order. */
export interface PlainMatArray {
  shape: number[];
  data: NumericTypedArray;
  order: "F";
}
/** A complex numeric value: real and imaginary parts, each converted like a real array. */
export interface PlainMatComplex {
  re: number | bigint | NumericTypedArray | PlainMatArray;
  im: number | bigint | NumericTypedArray | PlainMatArray;
}
/** A value this conversion does not represent (sparse, objects, function handles …). */
export interface PlainMatUnsupported {
  unsupported: string;
  shape: number[];
}
export type PlainMatValue =
  | number
  | bigint
  | string
  | string[]
  | NumericTypedArray
  | PlainMatArray
  | PlainMatComplex
  | PlainMatUnsupported
  | PlainMatValue[]
  | { [field: string]: PlainMatValue };

export interface MatToPlainOptions {
  /** Unwrap 1 × 1 numeric arrays to numbers and 1 × 1 cells to their element (default true). */
  squeeze?: boolean;
}

function isVectorShape(shape: number[]): boolean {
  return shape.filter((d) => d !== 1).length <= 1;
}

function plainNumeric(data: NumericTypedArray, shape: number[], squeeze: boolean): number | bigint | NumericTypedArray | PlainMatArray {
  const count = data.length;
  if (squeeze && count === 1 && isVectorShape(shape)) return data[0];
  if (count === 0 || isVectorShape(shape)) return data;
  return { shape: shape.slice(), data, order: "F" };
}

/** Column-major items of a 2-D array as rows (an array of arrays). */
function rows<T>(items: T[], shape: number[]): T[][] {
  const [r, c] = shape;
  return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => items[j * r + i]));
}

function container<T>(items: T[], shape: number[], what: string, where: string): T[] | T[][] {
  if (isVectorShape(shape) || items.length === 0) return items;
  if (shape.length === 2) return rows(items, shape);
  throw new Error(`${where}: a ${shape.join(" × ")} ${what} array has no plain form; walk the MatValue from readMat5 instead`);
}

/** Converts one MAT value (from `readMat5` / `readMat`) to plain JavaScript; see the module comment for the rules. */
export function matToPlain(value: MatValue, options: MatToPlainOptions = {}, where = "MAT value"): PlainMatValue {
  const squeeze = options.squeeze ?? true;
  switch (value.kind) {
    case "numeric": {
      const v = value as MatNumeric;
      const re = plainNumeric(v.data, v.shape, squeeze);
      return v.imag ? { re, im: plainNumeric(v.imag, v.shape, squeeze) } : re;
    }
    case "char":
      return value.shape.length === 2 && value.shape[0] > 1 ? value.value.split("\n") : value.value;
    case "cell": {
      const items = value.items.map((item, i) => matToPlain(item, options, `${where}{${i + 1}}`));
      if (squeeze && items.length === 1 && isVectorShape(value.shape)) return items[0];
      return container(items, value.shape, "cell", where);
    }
    case "struct": {
      const objects = value.elements.map((el, i) => {
        const out: { [field: string]: PlainMatValue } = {};
        for (const f of value.fieldNames) out[f] = matToPlain(el[f], options, `${where}(${i + 1}).${f}`);
        return out;
      });
      if (objects.length === 1 && isVectorShape(value.shape)) return objects[0];
      return container(objects, value.shape, "struct", where);
    }
    case "unsupported":
      return { unsupported: value.matlabClass, shape: value.shape.slice() };
  }
}

/** Every variable of a MAT-file as plain JavaScript (see `matToPlain`). */
export function matVariablesToPlain(variables: Record<string, MatValue>, options: MatToPlainOptions = {}): Record<string, PlainMatValue> {
  return Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, matToPlain(v, options, `variable "${name}"`)]));
}
