/**
 * Consistency of embeddings across animals. For an ordered pair (i, j) an ordinary least-squares
 * map with intercept takes i's label-binned embedding to j's; the score is its R² (uniform average
 * over j's dimensions). Two binnings:
 * - "normalized" (default, the method's description): each animal's label is normalised to [0, 1]
 *   and cut into `bins` equal bins; the embedding is averaged per bin; bins empty in either animal
 *   are left out of that pair.
 * - "cebra" (CEBRA's consistency_score between datasets, which the published numbers used): bin
 *   edges span the common label range of all animals (`bins` edges, so bins − 1 bins); an empty bin
 *   borrows the points within ±1, then ±2 bins; every bin mean is scaled to unit length.
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { toMatrix, withDefaults, checkInteger, checkOneOf, ValidationError, assertFinite } from "../core/validate.js";
import { leastSquaresWithBias } from "../decoding/linear.js";
import { r2Score } from "../decoding/r2.js";

export interface ConsistencyResult {
  /** R² per ordered pair, aligned with `pairs`. */
  scores: number[];
  /** [from, to] animal indices. */
  pairs: [number, number][];
  mean: number;
  /** Score matrix (animals × animals, NaN on the diagonal). */
  matrix: Matrix;
}

export function consistencyScore(
  embeddings: MatrixLike[],
  labels: ArrayLike<number>[],
  options: { bins?: number; binning?: "normalized" | "cebra" } = {},
): ConsistencyResult {
  const { bins, binning } = withDefaults<{ bins: number; binning: "normalized" | "cebra" }>({ bins: 100, binning: "normalized" }, options, "consistencyScore");
  checkInteger(bins, "consistencyScore bins", 2);
  checkOneOf(binning, "consistencyScore binning", ["normalized", "cebra"] as const);
  if (!Array.isArray(embeddings) || embeddings.length < 2) {
    throw new ValidationError(`consistencyScore: pass at least 2 embeddings (one per animal), got ${Array.isArray(embeddings) ? embeddings.length : typeof embeddings}`);
  }
  if (!Array.isArray(labels) || labels.length !== embeddings.length) {
    throw new ValidationError(`consistencyScore: pass one label array per embedding (${embeddings.length}), got ${Array.isArray(labels) ? labels.length : typeof labels}`);
  }
  const mats = embeddings.map((e, a) => {
    const X = toMatrix(e, `consistencyScore embeddings[${a}]`);
    const l = labels[a];
    if (!l || l.length !== X.rows) {
      throw new ValidationError(`consistencyScore labels[${a}]: has ${l ? l.length : "no"} entries but embeddings[${a}] has ${X.rows} rows; pass one label per row`);
    }
    assertFinite(l, `consistencyScore labels[${a}]`);
    return X;
  });
  let lo = Infinity, hi = -Infinity;
  for (const l of labels) for (let i = 0; i < l.length; i++) [lo, hi] = [Math.min(lo, l[i]), Math.max(hi, l[i])];
  const binned = mats.map((X, a) => (binning === "cebra" ? binEmbeddingCebra(X, labels[a], bins, lo, hi, a) : binEmbedding(X, labels[a], bins, a)));
  const nBins = binned[0].filled.length;
  const d0 = binned[0].means.cols;
  binned.forEach((b, a) => {
    if (b.means.cols !== d0) throw new ValidationError(`consistencyScore embeddings[${a}]: has ${b.means.cols} dimensions, embeddings[0] has ${d0}; embed all animals to the same dimension`);
  });
  const nA = binned.length;
  const scores: number[] = [];
  const pairs: [number, number][] = [];
  const matrix = new Matrix(nA, nA);
  matrix.data.fill(NaN);
  for (let i = 0; i < nA; i++) {
    for (let j = 0; j < nA; j++) {
      if (i === j) continue;
      const shared: number[] = [];
      for (let b = 0; b < nBins; b++) if (binned[i].filled[b] && binned[j].filled[b]) shared.push(b);
      if (shared.length < 3) {
        throw new ValidationError(`consistencyScore: animals ${i} and ${j} share only ${shared.length} filled bins; use fewer bins or more data`);
      }
      const A = binned[i].means.selectRows(shared), B = binned[j].means.selectRows(shared);
      const { weights, bias } = leastSquaresWithBias(A, B);
      const P = new Matrix(B.rows, B.cols);
      for (let r = 0; r < A.rows; r++) {
        for (let k = 0; k < B.cols; k++) {
          let s = bias[k];
          for (let c = 0; c < A.cols; c++) s += A.data[r * A.cols + c] * weights.data[c * B.cols + k];
          P.data[r * B.cols + k] = s;
        }
      }
      const score = r2Score(B, P);
      scores.push(score);
      pairs.push([i, j]);
      matrix.set(i, j, score);
    }
  }
  return { scores, pairs, mean: scores.reduce((s, v) => s + v, 0) / scores.length, matrix };
}

