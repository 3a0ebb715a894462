import { Matrix } from "../core/matrix.js";
import { SparseMatrix, spmm } from "../core/sparse.js";
import { symmetricEigen } from "../core/eigen.js";
import { Random } from "../core/random.js";
import { ValidationError, checkInteger } from "../core/validate.js";
import { weightedDegrees } from "./laplacian.js";

export interface Eigenpairs {
  /** Smallest eigenvalues of L_sym = I − D^{-1/2} W D^{-1/2}, ascending. */
  readonly values: Float64Array;
  /** n × k, orthonormal columns (eigenvectors of L_sym; D^{-1/2}·column is an eigenvector of L_rw). */
  readonly vectors: Matrix;
  /** Largest relative residual |L_sym u − λ u| over the returned pairs. */
  readonly maxResidual: number;
  readonly iterations: number;
}

export interface EigenOptions {
  /** Stop when every residual |L u − λ u| ≤ tol (default 1e-8). */
  tol?: number;
  maxIterations?: number;
  /** Chebyshev filter degree per iteration (default 16). */
  degree?: number;
  seed?: number;
}

/** S = D^{-1/2} W D^{-1/2}, so L_sym = I − S (degrees from W unless given, e.g. repeated per block). */
function normalisedAdjacency(adjacency: SparseMatrix, degrees?: Float64Array): SparseMatrix {
  const deg = degrees ?? weightedDegrees(adjacency);
  const inv = deg.map((v) => (v > 0 ? 1 / Math.sqrt(v) : 0));
  const vals = new Float64Array(adjacency.nnz);
  for (let i = 0; i < adjacency.rows; i++) {
    for (let p = adjacency.rowPtr[i]; p < adjacency.rowPtr[i + 1]; p++) {
      const j = adjacency.colIdx[p];
      vals[p] = j === i ? 0 : inv[i] * adjacency.values[p] * inv[j];
    }
  }
  return new SparseMatrix(adjacency.rows, adjacency.cols, adjacency.rowPtr, adjacency.colIdx, vals);
}

/** Y = L_sym X = X − S X. */
function applyLsym(S: SparseMatrix, X: Matrix, out?: Matrix): Matrix {
  const y = spmm(S, X, out);
  for (let q = 0; q < y.data.length; q++) y.data[q] = X.data[q] - y.data[q];
  return y;
}

/** Orthonormalises the columns of Y in place (Cholesky QR, twice for stability; Gram–Schmidt on breakdown). */
function orthonormalise(Y: Matrix): void {
  for (let pass = 0; pass < 2; pass++) {
    const n = Y.rows, b = Y.cols, D = Y.data;
    const G = new Float64Array(b * b);
    for (let i = 0; i < n; i++) {
      const r = i * b;
      for (let s = 0; s < b; s++) {
        const v = D[r + s];
        if (v === 0) continue;
        for (let t = s; t < b; t++) G[s * b + t] += v * D[r + t];
      }
    }
    // Cholesky G = Rᵀ R (upper R)
    const R = new Float64Array(b * b);
    let ok = true;
    for (let s = 0; s < b && ok; s++) {
      let diag = G[s * b + s];
      for (let q = 0; q < s; q++) diag -= R[q * b + s] * R[q * b + s];
      if (!(diag > 1e-14 * Math.max(1, G[s * b + s]))) { ok = false; break; }
      const rss = Math.sqrt(diag);
      R[s * b + s] = rss;
      for (let t = s + 1; t < b; t++) {
        let v = G[s * b + t];
        for (let q = 0; q < s; q++) v -= R[q * b + s] * R[q * b + t];
        R[s * b + t] = v / rss;
      }
    }
    if (!ok) {
      gramSchmidt(Y);
      continue;
    }
    // Y ← Y R⁻¹ row by row (triangular solve x R = y)
    const row = new Float64Array(b);
    for (let i = 0; i < n; i++) {
      const r = i * b;
      for (let t = 0; t < b; t++) {
        let v = D[r + t];
        for (let q = 0; q < t; q++) v -= row[q] * R[q * b + t];
        row[t] = v / R[t * b + t];
      }
      D.set(row, r);
    }
  }
}

