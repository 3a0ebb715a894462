import { Matrix, Random, pointCloudEmd, distributionDistances, cluster, embed2D, transportSimplex } from "../src/index.js";
import type { BenchCase } from "./types.js";

/** n points in d dims: a Gaussian cloud, shifted along the first axis. */
function cloud(rng: Random, n: number, d: number, shift: number, scale = 1): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, (_, j) => rng.normal() * scale + (j === 0 ? shift : 0)));
}

function emdCase(n: number, d: number): BenchCase {
  return {
    name: `EMD 2 clouds ${n}×${n}, d = ${d}`,
    target: n === 2000 ? "≤ 2 s" : undefined,
    run: () => {
      const rng = new Random(1);
      const X = Matrix.from([...cloud(rng, n, d, 0), ...cloud(rng, n, d, 0.5, 1.2)]);
      const a = Array.from({ length: n }, (_, i) => i), b = Array.from({ length: n }, (_, i) => n + i);
      const t0 = performance.now(), c0 = process.cpuUsage();
      const v = pointCloudEmd(X, a, b);
      // CPU time beside wall time: the machine is shared, so wall time is noisy.
      return { emd: v, solveSeconds: (performance.now() - t0) / 1000, cpuSeconds: process.cpuUsage(c0).user / 1e6 };
    },
  };
}

/** 40 conditions of 190–210 points in 5-D, shifted apart: the van der Pol job's OT workload. */
function fortyConditions(): { X: Matrix; cond: number[] } {
  const rng = new Random(5);
  const rows: number[][] = [], cond: number[] = [];
  for (let c = 0; c < 40; c++) {
    const n = 190 + rng.int(21);
    for (const r of cloud(rng, n, 5, c / 10)) {
      rows.push(r);
      cond.push(c);
    }
  }
  return { X: Matrix.from(rows), cond };
}

export const cases: BenchCase[] = [
  {
    name: "OT distances, 40 conditions × ~200 points, d = 5 (780 exact point-cloud EMDs)",
    target: "≤ 0.3 s",
    run: () => {
      const { X, cond } = fortyConditions();
      const t0 = performance.now(), c0 = process.cpuUsage();
      const r = distributionDistances(X, cond);
      const cpu = process.cpuUsage(c0);
      return { otSeconds: (performance.now() - t0) / 1000, otCpu: (cpu.user + cpu.system) / 1e6, d01: r.dist.get(0, 1) };
    },
  },
  emdCase(2000, 5),
  emdCase(2000, 20),
  {
    name: "EMD 2 clouds 2000×1500 (unequal), d = 3",
    run: () => {
      const rng = new Random(2);
      const X = Matrix.from([...cloud(rng, 2000, 3, 0), ...cloud(rng, 1500, 3, 1)]);
      const a = Array.from({ length: 2000 }, (_, i) => i), b = Array.from({ length: 1500 }, (_, i) => 2000 + i);
      return { emd: pointCloudEmd(X, a, b) };
    },
  },
  {
    name: "40×40 OT distances over 60-cluster histograms (8,000 points, d = 5)",
    target: "≤ 1 s",
    run: () => {
      const rng = new Random(3);
      const rows: number[][] = [], cond: number[] = [];
      for (let c = 0; c < 40; c++) {
        for (const r of cloud(rng, 200, 5, c / 10)) {
          rows.push(r);
          cond.push(c);
        }
      }
      const X = Matrix.from(rows);
      // Time the clustering and the 780 transport problems separately.
      const t0 = performance.now(), c0 = process.cpuUsage();
      const cl = cluster(X, { nClusters: 60, seed: 0 });
      const tCluster = (performance.now() - t0) / 1000, cCluster = process.cpuUsage(c0).user / 1e6;
      const t1 = performance.now(), c1 = process.cpuUsage();
      const K = 60;
      const counts = new Float64Array(40 * K);
      for (let i = 0; i < X.rows; i++) counts[cond[i] * K + cl.labels[i]]++;
      const cost = new Float64Array(K * K);
      for (let p = 0; p < K; p++) for (let q = 0; q < K; q++) {
        let s = 0;
        for (let j = 0; j < 5; j++) s += (cl.centroids.get(p, j) - cl.centroids.get(q, j)) ** 2;
        cost[p * K + q] = Math.sqrt(s);
      }
      for (let s = 0; s < 40; s++) for (let t = s + 1; t < 40; t++) {
        transportSimplex(counts.subarray(s * K, s * K + K).map((v) => v * 200), counts.subarray(t * K, t * K + K).map((v) => v * 200), cost);
      }
      const tOt = (performance.now() - t1) / 1000, cOt = process.cpuUsage(c1).user / 1e6;
      // and the public call end to end (clusters again)
      const t2 = performance.now(), c2 = process.cpuUsage();
      const r = distributionDistances(X, cond, { nClusters: 60, seed: 0 });
      const tAll = (performance.now() - t2) / 1000;
      return {
        kmeansSeconds: tCluster,
        kmeansCpu: cCluster,
        otSeconds780: tOt,
        otCpu780: cOt,
        distributionDistancesSeconds: tAll,
        distributionDistancesCpu: process.cpuUsage(c2).user / 1e6,
        d01: r.dist.get(0, 1),
      };
    },
  },
  {
    name: "UMAP 20,000 points, d = 10",
    target: "≈ 20 s (umap-js alone measured)",
    run: () => {
      const rng = new Random(4);
      const rows: number[][] = [];
      for (let c = 0; c < 4; c++) rows.push(...cloud(rng, 5000, 10, c * 3));
      const t0 = performance.now(), c0 = process.cpuUsage();
      const E = embed2D(rows, { method: "umap", seed: 0 });
      return { rows: E.rows, seconds: (performance.now() - t0) / 1000, cpuSeconds: process.cpuUsage(c0).user / 1e6 };
    },
  },
];
