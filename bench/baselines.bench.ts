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

/**
 * CPU time of one training step (sample, forward, InfoNCE, backward, Adam) of CEBRA's
 * hippocampus configuration on achilles' smoothed rates (8142 training bins × 120 neurons):
 * batch 512 (1536 windows of 10 bins), 32 hidden channels, 32-D output. The fit's time with 0
 * steps (initialisation, sampler set-up) is subtracted; `steps` are averaged after 3 warm-up
 * steps. Wall and CPU seconds: CPU time leaves out other processes but counts the kernels' helper
 * thread, polling included (MARBLE_THREADS=1 for one thread); the projection uses wall time.
 */
function contrastiveStep(precision: "float32" | "float64", steps: number): Record<string, string | number> {
  const split = achillesSplit();
  const make = (iterations: number) => new ContrastiveEmbedder({
    conditional: "behaviour", outputDimension: 32, hiddenUnits: 32, temperature: 1, timeOffset: 10,
    batchSize: 512, iterations, learningRate: 3e-4, seed: 0, precision,
  });
  // [CPU, wall] seconds; CPU counts both kernel threads, the helper's polling included
  const time = (f: () => void) => {
    const c0 = process.cpuUsage(), t0 = performance.now();
    f();
    const c = process.cpuUsage(c0);
    return [(c.user + c.system) / 1e6, (performance.now() - t0) / 1000];
  };
  make(3).fit(split.rates.train, split.behaviour);
  const setup = time(() => make(0).fit(split.rates.train, split.behaviour));
  const total = time(() => make(steps).fit(split.rates.train, split.behaviour));
  const cpuPerStep = (total[0] - setup[0]) / steps, wallPerStep = (total[1] - setup[1]) / steps;
  return {
    precision, steps, cpuSecondsPerStep: Number(cpuPerStep.toFixed(4)), wallSecondsPerStep: Number(wallPerStep.toFixed(4)),
    projected10000StepsMin: Number((wallPerStep * 10000 / 60).toFixed(1)),
  };
}

/** A whole fit at CEBRA's full settings (10 000 steps × 512); opt-in, it takes a quarter of an hour. */
function contrastiveFullFit(): Record<string, string | number> {
  if (process.env.BASELINES_BENCH_FULL !== "1") return { skipped: "set BASELINES_BENCH_FULL=1 (about 15 min)" };
  const split = achillesSplit();
  const model = new ContrastiveEmbedder({
    conditional: "behaviour", outputDimension: 32, hiddenUnits: 32, temperature: 1, timeOffset: 10,
    batchSize: 512, iterations: 10000, learningRate: 3e-4, seed: 0,
  });
  const c0 = process.cpuUsage();
  model.fit(split.rates.train, split.behaviour);
  const c = process.cpuUsage(c0);
  const h = model.lossHistory;
  const tail = h.subarray(h.length - 100);
  return { cpuSeconds: Number(((c.user + c.system) / 1e6).toFixed(0)), loss: `${h[0].toFixed(3)} → ${(tail.reduce((a, b) => a + b, 0) / tail.length).toFixed(3)}` };
}

export const cases: BenchCase[] = [
  { name: "contrastive step, batch 512, achilles 120 ch → 32-D: float32 SIMD", target: "≤ 0.1 s", run: () => contrastiveStep("float32", 40) },
  { name: "contrastive step, batch 512, achilles 120 ch → 32-D: float64 reference", run: () => contrastiveStep("float64", 4) },
  { name: "contrastive full fit, 10 000 × 512, achilles (opt-in)", target: "≤ 20 min", run: () => contrastiveFullFit() },
  { name: "achilles k-NN: raw smoothed rates", target: "paper: —", run: () => run("rates", "raw rates", new RawRatesEmbedder()) },
  { name: "achilles k-NN: PCA-20", target: "MARBLE paper 0.047 m", run: () => run("rates", "PCA-20", new PcaEmbedder({ nComponents: 20 })) },
  { name: "achilles k-NN: UMAP-8 of PCA-20", run: () => run("pca20", "UMAP-8", new UmapEmbedder({ nComponents: 8, nNeighbors: 15, minDist: 0.1, seed: 0 })) },
  { name: "achilles k-NN: CEBRA-style time, 32-D", target: "paper CEBRA-time 0.112 m", run: () => run("pca20", "contrastive time", contrastive("time")) },
  { name: "achilles k-NN: CEBRA-style behaviour, 32-D", target: "paper CEBRA-behaviour 0.065 m", run: () => run("pca20", "contrastive behaviour", contrastive("behaviour")) },
];
