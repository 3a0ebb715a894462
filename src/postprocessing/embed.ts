/**
 * Two-dimensional views of latent representations: UMAP (points, on standardised data), PCA,
 * t-SNE, and MDS (for distance matrices such as the conditions' optimal-transport distances).
 */
import { kNearestNeighbors } from "../geometry/knn.js";
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { PCA } from "../core/pca.js";
import { Random } from "../core/random.js";
import { toMatrix, withDefaults, checkInteger, checkNumber, checkOneOf, ValidationError } from "../core/validate.js";
import { smacof } from "./mds.js";
import { checkReference, type Reference } from "../core/reference.js";
import { tsne } from "./tsne.js";
import { lazyModule } from "../core/lazy-module.js";

const umapJs = lazyModule<typeof import("umap-js/dist/umap.js")>("umap-js/dist/umap.js", "embed2D's UMAP curve parameters");

export type Embed2DMethod = "umap" | "pca" | "mds" | "tsne";

export interface Embed2DOptions {
  method: Embed2DMethod;
  seed?: number;
  /** UMAP neighbourhood size. */
  nNeighbors?: number;
  /** UMAP minimum distance in the layout. */
  minDist?: number;
  /** UMAP epochs (umap-js chooses from the data size when omitted). */
  nEpochs?: number;
  /** t-SNE perplexity. */
  perplexity?: number;
  /** t-SNE iterations. */
  nIter?: number;
  /** MDS random restarts (besides the start from classical MDS); 4 by default, 20 with reference "authors". */
  nInit?: number;
  /** MDS iterations. */
  maxIter?: number;
  /**
   * MDS: "marblelab" (default) also starts SMACOF from classical MDS; "authors" uses scikit-learn's
   * MDS as the authors call it (20 random starts only).
   */
  reference?: Reference;
}

const DEFAULTS: Required<Omit<Embed2DOptions, "nEpochs" | "nInit">> & { nEpochs: number | undefined; nInit: number | undefined } = {
  method: "umap",
  seed: 0,
  nNeighbors: 15,
  minDist: 0.1,
  nEpochs: undefined,
  perplexity: 30,
  nIter: 1000,
  nInit: undefined,
  maxIter: 300,
  reference: "marblelab",
};

/**
 * Embeds rows of `x` in 2-D. For method "mds", `x` must be a square distance matrix (metric SMACOF
 * on precomputed dissimilarities, as for the C × C optimal-transport matrix); the other methods
 * take points (n × d).
 */
export function embed2D(x: MatrixLike, options: Embed2DOptions): Matrix {
  if (!options || options.method === undefined) {
    throw new ValidationError('embed2D: pass { method: "umap" | "pca" | "mds" | "tsne", seed }');
  }
  const opts = withDefaults(DEFAULTS, options, "embed2D");
  checkOneOf(opts.method, "embed2D method", ["umap", "pca", "mds", "tsne"] as const);
  checkNumber(opts.seed, "embed2D seed");
  checkReference(opts.reference, "embed2D");
  if (opts.method === "mds") {
    const authors = opts.reference === "authors";
    const nInit = opts.nInit ?? (authors ? 20 : 4);
    return smacof(x, { nComponents: 2, seed: opts.seed, nInit, maxIter: opts.maxIter, classicalStart: !authors }).embedding;
  }
  const X = toMatrix(x, "embed2D input");
  if (X.rows < 2) throw new ValidationError(`embed2D input: needs at least 2 rows, got ${X.rows}`);
  if (X.cols < 1) throw new ValidationError("embed2D input: has no columns");
  if (opts.method === "pca") {
    if (X.cols < 2) throw new ValidationError(`embed2D input: PCA to 2-D needs at least 2 columns, got ${X.cols}`);
    return new PCA({ nComponents: 2 }).fitTransform(X);
  }
  if (opts.method === "tsne") {
    checkNumber(opts.perplexity, "embed2D perplexity", 0);
    checkInteger(opts.nIter, "embed2D nIter", 1);
    return tsne(X, { perplexity: opts.perplexity, nIter: opts.nIter, earlyExaggeration: 12, learningRate: "auto" });
  }
  return umap2D(X, opts);
}

