/**
 * k-means (Lloyd) with greedy k-means++ seeding and restarts, as scikit-learn's KMeans does, then
 * a relabelling that walks a greedy nearest-neighbour chain through the centroids so that clusters
 * with nearby centroids get nearby labels (what the method's plots and histograms assume).
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { lloyd, sqDist, type LloydRun } from "./kmeans-lloyd.js";
import { bestOfRestarts } from "./kmeans-restarts.js";
import { toMatrix, withDefaults, checkInteger, checkNumber, ValidationError } from "../core/validate.js";

export { kmeansPlusPlus } from "./kmeans-lloyd.js";

export interface ClusterOptions {
  nClusters: number;
  seed: number;
  /** Restarts from different k-means++ seeds; the lowest inertia wins. */
  nInit?: number;
  maxIter?: number;
  /** Relative tolerance on the centroid shift, scaled by the mean feature variance (scikit-learn's `tol`). */
  tol?: number;
  /** Starting centroids (nClusters × d); disables k-means++ and restarts. */
  init?: MatrixLike;
  /** Reorder labels along a nearest-centroid chain starting at cluster 0 (default true). */
  relabel?: boolean;
}

export interface ClusterResult {
  /** Cluster index per point, in [0, nClusters). */
  labels: Int32Array;
  /** nClusters × d. */
  centroids: Matrix;
  /** Sum of squared distances of points to their centroid. */
  inertia: number;
  /** Lloyd iterations of the winning run. */
  iterations: number;
}

const DEFAULTS: Required<Omit<ClusterOptions, "init">> & { init: MatrixLike | undefined } = {
  nClusters: 8,
  seed: 0,
  nInit: 10,
  maxIter: 300,
  tol: 1e-4,
  init: undefined,
  relabel: true,
};

/** k-means clustering of the rows of `embedding`. */
export function cluster(embedding: MatrixLike, options: ClusterOptions): ClusterResult {
  if (!options || options.nClusters === undefined || options.seed === undefined) {
    throw new ValidationError("cluster: options { nClusters, seed } are required, e.g. cluster(emb, { nClusters: 20, seed: 0 })");
  }
  const opts = withDefaults(DEFAULTS, options, "cluster");
  const X = toMatrix(embedding, "cluster embedding");
  const n = X.rows, d = X.cols;
  checkInteger(opts.nClusters, "cluster nClusters", 1);
  checkInteger(opts.nInit, "cluster nInit", 1);
  checkInteger(opts.maxIter, "cluster maxIter", 1);
  checkNumber(opts.tol, "cluster tol", 0);
  checkNumber(opts.seed, "cluster seed");
  const k = opts.nClusters;
  if (n === 0 || d === 0) throw new ValidationError("cluster embedding: is empty; pass at least one point with at least one column");
  if (k > n) throw new ValidationError(`cluster nClusters (${k}) exceeds the number of points (${n}); lower nClusters`);

  // scikit-learn scales tol by the mean per-feature variance.
  let meanVar = 0;
  for (let j = 0; j < d; j++) {
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = X.data[i * d + j];
      s += v;
      s2 += v * v;
    }
    const m = s / n;
    meanVar += s2 / n - m * m;
  }
  const tol = (opts.tol * Math.max(meanVar, 0)) / d;

  let result: LloydRun;
  if (opts.init !== undefined) {
    const C0 = toMatrix(opts.init, "cluster init", { rows: k, cols: d });
    result = lloyd(X, C0.clone(), opts.maxIter, tol);
  } else {
    // restarts from successive k-means++ seeds of one generator, on two threads when worthwhile
    result = bestOfRestarts(X, k, opts.seed, opts.nInit, opts.maxIter, tol).run;
  }
  return opts.relabel ? relabelByProximity(result) : result;
}

/**
 * Renames clusters along a greedy chain: start at cluster 0, repeatedly step to the nearest
 * centroid not yet visited; the k-th cluster visited becomes label k.
 */
export function relabelByProximity<T extends { labels: Int32Array; centroids: Matrix }>(result: T): T {
  const C = result.centroids;
  const k = C.rows, d = C.cols;
  const order: number[] = [0];
  const used = new Uint8Array(k);
  used[0] = 1;
  for (let step = 1; step < k; step++) {
    const cur = order[order.length - 1];
    let bi = -1, bd = Infinity;
    for (let c = 0; c < k; c++) {
      if (used[c]) continue;
      const dd = sqDist(C.data, cur * d, C.data, c * d, d);
      if (dd < bd) {
        bd = dd;
        bi = c;
      }
    }
    used[bi] = 1;
    order.push(bi);
  }
  const newLabel = new Int32Array(k);
  const centroids = new Matrix(k, d);
  order.forEach((old, nw) => {
    newLabel[old] = nw;
    centroids.data.set(C.row(old), nw * d);
  });
  const labels = result.labels.map((l) => newLabel[l]);
  return { ...result, labels, centroids };
}
