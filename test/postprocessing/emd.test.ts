// Exact earth mover's distance: POT's ot.emd2 references (scripts/fixtures/postprocessing.py),
// the 1-D closed form, and hand-checkable cases.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Matrix, Random, emd, distributionDistances, pointCloudEmd, transportSimplex } from "../../src/index.js";

const FIX = join(__dirname, "..", "fixtures", "postprocessing");
const load = (name: string) => JSON.parse(readFileSync(join(FIX, name), "utf8"));

/** W1 between uniform empirical measures on the line, by matching quantile functions. */
function w1Closed(x: number[], y: number[]): number {
  const xs = [...x].sort((a, b) => a - b), ys = [...y].sort((a, b) => a - b);
  const n1 = xs.length, n2 = ys.length;
  // Breakpoints of both quantile functions, in exact integer arithmetic on the common grid 1/(n1·n2).
  let i = 0, j = 0, t = 0, total = 0;
  while (i < n1 && j < n2) {
    const ti = (i + 1) * n2, tj = (j + 1) * n1;
    const next = Math.min(ti, tj);
    total += ((next - t) / (n1 * n2)) * Math.abs(xs[i] - ys[j]);
    t = next;
    if (ti === next) i++;
    if (tj === next) j++;
  }
  return total;
}

test("point-cloud EMD equals POT's ot.emd2 to 1e-8 (unequal sizes, 2–5 dims)", () => {
  const { clouds } = load("emd.json");
  for (const c of clouds) {
    const X = Matrix.from([...c.x, ...c.y]);
    const a = Array.from({ length: c.x.length }, (_, i) => i);
    const b = Array.from({ length: c.y.length }, (_, i) => c.x.length + i);
    const v = pointCloudEmd(X, a, b);
    assert.ok(Math.abs(v - c.emd2) < 1e-8, `${c.x.length}×${c.y.length}: ${v} vs POT ${c.emd2}`);
    // distributionDistances gives the same number through its public path
    const cond = [...a.map(() => 3), ...b.map(() => 7)];
    const r = distributionDistances(X, cond);
    assert.deepEqual(r.conditions, [3, 7]);
    assert.ok(Math.abs(r.dist.get(0, 1) - c.emd2) < 1e-8);
    assert.equal(r.dist.get(1, 0), r.dist.get(0, 1));
    assert.equal(r.dist.get(0, 0), 0);
  }
});

test("weighted EMD with a general cost matrix and empty bins equals POT", () => {
  const { weighted } = load("emd.json");
  for (const w of weighted) {
    const r = emd(w.a, w.b, w.M, { returnPlan: true });
    assert.ok(Math.abs(r.distance - w.emd2) < 1e-8, `${r.distance} vs ${w.emd2}`);
    // the plan is feasible: marginals a and b, non-negative
    const P = r.plan!;
    for (let i = 0; i < P.rows; i++) {
      let s = 0;
      for (let j = 0; j < P.cols; j++) {
        assert.ok(P.get(i, j) >= 0);
        s += P.get(i, j);
      }
      assert.ok(Math.abs(s - w.a[i]) < 1e-12);
    }
    for (let j = 0; j < P.cols; j++) {
      let s = 0;
      for (let i = 0; i < P.rows; i++) s += P.get(i, j);
      assert.ok(Math.abs(s - w.b[j]) < 1e-12);
    }
  }
});

test("1-D clouds match the closed form (quantile matching), unequal sizes", () => {
  const rng = new Random(11);
  for (const [n1, n2] of [[1, 1], [3, 8], [50, 37], [400, 250]]) {
    const x = Array.from({ length: n1 }, () => rng.normal());
    const y = Array.from({ length: n2 }, () => rng.normal(0.7, 1.5));
    const X = Matrix.column([...x, ...y]);
    const v = pointCloudEmd(X, Array.from({ length: n1 }, (_, i) => i), Array.from({ length: n2 }, (_, i) => n1 + i));
    assert.ok(Math.abs(v - w1Closed(x, y)) < 1e-10, `${n1}×${n2}: ${v} vs ${w1Closed(x, y)}`);
  }
});

test("hand-checkable: identical distributions → 0, a shift by δ → δ", () => {
  const rng = new Random(2);
  const pts = Array.from({ length: 60 }, () => [rng.normal(), rng.normal(), rng.normal()]);
  const same = distributionDistances([...pts, ...pts], [...pts.map(() => 0), ...pts.map(() => 1)]);
  assert.ok(Math.abs(same.dist.get(0, 1)) < 1e-12);
  // Any translation by a vector of length δ moves every point by δ, and no plan does better (Jensen).
  const delta = 0.37;
  const shifted = pts.map((p) => [p[0] + delta * 0.6, p[1] - delta * 0.8, p[2]]);
  const r = distributionDistances([...pts, ...shifted], [...pts.map(() => 0), ...pts.map(() => 1)]);
  assert.ok(Math.abs(r.dist.get(0, 1) - delta) < 1e-12, `${r.dist.get(0, 1)}`);
  // 1-D shift with unequal sizes: {0, 1} vs {δ, δ + 1/2, δ + 1}: quantiles give δ + 1/6 · ... check by closed form
  const x = [0, 1], y = [delta, delta + 0.5, delta + 1];
  const v = distributionDistances(Matrix.column([...x, ...y]), [0, 0, 1, 1, 1]).dist.get(0, 1);
  assert.ok(Math.abs(v - w1Closed(x, y)) < 1e-12);
});

