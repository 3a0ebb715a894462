/**
 * One whole job as a user runs it, on the compiled library (dist/, nothing transpiled), for the
 * whole-job table of `npm run bench`:
 *   toy   the four toy fields, 4 × 512 = 2,048 nodes, 100 epochs, + OT distances
 *   vdp   van der Pol, 40 values of μ, 50 epochs, + OT distances + MDS
 *   b     bench (b): 30k points in 5-D, k = 30, order 2, diffusion, 120 epochs
 *   ot, ot-clustered   OT distances between 40 conditions of 190–210 points in 5-D, between the
 *         point clouds or between 60-cluster histograms (the call alone is timed in otS / otCpuS)
 *   products  the float32 products of one bench (b) training step (its six shapes) 6,000 times,
 *         on one thread: the product kernel alone (fused multiply-adds or not: MARBLE_FMA)
 * usage: node bench/jobs/whole-job.mjs toy|vdp|b|ot|ot-clustered|products
 * Prints one line "@@JOB {json}": the process's CPU seconds from its start (every thread, start-up
 * and module loading included) and wall seconds since the process started, with the split.
 */
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";
// loaded with require, as the notebooks' kernel (tslab runs cells as CommonJS) and the CLI load it:
// each area of the library then loads on first use (an ES-module import would load every area to
// bind its names)
const require = createRequire(import.meta.url);
const lib = require("../../dist/index.js");
const kernels = require("../../dist/kernels/simd.js");

const { toyFieldConditions, vanDerPolConditions, constructDataset, Marble, distributionDistances, embed2D, Matrix, Random, kernelThreads, kernelVariantInUse } = lib;

const job = process.argv[2];
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const mark = () => ({ wall: performance.now() / 1000, cpu: cpu() });
const linspace = (a, b, n) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

/** 40 conditions of 190–210 points in 5-D, shifted apart along the first axis. */
function fortyConditions() {
  const rng = new Random(5);
  const rows = [], cond = [];
  for (let c = 0; c < 40; c++) {
    const n = 190 + rng.int(21);
    for (let i = 0; i < n; i++) {
      rows.push(Array.from({ length: 5 }, (_, j) => rng.normal() + (j === 0 ? c / 10 : 0)));
      cond.push(c);
    }
  }
  return { X: Matrix.from(rows), cond };
}

/** Bench (b)'s products (M, N, K, A's strides; recorded from its fit), 6,000 rounds on one thread. */
function products() {
  const shapes = [[192, 100, 155, 156, 1], [192, 20, 100, 100, 1], [20, 100, 192, 1, 20], [192, 100, 20, 20, 1], [100, 156, 192, 1, 100], [192, 156, 100, 100, 1]];
  const k = kernels.createSimdKernels();
  const floats = 200_000, { f32 } = k.resident(3 * 4 * floats);
  for (let i = 0; i < 2 * floats; i++) f32[i] = Math.sin(i);
  const a = mark();
  for (let r = 0; r < 6000; r++) {
    for (const [M, N, K, sam, sak] of shapes) {
      const ld = (N + 3) & ~3;
      k.gemmAt(M, ld, K, 0, sam, sak, 4 * floats, ld, 8 * floats, ld, 0);
    }
  }
  const b = mark();
  return { kernelVariant: k.variant, productsS: +(b.wall - a.wall).toFixed(3), productsCpuS: +(b.cpu - a.cpu).toFixed(3) };
}

async function main() {
  const t0 = mark();
  if (job === "ot" || job === "ot-clustered") {
    const { X, cond } = fortyConditions();
    const a = mark();
    const r = distributionDistances(X, cond, job === "ot" ? {} : { nClusters: 60, seed: 0 });
    const b = mark();
    const res = { job, otS: +(b.wall - a.wall).toFixed(3), otCpuS: +(b.cpu - a.cpu).toFixed(3), d01: r.dist.get(0, 1), wallS: +b.wall.toFixed(2), cpuS: +b.cpu.toFixed(2) };
    process.stdout.write("@@JOB " + JSON.stringify(res) + "\n");
    return;
  }
  if (job === "products") {
    process.stdout.write("@@JOB " + JSON.stringify({ job, ...products(), wallS: +mark().wall.toFixed(2), cpuS: +mark().cpu.toFixed(2) }) + "\n");
    return;
  }
  let data, params;
  if (job === "toy") {
    const c = toyFieldConditions({ numPoints: 512, seed: 0 });
    data = constructDataset({ anchor: c.anchor, vector: c.vector, seed: 0 });
    params = { innerProductFeatures: false, diffusion: false, seed: 0 };
  } else if (job === "vdp") {
    const c = vanDerPolConditions({ mus: linspace(-1, 1, 40), numInitial: 100, box: [-3, 3], tMax: 3, dt: 0.5, alpha: 0.05, seed: 0 });
    data = constructDataset({ anchor: c.anchor, vector: c.vector, spacing: 0.03, seed: 0 });
    params = { epochs: 50, hiddenChannels: [32], outChannels: 5, innerProductFeatures: false, diffusion: false, seed: 0 };
  } else if (job === "b") {
    const n = 30_000, rng = new Random(1);
    const pos = new Matrix(n, 5), vel = new Matrix(n, 5);
    for (let i = 0; i < n; i++) {
      const p = Array.from({ length: 5 }, () => rng.uniform(-1, 1));
      const [x1, x2, x3, x4, x5] = p;
      pos.data.set(p, i * 5);
      vel.data.set([-x2 + 0.3 * x1 * x5, x1 + 0.3 * x2 * x5, -2 * x4, 2 * x3, -x5 + Math.sin(2 * x1)], i * 5);
    }
    data = constructDataset({ anchor: pos, vector: vel, k: 30, seed: 0 });
    params = { epochs: 120, order: 2, diffusion: true, hiddenChannels: [100], outChannels: 20, seed: 0 };
  } else {
    throw new Error(`whole-job: unknown job "${job}"; pass toy, vdp, b, ot, ot-clustered or products`);
  }
  const t1 = mark();
  const model = new Marble(data, params);
  const fit = await model.fit(data, { progress: false });
  const t2 = mark();
  let t3 = t2, t4 = t2;
  if (job !== "b") {
    const z = model.transform(data);
    const { dist } = distributionDistances(z, data.y);
    t3 = mark();
    if (job === "vdp") embed2D(dist, { method: "mds", seed: 0 });
    t4 = mark();
  }
  const end = mark();
  const r2 = (v) => +v.toFixed(2);
  const res = {
    job, nodes: data.numNodes, epochs: model.params.epochs, testLoss: fit.testLoss, kernelThreads: kernelThreads(), kernelVariant: kernelVariantInUse(),
    startupS: r2(t0.wall), startupCpuS: r2(t0.cpu),
    buildS: r2(t1.wall - t0.wall), buildCpuS: r2(t1.cpu - t0.cpu),
    fitS: r2(t2.wall - t1.wall), fitCpuS: r2(t2.cpu - t1.cpu),
    otS: r2(t3.wall - t2.wall), otCpuS: r2(t3.cpu - t2.cpu), mdsS: r2(t4.wall - t3.wall),
    wallS: r2(end.wall), cpuS: r2(end.cpu),
  };
  process.stdout.write("@@JOB " + JSON.stringify(res) + "\n");
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
