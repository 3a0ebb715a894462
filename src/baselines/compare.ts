import { Matrix, type MatrixLike, toMatrix, ValidationError } from "../core/index.js";
import { KnnDecoder } from "../decoding/index.js";
import { toLabelMatrix } from "./labels.js";
import type { Embedder } from "./types.js";

/** Maps train embeddings + labels and test embeddings to predicted test labels (one row per test bin). */
export type EmbeddingDecoder = (trainEmbedding: Matrix, trainLabels: Matrix, testEmbedding: Matrix) => Matrix;

/** A score of predictions against the truth (both test bins × label columns). */
export type EmbeddingMetric = (predicted: Matrix, truth: Matrix) => number;

export interface CompareEmbeddersOptions {
  /** Preprocessed training and test data (time bins × channels), the same for every embedder. */
  train: MatrixLike;
  test: MatrixLike;
  /** What is decoded: one row (or value) per bin of train and of test. */
  labels: { train: MatrixLike | ArrayLike<number>; test: MatrixLike | ArrayLike<number> };
  /** Named embedders, fitted on `train` and applied to `train` and `test`. */
  embedders: Record<string, Embedder>;
  /** Labels handed to each embedder's fit (default labels.train); e.g. position and direction for CEBRA-Behaviour. */
  fitLabels?: MatrixLike | ArrayLike<number>;
  /** Default: k-NN regression, 36 neighbours, cosine distance, mean of the neighbours (CEBRA's KNNDecoder). */
  decoder?: EmbeddingDecoder;
  /** Default: { medianAbsoluteError } of the first label column. */
  metrics?: Record<string, EmbeddingMetric>;
}

export interface EmbedderComparisonRow {
  method: string;
  metric: string;
  value: number;
  /** Wall time to fit, transform train and test, and decode (seconds). */
  seconds: number;
}

/** k-NN decoder with CEBRA's settings for the rat experiments (k = 36, cosine, mean). */
export function knnEmbeddingDecoder(k = 36): EmbeddingDecoder {
  return (trainEmbedding, trainLabels, testEmbedding) =>
    new KnnDecoder({ k, metric: "cosine", aggregate: "mean" }).fit(trainEmbedding, trainLabels).predict(testEmbedding);
}

/** Median of |predicted − truth| over test bins, for one label column. */
export function medianAbsoluteErrorOfColumn(column = 0): EmbeddingMetric {
  return (predicted, truth) => {
    const n = truth.rows;
    const err = new Float64Array(n);
    for (let i = 0; i < n; i++) err[i] = Math.abs(predicted.get(i, column) - truth.get(i, column));
    err.sort();
    return n % 2 ? err[(n - 1) / 2] : 0.5 * (err[n / 2 - 1] + err[n / 2]);
  };
}

/**
 * Runs every embedder on the same train/test split, then the same decoder and metrics on
 * its output, so methods are compared on equal terms. Rows come in embedder order.
 * The decoder is trained on the embedding of the training part (from `fitTransform` when
 * the embedder has one) and applied to the embedding of the test part.
 */
export function compareEmbedders(options: CompareEmbeddersOptions): EmbedderComparisonRow[] {
  const train = toMatrix(options.train, "compareEmbedders train");
  const test = toMatrix(options.test, "compareEmbedders test", { cols: train.cols });
  if (!options.labels) throw new ValidationError("compareEmbedders: pass labels: { train, test }");
  const yTrain = toLabelMatrix(options.labels.train, train.rows, "compareEmbedders labels.train");
  const yTest = toLabelMatrix(options.labels.test, test.rows, "compareEmbedders labels.test");
  if (yTest.cols !== yTrain.cols) throw new ValidationError(`compareEmbedders: labels.train has ${yTrain.cols} columns but labels.test has ${yTest.cols}`);
  const fitLabels = options.fitLabels === undefined ? yTrain : toLabelMatrix(options.fitLabels, train.rows, "compareEmbedders fitLabels");
  const names = Object.keys(options.embedders ?? {});
  if (names.length === 0) throw new ValidationError("compareEmbedders: embedders is empty; pass e.g. { pca: new PcaEmbedder() }");
  const decoder = options.decoder ?? knnEmbeddingDecoder();
  const metrics = options.metrics ?? { medianAbsoluteError: medianAbsoluteErrorOfColumn(0) };
  const rows: EmbedderComparisonRow[] = [];
  for (const name of names) {
    const t0 = performance.now();
    const embedder = options.embedders[name];
    // fitTransform where an embedder has one (UMAP's own training layout), else fit + transform.
    const eTrain = embedder.fitTransform ? embedder.fitTransform(train, fitLabels) : embedder.fit(train, fitLabels).transform(train);
    const eTest = embedder.transform(test);
    const predicted = decoder(eTrain, yTrain, eTest);
    const seconds = (performance.now() - t0) / 1000;
    if (predicted.rows !== yTest.rows) throw new ValidationError(`compareEmbedders: the decoder returned ${predicted.rows} rows for ${yTest.rows} test bins`);
    for (const [metric, score] of Object.entries(metrics)) rows.push({ method: name, metric, value: score(predicted, yTest), seconds });
  }
  return rows;
}
