import type { UMAP } from "umap-js";
import { Matrix, type MatrixLike, Random, toMatrix, withDefaults, checkInteger, checkNumber, checkOneOf, ValidationError } from "../core/index.js";
import type { Embedder } from "./types.js";
import { lazyModule } from "../core/lazy-module.js";

const umapJs = lazyModule<typeof import("umap-js")>("umap-js", "UmapEmbedder");

export interface UmapEmbedderParams {
  nComponents: number;
  nNeighbors: number;
  minDist: number;
  /**
   * Optimisation epochs; 0 lets umap-js choose (500 below 10k points, else 200). Must be a
   * multiple of 3: umap-js's transform runs nEpochs/3 epochs and never returns on a fraction
   * (umap-js 1.4).
   */
  nEpochs: number;
  metric: "euclidean" | "cosine";
  seed: number;
}

const DEFAULTS: UmapEmbedderParams = { nComponents: 2, nNeighbors: 15, minDist: 0.1, nEpochs: 0, metric: "euclidean", seed: 0 };

function cosineDistance(a: number[], b: number[]): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  if (aa === 0 || bb === 0) return 1;
  return 1 - ab / Math.sqrt(aa * bb);
}

/**
 * UMAP (umap-js) fitted on the training part; new points are placed with umap-js's
 * `transform`, which embeds them against the fitted graph without moving the training
 * embedding. Seeded: umap-js draws every random number from a seeded generator here.
 */
export class UmapEmbedder implements Embedder {
  readonly params: UmapEmbedderParams;
  private umap: UMAP | null = null;
  private cols = 0;
  /** Embedding of the training points from fit. */
  trainEmbedding: Matrix | null = null;

  constructor(params?: Partial<UmapEmbedderParams>) {
    this.params = withDefaults(DEFAULTS, params, "UmapEmbedder");
    const p = this.params;
    checkInteger(p.nComponents, "UmapEmbedder nComponents", 1);
    checkInteger(p.nNeighbors, "UmapEmbedder nNeighbors", 2);
    checkNumber(p.minDist, "UmapEmbedder minDist", 0);
    checkInteger(p.nEpochs, "UmapEmbedder nEpochs", 0);
    if (p.nEpochs % 3 !== 0) {
      throw new ValidationError(`UmapEmbedder nEpochs must be 0 or a multiple of 3 (umap-js's transform hangs otherwise), got ${p.nEpochs}; use ${3 * Math.round(p.nEpochs / 3) || 3}`);
    }
    checkOneOf(p.metric, "UmapEmbedder metric", ["euclidean", "cosine"]);
    checkInteger(p.seed, "UmapEmbedder seed");
  }

  fit(data: MatrixLike): this {
    const X = toMatrix(data, "UmapEmbedder.fit data");
    const p = this.params;
    if (X.rows <= p.nNeighbors) {
      throw new ValidationError(`UmapEmbedder.fit data: needs more rows (${X.rows}) than nNeighbors (${p.nNeighbors}); lower nNeighbors`);
    }
    const rng = new Random(p.seed);
    const { UMAP } = umapJs();
    this.umap = new UMAP({
      nComponents: p.nComponents,
      nNeighbors: p.nNeighbors,
      minDist: p.minDist,
      ...(p.nEpochs > 0 ? { nEpochs: p.nEpochs } : {}),
      random: () => rng.random(),
      ...(p.metric === "cosine" ? { distanceFn: cosineDistance } : {}),
    });
    this.cols = X.cols;
    this.trainEmbedding = Matrix.from(this.umap.fit(X.toArray()));
    return this;
  }

  /** The layout UMAP optimised for the training points (what umap-learn's fit_transform returns). */
  fitTransform(data: MatrixLike): Matrix {
    return this.fit(data).trainEmbedding!.clone();
  }

  transform(data: MatrixLike): Matrix {
    if (!this.umap) throw new ValidationError("UmapEmbedder.transform: call fit first");
    const X = toMatrix(data, "UmapEmbedder.transform data", { cols: this.cols });
    return Matrix.from(this.umap.transform(X.toArray()));
  }
}
