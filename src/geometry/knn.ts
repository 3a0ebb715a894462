import type { MatrixLike } from "../core/matrix.js";
import { ValidationError, toMatrix, checkInteger, checkNumber } from "../core/validate.js";
import { KDTree } from "./kdtree.js";

/** k nearest neighbours of every point: row i of the n × k arrays, ascending distance. */
export interface NeighbourTable {
  readonly k: number;
  /** indices[i * k + r] = r-th nearest neighbour of i (self excluded). */
  readonly indices: Int32Array;
  /** Euclidean distances, aligned with `indices`. */
  readonly distances: Float64Array;
}

/**
 * Exact k nearest neighbours of every row of `points` (self excluded; a duplicate of a point is a
 * neighbour at distance 0), with a KD-tree. Ties are broken by index.
 */
export function kNearestNeighbors(points: MatrixLike, k: number, tree?: KDTree): NeighbourTable {
  const p = toMatrix(points, "points");
  checkInteger(k, "k", 1);
  if (p.rows < k + 1) throw new ValidationError(`k: need at least k + 1 = ${k + 1} points, got ${p.rows}; lower k`);
  const t = tree ?? new KDTree(p);
  const n = p.rows, d = p.cols;
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  const idx = new Int32Array(k), dist = new Float64Array(k);
  // Query in tree order so consecutive queries hit the same cells (cache locality).
  for (let r = 0; r < n; r++) {
    const i = t.perm[r];
    t.knnQuery(p.data.subarray(i * d, (i + 1) * d), k, i, idx, dist);
    indices.set(idx, i * k);
    distances.set(dist, i * k);
  }
  return { k, indices, distances };
}

/**
 * All neighbours j ≠ i with |p_i − p_j| < radii[i] (a number applies to every point), as CSR-like
 * arrays: neighbours of i are indices[ptr[i] .. ptr[i+1]), with distances, sorted by index.
 */
export function radiusNeighbors(points: MatrixLike, radii: number | ArrayLike<number>, tree?: KDTree): { ptr: Int32Array; indices: Int32Array; distances: Float64Array } {
  const p = toMatrix(points, "points");
  const n = p.rows, d = p.cols;
  if (typeof radii === "number") checkNumber(radii, "radius", 0);
  else if (radii.length !== n) throw new ValidationError(`radii: expected ${n} values (one per point), got ${radii.length}`);
  const t = tree ?? new KDTree(p);
  const ptr = new Int32Array(n + 1);
  let cap = Math.max(16, n * 8);
  let idxBuf = new Int32Array(cap);
  let distBuf = new Float64Array(cap);
  let w = 0;
  const rowIdx: number[] = [], rowD: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = typeof radii === "number" ? radii : radii[i];
    rowIdx.length = 0;
    rowD.length = 0;
    t.radiusQuery(p.data.subarray(i * d, (i + 1) * d), r, i, (j, d2) => {
      rowIdx.push(j);
      rowD.push(Math.sqrt(d2));
    });
    if (w + rowIdx.length > cap) {
      cap = Math.max(cap * 2, w + rowIdx.length);
      const ni = new Int32Array(cap); ni.set(idxBuf.subarray(0, w)); idxBuf = ni;
      const nd = new Float64Array(cap); nd.set(distBuf.subarray(0, w)); distBuf = nd;
    }
    const order = rowIdx.map((_, q) => q).sort((a, b) => rowIdx[a] - rowIdx[b]);
    for (const q of order) {
      idxBuf[w] = rowIdx[q];
      distBuf[w] = rowD[q];
      w++;
    }
    ptr[i + 1] = w;
  }
  return { ptr, indices: idxBuf.slice(0, w), distances: distBuf.slice(0, w) };
}
