import { Matrix } from "./matrix.js";

/**
 * Compressed sparse row matrix. Row i's entries are colIdx/values[rowPtr[i] .. rowPtr[i+1]),
 * with column indices sorted ascending and no duplicates.
 */
export class SparseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;

  constructor(rows: number, cols: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array) {
    if (rowPtr.length !== rows + 1) throw new RangeError(`SparseMatrix: rowPtr has length ${rowPtr.length}, expected ${rows + 1}`);
    if (colIdx.length !== values.length) throw new RangeError("SparseMatrix: colIdx and values differ in length");
    if (rowPtr[rows] !== values.length) throw new RangeError("SparseMatrix: rowPtr[rows] must equal the number of stored entries");
    this.rows = rows;
    this.cols = cols;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.values = values;
  }

  get nnz(): number {
    return this.values.length;
  }

  /** Builds from coordinate triplets; duplicates are summed, columns sorted within each row. */
  static fromTriplets(rows: number, cols: number, ri: ArrayLike<number>, ci: ArrayLike<number>, v: ArrayLike<number>): SparseMatrix {
    const n = v.length;
    if (ri.length !== n || ci.length !== n) throw new RangeError("SparseMatrix.fromTriplets: triplet arrays differ in length");
    const counts = new Int32Array(rows + 1);
    for (let e = 0; e < n; e++) {
      const r = ri[e], c = ci[e];
      if (r < 0 || r >= rows || c < 0 || c >= cols) throw new RangeError(`SparseMatrix.fromTriplets: entry (${r}, ${c}) is outside ${rows} × ${cols}`);
      counts[r + 1]++;
    }
    for (let i = 0; i < rows; i++) counts[i + 1] += counts[i];
    const fill = counts.slice(0, rows);
    const tmpC = new Int32Array(n);
    const tmpV = new Float64Array(n);
    for (let e = 0; e < n; e++) {
      const p = fill[ri[e]]++;
      tmpC[p] = ci[e];
      tmpV[p] = v[e];
    }
    // sort each row by column and merge duplicates
    const outPtr = new Int32Array(rows + 1);
    const outC = new Int32Array(n);
    const outV = new Float64Array(n);
    let w = 0;
    const order: number[] = [];
    for (let i = 0; i < rows; i++) {
      const s = counts[i], e = counts[i + 1];
      order.length = 0;
      for (let p = s; p < e; p++) order.push(p);
      order.sort((a, b) => tmpC[a] - tmpC[b]);
      let last = -1;
      for (const p of order) {
        if (tmpC[p] === last) {
          outV[w - 1] += tmpV[p];
        } else {
          outC[w] = tmpC[p];
          outV[w] = tmpV[p];
          last = tmpC[p];
          w++;
        }
      }
      outPtr[i + 1] = w;
    }
    return new SparseMatrix(rows, cols, outPtr, outC.slice(0, w), outV.slice(0, w));
  }

  static identity(n: number): SparseMatrix {
    const ptr = new Int32Array(n + 1);
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      ptr[i + 1] = i + 1;
      idx[i] = i;
    }
    return new SparseMatrix(n, n, ptr, idx, new Float64Array(n).fill(1));
  }

  get(i: number, j: number): number {
    for (let p = this.rowPtr[i]; p < this.rowPtr[i + 1]; p++) if (this.colIdx[p] === j) return this.values[p];
    return 0;
  }

  transpose(): SparseMatrix {
    const n = this.nnz;
    const ptr = new Int32Array(this.cols + 1);
    for (let p = 0; p < n; p++) ptr[this.colIdx[p] + 1]++;
    for (let j = 0; j < this.cols; j++) ptr[j + 1] += ptr[j];
    const fill = ptr.slice(0, this.cols);
    const idx = new Int32Array(n);
    const val = new Float64Array(n);
    for (let i = 0; i < this.rows; i++) {
      for (let p = this.rowPtr[i]; p < this.rowPtr[i + 1]; p++) {
        const q = fill[this.colIdx[p]]++;
        idx[q] = i;
        val[q] = this.values[p];
      }
    }
    return new SparseMatrix(this.cols, this.rows, ptr, idx, val);
  }

  /** Dense copy: for tests and tiny matrices only. */
  toDense(): Matrix {
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0; i < this.rows; i++) {
      for (let p = this.rowPtr[i]; p < this.rowPtr[i + 1]; p++) out.data[i * this.cols + this.colIdx[p]] += this.values[p];
    }
    return out;
  }
}

/** y = A x for a vector x. */
export function spmv(a: SparseMatrix, x: Float64Array, out?: Float64Array): Float64Array {
  if (x.length !== a.cols) throw new RangeError(`spmv: vector has length ${x.length}, expected ${a.cols}`);
  const y = out ?? new Float64Array(a.rows);
  const { rowPtr, colIdx, values } = a;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) s += values[p] * x[colIdx[p]];
    y[i] = s;
  }
  return y;
}

/** Y = A X for a dense row-major X (cols of A × c). */
export function spmm(a: SparseMatrix, x: Matrix, out?: Matrix): Matrix {
  if (x.rows !== a.cols) throw new RangeError(`spmm: dense operand has ${x.rows} rows, expected ${a.cols}`);
  const c = x.cols;
  const y = out ?? new Matrix(a.rows, c);
  const Y = y.data, X = x.data;
  const { rowPtr, colIdx, values } = a;
  Y.fill(0);
  for (let i = 0; i < a.rows; i++) {
    const yi = i * c;
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      const v = values[p];
      const xj = colIdx[p] * c;
      for (let t = 0; t < c; t++) Y[yi + t] += v * X[xj + t];
    }
  }
  return y;
}

/** Y = Aᵀ X without forming Aᵀ (scatter form; prefer a stored transpose in hot loops). */
export function spmmTransposed(a: SparseMatrix, x: Matrix, out?: Matrix): Matrix {
  if (x.rows !== a.rows) throw new RangeError(`spmmTransposed: dense operand has ${x.rows} rows, expected ${a.rows}`);
  const c = x.cols;
  const y = out ?? new Matrix(a.cols, c);
  const Y = y.data, X = x.data;
  const { rowPtr, colIdx, values } = a;
  Y.fill(0);
  for (let i = 0; i < a.rows; i++) {
    const xi = i * c;
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      const v = values[p];
      const yj = colIdx[p] * c;
      for (let t = 0; t < c; t++) Y[yj + t] += v * X[xi + t];
    }
  }
  return y;
}
