export { binTrials, behaviourAtBins } from "./bin.js";
export { alignTrials, type AlignTrialsOptions } from "./align.js";
export { fitLength, resampleRows, commonLength, type LengthMode } from "./length.js";
export { trialVelocity, type DifferenceScheme } from "./velocity.js";
export { splitTrials, type TrialSplit } from "./splits.js";
