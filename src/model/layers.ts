/** The network's building blocks, each with forward and backward passes over typed arrays. */
export { parameter, buffer, type Tensor } from "./tensor.js";
export { Linear, linearForward, linearBackward } from "./linear.js";
export { BatchNorm, type BatchNormCache } from "./batchnorm.js";
export { reluForward, reluBackward, dropoutForward, dropoutBackward } from "./activation.js";
export { MLP, type MlpCache } from "./mlp.js";
export { normalizeRows, normalizeRowsBackward, normalizeRowsTangent } from "./normalize.js";
export { InnerProductFeatures } from "./inner-product.js";
export { contrastiveLoss } from "./loss.js";
export { derivativeStep, derivativeStepTranspose, GradientFeatures, type GradientFeatureOptions } from "./gradient.js";
export { ScalarDiffusion, VectorDiffusion, clampDiffusionTime, MIN_DIFFUSION_TIME } from "./diffusion.js";
export {
  createFeatureProvider, signalInFrames, StaticFeatures, RecomputedFeatures, ExpandedFeatures,
  type FeatureProvider, type FeatureRows, type FeatureOptions,
} from "./features.js";
export { subsampleKernels } from "./subsample.js";
export { encodeSafetensors, decodeSafetensors, type NamedArray } from "./safetensors.js";
export { commitCheckpoint, readCheckpoint, inspectFolder, checkOutputFolder, CheckpointError, type DataFile, type LoadedCheckpoint } from "./checkpoint-io.js";
