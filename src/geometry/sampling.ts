import type { MatrixLike } from "../core/matrix.js";
import { toMatrix, checkNumber, checkInteger } from "../core/validate.js";
import { KDTree } from "./kdtree.js";

/**
 * Exact diameter (largest pairwise distance) of a point cloud, without the n × n distance matrix.
 *
 * How: a double sweep (furthest point from point 0, then furthest from that) gives a lower bound L;
 * then every point i is checked with a branch-and-bound furthest-point query on a KD-tree that skips
 * cells whose farthest corner is within the current bound, and points with |p_i − c| + R ≤ L
 * (c = centroid, R = max |p − c|) are skipped outright since they cannot end a longer pair.
 * O(n) memory; in low dimension close to O(n log n) time.
 */
export function pointCloudDiameter(points: MatrixLike, tree?: KDTree): number {
  const p = toMatrix(points, "points");
  const n = p.rows, d = p.cols, X = p.data;
  if (n < 2) return 0;
  const t = tree ?? new KDTree(p);
  const furthestFrom = (i: number): { j: number; d2: number } => {
    let best = -1, bj = i;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const v = X[j * d + c] - X[i * d + c];
        s += v * v;
      }
      if (s > best) { best = s; bj = j; }
    }
    return { j: bj, d2: best };
  };
  const a = furthestFrom(0);
  const b = furthestFrom(a.j);
  let best2 = b.d2;
  const centroid = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) centroid[c] += X[i * d + c] / n;
  const rad = new Float64Array(n);
  let R = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) {
      const v = X[i * d + c] - centroid[c];
      s += v * v;
    }
    rad[i] = Math.sqrt(s);
    if (rad[i] > R) R = rad[i];
  }
  for (let i = 0; i < n; i++) {
    const bound = Math.sqrt(best2);
    if (rad[i] + R <= bound) continue;
    best2 = t.furthestDistance2(X.subarray(i * d, (i + 1) * d), best2);
  }
  return Math.sqrt(best2);
}

/**
 * Greedy furthest-point sampling for even coverage of a point cloud.
 *
 * Starting from `startIndex`, repeatedly add the point furthest from the chosen set (ties: lowest
 * index); stop when that distance divided by the cloud's diameter falls below `spacing` (the stopping
 * point itself is not kept). Returns the kept indices, sorted ascending. `spacing = 0` keeps every point.
 *
 * O(n) memory. Each new point can only lower the nearest-chosen distance of points closer to it than
 * the current furthest distance, so a KD-tree radius query at that distance finds all the updates, and
 * a max-heap (lazy deletion) gives the next furthest point: close to O(n log n) in low dimension
 * rather than the O(n · kept) of the plain algorithm.
 */
export function furthestPointSampling(points: MatrixLike, spacing: number, options: { startIndex?: number; tree?: KDTree } = {}): Int32Array {
  const p = toMatrix(points, "points");
  checkNumber(spacing, "spacing", 0);
  const n = p.rows, d = p.cols, X = p.data;
  const start = options.startIndex ?? 0;
  checkInteger(start, "startIndex", 0, Math.max(0, n - 1));
  if (spacing === 0 || n <= 1) return Int32Array.from({ length: n }, (_, i) => i);
  const tree = options.tree ?? new KDTree(p);
  const diam = pointCloudDiameter(p, tree);
  if (diam === 0) return Int32Array.from([start]);
  const minDist2 = new Float64Array(n);
  const heap = new MaxHeap(n);
  // the first centre updates every point
  const b0 = start * d;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let c = 0; c < d; c++) {
      const v = X[j * d + c] - X[b0 + c];
      s += v * v;
    }
    minDist2[j] = s;
    if (j !== start) heap.push(s, j);
  }
  minDist2[start] = 0;
  const kept: number[] = [start];
  let far2 = 0;
  const update = (j: number, d2: number): void => {
    if (d2 < minDist2[j]) {
      minDist2[j] = d2;
      if (d2 > 0) heap.push(d2, j);
    }
  };
  for (;;) {
    // next furthest point, skipping stale heap entries
    let arg = -1;
    while (heap.size > 0) {
      const key = heap.topKey(), j = heap.pop();
      if (key === minDist2[j] && key > 0) {
        arg = j;
        far2 = key;
        break;
      }
    }
    if (arg < 0 || Math.sqrt(far2) / diam < spacing) break;
    kept.push(arg);
    minDist2[arg] = 0;
    tree.radiusQuery(X.subarray(arg * d, (arg + 1) * d), Math.sqrt(far2), arg, update);
  }
  return Int32Array.from(kept).sort();
}

/** Max-heap of (key, index) ordered by key descending, then index ascending; grows as needed. */
class MaxHeap {
  private keys: Float64Array;
  private idx: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.idx = new Int32Array(Math.max(16, capacity));
  }
  private above(ka: number, ia: number, kb: number, ib: number): boolean {
    return ka > kb || (ka === kb && ia < ib);
  }
  topKey(): number {
    return this.keys[0];
  }
  push(key: number, index: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2); k.set(this.keys); this.keys = k;
      const i = new Int32Array(this.size * 2); i.set(this.idx); this.idx = i;
    }
    const K = this.keys, I = this.idx;
    let c = this.size++;
    while (c > 0) {
      const par = (c - 1) >> 1;
      if (!this.above(key, index, K[par], I[par])) break;
      K[c] = K[par]; I[c] = I[par];
      c = par;
    }
    K[c] = key; I[c] = index;
  }
  pop(): number {
    const K = this.keys, I = this.idx;
    const top = I[0];
    const n = --this.size;
    const lk = K[n], li = I[n];
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.above(K[r], I[r], K[l], I[l]) ? r : l;
      if (!this.above(K[m], I[m], lk, li)) break;
      K[c] = K[m]; I[c] = I[m];
      c = m;
    }
    K[c] = lk; I[c] = li;
    return top;
  }
}
