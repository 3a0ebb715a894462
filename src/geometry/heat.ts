import { Matrix } from "../core/matrix.js";
import type { SparseMatrix } from "../core/sparse.js";
import { ValidationError, checkNumber } from "../core/validate.js";
import type { DiffusionOperator, HeatKernelBasis } from "./types.js";
import { bandwidthOrder, permuteSymmetric } from "./ordering.js";

/*
 * The heat kernel exp(−tL) of a random-walk (or connection) Laplacian by a Chebyshev expansion.
 *
 * The spectrum of L = I − D⁻¹W lies in [0, 2] (L is similar to the symmetric I − D^{-1/2}WD^{-1/2},
 * and D⁻¹W is a Markov matrix), so with A = L − I (spectrum in [−1, 1]) the Jacobi–Anger expansion
 *   e^{−tλ} = e^{−t} e^{−tμ} = e^{−t}[I_0(t) + 2 Σ_{k≥1} (−1)^k I_k(t) T_k(μ)],   μ = λ − 1,
 * gives exp(−tL) x = Σ_k c_k(t) T_k(A) x with c_0 = e^{−t}I_0(t), c_k = 2(−1)^k e^{−t}I_k(t).
 * T_k(A) x follows from the three-term recurrence (sparse products only, never n × n), and
 * d/dt e^{−t}I_k(t) = e^{−t}[(I_{k−1} + I_{k+1})/2 − I_k] gives the exact t-derivative of the same sum.
 * The truncation error is at most (Σ_{k>K} |c_k|)·‖T_k(A)‖ with ‖T_k(A)‖ ≤ sqrt(max deg / min deg).
 */

/** e^{−t} I_k(t) for k = 0..kMax (exponentially scaled modified Bessel functions), t ≥ 0. */
export function scaledBesselI(t: number, kMax: number): Float64Array {
  const out = new Float64Array(kMax + 1);
  if (t === 0) {
    out[0] = 1;
    return out;
  }
  if (t < 1e-6) {
    // leading terms of the power series I_k(t) = (t/2)^k / k! · (1 + (t/2)²/(k + 1) + …); the next
    // term is below 1e-24 relative, and the recurrence below would overflow for t → 0
    const e = Math.exp(-t), h = t / 2;
    let pow = 1;
    for (let k = 0; k <= kMax; k++) {
      if (k > 0) pow *= h / k;
      out[k] = e * pow * (1 + (h * h) / (k + 1));
    }
    return out;
  }
  // Miller's backward recurrence I_{k−1} = (2k/t) I_k + I_{k+1}, started far enough above both kMax
  // and the bulk of the sequence (I_k/I_0 ≈ exp(−k²/2t) for large t), normalised with the identity
  // e^{−t}(I_0 + 2 Σ_{k≥1} I_k) = 1.
  const start = Math.max(kMax, Math.ceil(Math.sqrt(80 * t)) + 10) + 40;
  const vals = new Float64Array(start + 2);
  vals[start + 1] = 0;
  vals[start] = 1e-300;
  for (let k = start; k >= 1; k--) {
    vals[k - 1] = (2 * k / t) * vals[k] + vals[k + 1];
    if (vals[k - 1] > 1e250) {
      for (let q = k - 1; q <= start + 1; q++) vals[q] *= 1e-250;
    }
  }
  let norm = vals[0];
  for (let k = 1; k <= start; k++) norm += 2 * vals[k];
  for (let k = 0; k <= kMax; k++) out[k] = vals[k] / norm;
  return out;
}

export interface HeatCoefficients {
  /** c_k(t), k = 0..K. */
  readonly values: Float64Array;
  /** dc_k/dt. */
  readonly derivatives: Float64Array;
}

/** Number of Chebyshev terms (K + 1) so that the tail Σ_{k>K} (|c_k| + |dc_k/dt|) ≤ tol at time t. */
export function heatTermCount(t: number, tol: number): number {
  // at t = 0 the value needs only T_0, but the derivative −L x needs T_1 as well
  if (t === 0) return 2;
  const guess = Math.ceil(Math.sqrt(80 * t) + t) + 40;
  const s = scaledBesselI(t, guess + 1);
  let tail = 0;
  for (let k = guess; k >= 1; k--) {
    const dk = Math.abs((s[k - 1] + s[k + 1]) / 2 - s[k]);
    tail += 2 * (s[k] + dk);
    if (tail > tol) return k + 1;
  }
  return 2;
}

