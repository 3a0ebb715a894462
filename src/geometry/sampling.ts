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
 * Starting from `startIndex`, repeatedly add the point furthest from the chosen set; stop when that
 * distance divided by the cloud's diameter falls below `spacing` (the stopping point itself is not
 * kept). Returns the kept indices, sorted ascending. `spacing = 0` keeps every point.
 * O(n) memory, O(n · kept) time.
 */
export function furthestPointSampling(points: MatrixLike, spacing: number, options: { startIndex?: number; tree?: KDTree } = {}): Int32Array {
  const p = toMatrix(points, "points");
  checkNumber(spacing, "spacing", 0);
  const n = p.rows, d = p.cols, X = p.data;
  const start = options.startIndex ?? 0;
  checkInteger(start, "startIndex", 0, Math.max(0, n - 1));
  if (spacing === 0 || n <= 1) return Int32Array.from({ length: n }, (_, i) => i);
  const diam = pointCloudDiameter(p, options.tree);
  if (diam === 0) return Int32Array.from([start]);
  const minDist = new Float64Array(n).fill(Infinity);
  const kept: number[] = [];
  let cur = start;
  for (;;) {
    kept.push(cur);
    minDist[cur] = 0;
    let arg = -1, far = -1;
    const base = cur * d;
    for (let j = 0; j < n; j++) {
      let m = minDist[j];
      if (m === 0) continue;
      let s = 0;
      for (let c = 0; c < d; c++) {
        const v = X[j * d + c] - X[base + c];
        s += v * v;
      }
      if (s < m) { m = s; minDist[j] = s; }
      if (m > far) { far = m; arg = j; }
    }
    if (arg < 0 || Math.sqrt(far) / diam < spacing) break;
    cur = arg;
  }
  return Int32Array.from(kept).sort();
}
