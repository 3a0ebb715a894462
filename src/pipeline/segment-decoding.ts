/**
 * Decoding over segments (running epochs, trials): per-segment smoothing and differences, so that
 * nothing crosses from one segment into another (and so from training into test data), and a k-NN
 * decoder reported beside its two controls: training labels shuffled across bins, and training
 * labels shifted in time (circularly by half their length), which keeps their autocorrelation but
 * breaks their link to the neural data.
 */
import { Matrix } from "../core/matrix.js";
import { ValidationError } from "../core/validate.js";
import { KnnDecoder, type KnnMetric } from "../decoding/knn.js";
import { gaussianSmooth } from "../preprocessing/gaussian-smooth.js";
import type { Segment } from "../preprocessing/running.js";

export interface SegmentRows {
  /** Rows of the data, segment after segment. */
  data: Matrix;
  /** Segment index (into the list given) of each row. */
  segment: Int32Array;
  /** Original bin of each row. */
  bin: Int32Array;
}

/** Rows of `data` in the given segments, each Gaussian-smoothed on its own (σ in bins; 0 = none). */
export function segmentRows(data: Matrix, segments: Segment[], sigmaBins = 0): SegmentRows {
  const total = segments.reduce((s, g) => s + g.end - g.start, 0);
  const out = new Matrix(total, data.cols);
  const segment = new Int32Array(total), bin = new Int32Array(total);
  let row = 0;
  segments.forEach((g, s) => {
    if (!(g.start >= 0 && g.end <= data.rows && g.end > g.start)) throw new ValidationError(`segmentRows: segment ${s} [${g.start}, ${g.end}) is outside the ${data.rows} rows`);
    const idx = Array.from({ length: g.end - g.start }, (_, i) => g.start + i);
    let part = data.selectRows(idx);
    if (sigmaBins > 0) part = gaussianSmooth(part, { sigma: sigmaBins });
    out.data.set(part.data, row * data.cols);
    for (let i = 0; i < idx.length; i++) {
      segment[row + i] = s;
      bin[row + i] = idx[i];
    }
    row += idx.length;
  });
  return { data: out, segment, bin };
}

/**
 * States and their forward differences within segments: row i's vector is row i+1 − row i when both
 * belong to the same segment; the last row of each segment has no successor and is left out.
 * Returns the kept row indices too, to select labels.
 */
export function statesAndDifferences(rows: Matrix, segment: ArrayLike<number>): { states: Matrix; vectors: Matrix; kept: Int32Array } {
  const kept: number[] = [];
  for (let i = 0; i + 1 < rows.rows; i++) if (segment[i] === segment[i + 1]) kept.push(i);
  const states = rows.selectRows(kept);
  const vectors = new Matrix(kept.length, rows.cols);
  kept.forEach((i, r) => {
    for (let j = 0; j < rows.cols; j++) vectors.data[r * rows.cols + j] = rows.data[(i + 1) * rows.cols + j] - rows.data[i * rows.cols + j];
  });
  return { states, vectors, kept: Int32Array.from(kept) };
}

/** Median of |a − b|. */
export function medianAbsoluteError(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (predicted.length !== truth.length || truth.length === 0) throw new ValidationError(`medianAbsoluteError: ${predicted.length} predictions for ${truth.length} values`);
  const e = Float64Array.from(truth, (y, i) => Math.abs(predicted[i] - y)).sort();
  const h = e.length >> 1;
  return e.length % 2 ? e[h] : (e[h - 1] + e[h]) / 2;
}

/** A seeded permutation (xorshift32 + Fisher–Yates). */
export function permutation(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  let s = (seed >>> 0) || 0x9e3779b9;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const j = s % (i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

export interface DecodingWithControls {
  predicted: Float64Array;
  /** Predictions of the two controls, for pooling errors across folds. */
  shuffledPredicted: Float64Array;
  shiftedPredicted: Float64Array;
  /** Median absolute error of the decoder. */
  error: number;
  /** The same decoder trained on shuffled training labels. */
  shuffledError: number;
  /** The same decoder trained on training labels shifted by half their length. */
  shiftedError: number;
}

/** k-NN regression of a 1-D label from embeddings, with its shuffle and time-shift controls. */
export function decodeWithControls(
  zTrain: Matrix, yTrain: ArrayLike<number>, zTest: Matrix, yTest: ArrayLike<number>,
  options: { k?: number; metric?: KnnMetric; seed?: number } = {},
): DecodingWithControls {
  const k = options.k ?? 36, metric = options.metric ?? "cosine", seed = options.seed ?? 0;
  if (zTrain.rows !== yTrain.length || zTest.rows !== yTest.length) {
    throw new ValidationError(`decodeWithControls: ${zTrain.rows}/${zTest.rows} train/test rows for ${yTrain.length}/${yTest.length} labels`);
  }
  const run = (labels: ArrayLike<number>) => new KnnDecoder({ k, metric }).fit(zTrain, Array.from(labels)).predict(zTest).col(0);
  const predicted = Float64Array.from(run(yTrain));
  const perm = permutation(yTrain.length, seed + 1);
  const shuffled = Float64Array.from(run(Array.from(perm, (i) => yTrain[i])));
  const n = yTrain.length, shift = Math.floor(n / 2);
  const shifted = Float64Array.from(run(Array.from({ length: n }, (_, i) => yTrain[(i + shift) % n])));
  return {
    predicted,
    shuffledPredicted: shuffled,
    shiftedPredicted: shifted,
    error: medianAbsoluteError(predicted, yTest),
    shuffledError: medianAbsoluteError(shuffled, yTest),
    shiftedError: medianAbsoluteError(shifted, yTest),
  };
}
