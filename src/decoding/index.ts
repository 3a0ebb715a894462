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
export { trialFolds, groupByTrial, type TrialFolds } from "./folds.js";
export { choleskySolveInPlace } from "./cholesky.js";
export { RidgeDecoder, crossValidateRidge, ridgeStats, ridgeFromStats, RIDGE_LAMBDAS, type RidgeCrossValidation, type RidgeFit, type RidgeStats } from "./ridge.js";
export { crossValidateDecoder, DECODER_METHODS, type DecoderMethod, type CrossValidateOptions, type DecodingResult } from "./cross-validate.js";
export { shuffleTargets, SHUFFLE_KINDS, type ShuffleKind, type ShuffledTargets } from "./shuffle.js";
export { NearestMeanClassifier, directionAccuracy } from "./direction.js";
