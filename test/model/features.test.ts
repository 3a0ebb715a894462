import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Random, SparseMatrix } from "../../src/core/index.js";
import { GradientFeatures } from "../../src/model/gradient.js";
import { ScalarDiffusion, VectorDiffusion } from "../../src/model/diffusion.js";
import { ExpandedFeatures, RecomputedFeatures, HeatExpansion } from "../../src/model/features.js";
import { gradientChannelCount } from "../../src/model/params.js";
import { checkGradient, randomArray, dot } from "./fd.js";
import { buildToyDataset, heatOperator, knnAdjacency, randomWalkLaplacian, derivativeKernels } from "./toy-data.js";

function smallCloud(n: number, d: number, seed: number): Matrix {
  const rng = new Random(seed);
  return new Matrix(n, d, Float64Array.from({ length: n * d }, () => rng.uniform(-1, 1)));
}

test("gradient features: channel count s(m^(o+1)−1)/(m−1) and the documented channel order", () => {
  assert.equal(gradientChannelCount(3, 3, 2), 39);
  assert.equal(gradientChannelCount(20, 20, 1), 420);
  assert.equal(gradientChannelCount(2, 2, 2, false), 12);
  assert.equal(gradientChannelCount(4, 1, 3), 16);
  // a 2-D grid; signal channel 0 = 2u + 0.5v (slopes +, +), channel 1 = −3v (slope along v negative)
  const pts: number[][] = [];
  for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) pts.push([i / 8, j / 8]);
  const pos = Matrix.from(pts);
  const slices = Int32Array.from([0, pts.length]);
  const adj = knnAdjacency(pos, slices, 8);
  const K = derivativeKernels(pos, adj);
  const signal = Float64Array.from(pts.flatMap(([u, v]) => [2 * u + 0.5 * v, -3 * v]));
  const g = new GradientFeatures(K, pts.length, 2, { order: 2, includeSelf: true, vecNorm: false });
  assert.equal(g.channels, 2 * (1 + 2 + 4));
  const f = g.forward(signal);
  const centre = 4 * 9 + 4; // interior node, symmetric neighbourhood
  const row = Array.from(f.subarray(centre * g.channels, (centre + 1) * g.channels));
  // order 0: the signal itself
  assert.ok(Math.abs(row[0] - (2 * 0.5 + 0.25)) < 1e-12 && Math.abs(row[1] + 1.5) < 1e-12);
  // order 1: [dx1/du, dx1/dv, dx2/du, dx2/dv] — same signs as the slopes, proportional to them
  const [d1u, d1v, d2u, d2v] = row.slice(2, 6);
  assert.ok(d1u > 0 && d1v > 0 && d2v < 0, `signs ${row.slice(2, 6)}`);
  assert.ok(Math.abs(d2u) < 1e-12);
  assert.ok(Math.abs(d1u / d1v - 4) < 1e-9, `ratio ${d1u / d1v}`);
  // order 2 of a linear function vanishes in the interior
  for (const v of row.slice(6)) assert.ok(Math.abs(v) < 1e-12);
});

test("gradient features: backward and forward-mode derivative match finite differences (with and without vecNorm)", () => {
  const n = 30;
  const pos = smallCloud(n, 2, 7);
  const adj = knnAdjacency(pos, Int32Array.from([0, n]), 5);
  const K = derivativeKernels(pos, adj);
  const rng = new Random(8);
  for (const vecNorm of [false, true]) {
    for (const includeSelf of [true, false]) {
      const g = new GradientFeatures(K, n, 2, { order: 2, includeSelf, vecNorm });
      const x = randomArray(n * 2, rng), c = randomArray(n * g.channels, rng);
      const gx = g.backward(x, c);
      checkGradient(`dX vecNorm=${vecNorm} self=${includeSelf}`, x, gx, () => dot(g.forward(x), c));
      const dx = randomArray(n * 2, rng);
      const { tangent } = g.forwardWithTangent(x, dx);
      const h = 1e-6;
      const fp = g.forward(x.map((v, i) => v + h * dx[i])), fm = g.forward(x.map((v, i) => v - h * dx[i]));
      for (let i = 0; i < fp.length; i++) assert.ok(Math.abs((fp[i] - fm[i]) / (2 * h) - tangent![i]) < 1e-6 * Math.max(1, Math.abs(tangent![i])));
    }
  }
});

