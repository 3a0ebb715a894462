import { Matrix, type MatrixLike, toMatrix, withDefaults, ValidationError } from "../core/index.js";
import type { Embedder } from "./types.js";

export type RawRatesEmbedderParams = Record<string, never>;

/**
 * Identity on the (already preprocessed) rates: the "no embedding" baseline. fit records the
 * channel count so transform can reject data with a different one.
 */
export class RawRatesEmbedder implements Embedder {
  private cols: number | null = null;

  constructor(params?: Partial<RawRatesEmbedderParams>) {
    withDefaults({}, params, "RawRatesEmbedder");
  }

  fit(data: MatrixLike): this {
    this.cols = toMatrix(data, "RawRatesEmbedder.fit data").cols;
    return this;
  }

  transform(data: MatrixLike): Matrix {
    if (this.cols === null) throw new ValidationError("RawRatesEmbedder.transform: call fit first");
    return toMatrix(data, "RawRatesEmbedder.transform data", { cols: this.cols }).clone();
  }
}
