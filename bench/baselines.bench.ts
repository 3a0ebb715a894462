/**
 * Baselines on rat achilles with the MARBLE paper's protocol: first 80 % of time bins for
 * training, last 20 % for test; Gaussian smoothing σ = 10 bins; PCA to 20 dimensions fitted
 * on the training part; k-NN decoder (36 neighbours, cosine, mean of neighbours as CEBRA's
 * KNNDecoder) of position; median absolute error in metres on the test part.
 *
 * Every embedder after "raw rates" gets the same PCA-20 features MARBLE gets. The contrastive
 * runs are far shorter than CEBRA's (10,000 steps at batch 512 on a GPU): set
 * BASELINES_BENCH_ITERATIONS / BASELINES_BENCH_BATCH to change that.
 */
import {
  loadRatHippocampus, gaussianSmooth, Matrix, PCA,
  compareEmbedders, RawRatesEmbedder, PcaEmbedder, UmapEmbedder, ContrastiveEmbedder, type Embedder,
} from "../src/index.js";
import type { BenchCase } from "./types.js";

const ITERATIONS = Number(process.env.BASELINES_BENCH_ITERATIONS ?? 500);
const BATCH = Number(process.env.BASELINES_BENCH_BATCH ?? 512);
const LEARNING_RATE = Number(process.env.BASELINES_BENCH_LR ?? 1e-3);

interface AchillesSplit {
  rates: { train: Matrix; test: Matrix };
  pca20: { train: Matrix; test: Matrix };
  position: { train: Float64Array; test: Float64Array };
  /** CEBRA's behaviour label: [position, running right, running left]. */
  behaviour: Matrix;
}

export function achillesSplit(): AchillesSplit {
  const data = loadRatHippocampus("achilles");
  const T = data.spikes.rows;
  const rates = gaussianSmooth(data.spikes, { sigma: 10 });
  const cut = Math.floor(0.8 * T);
  const trainIdx = Array.from({ length: cut }, (_, i) => i);
  const testIdx = Array.from({ length: T - cut }, (_, i) => cut + i);
  const train = rates.selectRows(trainIdx), test = rates.selectRows(testIdx);
  const pca = new PCA({ nComponents: 20 }).fit(train);
  const behaviour = new Matrix(cut, 3);
  for (let t = 0; t < cut; t++) {
    behaviour.set(t, 0, data.position[t]);
    behaviour.set(t, 1, data.direction[t] === 1 ? 1 : 0);
    behaviour.set(t, 2, data.direction[t] === -1 ? 1 : 0);
  }
  return {
    rates: { train, test },
    pca20: { train: pca.transform(train), test: pca.transform(test) },
    position: { train: data.position.slice(0, cut), test: data.position.slice(cut) },
    behaviour,
  };
}

function run(features: "rates" | "pca20", name: string, embedder: Embedder): Record<string, string | number> {
  const split = achillesSplit();
  const [row] = compareEmbedders({
    train: split[features].train,
    test: split[features].test,
    labels: { train: split.position.train, test: split.position.test },
    fitLabels: split.behaviour,
    embedders: { [name]: embedder },
  });
  const extra: Record<string, string | number> = { input: features === "rates" ? "smoothed rates (120)" : "PCA-20", medianErrorM: Number(row.value.toFixed(4)), fitTransformDecodeS: Number(row.seconds.toFixed(1)) };
  if (embedder instanceof ContrastiveEmbedder) {
    const h = embedder.lossHistory;
    const tail = h.subarray(Math.max(0, h.length - 50));
    extra.loss = `${h[0].toFixed(3)} → ${(tail.reduce((s, v) => s + v, 0) / tail.length).toFixed(3)}`;
    extra.steps = `${h.length} × ${embedder.params.batchSize}`;
  }
  return extra;
}

const contrastive = (conditional: "time" | "behaviour") => new ContrastiveEmbedder({
  conditional, outputDimension: 32, hiddenUnits: 32, temperature: 1, timeOffset: 10,
  batchSize: BATCH, iterations: ITERATIONS, learningRate: LEARNING_RATE, seed: 0,
});

export const cases: BenchCase[] = [
  { name: "achilles k-NN: raw smoothed rates", target: "paper: —", run: () => run("rates", "raw rates", new RawRatesEmbedder()) },
  { name: "achilles k-NN: PCA-20", target: "MARBLE paper 0.047 m", run: () => run("rates", "PCA-20", new PcaEmbedder({ nComponents: 20 })) },
  { name: "achilles k-NN: UMAP-8 of PCA-20", run: () => run("pca20", "UMAP-8", new UmapEmbedder({ nComponents: 8, nNeighbors: 15, minDist: 0.1, seed: 0 })) },
  { name: "achilles k-NN: CEBRA-style time, 32-D", target: "paper CEBRA-time 0.112 m", run: () => run("pca20", "contrastive time", contrastive("time")) },
  { name: "achilles k-NN: CEBRA-style behaviour, 32-D", target: "paper CEBRA-behaviour 0.065 m", run: () => run("pca20", "contrastive behaviour", contrastive("behaviour")) },
];