/** Chebyshev coefficients of e^{−t(1+μ)} and their t-derivatives for `count` terms. */
export function heatCoefficients(t: number, count: number): HeatCoefficients {
  const s = scaledBesselI(t, count + 1);
  const values = new Float64Array(count);
  const derivatives = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const sign = k % 2 === 0 ? 1 : -1;
    const sPrev = k === 0 ? s[1] : s[k - 1];
    const ds = (sPrev + s[k + 1]) / 2 - s[k];
    values[k] = (k === 0 ? 1 : 2 * sign) * s[k];
    derivatives[k] = (k === 0 ? 1 : 2 * sign) * ds;
  }
  return { values, derivatives };
}

function checkTime(t: number): void {
  if (typeof t !== "number" || !Number.isFinite(t) || t < 0) throw new ValidationError(`t must be a finite number ≥ 0, got ${t}`);
}

/**
 * Chebyshev vectors V_k = T_k(L − I) x for k = 0..count−1, by the three-term recurrence; `visit`
 * receives each in turn (the buffer is reused: copy it if it must be kept).
 */
function chebyshevSweep(L: SparseMatrix, x: Matrix, count: number, visit: (k: number, v: Float64Array) => void): void {
  const n = x.rows, c = x.cols;
  if (L.rows !== n) throw new ValidationError(`signal has ${n} rows, expected ${L.rows}`);
  let prev = x.data.slice();
  visit(0, prev);
  if (count === 1) return;
  let cur = new Float64Array(n * c);
  applyShifted(L, prev, cur, c, null);
  visit(1, cur);
  for (let k = 2; k < count; k++) {
    // T_{k+1} = 2 A T_k − T_{k−1}, written over prev
    applyShifted(L, cur, prev, c, prev);
    const t = prev;
    prev = cur;
    cur = t;
    visit(k, cur);
  }
}

/** out = (L − I) y when prevForRecurrence is null, else out = 2 (L − I) y − prev (out may alias prev). */
function applyShifted(L: SparseMatrix, y: Float64Array, out: Float64Array, c: number, prevForRecurrence: Float64Array | null): void {
  const { rowPtr, colIdx, values } = L;
  const n = L.rows;
  if (c === 1) {
    // single channel (the common vector-diffusion case): scalar accumulator
    for (let i = 0; i < n; i++) {
      let a = -y[i];
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) a += values[p] * y[colIdx[p]];
      out[i] = prevForRecurrence ? 2 * a - prevForRecurrence[i] : a;
    }
    return;
  }
  const acc = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const yi = i * c;
    for (let s = 0; s < c; s++) acc[s] = -y[yi + s];
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      const v = values[p];
      const yj = colIdx[p] * c;
      for (let s = 0; s < c; s++) acc[s] += v * y[yj + s];
    }
    if (prevForRecurrence) for (let s = 0; s < c; s++) out[yi + s] = 2 * acc[s] - prevForRecurrence[yi + s];
    else for (let s = 0; s < c; s++) out[yi + s] = acc[s];
  }
}

export interface DiffusionOptions {
  /** Truncation tolerance on the coefficient tail (default 1e-10). */
  tol?: number;
  /**
   * Run the recurrence in a cache-friendly node order (Cuthill–McKee) and map signals in and out
   * (default true). Results are identical up to rounding; it matters for inputs in random order.
   */
  reorder?: boolean;
}

/** Copies rows of x into the order `order` (out row r = x row order[r]). */
function gatherRows(x: Matrix, order: Int32Array): Matrix {
  const c = x.cols, out = new Matrix(x.rows, c);
  for (let r = 0; r < order.length; r++) out.data.set(x.data.subarray(order[r] * c, order[r] * c + c), r * c);
  return out;
}

/** Inverse of gatherRows. */
function scatterRows(y: Matrix, order: Int32Array): Matrix {
  const c = y.cols, out = new Matrix(y.rows, c);
  for (let r = 0; r < order.length; r++) out.data.set(y.data.subarray(r * c, r * c + c), order[r] * c);
  return out;
}

/**
 * exp(−tL) as an operator on node signals (rows = nodes, or node × frame direction for a connection
 * Laplacian), for any t ≥ 0, with its transpose and t-derivative. Exact up to `tol`; cost per call is
 * one sparse product per Chebyshev term (5 terms at t = 0.01, 12 at t = 1, 24 at t = 10, 67 at t = 100
 * for tol = 1e-10).
 */
