/**
 * k-means (Lloyd) with greedy k-means++ seeding and restarts, as scikit-learn's KMeans does, then
 * a relabelling that walks a greedy nearest-neighbour chain through the centroids so that clusters
 * with nearby centroids get nearby labels (what the method's plots and histograms assume).
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { toMatrix, withDefaults, checkInteger, checkNumber, ValidationError } from "../core/validate.js";

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

  let best: { labels: Int32Array; centroids: Matrix; inertia: number; iterations: number } | null = null;
  if (opts.init !== undefined) {
    const C0 = toMatrix(opts.init, "cluster init", { rows: k, cols: d });
    best = lloyd(X, C0.clone(), opts.maxIter, tol);
  } else {
    const rng = new Random(opts.seed);
    for (let r = 0; r < opts.nInit; r++) {
      const C0 = kmeansPlusPlus(X, k, rng);
      const run = lloyd(X, C0, opts.maxIter, tol);
      if (!best || run.inertia < best.inertia) best = run;
    }
  }
  const result = best!;
  return opts.relabel ? relabelByProximity(result) : result;
}

/** Greedy k-means++: each new centre is the best of 2 + ⌊ln k⌋ candidates drawn ∝ D². */
export function kmeansPlusPlus(X: Matrix, k: number, rng: Random): Matrix {
  const n = X.rows, d = X.cols;
  const C = new Matrix(k, d);
  const nTrials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  C.data.set(X.row(first), 0);
  const closest = new Float64Array(n);
  let pot = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = sqDist(X.data, i * d, C.data, 0, d);
    pot += closest[i];
  }
  const candDist = new Float64Array(n);
  const bestDist = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let bestCand = -1, bestPot = Infinity;
    for (let t = 0; t < nTrials; t++) {
      // Draw ∝ closest distance²; when every point coincides with a centre, draw uniformly.
      let cand: number;
      if (pot > 0) {
        const r = rng.random() * pot;
        let acc = 0;
        cand = n - 1;
        for (let i = 0; i < n; i++) {
          acc += closest[i];
          if (acc > r) {
            cand = i;
            break;
          }
        }
      } else {
        cand = rng.int(n);
      }
      let candPot = 0;
      for (let i = 0; i < n; i++) {
        const dd = Math.min(closest[i], sqDist(X.data, i * d, X.data, cand * d, d));
        candDist[i] = dd;
        candPot += dd;
      }
      if (candPot < bestPot) {
        bestPot = candPot;
        bestCand = cand;
        bestDist.set(candDist);
      }
    }
    C.data.set(X.row(bestCand), c * d);
    closest.set(bestDist);
    pot = bestPot;
  }
  return C;
}

function sqDist(a: Float64Array, ia: number, b: Float64Array, ib: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = a[ia + j] - b[ib + j];
    s += t * t;
  }
  return s;
}

/** Largest n·k for which Lloyd keeps one lower bound per point and centre (Elkan): 32 MB. */
const ELKAN_MAX_BOUNDS = 4_000_000;

/**
 * Lloyd iterations until labels stop changing or the centroid shift² falls to tol. Assignments skip
 * distance computations that cannot change a label, by Elkan's bounds (an upper bound to the own
 * centre, a lower bound to every centre) when n·k bounds fit in ELKAN_MAX_BOUNDS, else by Hamerly's
 * (one lower bound, to the second closest). Either way the result is the same as plain Lloyd; in a
 * few dimensions Elkan's bounds skip most of the distances Hamerly's still compute.
 */
