// Rich outputs for notebooks: interactive figures for the JupyterLab extension with
// static SVG and text fallbacks.
export { flowField, latentSpace, distanceMatrix, showBundle } from "./show.js";
export {
  flowFieldBundle,
  latentSpaceBundle,
  distanceMatrixBundle,
  type MarbleBundle,
  type FlowFieldOptions,
  type LatentSpaceOptions,
  type DistanceMatrixOptions,
} from "./figures.js";
export { insideTslab } from "./tslab.js";
export { encodeArray, decodeArray } from "./encode.js";
export {
  FLOWFIELD_MIME,
  LATENT_MIME,
  DISTANCES_MIME,
  type EncodedArray,
  type EncodedDType,
  type FlowFieldPayload,
  type LatentPayload,
  type DistancesPayload,
  type MarblePayload,
} from "./payload.js";
