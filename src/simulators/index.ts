export { rk4, dormandPrince, type OdeRhs, type DormandPrinceOptions, type DormandPrinceResult } from "./ode.js";
export { vanDerPolField, toyField, TOY_FIELD_NAMES } from "./fields.js";
export { sampleUniformBox, sampleGrid2d, type Box } from "./sampling.js";
export { paraboloidHeight, liftPointsToParaboloid, liftToParaboloid, type LiftOptions } from "./paraboloid.js";
export { vanDerPolConditions, type VanDerPolConditions, type VanDerPolConditionsOptions } from "./van-der-pol.js";
export { toyFieldConditions, type ToyFieldOptions } from "./toy-fields.js";
export { fillStandardNormal } from "./normal.js";
export { LowRankRnn, type LowRankRnnParams, type RnnTrialOptions } from "./low-rank-rnn.js";
export { dmsTrials, dmsAccuracy, DMS_TRIAL_TYPES, type DmsTrial, type DmsTrialType, type DmsOptions } from "./dms.js";
export { rnnGainConditions, rnnGainInput, type RnnGainConditions, type RnnGainExperimentOptions } from "./rnn-experiment.js";
export {
  simulateMacaqueReaching, preprocessReaching, REACH_DIRECTIONS, REACH_ANGLES_DEG,
  type SimulatedMacaqueDataset, type SimulatedMacaqueOptions, type SimulatedReachTrial, type ReachPreprocessOptions, type ReachSession,
} from "./macaque.js";
export { deriveSeed } from "./seeds.js";
export { simulatePopulationRecording, type SyntheticRecording, type SyntheticRecordingOptions } from "./synthetic-recording.js";
