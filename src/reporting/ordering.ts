/**
 * How well a distance matrix between conditions orders them by a parameter (μ, the input gain), by
 * quantities that do not depend on the arbitrary rotation of a metric-MDS solution. SMACOF's stress
 * is unchanged by any rotation of its configuration, so "ρ(μ, MDS 1)" read off its first axis can
 * be anything from 0 to the true ordering (0.38 and 0.96 were seen on the same distances).
 */
import { classicalMds } from "../postprocessing/mds.js";
import type { MatrixLike } from "../core/matrix.js";
import { toMatrix } from "../core/validate.js";
import { spearmanCorrelation } from "./statistics.js";

export interface MdsOrdering {
  /** Spearman ρ(parameter, first axis of classical MDS): the axis of largest variance, fixed by the distances alone. */
  classicalAxis1: number;
  /** Spearman ρ(|parameter gap|, distance) over all pairs: no embedding at all. */
  distanceRank: number;
}

/** Rotation-free orderings of conditions with parameter values `values` by their distances. */
export function mdsOrdering(distances: MatrixLike, values: ArrayLike<number>): MdsOrdering {
  const D = toMatrix(distances, "mdsOrdering distances");
  const n = D.rows;
  if (values.length !== n) throw new RangeError(`mdsOrdering: ${values.length} values for ${n} conditions`);
  const axis = classicalMds(D, { nComponents: 1 }).data;
  const gaps: number[] = [], dists: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      gaps.push(Math.abs(values[i] - values[j]));
      dists.push(D.data[i * n + j]);
    }
  }
  return { classicalAxis1: spearmanCorrelation(values, axis), distanceRank: spearmanCorrelation(gaps, dists) };
}

/**
 * The largest |Spearman ρ(parameter, projection)| over directions in a 2-D embedding (1° steps):
 * what "ρ(μ, MDS 1)" would read had the embedding been rotated to favour it.
 */
export function bestDirectionOrdering(embedding: MatrixLike, values: ArrayLike<number>): { rho: number; angle: number } {
  const E = toMatrix(embedding, "bestDirectionOrdering embedding", { cols: 2 });
  let best = { rho: 0, angle: 0 };
  const proj = new Float64Array(E.rows);
  for (let deg = 0; deg < 180; deg++) {
    const a = (deg * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a);
    for (let i = 0; i < E.rows; i++) proj[i] = c * E.data[2 * i] + s * E.data[2 * i + 1];
    const rho = spearmanCorrelation(values, proj);
    if (Math.abs(rho) > Math.abs(best.rho)) best = { rho, angle: deg };
  }
  return best;
}
