export * from "./rnn-weights.js";
export { type NdArray, type NumericTypedArray, toFloat64 as ndarrayToFloat64 } from "./dtype.js";
export { readNpy, writeNpy, npyToMatrix, type NpyInput } from "./npy.js";
export { readCsvMatrix, type CsvReadOptions, type CsvMatrix, type HeaderOption } from "./csv.js";
export { type MissingPolicy, type PolicyReport, type ChangedCell } from "./missing.js";
export {
  readMat5,
  matToMatrix,
  type MatValue,
  type MatNumeric,
  type MatChar,
  type MatCell,
  type MatStruct,
  type MatUnsupported,
} from "./mat5.js";
export { readMat, isHdf5File } from "./mat.js";
export { readHdf5Dataset, readHdf5Datasets, hdf5GroupKeys, listHdf5, readMat73, type Hdf5Entry } from "./hdf5.js";
export { readJoblib, readPickle, unpickle, pickledArray, PythonObject } from "./pickle.js";
export { writeFileAtomic } from "./atomic.js";
export { dataDir, cacheDir, manifestsDir } from "./paths.js";
export {
  loadRatHippocampus,
  unscrambleAchillesSpikes,
  RAT_NAMES,
  RAT_MANIFEST,
  type RatName,
  type RatSource,
  type RatHippocampusData,
  type RatLoadOptions,
} from "./rat-hippocampus.js";
export {
  validateManifest,
  validateAgainstSchema,
  readManifest,
  loadManifests,
  getManifest,
  type DatasetManifest,
  type ManifestFile,
} from "./manifest.js";
export {
  fetchFile,
  fetchDataset,
  verifyFile,
  verifyDataset,
  hashFile,
  resolveDandiAsset,
  datasetCacheDir,
  selectFiles,
  ChecksumError,
  type Checksums,
  type FetchOptions,
  type FetchResult,
  type FetchDatasetOptions,
  type VerifyResult,
  type VerifyDatasetEntry,
} from "./fetch.js";
export { readTorch, readTorchStateDict, readZipEntries } from "./torch.js";
export { readTable, tableToRecording, loadRecording, type TableFormat, type ReadTableOptions, type RecordingFromTableOptions, type RecordingUnits, type TabularRecording } from "./table.js";
export { matToPlain, matVariablesToPlain, type PlainMatValue, type PlainMatArray, type PlainMatComplex, type PlainMatUnsupported, type MatToPlainOptions } from "./mat-plain.js";
export {
  readHeaderedRecords, parseFieldList, parseSettings, RECORD_FIELD_TYPES,
  type HeaderedRecords, type HeaderedRecordsOptions, type RecordField, type RecordFieldType, type RecordColumn,
} from "./binary-records.js";
export { readVideoTracking, type VideoTracking, type VideoTrackingOptions } from "./video-tracking.js";
export { spikeTimesFromMatClust, readMatClustSpikes, type MatClustSpikes, type MatClustOptions, type SpikeUnit } from "./matclust.js";
export { loadLinearTrackRecording, linearTrackDir, describeLinearTrackRecording, type LinearTrackRecording, type LinearTrackLoadOptions } from "./linear-track.js";
export * from "./trials/index.js";