/** Mean embedding per label bin (label normalised to [0, 1], bin = ⌊v · bins⌋, the maximum joining the last bin). */
export function binEmbedding(X: Matrix, label: ArrayLike<number>, bins: number, animal = 0): { means: Matrix; filled: Uint8Array } {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < label.length; i++) {
    lo = Math.min(lo, label[i]);
    hi = Math.max(hi, label[i]);
  }
  if (!(hi > lo)) throw new ValidationError(`consistencyScore labels[${animal}]: all labels are equal (${lo}); the label must vary to be binned`);
  const d = X.cols;
  const means = new Matrix(bins, d);
  const counts = new Float64Array(bins);
  for (let i = 0; i < X.rows; i++) {
    const b = Math.min(Math.floor(((label[i] - lo) / (hi - lo)) * bins), bins - 1);
    counts[b]++;
    for (let j = 0; j < d; j++) means.data[b * d + j] += X.data[i * d + j];
  }
  const filled = new Uint8Array(bins);
  for (let b = 0; b < bins; b++) {
    if (counts[b] === 0) continue;
    filled[b] = 1;
    for (let j = 0; j < d; j++) means.data[b * d + j] /= counts[b];
  }
  return { means, filled };
}

/**
 * CEBRA's alignment: edges linspace(lo, hi, bins) over the common label range, bin index as
 * numpy.digitize (index t for edges[t−1] ≤ v < edges[t]); bins 1 … bins − 1 are kept, an empty one
 * averages the points within ±1, then ±2 bin indices; each bin mean is scaled to unit length.
 */
export function binEmbeddingCebra(X: Matrix, label: ArrayLike<number>, bins: number, lo: number, hi: number, animal = 0): { means: Matrix; filled: Uint8Array } {
  if (!(hi > lo)) throw new ValidationError(`consistencyScore: all labels are equal (${lo}); the label must vary to be binned`);
  const d = X.cols;
  const edges = Float64Array.from({ length: bins }, (_, t) => lo + ((hi - lo) * t) / (bins - 1));
  const digit = new Int32Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    // numpy.digitize with increasing edges: number of edges ≤ v.
    let a = 0, b = bins;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (edges[mid] <= label[i]) a = mid + 1;
      else b = mid;
    }
    digit[i] = a;
  }
  const means = new Matrix(bins - 1, d);
  const filled = new Uint8Array(bins - 1).fill(1);
  for (let idx = 1; idx < bins; idx++) {
    let count = 0;
    const row = means.row(idx - 1);
    for (let widen = 0; widen <= 2 && count === 0; widen++) {
      for (let i = 0; i < X.rows; i++) {
        if (Math.abs(digit[i] - idx) > widen) continue;
        count++;
        for (let j = 0; j < d; j++) row[j] += X.data[i * d + j];
      }
    }
    if (count === 0) {
      throw new ValidationError(`consistencyScore embeddings[${animal}]: no points within 2 bins of bin ${idx}; use fewer bins`);
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += (row[j] / count) ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) row[j] = row[j] / count / (norm || 1);
  }
  return { means, filled };
}
