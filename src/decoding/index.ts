export { r2Score, type R2Multioutput } from "./r2.js";
export {
  LinearDecoder,
  leastSquaresWithBias,
  crossValidateLinearDecoder,
  integrateVelocity,
  trajectoryFeatures,
  type CrossValidatedDecoding,
} from "./linear.js";
export { KnnDecoder, exactKnn, type KnnMetric, type KnnDecoderOptions } from "./knn.js";
export { LinearClassifier, type LinearClassifierOptions } from "./classifier.js";
