export * from "./rnn-weights.js";
export { type NdArray, type NumericTypedArray, toFloat64 as ndarrayToFloat64 } from "./dtype.js";
export { readNpy, writeNpy, npyToMatrix, type NpyInput } from "./npy.js";
export { readCsvMatrix, type CsvReadOptions, type CsvMatrix } from "./csv.js";
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
export { readHdf5Dataset, listHdf5, readMat73, type Hdf5Entry } from "./hdf5.js";
export { readJoblib, readPickle, unpickle, pickledArray, PythonObject } from "./pickle.js";
export { writeFileAtomic } from "./atomic.js";