test("scalar diffusion: gradients in t and x match finite differences; t → 0 is the identity", () => {
  const n = 25;
  const pos = smallCloud(n, 2, 9);
  const adj = knnAdjacency(pos, Int32Array.from([0, n]), 5);
  const op = heatOperator(randomWalkLaplacian(adj));
  const diff = new ScalarDiffusion(op);
  const rng = new Random(10);
  const x = new Matrix(n, 3, randomArray(n * 3, rng));
  const c = new Matrix(n, 3, randomArray(n * 3, rng));
  const t = [0.3];
  const f = () => dot(diff.forward(x, t[0]).data, c.data);
  const { gradX, gradT } = diff.backward(x, t[0], c);
  checkGradient("dX", x.data, gradX.data, f);
  const tt = Float64Array.from(t);
  checkGradient("dt", tt, [gradT], () => dot(diff.forward(x, tt[0]).data, c.data));
  const id = diff.forward(x, 0);
  for (let i = 0; i < x.data.length; i++) assert.ok(Math.abs(id.data[i] - x.data[i]) < 1e-6);
  // the heat flow preserves constants (random-walk Laplacian)
  const ones = new Matrix(n, 1, new Float64Array(n).fill(1));
  for (const v of diff.forward(ones, 2).data) assert.ok(Math.abs(v - 1) < 1e-10);
});

/** A connection Laplacian I − D⁻¹(W ⊗ R_ij) with random 2-D rotations (R_ji = R_ijᵀ). */
function connectionLaplacian(adj: SparseMatrix, rng: Random): SparseMatrix {
  const n = adj.rows;
  const angle = new Map<string, number>();
  const ri: number[] = [], ci: number[] = [], v: number[] = [];
  for (let i = 0; i < n; i++) {
    let deg = 0;
    for (let p = adj.rowPtr[i]; p < adj.rowPtr[i + 1]; p++) deg += adj.values[p];
    for (let a = 0; a < 2; a++) {
      ri.push(2 * i + a);
      ci.push(2 * i + a);
      v.push(1);
    }
    for (let p = adj.rowPtr[i]; p < adj.rowPtr[i + 1]; p++) {
      const j = adj.colIdx[p];
      const key = i < j ? `${i},${j}` : `${j},${i}`;
      if (!angle.has(key)) angle.set(key, rng.uniform(-0.5, 0.5));
      const th = (i < j ? 1 : -1) * angle.get(key)!;
      const R = [Math.cos(th), -Math.sin(th), Math.sin(th), Math.cos(th)];
      const w = adj.values[p] / deg;
      for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) {
        ri.push(2 * i + a);
        ci.push(2 * j + b);
        v.push(-w * R[a * 2 + b]);
      }
    }
  }
  return SparseMatrix.fromTriplets(2 * n, 2 * n, ri, ci, v);
}

test("vector diffusion with magnitude rescaling: t-derivative matches finite differences", () => {
  const n = 20;
  const pos = smallCloud(n, 2, 11);
  const adj = knnAdjacency(pos, Int32Array.from([0, n]), 5);
  const rng = new Random(12);
  const vd = new VectorDiffusion(heatOperator(connectionLaplacian(adj, rng)), heatOperator(randomWalkLaplacian(adj)));
  const x = new Matrix(n, 2, randomArray(n * 2, rng));
  const t = 0.4, h = 1e-6;
  const { value, tangent } = vd.forwardWithTangent(x, t);
  const vp = vd.forward(x, t + h), vm = vd.forward(x, t - h);
  for (let i = 0; i < value.data.length; i++) assert.ok(Math.abs((vp.data[i] - vm.data[i]) / (2 * h) - tangent.data[i]) < 1e-6);
  // magnitudes equal the scalar diffusion of the magnitudes (the diffusion of 1 is 1 here)
  const mags = new Matrix(n, 1, Float64Array.from({ length: n }, (_, i) => Math.hypot(x.data[2 * i], x.data[2 * i + 1])));
  const sm = heatOperator(randomWalkLaplacian(adj)).apply(mags, t);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(Math.hypot(value.data[2 * i], value.data[2 * i + 1]) - sm.data[i]) < 1e-10);
});

