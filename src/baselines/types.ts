import type { Matrix, MatrixLike } from "../core/index.js";

/**
 * The estimator shape shared by every baseline: fit on a training part (rows are time bins,
 * columns are channels), then transform any data with the same columns.
 * Supervised embedders use `labels` (one row per time bin); unsupervised ones ignore it.
 */
export interface Embedder {
  fit(data: MatrixLike, labels?: MatrixLike | ArrayLike<number>): this;
  transform(data: MatrixLike): Matrix;
  /**
   * Fit, then embed the training data itself. Defined where this differs from
   * fit + transform: UMAP returns its fitted layout rather than re-placing the training points.
   */
  fitTransform?(data: MatrixLike, labels?: MatrixLike | ArrayLike<number>): Matrix;
}
