import { Matrix, type MatrixLike, toMatrix, ValidationError } from "../core/index.js";

/** Labels as a Matrix: a 1-D array becomes one column. Checks the row count against the data. */
export function toLabelMatrix(labels: MatrixLike | ArrayLike<number>, rows: number, name: string): Matrix {
  let m: Matrix;
  if (labels instanceof Matrix) {
    m = toMatrix(labels, name);
  } else if (labels && typeof (labels as ArrayLike<unknown>).length === "number" && (labels as ArrayLike<unknown>).length > 0 && typeof (labels as ArrayLike<unknown>)[0] === "number") {
    const flat = labels as ArrayLike<number>;
    m = toMatrix(new Matrix(flat.length, 1, Float64Array.from(flat)), name);
  } else {
    m = toMatrix(labels as MatrixLike, name);
  }
  if (m.rows !== rows) {
    throw new ValidationError(`${name}: has ${m.rows} rows but the data has ${rows}; pass one label row per time bin`);
  }
  return m;
}
