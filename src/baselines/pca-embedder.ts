import { Matrix, type MatrixLike, PCA, checkInteger, withDefaults, ValidationError } from "../core/index.js";
import type { Embedder } from "./types.js";

export interface PcaEmbedderParams {
  /** Number of principal components kept. */
  nComponents: number;
}

/** PCA fitted on the training part only, then applied to any data (src/core's PCA). */
export class PcaEmbedder implements Embedder {
  readonly params: PcaEmbedderParams;
  pca: PCA | null = null;

  constructor(params?: Partial<PcaEmbedderParams>) {
    this.params = withDefaults<PcaEmbedderParams>({ nComponents: 20 }, params, "PcaEmbedder");
    checkInteger(this.params.nComponents, "PcaEmbedder nComponents", 1);
  }

  fit(data: MatrixLike): this {
    this.pca = new PCA({ nComponents: this.params.nComponents }).fit(data);
    return this;
  }

  transform(data: MatrixLike): Matrix {
    if (!this.pca) throw new ValidationError("PcaEmbedder.transform: call fit first");
    return this.pca.transform(data);
  }
}
