export { binSpikeTimes, type BinSpikeTimesOptions } from "./binning.js";
export { boundaryIndex, type BoundaryMode } from "./boundary.js";
export { gaussianSmooth, gaussianKernel1d, type GaussianSmoothOptions } from "./gaussian-smooth.js";
export { savgolFilter, savgolWeights, type SavgolOptions } from "./savgol.js";
export { pcaFitApply } from "./pca-split.js";
export { diffRows, trajectoryVelocity, positionsAndVelocities, type TrajectoryVelocityOptions } from "./velocity.js";
export { alignToEvents, type AlignOptions } from "./align.js";
export { trialsToConditions, type ConditionData } from "./conditions.js";
export * from "./trials/index.js";
