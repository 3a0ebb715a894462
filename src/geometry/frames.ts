import { Matrix, type MatrixLike } from "../core/matrix.js";
import type { SparseMatrix } from "../core/sparse.js";
import { jacobiEigenInPlace } from "../core/eigen.js";
import { toMatrix, checkInteger, checkNumber, ValidationError } from "../core/validate.js";
import { GeodesicNeighbourhood } from "./geodesic.js";
import { bandwidthOrder } from "./ordering.js";

/**
 * Frames and singular values of every node: frames[i·d·d + a·d + t] is component t of frame vector
 * e_a(i) (a-major, descending singular value); sigma[i·d + a] the singular values.
 */
export interface LocalFrames {
  readonly dim: number;
  readonly frames: Float64Array;
  readonly sigma: Float64Array;
}

/**
 * Local PCA frames: at each node, its `numNeighbours` nearest other nodes in graph-geodesic
 * distance (bounded Dijkstra on edge lengths 1/weight = |p_i − p_j|) together with the node itself,
 * centred on their mean; the right singular vectors of that K × d matrix are the frame.
 */
export function localFrames(points: MatrixLike, adjacency: SparseMatrix, numNeighbours: number): LocalFrames {
  const p = toMatrix(points, "points");
  checkInteger(numNeighbours, "numNeighbours", 1);
  const n = p.rows, d = p.cols, X = p.data;
  if (adjacency.rows !== n) throw new RangeError(`localFrames: adjacency has ${adjacency.rows} rows for ${n} points`);
  const frames = new Float64Array(n * d * d);
  const sigma = new Float64Array(n * d);
  const geo = new GeodesicNeighbourhood(adjacency);
  const nb = new Int32Array(numNeighbours + 1);
  const mean = new Float64Array(d);
  const C = new Float64Array(d * d);
  const vals = new Float64Array(d), vecs = new Float64Array(d * d);
  const order = Array.from({ length: d }, (_, a) => a);
  // visit nodes in a breadth-first order so consecutive searches touch the same memory
  const visit = bandwidthOrder(adjacency);
  for (let r = 0; r < n; r++) {
    const i = visit[r];
    const cnt = geo.nearest(i, numNeighbours + 1, nb);
    mean.fill(0);
    for (let q = 0; q < cnt; q++) for (let t = 0; t < d; t++) mean[t] += X[nb[q] * d + t];
    for (let t = 0; t < d; t++) mean[t] /= cnt;
    C.fill(0);
    for (let q = 0; q < cnt; q++) {
      const b = nb[q] * d;
      for (let s = 0; s < d; s++) {
        const vs = X[b + s] - mean[s];
        for (let t = s; t < d; t++) C[s * d + t] += vs * (X[b + t] - mean[t]);
      }
    }
    for (let s = 0; s < d; s++) for (let t = 0; t < s; t++) C[s * d + t] = C[t * d + s];
    jacobiEigenInPlace(C, d, vals, vecs, 50);
    // descending eigenvalues: σ_a² and right singular vectors of the centred neighbourhood
    for (let a = 0; a < d; a++) order[a] = a;
    order.sort((x, y) => vals[y] - vals[x]);
    for (let a = 0; a < d; a++) {
      const src = order[a];
      sigma[i * d + a] = Math.sqrt(Math.max(vals[src], 0));
      for (let t = 0; t < d; t++) frames[i * d * d + a * d + t] = vecs[t * d + src];
    }
  }
  return { dim: d, frames, sigma };
}

/**
 * Manifold dimension from local singular values: per node, normalise σ² to sum 1 and take the
 * cumulative sum; across nodes take mean − std (sample std); the dimension is the first (1-based)
 * index where that reaches `varExplained`.
 */