test("cached heat-kernel expansion equals recomputing the diffused features exactly", () => {
  const rng = new Random(13);
  const conds = [0, 1].map(() => {
    const pos = Array.from({ length: 40 }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1)]);
    return { pos, x: pos.map(([u, v]) => [Math.sin(2 * u) + v, u * v]) };
  });
  const data = buildToyDataset(conds, { k: 6 });
  const grad = new GradientFeatures(data.kernels, data.numNodes, 2, { order: 2, includeSelf: true, vecNorm: false });
  const scalar = new ScalarDiffusion(data.diffusion);
  const expanded = new ExpandedFeatures(grad, data.x, scalar, data.laplacian, 1e-12);
  const exact = new RecomputedFeatures(grad, (t) => scalar.forwardWithTangent(data.x, t));
  const nodes = [0, 5, 17, 79, 41];
  for (const t of [1e-8, 0.01, 0.05, 0.3, 0.31, 1.5]) {
    const a = expanded.gather(nodes, t, true), b = exact.gather(nodes, t, true);
    for (let i = 0; i < a.value.length; i++) {
      assert.ok(Math.abs(a.value[i] - b.value[i]) < 1e-9, `value at t=${t}`);
      assert.ok(Math.abs(a.tangent![i] - b.tangent![i]) < 1e-8, `tangent at t=${t}: ${a.tangent![i]} vs ${b.tangent![i]}`);
    }
  }
  assert.ok(expanded.recentres >= 2 && expanded.recentres <= 6, `recentres ${expanded.recentres}`);
});

test("vector diffusion from the cached expansion equals the exact operators", () => {
  const n = 20;
  const pos = smallCloud(n, 2, 14);
  const adj = knnAdjacency(pos, Int32Array.from([0, n]), 5);
  const rng = new Random(15);
  const Lc = connectionLaplacian(adj, rng), L = randomWalkLaplacian(adj);
  const vd = new VectorDiffusion(heatOperator(Lc), heatOperator(L));
  const x = new Matrix(n, 2, randomArray(n * 2, rng));
  const vec = new HeatExpansion(heatOperator(Lc), Lc, new Matrix(2 * n, 1, x.data), 1e-12);
  const mag = new HeatExpansion(heatOperator(L), L, VectorDiffusion.magnitudes(x), 1e-12);
  for (const t of [0.05, 0.07, 0.4, 0.1]) {
    const a = vd.forwardWithTangent(x, t), b = VectorDiffusion.rescale(vec.at(t), mag.at(t), n, 2);
    for (let i = 0; i < 2 * n; i++) {
      assert.ok(Math.abs(a.value.data[i] - b.value.data[i]) < 1e-10);
      assert.ok(Math.abs(a.tangent.data[i] - b.tangent.data[i]) < 1e-9);
    }
  }
});

test("fracSampledNb keeps a fraction of each node's neighbours and renormalises the kernel rows", async () => {
  const { subsampleKernels } = await import("../../src/model/subsample.js");
  const n = 40;
  const pos = smallCloud(n, 2, 16);
  const adj = knnAdjacency(pos, Int32Array.from([0, n]), 8);
  const K = derivativeKernels(pos, adj);
  const S = subsampleKernels(K, n, 0.5, new Random(1));
  for (let a = 0; a < 2; a++) {
    for (let i = 0; i < n; i++) {
      let offAll = 0, offKept = 0, sum = 0, diag = 0, kept = 0, all = 0;
      for (let p = K[a].rowPtr[i]; p < K[a].rowPtr[i + 1]; p++) if (K[a].colIdx[p] !== i) {
        offAll += Math.abs(K[a].values[p]);
        all++;
      }
      for (let p = S[a].rowPtr[i]; p < S[a].rowPtr[i + 1]; p++) {
        if (S[a].colIdx[p] === i) diag = S[a].values[p];
        else {
          offKept += Math.abs(S[a].values[p]);
          sum += S[a].values[p];
          kept++;
        }
      }
      assert.equal(kept, Math.ceil(0.5 * all));
      assert.ok(Math.abs(offKept - offAll) < 1e-12 || offKept === 0);
      assert.ok(Math.abs(diag + sum) < 1e-12);
    }
  }
  assert.equal(subsampleKernels(K, n, -1, new Random(1)), K);
});