function gramSchmidt(Y: Matrix): void {
  const n = Y.rows, b = Y.cols, D = Y.data;
  const rng = new Random(12345);
  for (let s = 0; s < b; s++) {
    for (let rep = 0; rep < 2; rep++) {
      for (let q = 0; q < s; q++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += D[i * b + s] * D[i * b + q];
        for (let i = 0; i < n; i++) D[i * b + s] -= dot * D[i * b + q];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += D[i * b + s] ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) {
      // a lost direction: restart it randomly and orthogonalise again
      for (let i = 0; i < n; i++) D[i * b + s] = rng.normal();
      s--;
      continue;
    }
    for (let i = 0; i < n; i++) D[i * b + s] /= norm;
  }
}

/** Rayleigh–Ritz on the orthonormal block Y: returns Ritz values (ascending), X = Y V and L X. */
function rayleighRitz(S: SparseMatrix, Y: Matrix): { theta: Float64Array; X: Matrix; LX: Matrix } {
  const n = Y.rows, b = Y.cols;
  const LY = applyLsym(S, Y);
  const H = new Matrix(b, b);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < b; s++) {
      const v = Y.data[i * b + s];
      if (v === 0) continue;
      for (let t = 0; t < b; t++) H.data[s * b + t] += v * LY.data[i * b + t];
    }
  }
  for (let s = 0; s < b; s++) for (let t = 0; t < s; t++) {
    const a = (H.data[s * b + t] + H.data[t * b + s]) / 2;
    H.data[s * b + t] = a;
    H.data[t * b + s] = a;
  }
  const { values, vectors } = symmetricEigen(H); // descending
  const theta = new Float64Array(b);
  const V = new Matrix(b, b);
  for (let c = 0; c < b; c++) {
    const src = b - 1 - c;
    theta[c] = values[src];
    for (let r = 0; r < b; r++) V.data[r * b + c] = vectors.data[r * b + src];
  }
  return { theta, X: denseTimes(Y, V), LX: denseTimes(LY, V) };
}

function denseTimes(A: Matrix, B: Matrix): Matrix {
  const n = A.rows, k = A.cols, m = B.cols;
  const out = new Matrix(n, m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const a = A.data[i * k + p];
      if (a === 0) continue;
      for (let j = 0; j < m; j++) out.data[i * m + j] += a * B.data[p * m + j];
    }
  }
  return out;
}

/**
 * The `count` smallest eigenpairs of the symmetric normalised Laplacian L_sym = I − D^{-1/2}WD^{-1/2}
 * of a weighted graph, by Chebyshev-filtered subspace iteration: a block of count + guard vectors is
 * repeatedly multiplied by a Chebyshev polynomial of L_sym that is small on [cut, 2] (cut = the largest
 * current Ritz value) and large below it, re-orthonormalised, and Rayleigh–Ritz projected. Only sparse
 * products and n × block dense work; never n × n.
 */
export function laplacianEigenpairs(adjacency: SparseMatrix, count: number, options: EigenOptions = {}): Eigenpairs {
  return symmetricLaplacianEigenpairs(normalisedAdjacency(adjacency), count, options);
}

/**
 * The `count` smallest eigenpairs of the symmetric connection Laplacian I − D^{-1/2}(W ⊗ R)D^{-1/2}
 * ((n·m) × (n·m), rows i·m + a); D^{-1/2}·vector (per node) is an eigenvector of I − D⁻¹(W ⊗ R).
 */
