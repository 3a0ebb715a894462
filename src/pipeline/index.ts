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
export * from "./reaching/index.js";
