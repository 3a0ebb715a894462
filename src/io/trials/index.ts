export { describeRecording, recordingCounts, checkTrialRecording, trialsByCondition, type TrialRecording, type RecordedTrial, type SessionInfo, type ReadReport, type Exclusion } from "./recording.js";
export { readTrialTable, readTrialTableSessions, writeTrialTableCsv, type ReadTrialTableOptions } from "./long-table.js";
export { readTrialConditions } from "./trial-file.js";
export { readNwbTrials, type ReadNwbTrialsOptions, type NwbBehaviourSeries } from "./nwb.js";
export { readConditionsSpikingMat, DATAVERSE_DIRECTIONS, type ReadConditionsMatOptions } from "./mat-conditions.js";
export { readDataverseReaching, joinDataverseKinematics, DATAVERSE_KINEMATIC_ROWS, type DataverseReachingFiles, type ReadDataverseReachingOptions, type KinematicTrial } from "./dataverse-kinematics.js";