/** Column-standardised copy (zero mean, unit population variance; constant columns left at 0). */
export function standardize(X: Matrix): Matrix {
  const n = X.rows, d = X.cols;
  const out = new Matrix(n, d);
  for (let j = 0; j < d; j++) {
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = X.data[i * d + j];
      s += v;
      s2 += v * v;
    }
    const m = s / n;
    const sd = Math.sqrt(Math.max(s2 / n - m * m, 0));
    const inv = sd > 0 ? 1 / sd : 0;
    for (let i = 0; i < n; i++) out.data[i * d + j] = (X.data[i * d + j] - m) * inv;
  }
  return out;
}

/**
 * UMAP (McInnes, Healy & Melville 2018) on typed arrays:
 * 1. exact k nearest neighbours (KD-tree, src/geometry), the point itself counting as the first;
 * 2. per-point ρ (distance to the nearest neighbour) and σ (bisection so that
 *    Σ_j exp(−(d_ij − ρ_i)/σ_i) = log2 k), memberships exp(−(d_ij − ρ_i)/σ_i);
 * 3. fuzzy union W = A + Aᵀ − A∘Aᵀ, edges below max(W)/nEpochs dropped;
 * 4. stochastic layout from a uniform [−10, 10]² start: each edge is sampled every max(W)/w_ij
 *    epochs with `negativeSampleRate` repulsive samples, gradients clipped at 4, learning rate
 *    decaying linearly to 0; the curve parameters a, b come from umap-js's findABParams.
 * Defaults follow umap-js / umap-learn (500 epochs up to 10,000 points, 200 above).
 */
function umap2D(X: Matrix, opts: typeof DEFAULTS): Matrix {
  checkInteger(opts.nNeighbors, "embed2D nNeighbors", 2);
  checkNumber(opts.minDist, "embed2D minDist", 0);
  if (opts.nEpochs !== undefined) checkInteger(opts.nEpochs, "embed2D nEpochs", 1);
  const n = X.rows;
  if (n <= opts.nNeighbors) {
    throw new ValidationError(`embed2D UMAP: needs more points (${n}) than nNeighbors (${opts.nNeighbors}); lower nNeighbors`);
  }
  const rng = new Random(opts.seed);
  const nEpochs = opts.nEpochs ?? (n <= 10000 ? 500 : 200);
  const graph = fuzzyNeighbourGraph(standardize(X), opts.nNeighbors);
  const { a, b } = umapJs().findABParams(1, opts.minDist);
  return optimizeUmapLayout(graph, n, nEpochs, a, b, 5, rng);
}

interface FuzzyGraph {
  head: Int32Array;
  tail: Int32Array;
  weight: Float64Array;
}

/** Steps 1–3: the symmetric fuzzy neighbour graph as an edge list (both directions). */
export function fuzzyNeighbourGraph(X: Matrix, nNeighbors: number): FuzzyGraph {
  const n = X.rows;
  const k = nNeighbors - 1; // the point itself is the first of its nNeighbors neighbours
  const { indices, distances } = kNearestNeighbors(X, k);
  const target = Math.log2(nNeighbors);
  let meanAll = 0;
  for (let e = 0; e < distances.length; e++) meanAll += distances[e];
  meanAll /= n * nNeighbors;
  // Directed memberships A_ij in a k-per-row table.
  const memb = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = distances.subarray(i * k, i * k + k);
    let rho = 0;
    for (let r = 0; r < k; r++) {
      if (row[r] > 0) {
        rho = row[r];
        break;
      }
    }
    let lo = 0, hi = Infinity, mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let r = 0; r < k; r++) {
        const dd = row[r] - rho;
        psum += dd > 0 ? Math.exp(-dd / mid) : 1;
      }
      if (Math.abs(psum - target) < 1e-5) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    let meanRow = 0;
    for (let r = 0; r < k; r++) meanRow += row[r];
    meanRow /= nNeighbors;
    const floor = 1e-3 * (rho > 0 ? meanRow : meanAll);
    const sigma = Math.max(mid, floor);
    for (let r = 0; r < k; r++) {
      const dd = row[r] - rho;
      memb[i * k + r] = dd <= 0 ? 1 : Math.exp(-dd / sigma);
    }
  }
  // Fuzzy union: collect (i, j, A_ij) and (j, i, A_ij), sort by (row, col), combine duplicates.
  const m = n * k;
  const keys = new Float64Array(2 * m);
  const vals = new Float64Array(2 * m);
  for (let i = 0, e = 0; i < n; i++) {
    for (let r = 0; r < k; r++, e++) {
      const j = indices[i * k + r];
      keys[2 * e] = i * n + j;
      vals[2 * e] = memb[e];
      keys[2 * e + 1] = j * n + i;
      vals[2 * e + 1] = memb[e];
    }
  }
  const order = Array.from({ length: 2 * m }, (_, t) => t).sort((p, q) => keys[p] - keys[q]);
  const head: number[] = [], tail: number[] = [], weight: number[] = [];
  for (let t = 0; t < order.length; ) {
    const key = keys[order[t]];
    // A key appears once from i's row (A_ij) and/or once from j's row (A_ji, mirrored).
    let s = vals[order[t]], prod = 0, count = 1;
    if (t + 1 < order.length && keys[order[t + 1]] === key) {
      const other = vals[order[t + 1]];
      prod = s * other;
      s += other;
      count = 2;
    }
    head.push(Math.floor(key / n));
    tail.push(key % n);
    weight.push(s - prod);
    t += count;
  }
  return { head: Int32Array.from(head), tail: Int32Array.from(tail), weight: Float64Array.from(weight) };
}