export function manifoldDimension(sigma: Float64Array, dim: number, varExplained = 0.9): number {
  checkNumber(varExplained, "varExplained", 0, 1);
  const n = sigma.length / dim;
  if (!Number.isInteger(n) || n < 1) throw new RangeError("manifoldDimension: sigma length must be a positive multiple of dim");
  const sum = new Float64Array(dim), sumSq = new Float64Array(dim);
  const cum = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    let tot = 0;
    for (let a = 0; a < dim; a++) tot += sigma[i * dim + a] ** 2;
    let c = 0;
    for (let a = 0; a < dim; a++) {
      c += tot > 0 ? sigma[i * dim + a] ** 2 / tot : 1 / dim;
      cum[a] = c;
      sum[a] += c;
      sumSq[a] += c * c;
    }
  }
  for (let a = 0; a < dim; a++) {
    const mean = sum[a] / n;
    const variance = n > 1 ? Math.max(0, (sumSq[a] - n * mean * mean) / (n - 1)) : 0;
    // the last cumulative value is exactly 1 up to rounding
    if (mean - Math.sqrt(variance) >= varExplained - 1e-12) return a + 1;
  }
  return dim;
}

/** Keeps the first m frame vectors: n × d·d → n × d·m (a-major rows), as a Matrix. */
export function truncateFrames(frames: LocalFrames, m: number): Matrix {
  const d = frames.dim;
  checkInteger(m, "m", 1, d);
  const n = frames.frames.length / (d * d);
  const out = new Matrix(n, d * m);
  for (let i = 0; i < n; i++) out.data.set(frames.frames.subarray(i * d * d, i * d * d + d * m), i * d * m);
  return out;
}

/** Global gauges: the identity frame (e_a = a-th coordinate axis) at every node, n × d·d. */
export function globalFrames(n: number, d: number): Matrix {
  const out = new Matrix(n, d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) out.data[i * d * d + a * d + a] = 1;
  return out;
}

/**
 * Makes neighbouring frames consistently oriented: a breadth-first sweep over each connected
 * component flips the last frame vector of a node whenever det(G_iᵀ G_j) < 0 with the node it was
 * reached from. On an orientable manifold every connection R_ij then is a rotation (det +1); on a
 * non-orientable one some edges necessarily stay reflections. Modifies `gauges` (n × d·m) in place.
 */
export function orientFrames(gauges: Matrix, adjacency: SparseMatrix, d: number): void {
  const n = gauges.rows, m = gauges.cols / d;
  if (!Number.isInteger(m)) throw new ValidationError(`orientFrames: gauges have ${gauges.cols} columns, not a multiple of d = ${d}`);
  const G = gauges.data, w = d * m;
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  const M = new Matrix(m, m);
  for (let s = 0; s < n; s++) {
    if (seen[s]) continue;
    seen[s] = 1;
    let head = 0, tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      const i = queue[head++];
      for (let p = adjacency.rowPtr[i]; p < adjacency.rowPtr[i + 1]; p++) {
        const j = adjacency.colIdx[p];
        if (seen[j]) continue;
        seen[j] = 1;
        queue[tail++] = j;
        frameProduct(G, i, j, d, m, M.data);
        if (determinant(M) < 0) for (let t = 0; t < d; t++) G[j * w + (m - 1) * d + t] *= -1;
      }
    }
  }
}

/** out (m × m, row-major) = G_iᵀ G_j, with G_i the d × m matrix whose columns are the frame vectors. */
export function frameProduct(G: Float64Array, i: number, j: number, d: number, m: number, out: Float64Array): void {
  const w = d * m;
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += G[i * w + a * d + t] * G[j * w + b * d + t];
      out[a * m + b] = s;
    }
  }
}

/** Determinant of a small square matrix by Gaussian elimination with partial pivoting. */
export function determinant(a: Matrix): number {
  const n = a.rows;
  const A = a.data.slice();
  let det = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[piv * n + c])) piv = r;
    if (A[piv * n + c] === 0) return 0;
    if (piv !== c) {
      for (let t = 0; t < n; t++) { const x = A[c * n + t]; A[c * n + t] = A[piv * n + t]; A[piv * n + t] = x; }
      det = -det;
    }
    det *= A[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c] / A[c * n + c];
      for (let t = c; t < n; t++) A[r * n + t] -= f * A[c * n + t];
    }
  }
  return det;
}
