/**
 * How well a family of conditions indexed by μ is ordered by a distance matrix (notebook 02's
 * criteria): the order of the MDS points around their centroid, the rank correlation of distance
 * with |Δμ|, and the block ratio across the bifurcation at μ = 0.
 */
import type { Matrix } from "../../core/index.js";
import { spearmanCorrelation } from "../../reporting/statistics.js";

/** Spearman ρ between μ and the order of the 2-D points by angle around their centroid, cut at the widest gap. */
export function arcOrderRho(mds: Matrix, mus: number[]): number {
  const n = mds.rows;
  let cx = 0, cy = 0;
  for (let i = 0; i < n; i++) { cx += mds.get(i, 0) / n; cy += mds.get(i, 1) / n; }
  const sorted = Array.from({ length: n }, (_, i) => [Math.atan2(mds.get(i, 1) - cy, mds.get(i, 0) - cx), i]).sort((p, q) => p[0] - q[0]);
  let cut = 0, widest = -1;
  for (let k = 0; k < n; k++) {
    const gap = k === 0 ? sorted[0][0] + 2 * Math.PI - sorted[n - 1][0] : sorted[k][0] - sorted[k - 1][0];
    if (gap > widest) { widest = gap; cut = k; }
  }
  const rank = new Array<number>(n);
  for (let k = 0; k < n; k++) rank[sorted[(cut + k) % n][1]] = k;
  return spearmanCorrelation(rank, mus);
}

/** Spearman ρ between |μᵢ − μⱼ| and the distance of conditions i and j. */
export function pairwiseRho(dist: Matrix, mus: number[]): number {
  const dm: number[] = [], dd: number[] = [];
  for (let i = 0; i < mus.length; i++) for (let j = i + 1; j < mus.length; j++) { dm.push(Math.abs(mus[i] - mus[j])); dd.push(dist.get(i, j)); }
  return spearmanCorrelation(dm, dd);
}

/** Mean distance across μ = 0 over mean distance on the same side (μ = 0 itself left out). */
export function blockRatio(dist: Matrix, mus: number[]): number {
  let across = 0, nAcross = 0, same = 0, nSame = 0;
  for (let i = 0; i < mus.length; i++) for (let j = i + 1; j < mus.length; j++) {
    if (mus[i] === 0 || mus[j] === 0) continue;
    if (Math.sign(mus[i]) === Math.sign(mus[j])) { same += dist.get(i, j); nSame++; } else { across += dist.get(i, j); nAcross++; }
  }
  return nAcross && nSame ? across / nAcross / (same / nSame) : NaN;
}
