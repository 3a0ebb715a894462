export {
  RecordingPipeline,
  RECORDING_PIPELINE_DEFAULTS,
  PIPELINE_FILE,
  assertSamePreprocessing,
  preprocessingDifferences,
  preparedPointValues,
  type PipelineRecording,
  type RecordingPipelineParams,
  type RecordingPipelineState,
  type PreparedRecording,
  type PipelineJson,
} from "./recording-pipeline.js";
export { prepareLinearTrack, linearTrackSummary, LINEAR_TRACK_DEFAULTS, type LinearTrackParams, type PreparedLinearTrack } from "./linear-track.js";
export {
  segmentRows, statesAndDifferences, medianAbsoluteError, permutation, decodeWithControls,
  type SegmentRows, type DecodingWithControls,
} from "./segment-decoding.js";
export * from "./reaching/index.js";