export function connectionLaplacianEigenpairs(adjacency: SparseMatrix, connections: Float64Array, m: number, count: number, options: EigenOptions = {}): Eigenpairs {
  const n = adjacency.rows, mm = m * m;
  const deg = weightedDegrees(adjacency);
  const rowPtr = new Int32Array(n * m + 1), nnzRow: number[] = [];
  for (let i = 0; i < n; i++) {
    let cnt = 0;
    for (let p = adjacency.rowPtr[i]; p < adjacency.rowPtr[i + 1]; p++) if (adjacency.colIdx[p] !== i) cnt++;
    nnzRow.push(cnt * m);
  }
  for (let i = 0; i < n; i++) for (let r = 0; r < m; r++) rowPtr[i * m + r + 1] = rowPtr[i * m + r] + nnzRow[i];
  const colIdx = new Int32Array(rowPtr[n * m]), vals = new Float64Array(rowPtr[n * m]);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < m; r++) {
      let w = rowPtr[i * m + r];
      for (let p = adjacency.rowPtr[i]; p < adjacency.rowPtr[i + 1]; p++) {
        const j = adjacency.colIdx[p];
        if (j === i) continue;
        const f = adjacency.values[p] / Math.sqrt(deg[i] * deg[j]);
        for (let c = 0; c < m; c++) {
          colIdx[w] = j * m + c;
          vals[w++] = f * connections[p * mm + r * m + c];
        }
      }
    }
  }
  return symmetricLaplacianEigenpairs(new SparseMatrix(n * m, n * m, rowPtr, colIdx, vals), count, options);
}

/** Smallest eigenpairs of I − S for a symmetric S with spectrum in [−1, 1]. */
function symmetricLaplacianEigenpairs(S: SparseMatrix, count: number, options: EigenOptions): Eigenpairs {
  const n = S.rows;
  checkInteger(count, "numberOfEigenvectors", 1, n);
  const tol = options.tol ?? 1e-8, maxIter = options.maxIterations ?? 300, degree = options.degree ?? 16;
  if (n <= 200) {
    // tiny graphs: dense Rayleigh–Ritz on the identity block is exact
    const { theta, X, LX } = rayleighRitz(S, Matrix.identity(n));
    return finish(theta, X, LX, count, 0);
  }
  const b = Math.min(n, count + Math.max(8, Math.ceil(count / 4)));
  const rng = new Random(options.seed ?? 0);
  let Y = new Matrix(n, b, Float64Array.from({ length: n * b }, () => rng.normal()));
  orthonormalise(Y);
  let { theta, X, LX } = rayleighRitz(S, Y);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    const res = residuals(theta, X, LX, count);
    if (Math.max(...res) <= tol) break;
    // filter damping [cut, 2]: map to [−1, 1] with e = (2 − cut)/2, c = (2 + cut)/2
    const cut = Math.min(theta[b - 1], 1.99);
    const e = (2 - cut) / 2, c = (2 + cut) / 2;
    let prev = X;
    let cur = new Matrix(n, b);
    const LXs = applyLsym(S, X);
    for (let q = 0; q < cur.data.length; q++) cur.data[q] = (LXs.data[q] - c * X.data[q]) / e;
    const tmp = new Matrix(n, b);
    for (let k = 2; k <= degree; k++) {
      applyLsym(S, cur, tmp);
      const next = new Matrix(n, b);
      for (let q = 0; q < next.data.length; q++) next.data[q] = (2 * (tmp.data[q] - c * cur.data[q])) / e - prev.data[q];
      prev = cur;
      cur = next;
      // keep magnitudes in range: the filter grows fastest on the wanted end
      let mx = 0;
      for (let q = 0; q < cur.data.length; q++) mx = Math.max(mx, Math.abs(cur.data[q]));
      if (mx > 1e100) {
        for (let q = 0; q < cur.data.length; q++) { cur.data[q] /= mx; prev.data[q] /= mx; }
      }
    }
    Y = cur;
    orthonormalise(Y);
    ({ theta, X, LX } = rayleighRitz(S, Y));
  }
  return finish(theta, X, LX, count, iter);
}

function residuals(theta: Float64Array, X: Matrix, LX: Matrix, count: number): number[] {
  const n = X.rows, b = X.cols;
  const out: number[] = [];
  for (let c = 0; c < count; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += (LX.data[i * b + c] - theta[c] * X.data[i * b + c]) ** 2;
    out.push(Math.sqrt(s));
  }
  return out;
}

function finish(theta: Float64Array, X: Matrix, LX: Matrix, count: number, iterations: number): Eigenpairs {
  const res = residuals(theta, X, LX, count);
  const values = theta.slice(0, count).map((v) => Math.max(v, 0));
  const vectors = X.sliceCols(0, count);
  if (!res.every(Number.isFinite)) throw new ValidationError("laplacianEigenpairs: the iteration diverged");
  return { values, vectors, maxResidual: Math.max(...res), iterations };
}
