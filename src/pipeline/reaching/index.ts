export { trialRecordingsFromSimulation } from "./from-simulation.js";
export { prepareReaching, REACHING_DEFAULTS, type PreparedReaching, type ReachingPreprocessOptions } from "./prepare.js";
export { gatherPointRows, pointTrials, withHistory } from "./gather.js";
export { decodeReachingSession, graphK, REACHING_DECODE_DEFAULTS, type ReachingDecodeOptions, type DecodingRow, type SessionDecoding } from "./decode.js";
export { runReachingSessions, pairedSessionTests, type PairedTest, type ReachingSessionsResult } from "./sessions.js";
export { loadReachingData, dataverseReachingFile, type ReachingDataChoice, type LoadReachingDataOptions } from "./data-source.js";
