/**
 * Payload schema of MarbleLab's rich outputs (version 1).
 *
 * This file is shared verbatim by the kernel side (src/display) and the JupyterLab
 * extension (extension/src/payload.ts, copied by scripts/build-extension.mjs and checked
 * identical by test/display). It must stay free of imports and runtime dependencies.
 *
 * Large numeric arrays travel as {@link EncodedArray}: the raw bytes of a little-endian
 * typed array, base64-encoded, with a shape. That keeps a 100k-point payload at about
 * 1.4 MB per float32 column pair instead of several MB of JSON numbers, and decodes in
 * the browser without parsing numbers one by one.
 */

/** MIME type of a vector-field figure. */
export const FLOWFIELD_MIME = "application/vnd.marble.flowfield.v1+json";
/** MIME type of a latent-embedding scatter figure. */
export const LATENT_MIME = "application/vnd.marble.latent.v1+json";
/** MIME type of a distance-matrix heatmap with its MDS embedding. */
export const DISTANCES_MIME = "application/vnd.marble.distances.v1+json";

/** Element types an {@link EncodedArray} may hold. */
export type EncodedDType = "float32" | "float64" | "int32" | "uint32" | "int16" | "uint16" | "int8" | "uint8";

/** A typed array as little-endian bytes in base64, row-major with the given shape. */
export interface EncodedArray {
  dtype: EncodedDType;
  /** `[n]` for vectors, `[n, d]` for row-major matrices. */
  shape: number[];
  /** Base64 of the little-endian bytes (length = product(shape) × bytes per element). */
  data: string;
}

/** Fields every figure payload carries. */
export interface FigureBase {
  /** Schema version; renderers reject versions they do not know. */
  version: 1;
  /**
   * Figures with the same dataset id share node ids: a selection made in one highlights
   * the same nodes in every other figure of that dataset on the page.
   */
  datasetId: string;
  title?: string;
}

/** Vector fields over points, one condition per panel or overlaid. */
export interface FlowFieldPayload extends FigureBase {
  kind: "flowfield";
  /** 2 draws arrows, 3 draws cones. */
  dim: 2 | 3;
  /** `[n, dim]` float32 base points (the sampled manifold). */
  positions: EncodedArray;
  /** `[n, dim]` float32 vectors at those points. */
  vectors: EncodedArray;
  /** `[n]` int32 node ids used for linked selection (defaults to 0..n-1 when absent). */
  nodeIds?: EncodedArray;
  /** `[n]` int32 index into `conditionNames` (all 0 when absent). */
  condition?: EncodedArray;
  conditionNames: string[];
  /** One panel per condition, or all conditions in one panel. */
  layout: "panels" | "overlay";
  /** Colour arrows by condition or by vector length. */
  colorBy: "condition" | "magnitude";
  /** Arrow length = vector × arrowScale, in data units. */
  arrowScale: number;
}

/** A 2-D or 3-D scatter of embedded nodes. */
export interface LatentPayload extends FigureBase {
  kind: "latent";
  dim: 2 | 3;
  /** `[n, dim]` float32 coordinates. */
  embedding: EncodedArray;
  /** `[n]` int32 node ids used for linked selection (defaults to 0..n-1 when absent). */
  nodeIds?: EncodedArray;
  /** `[n]` int32 index into `conditionNames`. */
  condition?: EncodedArray;
  conditionNames?: string[];
  /** `[n]` float32 continuous label (e.g. position on a track, time). */
  label?: EncodedArray;
  labelName?: string;
  /** `[n]` int32 cluster index. */
  cluster?: EncodedArray;
  colorBy: "condition" | "label" | "cluster";
  /** Extra per-node columns shown on hover: `[n]` float32 each. */
  hover?: { name: string; values: EncodedArray }[];
  /** How the coordinates were obtained, e.g. "PCA of a 20-D embedding". */
  axisNote?: string;
}

/** A symmetric distance matrix between conditions and its 2-D MDS embedding. */
export interface DistancesPayload extends FigureBase {
  kind: "distances";
  /** Names of the m items (conditions), in matrix order. */
  names: string[];
  /** `[m, m]` float64 distances. */
  distances: EncodedArray;
  /** `[m, 2]` float64 classical MDS coordinates. */
  embedding: EncodedArray;
  /** Optional group per item, used to colour the MDS points. */
  groups?: string[];
}

export type MarblePayload = FlowFieldPayload | LatentPayload | DistancesPayload;
