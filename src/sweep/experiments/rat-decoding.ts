/**
 * Position decoding on a shipped rat (notebook 05's pipeline): spike counts → Gaussian smoothing →
 * PCA fitted on the training part → states and their time differences → MARBLE trained on the
 * training part, the test part embedded with its own graph → decoder of position; the metric is
 * the median absolute error on the test part (the paper's 0.047 m for achilles).
 */
import { Matrix } from "../../core/index.js";
import { KnnDecoder, LinearDecoder } from "../../decoding/index.js";
import { constructDataset } from "../../geometry/index.js";
import { loadRatHippocampus, type RatName } from "../../io/index.js";
import { gaussianSmooth, pcaFitApply } from "../../preprocessing/index.js";
import { fitMarble } from "./fit.js";
import { num, type ExperimentContext, type ExperimentResult } from "./types.js";

function rows(m: Matrix, from: number, to: number): Matrix {
  return m.selectRows(Array.from({ length: to - from }, (_, i) => from + i));
}

function statesAndSteps(m: Matrix): [Matrix, Matrix] {
  const states = rows(m, 0, m.rows - 1);
  const steps = new Matrix(m.rows - 1, m.cols);
  for (let i = 0; i < m.rows - 1; i++) for (let j = 0; j < m.cols; j++) steps.set(i, j, m.get(i + 1, j) - m.get(i, j));
  return [states, steps];
}

function median(values: number[]): number {
  const e = [...values].sort((a, b) => a - b);
  const h = e.length >> 1;
  return e.length % 2 ? e[h] : (e[h - 1] + e[h]) / 2;
}

export async function ratDecoding(ctx: ExperimentContext): Promise<ExperimentResult> {
  const p = ctx.params;
  const name = ctx.dataset.slice("rat:".length) as RatName;
  const rat = loadRatHippocampus(name);
  const maxBins = num(p, "preprocessing.maxBins");
  const T = maxBins > 0 ? Math.min(maxBins, rat.spikes.rows) : rat.spikes.rows;
  const counts = T < rat.spikes.rows ? rows(rat.spikes, 0, T) : rat.spikes;
  const sigma = num(p, "preprocessing.smoothingBins");
  const rates = sigma > 0 ? gaussianSmooth(counts, { sigma }) : counts;
  const split = Math.floor(T * num(p, "preprocessing.trainFraction"));
  ctx.log(`${name}: ${T} bins × ${rates.cols} neurons; training on the first ${split} bins`);
  const trainRates = rows(rates, 0, split);
  const { projected } = pcaFitApply(trainRates, [trainRates, rows(rates, split, T)], num(p, "preprocessing.pcaDims"));
  const [trainStates, trainSteps] = statesAndSteps(projected[0]);
  const [testStates, testSteps] = statesAndSteps(projected[1]);
  const yTrain = Array.from(rat.position.slice(0, split - 1));
  const yTest = Array.from(rat.position.slice(split, T - 1));
  const graph = { k: num(p, "marble.k"), delta: num(p, "marble.delta"), seed: ctx.seed };
  const train = constructDataset({ anchor: trainStates, vector: trainSteps, ...graph });
  const test = constructDataset({ anchor: testStates, vector: testSteps, ...graph });
  ctx.log(`graphs: ${train.numNodes} training nodes, ${test.numNodes} test nodes`);
  const { model, trainLoss } = await fitMarble(ctx, train);
  const zTrain = model.transform(train);
  const zTest = model.transform(test);
  const decoderKind = p["evaluation.decoder"];
  const decoder = decoderKind === "linear"
    ? new LinearDecoder().fit(zTrain, yTrain)
    : new KnnDecoder({ k: num(p, "evaluation.decoderNeighbours"), metric: decoderKind === "knn-euclidean" ? "euclidean" : "cosine" }).fit(zTrain, yTrain);
  const predicted = decoder.predict(zTest);
  const errors = yTest.map((y, i) => Math.abs(predicted.get(i, 0) - y));
  const medianError = median(errors);
  ctx.log(`median |position error| ${medianError.toFixed(4)} m on ${errors.length} test bins`);
  return { metrics: { medianError, meanError: errors.reduce((a, b) => a + b, 0) / errors.length, trainLoss, trainNodes: train.numNodes, testNodes: test.numNodes } };
}
