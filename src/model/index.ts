export { Marble, TrainingInterrupted, dataSignature, type MarbleDataSignature, type FitOptions, type FitResult, type EpochReport } from "./marble.js";
export { CheckpointError, FolderLockedError } from "./checkpoint-io.js";
export { MARBLE_DEFAULTS, resolveMarbleParams, gradientChannelCount, marbleShape, marbleParameterCount, type MarbleParams, type MarbleShape } from "./params.js";
/** Layers (Linear, BatchNorm, GradientFeatures, diffusion, inner products, loss, …) and checkpoint I/O. */
export * as marbleLayers from "./layers.js";
