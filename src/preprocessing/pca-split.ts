import { Matrix, isMatrixList, vstack, type MatrixLike } from "../core/matrix.js";
import { PCA } from "../core/pca.js";
import { ValidationError, toMatrix } from "../core/validate.js";

/**
 * Fits PCA on one part of the data (a matrix, or a list stacked row-wise, e.g. the training trials)
 * and projects every matrix of another list (e.g. all trials, or held-out ones) with it.
 * Returns the fitted estimator too, so more data can be projected later.
 */
export function pcaFitApply(
  fitOn: MatrixLike | MatrixLike[],
  applyTo: MatrixLike[],
  nComponents: number,
): { pca: PCA; projected: Matrix[] } {
  const fitList = isMatrixList(fitOn) ? fitOn : [fitOn as MatrixLike];
  if (fitList.length === 0) throw new ValidationError("pcaFitApply fitOn: the list is empty; pass at least one matrix");
  const parts = fitList.map((m, i) => toMatrix(m, `pcaFitApply fitOn[${i}]`));
  const cols = parts[0].cols;
  parts.forEach((p, i) => {
    if (p.cols !== cols) throw new ValidationError(`pcaFitApply fitOn[${i}]: has ${p.cols} columns, expected ${cols} like fitOn[0]`);
  });
  const pca = new PCA({ nComponents }).fit(parts.length === 1 ? parts[0] : vstack(parts));
  const projected = applyTo.map((m, i) => pca.transform(toMatrix(m, `pcaFitApply applyTo[${i}]`, { cols })));
  return { pca, projected };
}
