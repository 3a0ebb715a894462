import { Matrix, Random, constructDataset, kNearestNeighbors, proximityGraph, randomWalkLaplacian, createDiffusionOperator, heatKernelBasis } from "../src/index.js";
import type { BenchCase } from "./types.js";

/**
 * A noisy curved 2-D sheet embedded in d = 3 or 5 dimensions, with a smooth vector field tangent to it
 * (the push-forward of a rotation of the parameter plane): a realistic stand-in for neural manifolds.
 */
function curvedSheet(n: number, d: 3 | 5, seed = 0): { pos: Matrix; vel: Matrix } {
  const rng = new Random(seed);
  const pos = new Matrix(n, d), vel = new Matrix(n, d);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform(-1, 1), v = rng.uniform(-1, 1);
    const du = -v, dv = u; // rotation field in the parameter plane
    const p = [u, v, 0.3 * (u * u - v * v), 0.2 * Math.sin(2 * u), 0.2 * Math.cos(2 * v)];
    const q = [du, dv, 0.3 * (2 * u * du - 2 * v * dv), 0.4 * Math.cos(2 * u) * du, -0.4 * Math.sin(2 * v) * dv];
    for (let t = 0; t < d; t++) {
      pos.data[i * d + t] = p[t] + 0.0005 * rng.normal();
      vel.data[i * d + t] = q[t];
    }
  }
  return { pos, vel };
}

/** Runs f and returns its result with the CPU seconds it used (user + system), which are less
 * sensitive than wall time to other processes on a shared machine. */
function timed<T>(f: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const r = f();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1e6];
}

function constructCase(n: number, d: 3 | 5, localGauges: boolean, target?: string): BenchCase {
  return {
    name: `constructDataset ${n / 1000}k × ${d}-D, ${localGauges ? "local" : "global"} gauges, k=20 + diffusion at t=1`,
    target,
    run: () => {
      const { pos, vel } = curvedSheet(n, d);
      const [ds, build] = timed(() => constructDataset({ anchor: pos, vector: vel, localGauges }));
      const [, diff] = timed(() => ds.diffusion.apply(ds.x, 1));
      const out: Record<string, number | string> = {
        buildCpuS: build,
        diffusionT1CpuS: diff,
        nnzPerNode: ds.graph.adjacency.nnz / n,
        dimMan: ds.dimMan,
      };
      if (ds.vectorDiffusion) {
        // vector signal in local frames: project x onto the frames
        const m = ds.dimMan, G = ds.gauges.data;
        const xl = new Matrix(n * m, 1);
        for (let i = 0; i < n; i++) for (let a = 0; a < m; a++) {
          let s = 0;
          for (let t = 0; t < d; t++) s += G[i * d * m + a * d + t] * ds.x.data[i * d + t];
          xl.data[i * m + a] = s;
        }
        const [, vdiff] = timed(() => ds.vectorDiffusion!.apply(xl, 1));
        out.vectorDiffusionT1CpuS = vdiff;
      }
      return out;
    },
  };
}

export const cases: BenchCase[] = [
  {
    name: "kNearestNeighbors 50k × 5-D, k=30",
    target: "≤ 1.3 s",
    run: () => {
      const { pos } = curvedSheet(50_000, 5);
      const [, s] = timed(() => kNearestNeighbors(pos, 30));
      return { knnCpuS: s };
    },
  },
  {
    name: "kNearestNeighbors 200k × 3-D, k=20",
    run: () => {
      const { pos } = curvedSheet(200_000, 3);
      const [, s] = timed(() => kNearestNeighbors(pos, 20));
      return { knnCpuS: s };
    },
  },
  constructCase(10_000, 3, false),
  constructCase(50_000, 3, false),
  constructCase(200_000, 3, false, "≤ 60 s, ≤ 8 GB"),
  constructCase(10_000, 5, false),
  constructCase(50_000, 5, false, "≤ 10 s"),
  constructCase(200_000, 5, false, "≤ 60 s, ≤ 8 GB"),
  constructCase(10_000, 3, true),
  constructCase(50_000, 3, true),
  constructCase(200_000, 3, true, "≤ 60 s, ≤ 8 GB"),
  constructCase(10_000, 5, true),
  constructCase(50_000, 5, true, "≤ 10 s"),
  constructCase(200_000, 5, true, "≤ 60 s, ≤ 8 GB"),
  {
    name: "diffusion operator 50k × 5-D graph, 10 channels, apply at t = 0.1, 1, 10",
    run: () => {
      const { pos } = curvedSheet(50_000, 5);
      const L = randomWalkLaplacian(proximityGraph(pos, { k: 20 }));
      const [op, setup] = timed(() => createDiffusionOperator(L));
      const rng = new Random(1);
      const x = new Matrix(50_000, 10, Float64Array.from({ length: 500_000 }, () => rng.normal()));
      const out: Record<string, number> = { nnz: L.nnz, setupCpuS: setup };
      for (const t of [0.1, 1, 10]) out[`t${t}CpuS`] = timed(() => op.apply(x, t))[1];
      out.withDerivativeT1CpuS = timed(() => op.applyWithDerivative(x, 1))[1];
      out.transposeT1CpuS = timed(() => op.applyTranspose(x, 1))[1];
      return out;
    },
  },
  {
    name: "heatKernelBasis 50k × 5-D graph, 10 channels, tMax = 10: precompute, then combine per step",
    run: () => {
      const { pos } = curvedSheet(50_000, 5);
      const L = randomWalkLaplacian(proximityGraph(pos, { k: 20 }));
      const rng = new Random(2);
      const x = new Matrix(50_000, 10, Float64Array.from({ length: 500_000 }, () => rng.normal()));
      const [basis, pre] = timed(() => heatKernelBasis(L, x, { tMax: 10 }));
      const [, all] = timed(() => basis.combine(1.3));
      const batch = Int32Array.from({ length: 192 * 20 }, () => rng.int(50_000));
      const [, rows] = timed(() => { basis.combine(1.3, batch); basis.combineDerivative(1.3, batch); });
      return { terms: basis.terms.length, precomputeCpuS: pre, combineAllCpuS: all, combineBatchRowsCpuS: rows };
    },
  },
];
