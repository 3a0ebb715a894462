export { cluster, kmeansPlusPlus, relabelByProximity, type ClusterOptions, type ClusterResult } from "./kmeans.js";
export { transportSimplex, type TransportResult } from "./emd.js";
export {
  emd,
  distributionDistances,
  pointCloudEmd,
  type EmdResult,
  type DistributionDistanceOptions,
  type DistributionDistances,
} from "./distances.js";
export { embed2D, fuzzyNeighbourGraph, type Embed2DMethod, type Embed2DOptions } from "./embed.js";
export { classicalMds, smacof, type SmacofOptions, type SmacofResult } from "./mds.js";
export { TSNE_MAX_POINTS } from "./tsne.js";
export { consistencyScore, binEmbedding, binEmbeddingCebra, type ConsistencyResult } from "./consistency.js";
export { wilcoxonSignedRank, signedRankPmf, type Alternative, type WilcoxonResult } from "./wilcoxon.js";
