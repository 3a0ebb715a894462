/**
 * Exact optimal-transport (earth mover's) distances between the distributions of conditions in a
 * latent space: either between the point clouds themselves (uniform weights, Euclidean ground
 * cost) or between histograms over k-means clusters (ground cost = centroid distances).
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { toMatrix, withDefaults, checkInteger, ValidationError, assertFinite } from "../core/validate.js";
import { transportSimplex } from "./emd.js";
import { cluster } from "./kmeans.js";
import { uniformCloudEmd } from "./cloud-emd.js";
import { cloudPairDistances } from "./cloud-pairs.js";

export interface EmdResult {
  /** The optimal transport cost Σ P_ij C_ij. */
  distance: number;
  /** The optimal plan (n1 × n2), when requested. */
  plan?: Matrix;
}

/**
 * Exact earth mover's distance between weights `a` and `b` (normalised to sum 1 each) under the
 * ground cost matrix `cost` (a.length × b.length). Entries with zero weight are dropped before solving.
 */
export function emd(a: ArrayLike<number>, b: ArrayLike<number>, cost: MatrixLike, options: { returnPlan?: boolean } = {}): EmdResult {
  const C = toMatrix(cost, "emd cost", { rows: a.length, cols: b.length });
  assertFinite(a, "emd a");
  assertFinite(b, "emd b");
  const sa = sumChecked(a, "emd a"), sb = sumChecked(b, "emd b");
  const ia: number[] = [], ib: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] > 0) ia.push(i);
  for (let j = 0; j < b.length; j++) if (b[j] > 0) ib.push(j);
  const wa = Float64Array.from(ia, (i) => a[i] / sa);
  const wb = Float64Array.from(ib, (j) => b[j] / sb);
  const sub = new Float64Array(ia.length * ib.length);
  for (let r = 0; r < ia.length; r++) for (let c = 0; c < ib.length; c++) sub[r * ib.length + c] = C.data[ia[r] * C.cols + ib[c]];
  const res = transportSimplex(wa, wb, sub, { returnPlan: options.returnPlan });
  if (!options.returnPlan) return { distance: res.cost };
  const plan = new Matrix(a.length, b.length);
  for (let r = 0; r < ia.length; r++) for (let c = 0; c < ib.length; c++) plan.data[ia[r] * b.length + ib[c]] = res.plan![r * ib.length + c];
  return { distance: res.cost, plan };
}

function sumChecked(w: ArrayLike<number>, name: string): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    if (w[i] < 0) throw new ValidationError(`${name}: weight ${i} is ${w[i]}; weights must be ≥ 0`);
    s += w[i];
  }
  if (!(s > 0)) throw new ValidationError(`${name}: weights sum to 0; give at least one positive weight`);
  return s;
}

export interface DistributionDistanceOptions {
  /** Cluster first and compare histograms over clusters; omit to compare the point clouds directly. */
  nClusters?: number;
  seed?: number;
  /** k-means restarts when clustering. */
  nInit?: number;
}

export interface DistributionDistances {
  /** C × C symmetric matrix of exact earth mover's distances, in the order of `conditions`. */
  dist: Matrix;
  /** The distinct condition values, ascending: row/column c of `dist` is conditions[c]. */
  conditions: number[];
  /** Transport plans between cluster histograms (gamma[s][t] is K × K, rows = clusters of s); only when clustered. */
  gamma?: Matrix[][];
  /** Cluster centroids (K × d); only when clustered. */
  centroids?: Matrix;
  /** Cluster label per point; only when clustered. */
  labels?: Int32Array;
  /** Cluster histogram per condition (C × K, rows sum to 1); only when clustered. */
  histograms?: Matrix;
}

/**
 * Exact earth mover's distances between the conditions' distributions of `embedding` rows.
 * `conditions[i]` is the condition (any integer) of row i.
 */