function lloyd(X: Matrix, C: Matrix, maxIter: number, tol: number) {
  const n = X.rows, d = X.cols, k = C.rows;
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const elkan = n * k <= ELKAN_MAX_BOUNDS;
  const lower = new Float64Array(elkan ? n * k : n);
  const assignAll = (): void => {
    for (let i = 0; i < n; i++) {
      if (elkan) elkanFullAssign(X, C, i, labels, upper, lower);
      else fullAssign(X, C, i, labels, upper, lower);
    }
  };
  const counts = new Float64Array(k);
  const sums = new Matrix(k, d);
  const half = new Float64Array(k); // half the distance from each centre to its nearest other centre
  const moved = new Float64Array(k);
  const movedList = new Int32Array(k);
  const centreDist = new Float64Array(k * k);
  const next = new Float64Array(d);
  // Initial full assignment.
  assignAll();
  let iterations = 0;
  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    // M-step from the current labels.
    sums.data.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      counts[c]++;
      for (let j = 0; j < d; j++) sums.data[c * d + j] += X.data[i * d + j];
    }
    let relocated = false;
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) continue;
      // An empty cluster takes the point farthest from its centre (as scikit-learn relocates them).
      relocated = true;
      let far = -1, farD = -1;
      for (let i = 0; i < n; i++) {
        if (counts[labels[i]] <= 1) continue;
        const dd = sqDist(X.data, i * d, C.data, labels[i] * d, d);
        if (dd > farD) {
          farD = dd;
          far = i;
        }
      }
      if (far < 0) break;
      const from = labels[far];
      counts[from]--;
      for (let j = 0; j < d; j++) {
        sums.data[from * d + j] -= X.data[far * d + j];
        sums.data[c * d + j] = X.data[far * d + j];
      }
      labels[far] = c;
      counts[c] = 1;
    }
    let shift = 0;
    let maxMove = 0, secondMove = 0, maxMoveC = -1;
    for (let c = 0; c < k; c++) {
      let m2 = 0;
      for (let j = 0; j < d; j++) {
        next[j] = sums.data[c * d + j] / counts[c];
        const t = next[j] - C.data[c * d + j];
        m2 += t * t;
        C.data[c * d + j] = next[j];
      }
      shift += m2;
      moved[c] = Math.sqrt(m2);
      if (moved[c] > maxMove) {
        secondMove = maxMove;
        maxMove = moved[c];
        maxMoveC = c;
      } else if (moved[c] > secondMove) secondMove = moved[c];
    }
    if (shift <= tol) break;
    // Bounds follow the centres. Late iterations move few centres, so Elkan's bounds are updated
    // for those only.
    let nMoved = 0;
    for (let c = 0; c < k; c++) if (moved[c] > 0) movedList[nMoved++] = c;
    for (let i = 0; i < n; i++) {
      const a = labels[i];
      upper[i] += moved[a];
      if (elkan) {
        const lo = i * k;
        for (let m = 0; m < nMoved; m++) {
          const c = movedList[m];
          lower[lo + c] -= moved[c];
        }
      } else {
        lower[i] -= a === maxMoveC ? secondMove : maxMove;
      }
    }
    if (relocated) {
      // Rare: start the bounds afresh.
      assignAll();
      continue;
    }
    for (let c = 0; c < k; c++) {
      let best = Infinity;
      for (let o = 0; o < k; o++) {
        const dd = o === c ? 0 : Math.sqrt(sqDist(C.data, c * d, C.data, o * d, d));
        centreDist[c * k + o] = dd;
        if (o !== c && dd < best) best = dd;
      }
      half[c] = best / 2;
    }
    // E-step with bounds.
    let changed = 0;
    if (elkan) {
      for (let i = 0; i < n; i++) {
        const a = labels[i];
        if (upper[i] <= half[a]) continue;
        if (elkanAssign(X, C, centreDist, i, labels, upper, lower) !== a) changed++;
      }
    } else for (let i = 0; i < n; i++) {
      const a = labels[i];
      const bound = Math.max(half[a], lower[i]);
      if (upper[i] <= bound) continue;
      upper[i] = Math.sqrt(sqDist(X.data, i * d, C.data, a * d, d));
      if (upper[i] <= bound) continue;
      prunedAssign(X, C, centreDist, i, labels, upper, lower);
      if (labels[i] !== a) changed++;
    }
    if (changed === 0) {
      // Labels are stable, so the centres (means of these labels) are final.
      iterations++;
      break;
    }
  }
  // Final labels and inertia from exact distances (ties go to the lower index).
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let bi = 0, bd = Infinity;
    for (let c = 0; c < k; c++) {
      const dd = sqDist(X.data, i * d, C.data, c * d, d);
      if (dd < bd) {
        bd = dd;
        bi = c;
      }
    }
    labels[i] = bi;
    inertia += bd;
  }
  return { labels, centroids: C, inertia, iterations };
}

