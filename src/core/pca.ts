import { lazyModule } from "./lazy-module.js";
import { Matrix, type MatrixLike } from "./matrix.js";
import { symmetricEigen } from "./eigen.js";
import { topSymmetricEigen } from "./top-eigen.js";
import { toMatrix, ValidationError, checkInteger } from "./validate.js";
import { addScatterUpper } from "./scatter.js";

// ml-matrix only for eigenproblems beyond 48 × 48, so only then
const mlMatrix = lazyModule<typeof import("ml-matrix")>("ml-matrix", "eigendecompositions larger than 48 × 48 (PCA, MDS)");

/**
 * Principal component analysis with scikit-learn's fit/transform shape. Fitted on one
 * part of the data and applied to another (e.g. train bins → test bins).
 * Component signs follow scikit-learn's convention (largest |loading| positive), so
 * projections are comparable with Python references.
 */
export class PCA {
  readonly nComponents: number;
  mean: Float64Array | null = null;
  /** nComponents × d, rows are unit principal axes. */
  components: Matrix | null = null;
  explainedVariance: Float64Array | null = null;
  explainedVarianceRatio: Float64Array | null = null;

  constructor(options: { nComponents: number }) {
    checkInteger(options.nComponents, "PCA nComponents", 1);
    this.nComponents = options.nComponents;
  }

  fit(x: MatrixLike): this {
    const X = toMatrix(x, "PCA input");
    const n = X.rows, d = X.cols;
    if (n < 2) throw new ValidationError(`PCA input: needs at least 2 rows, got ${n}`);
    if (this.nComponents > d) throw new ValidationError(`PCA nComponents (${this.nComponents}) exceeds the number of columns (${d})`);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += X.data[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    const cov = new Matrix(d, d);
    addScatterUpper(X.data, n, d, mean, cov.data);
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        const v = cov.data[a * d + b] / (n - 1);
        cov.data[a * d + b] = v;
        cov.data[b * d + a] = v;
      }
    }
    let total = 0;
    for (let j = 0; j < d; j++) total += cov.data[j * d + j];
    const k = this.nComponents;
    // k rows of unit axes, by the cheapest exact route: a full decomposition for small d, subspace
    // iteration for a few components of wide data (falling back to the full one if it stalls)
    let values: Float64Array;
    let axes: Matrix;
    const top = d > 48 && k <= d / 4 ? topSymmetricEigen(cov, k) : null;
    if (top) {
      values = top.values;
      axes = top.vectors;
    } else {
      const full = eigenDescending(cov);
      values = full.values;
      axes = full.vectors.transpose().sliceRows(0, k);
    }
    const comps = new Matrix(k, d);
    for (let c = 0; c < k; c++) {
      let maxAbs = 0, sign = 1;
      for (let j = 0; j < d; j++) {
        const v = axes.data[c * d + j];
        if (Math.abs(v) > maxAbs) {
          maxAbs = Math.abs(v);
          sign = v < 0 ? -1 : 1;
        }
      }
      for (let j = 0; j < d; j++) comps.data[c * d + j] = sign * axes.data[c * d + j];
    }
    this.mean = mean;
    this.components = comps;
    this.explainedVariance = Float64Array.from(values.subarray(0, k), (v) => Math.max(v, 0));
    this.explainedVarianceRatio = Float64Array.from(this.explainedVariance, (v) => (total > 0 ? v / total : 0));
    return this;
  }

  transform(x: MatrixLike): Matrix {
    if (!this.components || !this.mean) throw new ValidationError("PCA: call fit() before transform()");
    const X = toMatrix(x, "PCA input", { cols: this.mean.length });
    const d = X.cols, k = this.nComponents;
    const out = new Matrix(X.rows, k);
    for (let i = 0; i < X.rows; i++) {
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (X.data[i * d + j] - this.mean[j]) * this.components.data[c * d + j];
        out.data[i * k + c] = s;
      }
    }
    return out;
  }

  fitTransform(x: MatrixLike): Matrix {
    return this.fit(x).transform(x);
  }

  /** Maps component scores back to the input space. */
  inverseTransform(z: MatrixLike): Matrix {
    if (!this.components || !this.mean) throw new ValidationError("PCA: call fit() before inverseTransform()");
    const Z = toMatrix(z, "PCA scores", { cols: this.nComponents });
    const d = this.mean.length, k = this.nComponents;
    const out = new Matrix(Z.rows, d);
    for (let i = 0; i < Z.rows; i++) {
      for (let j = 0; j < d; j++) {
        let s = this.mean[j];
        for (let c = 0; c < k; c++) s += Z.data[i * k + c] * this.components.data[c * d + j];
        out.data[i * d + j] = s;
      }
    }
    return out;
  }
}

/** Symmetric eigendecomposition, descending; Jacobi for small matrices, Householder + QL beyond. */
export function eigenDescending(a: Matrix): { values: Float64Array; vectors: Matrix } {
  const d = a.rows;
  if (d <= 48) return symmetricEigen(a);
  const { EigenvalueDecomposition, Matrix: MlMatrix } = mlMatrix();
  const evd = new EigenvalueDecomposition(new MlMatrix(a.toArray()), { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((i, j) => vals[j] - vals[i]);
  const values = new Float64Array(d);
  const vectors = new Matrix(d, d);
  order.forEach((src, dst) => {
    values[dst] = vals[src];
    for (let k = 0; k < d; k++) vectors.data[k * d + dst] = vecs.get(k, src);
  });
  return { values, vectors };
}
