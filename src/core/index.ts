export { Matrix, isMatrixList, matmul, matmulTransA, colMeans, vstack, rowDistance2, type MatrixLike } from "./matrix.js";
export { SparseMatrix, spmv, spmm, spmmTransposed } from "./sparse.js";
export { Random, type RandomState } from "./random.js";
export { symmetricEigen, jacobiEigenInPlace, svd } from "./eigen.js";
export { ValidationError, toMatrix, assertFinite, withDefaults, checkInteger, checkNumber, checkOneOf } from "./validate.js";
export { PCA, eigenDescending } from "./pca.js";
export { progressTask, type ProgressTask } from "./progress.js";
export { checkReference, REFERENCES, type Reference } from "./reference.js";