test("three conditions: symmetric matrix, triangle inequality, conditions sorted", () => {
  const rng = new Random(4);
  const rows: number[][] = [], cond: number[] = [];
  for (const [c, mu, n] of [[5, 0, 30], [-2, 1, 45], [9, 3, 20]] as const) {
    for (let i = 0; i < n; i++) {
      rows.push([rng.normal(mu), rng.normal()]);
      cond.push(c);
    }
  }
  const r = distributionDistances(rows, cond);
  assert.deepEqual(r.conditions, [-2, 5, 9]);
  const D = r.dist;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.equal(D.get(i, j), D.get(j, i));
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) assert.ok(D.get(i, j) <= D.get(i, k) + D.get(k, j) + 1e-12);
});

test("clustered distances: histograms over clusters, plans with the right marginals, equal to a direct EMD", () => {
  const rng = new Random(8);
  const rows: number[][] = [], cond: number[] = [];
  for (let c = 0; c < 4; c++) {
    for (let i = 0; i < 50 + 10 * c; i++) {
      rows.push([rng.normal(c), rng.normal(), rng.normal(-c / 2)]);
      cond.push(c);
    }
  }
  const r = distributionDistances(rows, cond, { nClusters: 7, seed: 1 });
  assert.equal(r.dist.rows, 4);
  assert.equal(r.gamma!.length, 4);
  const K = 7;
  const H = r.histograms!;
  const cost = new Matrix(K, K);
  for (let p = 0; p < K; p++) {
    for (let q = 0; q < K; q++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += (r.centroids!.get(p, j) - r.centroids!.get(q, j)) ** 2;
      cost.set(p, q, Math.sqrt(s));
    }
  }
  for (let s = 0; s < 4; s++) {
    for (let t = 0; t < 4; t++) {
      const G = r.gamma![s][t];
      for (let p = 0; p < K; p++) {
        let rowSum = 0, colSum = 0;
        for (let q = 0; q < K; q++) {
          rowSum += G.get(p, q);
          colSum += G.get(q, p);
        }
        assert.ok(Math.abs(rowSum - H.get(s, p)) < 1e-12);
        assert.ok(Math.abs(colSum - H.get(t, p)) < 1e-12);
      }
      if (s === t) {
        assert.equal(r.dist.get(s, t), 0);
        continue;
      }
      let planCost = 0;
      for (let e = 0; e < K * K; e++) planCost += G.data[e] * cost.data[e];
      assert.ok(Math.abs(planCost - r.dist.get(s, t)) < 1e-12);
      const direct = emd(H.row(s), H.row(t), cost).distance;
      assert.ok(Math.abs(direct - r.dist.get(s, t)) < 1e-12);
    }
  }
  // labels agree with the histograms
  assert.equal(r.labels!.length, rows.length);
});

test("transportSimplex: degenerate and tiny problems", () => {
  // one source, one sink
  assert.equal(transportSimplex([2], [2], Float64Array.from([3])).cost, 6);
  // many ties in cost (degenerate pivots) still reach the optimum: all costs equal
  const n = 30;
  const r = transportSimplex(new Float64Array(n).fill(1), new Float64Array(n).fill(1), new Float64Array(n * n).fill(2));
  assert.equal(r.cost, 2 * n);
  // assignment with a known optimum: cost |i − j| on a permutation gives 0 on the identity
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) C[i * n + j] = Math.abs(i - j);
  assert.equal(transportSimplex(new Float64Array(n).fill(1), new Float64Array(n).fill(1), C).cost, 0);
});

test("input validation names the argument and the fix", () => {
  const X = [[0, 0], [1, 1], [2, 2]];
  assert.throws(() => distributionDistances(X, [0, 1]), /conditions has 2 entries but embedding has 3 rows/);
  assert.throws(() => distributionDistances(X, [0, 0, 0]), /at least 2 distinct conditions/);
  assert.throws(() => distributionDistances([[0, NaN], [1, 1], [2, 2]], [0, 1, 1]), /NaN at row 0, column 1/);
  assert.throws(() => distributionDistances(X, [0, 1, 1], { nClusters: 4 }), /nClusters \(4\) exceeds the number of points \(3\)/);
  assert.throws(() => distributionDistances(X, [0, 1, 0.5]), /conditions must be integers/);
  assert.throws(() => distributionDistances(X, [0, 1, 1], { nClusers: 2 } as never), /unknown option "nClusers"/);
  assert.throws(() => emd([0.5, 0.5], [1], [[1], [2], [3]]), /expected 2 rows/);
  assert.throws(() => emd([-1, 2], [1], [[1], [2]]), /must be ≥ 0/);
  assert.throws(() => transportSimplex([1], [2], Float64Array.from([1])), /totals differ/);
  // two conditions too large for a dense cost matrix: the message points to clustering
  const big = new Matrix(14000, 1);
  const cond = Array.from({ length: 14000 }, (_, i) => (i < 7000 ? 0 : 1));
  assert.throws(() => distributionDistances(big, cond), /Pass nClusters/);
});