function optimizeUmapLayout(graph: FuzzyGraph, n: number, nEpochs: number, a: number, b: number, negativeSampleRate: number, rng: Random): Matrix {
  let maxW = 0;
  for (const w of graph.weight) maxW = Math.max(maxW, w);
  // Keep edges with w ≥ max/nEpochs; each is sampled every max/w epochs.
  const keep: number[] = [];
  for (let e = 0; e < graph.weight.length; e++) if (graph.weight[e] >= maxW / nEpochs) keep.push(e);
  const m = keep.length;
  const head = Int32Array.from(keep, (e) => graph.head[e]);
  const tail = Int32Array.from(keep, (e) => graph.tail[e]);
  const perSample = Float64Array.from(keep, (e) => maxW / graph.weight[e]);
  const perNegative = perSample.map((v) => v / negativeSampleRate);
  const nextSample = perSample.slice();
  const nextNegative = perNegative.slice();
  const Y = new Float64Array(n * 2);
  for (let e = 0; e < 2 * n; e++) Y[e] = rng.uniform(-10, 10);
  const clip = (v: number) => (v > 4 ? 4 : v < -4 ? -4 : v);
  const gamma = 1, initialAlpha = 1;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const alpha = initialAlpha * (1 - epoch / nEpochs);
    for (let e = 0; e < m; e++) {
      if (nextSample[e] > epoch) continue;
      const j = head[e], k = tail[e];
      let dx = Y[2 * j] - Y[2 * k], dy = Y[2 * j + 1] - Y[2 * k + 1];
      let d2 = dx * dx + dy * dy;
      if (d2 > 0) {
        // exp(b log d²): the same value as Math.pow here at about half the cost in V8.
        const pb = Math.exp(b * Math.log(d2));
        const coeff = (-2 * a * b * (pb / d2)) / (a * pb + 1);
        const gx = clip(coeff * dx) * alpha, gy = clip(coeff * dy) * alpha;
        Y[2 * j] += gx;
        Y[2 * j + 1] += gy;
        Y[2 * k] -= gx;
        Y[2 * k + 1] -= gy;
      }
      nextSample[e] += perSample[e];
      const nNeg = Math.floor((epoch - nextNegative[e]) / perNegative[e]);
      for (let p = 0; p < nNeg; p++) {
        const o = Math.floor((rng.nextUint32() / 4294967296) * n);
        dx = Y[2 * j] - Y[2 * o];
        dy = Y[2 * j + 1] - Y[2 * o + 1];
        d2 = dx * dx + dy * dy;
        if (d2 > 0) {
          const coeff = (2 * gamma * b) / ((0.001 + d2) * (a * Math.exp(b * Math.log(d2)) + 1));
          Y[2 * j] += clip(coeff * dx) * alpha;
          Y[2 * j + 1] += clip(coeff * dy) * alpha;
        } else if (j !== o) {
          Y[2 * j] += 4 * alpha;
          Y[2 * j + 1] += 4 * alpha;
        }
      }
      nextNegative[e] += nNeg * perNegative[e];
    }
  }
  return new Matrix(n, 2, Y);
}
