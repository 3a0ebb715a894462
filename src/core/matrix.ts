/**
 * Dense row-major matrix over a Float64Array. Element (i, j) lives at data[i * cols + j].
 * Kept deliberately small: numerical routines are free functions over these fields,
 * so hot loops can read `data` directly.
 */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new RangeError(`Matrix: rows and cols must be non-negative integers, got ${rows} × ${cols}`);
    }
    if (data && data.length !== rows * cols) {
      throw new RangeError(`Matrix: data has length ${data.length}, expected ${rows} × ${cols} = ${rows * cols}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  static identity(n: number): Matrix {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /** Copies a rectangular array of arrays; throws naming the first ragged row. */
  static from(array: ArrayLike<ArrayLike<number>>, name = "array"): Matrix {
    const rows = array.length;
    const cols = rows > 0 ? array[0].length : 0;
    const m = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) {
      const r = array[i];
      if (!r || r.length !== cols) {
        throw new RangeError(`${name}: row ${i} has length ${r ? r.length : "undefined"}, expected ${cols} (ragged input)`);
      }
      for (let j = 0; j < cols; j++) m.data[i * cols + j] = r[j];
    }
    return m;
  }

  /** A column vector (n × 1) from a flat array. */
  static column(values: ArrayLike<number>): Matrix {
    return new Matrix(values.length, 1, Float64Array.from(values));
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  /** A view (no copy) of row i. */
  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** A copy of column j. */
  col(j: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j];
    return out;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /** Rows picked by index, in the given order (a copy). */
  selectRows(indices: ArrayLike<number>): Matrix {
    const c = this.cols;
    const out = new Matrix(indices.length, c);
    for (let r = 0; r < indices.length; r++) {
      const i = indices[r];
      out.data.set(this.data.subarray(i * c, (i + 1) * c), r * c);
    }
    return out;
  }

  /** Rows [start, end) as a new matrix. */
  sliceRows(start: number, end: number): Matrix {
    return new Matrix(end - start, this.cols, this.data.slice(start * this.cols, end * this.cols));
  }

  /** Columns [start, end) as a new matrix. */
  sliceCols(start: number, end: number): Matrix {
    const w = end - start;
    const out = new Matrix(this.rows, w);
    for (let i = 0; i < this.rows; i++) {
      out.data.set(this.data.subarray(i * this.cols + start, i * this.cols + end), i * w);
    }
    return out;
  }

  transpose(): Matrix {
    const out = new Matrix(this.cols, this.rows);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++) out.data[j * this.rows + i] = this.data[i * this.cols + j];
    }
    return out;
  }

  toString(): string {
    return `Matrix(${this.rows} × ${this.cols})`;
  }
}

/** Anything the public API accepts as a matrix. */
export type MatrixLike = Matrix | ArrayLike<ArrayLike<number>>;

/**
 * True when `x` is a list of matrices (one per condition) rather than one matrix: a list whose first
 * element is a Matrix or a list of rows (arrays or typed arrays). An empty array is an empty list.
 */
export function isMatrixList(x: unknown): x is MatrixLike[] {
  if (x instanceof Matrix || !Array.isArray(x)) return false;
  if (x.length === 0) return true;
  const first = x[0] as unknown;
  if (first instanceof Matrix) return true;
  if (first && typeof first === "object" && typeof (first as ArrayLike<unknown>).length === "number") {
    const inner = (first as ArrayLike<unknown>)[0];
    return inner !== null && typeof inner === "object";
  }
  return false;
}

/** C = A · B (dense). */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`matmul: inner dimensions differ (${a.rows}×${a.cols} · ${b.rows}×${b.cols})`);
  const n = a.rows, k = a.cols, m = b.cols;
  const out = new Matrix(n, m);
  const A = a.data, B = b.data, C = out.data;
  for (let i = 0; i < n; i++) {
    const ci = i * m;
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      if (aip === 0) continue;
      const bp = p * m;
      for (let j = 0; j < m; j++) C[ci + j] += aip * B[bp + j];
    }
  }
  return out;
}

/** C = Aᵀ · B (dense), without forming Aᵀ. */
export function matmulTransA(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw new RangeError(`matmulTransA: row counts differ (${a.rows} vs ${b.rows})`);
  const n = a.rows, k = a.cols, m = b.cols;
  const out = new Matrix(k, m);
  const A = a.data, B = b.data, C = out.data;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      if (aip === 0) continue;
      for (let j = 0; j < m; j++) C[p * m + j] += aip * B[i * m + j];
    }
  }
  return out;
}

/** Column means. */
export function colMeans(a: Matrix): Float64Array {
  const out = new Float64Array(a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j] += a.data[i * a.cols + j];
  if (a.rows > 0) for (let j = 0; j < a.cols; j++) out[j] /= a.rows;
  return out;
}

/** Stacks matrices with equal column counts on top of each other. */
export function vstack(parts: Matrix[]): Matrix {
  if (parts.length === 0) return new Matrix(0, 0);
  const cols = parts[0].cols;
  let rows = 0;
  for (const p of parts) {
    if (p.cols !== cols) throw new RangeError(`vstack: column counts differ (${cols} vs ${p.cols})`);
    rows += p.rows;
  }
  const out = new Matrix(rows, cols);
  let off = 0;
  for (const p of parts) {
    out.data.set(p.data, off);
    off += p.data.length;
  }
  return out;
}

/** Squared Euclidean distance between row i of a and row j of b. */
export function rowDistance2(a: Matrix, i: number, b: Matrix, j: number): number {
  const c = a.cols;
  let s = 0;
  for (let t = 0; t < c; t++) {
    const d = a.data[i * c + t] - b.data[j * c + t];
    s += d * d;
  }
  return s;
}
