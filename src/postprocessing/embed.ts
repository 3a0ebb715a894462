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

function umap2D(X: Matrix, opts: typeof DEFAULTS): Matrix {
  checkInteger(opts.nNeighbors, "embed2D nNeighbors", 2);
  checkNumber(opts.minDist, "embed2D minDist", 0);
  if (X.rows <= opts.nNeighbors) {
    throw new ValidationError(`embed2D UMAP: needs more points (${X.rows}) than nNeighbors (${opts.nNeighbors}); lower nNeighbors`);
  }
  const rng = new Random(opts.seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: opts.nNeighbors,
    minDist: opts.minDist,
    ...(opts.nEpochs !== undefined ? { nEpochs: opts.nEpochs } : {}),
    random: () => rng.random(),
  });
  const Z = umap.fit(standardize(X).toArray());
  return Matrix.from(Z);
}
