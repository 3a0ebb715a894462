// Classical (Torgerson) multidimensional scaling of a small distance matrix between
// conditions — m is the number of conditions, never the number of points.
import { Matrix } from "../core/matrix.js";
import { eigenDescending } from "../core/pca.js";

/**
 * Embeds an m × m distance matrix in `dims` dimensions: double-centre the squared
 * distances, B = -½ J D² J, and scale the top eigenvectors by √λ (negative λ clipped to 0).
 * Signs are fixed so the largest-magnitude entry of each axis is positive (reproducible).
 */
export function classicalMDS(distances: Matrix, dims = 2): Matrix {
  const m = distances.rows;
  const d2 = new Float64Array(m * m);
  for (let i = 0; i < m * m; i++) d2[i] = distances.data[i] * distances.data[i];
  const rowMean = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += d2[i * m + j];
    rowMean[i] = s / m;
    total += s;
  }
  const grand = total / (m * m);
  const b = new Matrix(m, m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) b.data[i * m + j] = -0.5 * (d2[i * m + j] - rowMean[i] - rowMean[j] + grand);
  }
  const { values, vectors } = eigenDescending(b);
  const out = new Matrix(m, dims);
  for (let k = 0; k < dims && k < m; k++) {
    const scale = Math.sqrt(Math.max(values[k], 0));
    let big = 0;
    for (let i = 0; i < m; i++) if (Math.abs(vectors.data[i * m + k]) > Math.abs(big)) big = vectors.data[i * m + k];
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < m; i++) out.data[i * dims + k] = sign * scale * vectors.data[i * m + k];
  }
  return out;
}