/**
 * Reassigns point i knowing the exact distance upper[i] to its current centre a: a centre c with
 * ‖c_a − c‖ ≥ 2 upper[i] cannot be closer (Elkan's test) and is bounded below by ‖c_a − c‖ − upper[i].
 */
function prunedAssign(X: Matrix, C: Matrix, centreDist: Float64Array, i: number, labels: Int32Array, upper: Float64Array, lower: Float64Array): void {
  const d = X.cols, k = C.rows;
  const a = labels[i], u = upper[i];
  let b1 = u * u, bi = a, b2 = Infinity, skippedBound = Infinity;
  for (let c = 0; c < k; c++) {
    if (c === a) continue;
    const cc = centreDist[a * k + c];
    if (cc >= 2 * u) {
      if (cc - u < skippedBound) skippedBound = cc - u;
      continue;
    }
    const dd = sqDist(X.data, i * d, C.data, c * d, d);
    if (dd < b1 || (dd === b1 && c < bi)) {
      b2 = b1;
      b1 = dd;
      bi = c;
    } else if (dd < b2) b2 = dd;
  }
  labels[i] = bi;
  upper[i] = Math.sqrt(b1);
  lower[i] = Math.min(Math.sqrt(b2), skippedBound);
}

/**
 * Elkan's step for point i: centre c is skipped while upper[i] ≤ its lower bound or ≤ half the
 * centre distance ‖c_a − c‖ (then c cannot be closer); the upper bound is made exact at the first
 * centre that survives both tests. Ties go to the lower index, as in a full scan. Returns the label.
 */
function elkanAssign(X: Matrix, C: Matrix, centreDist: Float64Array, i: number, labels: Int32Array, upper: Float64Array, lower: Float64Array): number {
  const d = X.cols, k = C.rows, x = X.data, cd = C.data, lo = i * k;
  let a = labels[i], u = upper[i], exact = false;
  for (let c = 0; c < k; c++) {
    if (c === a || u < lower[lo + c] || u < 0.5 * centreDist[a * k + c]) continue;
    if (!exact) {
      u = Math.sqrt(sqDist(x, i * d, cd, a * d, d));
      lower[lo + a] = u;
      exact = true;
      if (u < lower[lo + c] || u < 0.5 * centreDist[a * k + c]) continue;
    }
    const dc = Math.sqrt(sqDist(x, i * d, cd, c * d, d));
    lower[lo + c] = dc;
    if (dc < u || (dc === u && c < a)) {
      a = c;
      u = dc;
    }
  }
  labels[i] = a;
  upper[i] = u;
  return a;
}

function elkanFullAssign(X: Matrix, C: Matrix, i: number, labels: Int32Array, upper: Float64Array, lower: Float64Array): void {
  const d = X.cols, k = C.rows;
  let bi = 0, bd = Infinity;
  for (let c = 0; c < k; c++) {
    const dd = Math.sqrt(sqDist(X.data, i * d, C.data, c * d, d));
    lower[i * k + c] = dd;
    if (dd < bd) {
      bd = dd;
      bi = c;
    }
  }
  labels[i] = bi;
  upper[i] = bd;
}

function fullAssign(X: Matrix, C: Matrix, i: number, labels: Int32Array, upper: Float64Array, lower: Float64Array): void {
  const d = X.cols, k = C.rows;
  let b1 = Infinity, b2 = Infinity, bi = 0;
  for (let c = 0; c < k; c++) {
    const dd = sqDist(X.data, i * d, C.data, c * d, d);
    if (dd < b1) {
      b2 = b1;
      b1 = dd;
      bi = c;
    } else if (dd < b2) b2 = dd;
  }
  labels[i] = bi;
  upper[i] = Math.sqrt(b1);
  lower[i] = Math.sqrt(b2);
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