export function distributionDistances(
  embedding: MatrixLike,
  conditions: ArrayLike<number>,
  options: DistributionDistanceOptions = {},
): DistributionDistances {
  const opts = withDefaults<DistributionDistanceOptions>({ nClusters: undefined, seed: 0, nInit: 10 }, options, "distributionDistances");
  const X = toMatrix(embedding, "distributionDistances embedding");
  const n = X.rows, d = X.cols;
  if (!conditions || typeof conditions.length !== "number") {
    throw new ValidationError("distributionDistances conditions: pass one integer condition per embedding row (number[] or Int32Array)");
  }
  if (conditions.length !== n) {
    throw new ValidationError(`distributionDistances: conditions has ${conditions.length} entries but embedding has ${n} rows; pass one condition per row`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(conditions[i])) {
      throw new ValidationError(`distributionDistances conditions: entry ${i} is ${conditions[i]}; conditions must be integers`);
    }
  }
  const values = Array.from(new Set(Array.from(conditions))).sort((p, q) => p - q);
  if (values.length < 2) {
    throw new ValidationError(`distributionDistances: found ${values.length} condition(s); distances need at least 2 distinct conditions`);
  }
  const nc = values.length;
  const index = new Map(values.map((v, c) => [v, c]));
  const members: number[][] = values.map(() => []);
  for (let i = 0; i < n; i++) members[index.get(conditions[i])!].push(i);
  const dist = new Matrix(nc, nc);

  if (opts.nClusters === undefined) {
    const sizes = members.map((m) => m.length).sort((p, q) => q - p);
    if (sizes[0] * sizes[1] > MAX_PAIRS) {
      throw new ValidationError(
        `distributionDistances: the two largest conditions have ${sizes[0]} and ${sizes[1]} points; an exact transport problem between them ` +
          `needs a ${sizes[0]} × ${sizes[1]} cost matrix (limit ${MAX_PAIRS / 1e6}M entries). Pass nClusters (compare cluster histograms) or subsample the conditions.`,
      );
    }
    // Each condition's points gathered once, contiguous; the pairs are independent problems.
    const points = members.map((rows) => X.selectRows(rows).data);
    const pairs: [number, number][] = [];
    for (let s = 0; s < nc; s++) for (let t = s + 1; t < nc; t++) pairs.push([s, t]);
    const pairEmd = cloudPairDistances(points, members.map((m) => m.length), d, pairs).distances;
    pairs.forEach(([s, t], p) => {
      dist.set(s, t, pairEmd[p]);
      dist.set(t, s, pairEmd[p]);
    });
    return { dist, conditions: values };
  }

  checkInteger(opts.nClusters, "distributionDistances nClusters", 1);
  if (opts.nClusters > n) {
    throw new ValidationError(`distributionDistances nClusters (${opts.nClusters}) exceeds the number of points (${n}); lower nClusters`);
  }
  const cl = cluster(X, { nClusters: opts.nClusters, seed: opts.seed ?? 0, nInit: opts.nInit });
  const k = opts.nClusters;
  const counts = new Matrix(nc, k);
  for (let i = 0; i < n; i++) counts.data[index.get(conditions[i])! * k + cl.labels[i]]++;
  const cost = new Float64Array(k * k);
  for (let p = 0; p < k; p++) {
    for (let q = 0; q < k; q++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = cl.centroids.data[p * d + j] - cl.centroids.data[q * d + j];
        s += t * t;
      }
      cost[p * k + q] = Math.sqrt(s);
    }
  }
  const gamma: Matrix[][] = values.map(() => values.map(() => new Matrix(k, k)));
  const histograms = new Matrix(nc, k);
  for (let s = 0; s < nc; s++) {
    const ns = members[s].length;
    for (let p = 0; p < k; p++) {
      histograms.data[s * k + p] = counts.data[s * k + p] / ns;
      gamma[s][s].data[p * k + p] = counts.data[s * k + p] / ns;
    }
  }
  for (let s = 0; s < nc; s++) {
    for (let t = s + 1; t < nc; t++) {
      // Integer masses (count × other total) keep the simplex's flows exact.
      const ns = members[s].length, nt = members[t].length;
      const { value, plan } = histogramEmd(counts.row(s), counts.row(t), ns, nt, cost, k);
      dist.set(s, t, value);
      dist.set(t, s, value);
      for (let p = 0; p < k; p++) {
        for (let q = 0; q < k; q++) {
          gamma[s][t].data[p * k + q] = plan[p * k + q];
          gamma[t][s].data[q * k + p] = plan[p * k + q];
        }
      }
    }
  }
  return { dist, conditions: values, gamma, centroids: cl.centroids, labels: cl.labels, histograms };
}

/** EMD between two histograms given as counts over the same k bins; returns the plan normalised to total mass 1. */
function histogramEmd(cs: Float64Array, ct: Float64Array, ns: number, nt: number, cost: Float64Array, k: number) {
  const ia: number[] = [], ib: number[] = [];
  for (let p = 0; p < k; p++) if (cs[p] > 0) ia.push(p);
  for (let q = 0; q < k; q++) if (ct[q] > 0) ib.push(q);
  const a = Float64Array.from(ia, (p) => cs[p] * nt);
  const b = Float64Array.from(ib, (q) => ct[q] * ns);
  const sub = new Float64Array(ia.length * ib.length);
  for (let r = 0; r < ia.length; r++) for (let c = 0; c < ib.length; c++) sub[r * ib.length + c] = cost[ia[r] * k + ib[c]];
  const res = transportSimplex(a, b, sub, { returnPlan: true });
  const total = ns * nt;
  const plan = new Float64Array(k * k);
  for (let r = 0; r < ia.length; r++) for (let c = 0; c < ib.length; c++) plan[ia[r] * k + ib[c]] = res.plan![r * ib.length + c] / total;
  return { value: res.cost / total, plan };
}

/** Largest cost matrix (entries) a point-cloud EMD may allocate: 40M doubles = 320 MB. */
export const MAX_PAIRS = 40_000_000;

/** EMD between two point sets (rows of X) with uniform weights and Euclidean ground cost. */
export function pointCloudEmd(X: Matrix, rowsA: ArrayLike<number>, rowsB: ArrayLike<number>): number {
  const n1 = rowsA.length, n2 = rowsB.length, d = X.cols;
  if (n1 * n2 > MAX_PAIRS) {
    throw new ValidationError(
      `distributionDistances: two conditions have ${n1} and ${n2} points; the exact transport problem would need a ${n1} × ${n2} cost matrix ` +
        `(over ${MAX_PAIRS / 1e6}M entries). Pass nClusters (compare cluster histograms) or subsample the conditions.`,
    );
  }
  return uniformCloudEmd(X.selectRows(rowsA).data, n1, X.selectRows(rowsB).data, n2, d, new Float64Array(n1 * n2));
}
