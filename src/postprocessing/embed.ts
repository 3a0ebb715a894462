/**
 * Two-dimensional views of latent representations: UMAP (points, on standardised data), PCA,
 * t-SNE, and MDS (for distance matrices such as the conditions' optimal-transport distances).
 */
import { UMAP } from "umap-js";
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { PCA } from "../core/pca.js";
import { Random } from "../core/random.js";
import { toMatrix, withDefaults, checkInteger, checkNumber, checkOneOf, ValidationError } from "../core/validate.js";
import { smacof } from "./mds.js";
import { tsne } from "./tsne.js";

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
  /** MDS restarts. */
  nInit?: number;
  /** MDS iterations. */
  maxIter?: number;
}

const DEFAULTS: Required<Omit<Embed2DOptions, "nEpochs">> & { nEpochs: number | undefined } = {
  method: "umap",
  seed: 0,
  nNeighbors: 15,
  minDist: 0.1,
  nEpochs: undefined,
  perplexity: 30,
  nIter: 1000,
  nInit: 4,
  maxIter: 300,
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
  if (opts.method === "mds") {
    return smacof(x, { nComponents: 2, seed: opts.seed, nInit: opts.nInit, maxIter: opts.maxIter }).embedding;
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
 * UMAP: umap-js builds the fuzzy neighbour graph (NN-descent, smooth kNN distances, fuzzy union)
 * and the initial layout; the stochastic layout optimisation — the bulk of the time — runs here on
 * typed arrays with the same objective and schedule (attractive steps along edges at their
 * sampling rate, `negativeSampleRate` repulsive steps per attractive one, gradients clipped at 4,
 * learning rate decaying linearly to 0). Both stages draw from one seeded generator.
 */
function umap2D(X: Matrix, opts: typeof DEFAULTS): Matrix {
  checkInteger(opts.nNeighbors, "embed2D nNeighbors", 2);
  checkNumber(opts.minDist, "embed2D minDist", 0);
  if (opts.nEpochs !== undefined) checkInteger(opts.nEpochs, "embed2D nEpochs", 1);
  if (X.rows <= opts.nNeighbors) {
    throw new ValidationError(`embed2D UMAP: needs more points (${X.rows}) than nNeighbors (${opts.nNeighbors}); lower nNeighbors`);
  }
  const rng = new Random(opts.seed);
  const negativeSampleRate = 5;
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: opts.nNeighbors,
    minDist: opts.minDist,
    negativeSampleRate,
    ...(opts.nEpochs !== undefined ? { nEpochs: opts.nEpochs } : {}),
    random: () => rng.random(),
  });
  const nEpochs = umap.initializeFit(standardize(X).toArray());
  // umap-js keeps its optimisation inputs in a private field (stable in 1.4.x).
  const state = (umap as unknown as { optimizationState: UmapState }).optimizationState;
  if (!state || !state.head || !state.headEmbedding) throw new Error("embed2D UMAP: unexpected umap-js internals; pin umap-js 1.4.x");
  return optimizeUmapLayout(state, nEpochs, negativeSampleRate, rng);
}

interface UmapState {
  head: number[];
  tail: number[];
  epochsPerSample: number[];
  headEmbedding: number[][];
  a: number;
  b: number;
  gamma: number;
  initialAlpha: number;
}

function optimizeUmapLayout(state: UmapState, nEpochs: number, negativeSampleRate: number, rng: Random): Matrix {
  const n = state.headEmbedding.length;
  const Y = new Float64Array(n * 2);
  state.headEmbedding.forEach((r, i) => {
    Y[2 * i] = r[0];
    Y[2 * i + 1] = r[1];
  });
  const m = state.head.length;
  const head = Int32Array.from(state.head), tail = Int32Array.from(state.tail);
  const perSample = Float64Array.from(state.epochsPerSample);
  const perNegative = perSample.map((e) => e / negativeSampleRate);
  const nextSample = perSample.slice();
  const nextNegative = perNegative.slice();
  const { a, b, gamma } = state;
  const clip = (v: number) => (v > 4 ? 4 : v < -4 ? -4 : v);
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const alpha = state.initialAlpha * (1 - epoch / nEpochs);
    for (let e = 0; e < m; e++) {
      if (nextSample[e] > epoch) continue;
      const j = head[e], k = tail[e];
      let dx = Y[2 * j] - Y[2 * k], dy = Y[2 * j + 1] - Y[2 * k + 1];
      let d2 = dx * dx + dy * dy;
      if (d2 > 0) {
        const pb = Math.pow(d2, b);
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
        const o = Math.floor(rng.random() * n);
        dx = Y[2 * j] - Y[2 * o];
        dy = Y[2 * j + 1] - Y[2 * o + 1];
        d2 = dx * dx + dy * dy;
        if (d2 > 0) {
          const coeff = (2 * gamma * b) / ((0.001 + d2) * (a * Math.pow(d2, b) + 1));
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
