/**
 * MARBLE training benchmarks: one epoch and a full fit for (a) the paper's van der Pol dataset
 * and (b) a 30k-point 5-D dataset at the macaque settings (k = 30, order 2, diffusion, hidden 100,
 * out 20, 120 epochs). Each case reports its split: dataset construction, feature precompute,
 * mean seconds per epoch. Timings on a shared 2-core machine are noisy. `cpuS` counts every
 * thread of the process, the kernel helper's polling included (MARBLE_THREADS=1 for one thread).
 */
import { Matrix, Random } from "../src/core/index.js";
import { constructDataset } from "../src/geometry/index.js";
import type { MarbleDataset } from "../src/geometry/types.js";
import { vanDerPolConditions } from "../src/simulators/index.js";
import { Marble, type MarbleParams } from "../src/model/index.js";
import type { BenchCase } from "./types.js";

function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

function vanDerPolData(): MarbleDataset {
  const c = vanDerPolConditions({ mus: linspace(-1, 1, 40), numInitial: 100, box: [-3, 3], tMax: 3, dt: 0.5, alpha: 0.05, seed: 0 });
  return constructDataset({ anchor: c.anchor, vector: c.vector, spacing: 0.03, seed: 0 });
}

/** 30k points in [−1, 1]⁵ carrying a smooth field: rotations in two planes plus a gradient. */
function fiveDimData(n = 30_000): MarbleDataset {
  const rng = new Random(1);
  const pos = new Matrix(n, 5), vel = new Matrix(n, 5);
  for (let i = 0; i < n; i++) {
    const p = Array.from({ length: 5 }, () => rng.uniform(-1, 1));
    const [x1, x2, x3, x4, x5] = p;
    const v = [-x2 + 0.3 * x1 * x5, x1 + 0.3 * x2 * x5, -2 * x4, 2 * x3, -x5 + Math.sin(2 * x1)];
    pos.data.set(p, i * 5);
    vel.data.set(v, i * 5);
  }
  return constructDataset({ anchor: pos, vector: vel, k: 30, seed: 0 });
}

async function timedFit(build: () => MarbleDataset, params: Partial<MarbleParams>) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const data = build();
  const buildSeconds = (performance.now() - t0) / 1000;
  const model = new Marble(data, params);
  const t1 = performance.now();
  const r = await model.fit(data, { progress: false });
  const fitSeconds = (performance.now() - t1) / 1000;
  const perEpoch = r.epochSeconds.reduce((a, b) => a + b, 0) / Math.max(1, r.epochSeconds.length);
  const cpu = process.cpuUsage(cpu0);
  return {
    nodes: data.numNodes,
    edges: data.graph.adjacency.nnz / 2,
    params: model.parameterCount,
    buildS: +buildSeconds.toFixed(2),
    precomputeS: +r.precomputeSeconds.toFixed(2),
    perEpochS: +perEpoch.toFixed(3),
    fitS: +fitSeconds.toFixed(1),
    // CPU seconds of this process: on a loaded shared machine a steadier measure than wall time
    cpuS: +((cpu.user + cpu.system) / 1e6).toFixed(1),
    testLoss: +r.testLoss.toFixed(4),
    t: +model.diffusionTime.data[0].toPrecision(3),
  };
}

const VDP: Partial<MarbleParams> = { hiddenChannels: [32], outChannels: 5, diffusion: false, seed: 0 };
const FIVE_D: Partial<MarbleParams> = { order: 2, diffusion: true, hiddenChannels: [100], outChannels: 20, seed: 0 };

export const cases: BenchCase[] = [
  { name: "van der Pol: build + 1 epoch", run: () => timedFit(vanDerPolData, { ...VDP, epochs: 1 }) },
  { name: "van der Pol: build + fit 50 epochs", target: "authors: 2 min 42 s", run: () => timedFit(vanDerPolData, { ...VDP, epochs: 50 }) },
  { name: "30k 5-D k=30: build + 1 epoch", run: () => timedFit(fiveDimData, { ...FIVE_D, epochs: 1 }) },
  { name: "30k 5-D k=30: build + fit 120 epochs", target: "≤ 60 s (authors ≈ 11.3 h)", run: () => timedFit(fiveDimData, { ...FIVE_D, epochs: 120 }) },
];
