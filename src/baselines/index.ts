export type { Embedder } from "./types.js";
export { RawRatesEmbedder, type RawRatesEmbedderParams } from "./raw-rates.js";
export { PcaEmbedder, type PcaEmbedderParams } from "./pca-embedder.js";
export { UmapEmbedder, type UmapEmbedderParams } from "./umap-embedder.js";
export { ContrastiveEmbedder, CONTRASTIVE_DEFAULTS, type ContrastiveEmbedderParams } from "./contrastive/contrastive-embedder.js";
export { fitCacheDir } from "./contrastive/fit-cache.js";
export {
  compareEmbedders, knnEmbeddingDecoder, medianAbsoluteErrorOfColumn,
  type CompareEmbeddersOptions, type EmbedderComparisonRow, type EmbeddingDecoder, type EmbeddingMetric,
} from "./compare.js";