export function createDiffusionOperator(laplacian: SparseMatrix, options: DiffusionOptions = {}): DiffusionOperator {
  const tol = options.tol ?? 1e-10;
  checkNumber(tol, "tol", Number.MIN_VALUE);
  if (laplacian.rows !== laplacian.cols) throw new ValidationError(`laplacian must be square, got ${laplacian.rows} × ${laplacian.cols}`);
  const order = options.reorder === false ? null : bandwidthOrder(laplacian);
  const L = order ? permuteSymmetric(laplacian, order) : laplacian;
  let transposed: SparseMatrix | null = null;
  const run = (A: SparseMatrix, x: Matrix, t: number, withDerivative: boolean): { value: Matrix; dt: Matrix } => {
    checkTime(t);
    if (!(x instanceof Matrix)) throw new ValidationError("signal must be a Matrix (rows = nodes)");
    if (x.rows !== A.rows) throw new ValidationError(`signal has ${x.rows} rows, expected ${A.rows}`);
    const count = heatTermCount(t, tol);
    const { values, derivatives } = heatCoefficients(t, count);
    const xs = order ? gatherRows(x, order) : x;
    const value = new Matrix(x.rows, x.cols);
    const dt = new Matrix(withDerivative ? x.rows : 0, withDerivative ? x.cols : 0);
    const V = value.data, DT = dt.data;
    chebyshevSweep(A, xs, count, (k, v) => {
      const ck = values[k], dk = derivatives[k];
      for (let q = 0; q < v.length; q++) V[q] += ck * v[q];
      if (withDerivative) for (let q = 0; q < v.length; q++) DT[q] += dk * v[q];
    });
    if (!order) return { value, dt };
    return { value: scatterRows(value, order), dt: withDerivative ? scatterRows(dt, order) : dt };
  };
  return {
    size: laplacian.rows,
    apply: (x, t) => run(L, x, t, false).value,
    applyTranspose: (g, t) => {
      transposed ??= L.transpose();
      return run(transposed, g, t, false).value;
    },
    applyWithDerivative: (x, t) => run(L, x, t, true),
  };
}

/**
 * The precomputable form of the heat kernel for training: the network input x is fixed and only t is
 * learned, so V_k = T_k(L − I)x is computed once (K + 1 matrices shaped like x, K from tMax and tol)
 * and each step combines them with c_k(t). Since the kernels K_a are linear, K_a exp(−tL)x =
 * Σ_k c_k(t) K_a V_k: derivative features of the V_k can be precomputed the same way.
 */
export function heatKernelBasis(laplacian: SparseMatrix, x: Matrix, options: { tMax: number; tol?: number; transpose?: boolean }): HeatKernelBasis {
  const tMax = options.tMax, tol = options.tol ?? 1e-10;
  checkNumber(tMax, "tMax", 0);
  checkNumber(tol, "tol", Number.MIN_VALUE);
  if (x.rows !== laplacian.rows) throw new ValidationError(`x has ${x.rows} rows, expected ${laplacian.rows} (one per node)`);
  const order = bandwidthOrder(laplacian);
  const Lp = permuteSymmetric(laplacian, order);
  const L = options.transpose ? Lp.transpose() : Lp;
  // The coefficient tail Σ_{k>K} e^{−t}I_k(t) grows with t, so K chosen at tMax serves every t ≤ tMax.
  const count = Math.max(heatTermCount(tMax, tol), 1);
  const terms: Matrix[] = [];
  chebyshevSweep(L, gatherRows(x, order), count, (_k, v) => terms.push(scatterRows(new Matrix(x.rows, x.cols, v), order)));
  const check = (t: number): void => {
    checkTime(t);
    if (t > tMax) throw new ValidationError(`t = ${t} exceeds the basis' tMax = ${tMax}; rebuild heatKernelBasis with a larger tMax`);
  };
  return {
    terms,
    tMax,
    coefficients: (t) => {
      check(t);
      return heatCoefficients(t, count).values;
    },
    coefficientDerivatives: (t) => {
      check(t);
      return heatCoefficients(t, count).derivatives;
    },
    combine: (t, rows) => {
      check(t);
      return weightedSum(terms, heatCoefficients(t, count).values, rows);
    },
    combineDerivative: (t, rows) => {
      check(t);
      return weightedSum(terms, heatCoefficients(t, count).derivatives, rows);
    },
  };
}

/** Σ_k w_k terms[k], for all rows or only the selected ones (in the given order). */
function weightedSum(terms: Matrix[], w: Float64Array, rows?: ArrayLike<number>): Matrix {
  const n = terms[0].rows, c = terms[0].cols;
  if (!rows) {
    const out = new Matrix(n, c);
    for (let k = 0; k < terms.length; k++) {
      const v = terms[k].data, wk = w[k];
      for (let q = 0; q < v.length; q++) out.data[q] += wk * v[q];
    }
    return out;
  }
  const out = new Matrix(rows.length, c);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new ValidationError(`rows[${r}] = ${i} is not a node index in [0, ${n})`);
    for (let k = 0; k < terms.length; k++) {
      const v = terms[k].data, wk = w[k];
      for (let s = 0; s < c; s++) out.data[r * c + s] += wk * v[i * c + s];
    }
  }
  return out;
}
