import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Random, constructDataset, spmv, ValidationError } from "../../src/index.js";
import { spherePoints } from "./helpers.js";

function sheet(n: number, seed: number): { pos: Matrix; vel: Matrix } {
  const rng = new Random(seed);
  const pos = new Matrix(n, 3), vel = new Matrix(n, 3);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform(-1, 1), v = rng.uniform(-1, 1);
    pos.row(i).set([u, v, 0.3 * (u * u - v * v)]);
    vel.row(i).set([-v, u, 0.6 * (-u * v - v * u)]);
  }
  return { pos, vel };
}

test("constructDataset with defaults (cknn, global gauges): shapes, blocks per condition, masks, operators", () => {
  const a = sheet(300, 1), b = sheet(250, 2);
  const ds = constructDataset({ anchor: [a.pos, b.pos], vector: [a.vel, b.vel], label: [Array.from({ length: 300 }, (_, i) => i), Array.from({ length: 250 }, (_, i) => 1000 + i)] });
  assert.equal(ds.numNodes, 550);
  assert.deepEqual(Array.from(ds.slices), [0, 300, 550]);
  assert.equal(ds.dim, 3);
  assert.equal(ds.dimMan, 3);
  assert.equal(ds.localGauges, false);
  assert.equal(ds.kernels.length, 3);
  assert.equal(ds.gauges.cols, 9);
  assert.equal(ds.y[299], 0);
  assert.equal(ds.y[300], 1);
  assert.equal(ds.label![300], 1000);
  // conditions are disconnected blocks
  const A = ds.graph.adjacency;
  for (let i = 0; i < 550; i++) for (let p = A.rowPtr[i]; p < A.rowPtr[i + 1]; p++) assert.equal(ds.y[A.colIdx[p]], ds.y[i]);
  // masks partition the nodes 80/10/10, reproducibly
  let tr = 0, va = 0, te = 0;
  for (let i = 0; i < 550; i++) {
    assert.equal(ds.trainMask[i] + ds.valMask[i] + ds.testMask[i], 1);
    tr += ds.trainMask[i]; va += ds.valMask[i]; te += ds.testMask[i];
  }
  assert.deepEqual([tr, va, te], [440, 55, 55]);
  const again = constructDataset({ anchor: [a.pos, b.pos], vector: [a.vel, b.vel] });
  assert.deepEqual(again.trainMask, ds.trainMask);
  const other = constructDataset({ anchor: [a.pos, b.pos], vector: [a.vel, b.vel], seed: 1 });
  assert.notDeepEqual(other.trainMask, ds.trainMask);
  // L·1 = 0 and the diffusion operator conserves constants
  for (const v of spmv(ds.laplacian, new Float64Array(550).fill(1))) assert.ok(Math.abs(v) < 1e-13);
  const ones = new Matrix(550, 1, new Float64Array(550).fill(1));
  for (const v of ds.diffusion.apply(ones, 3).data) assert.ok(Math.abs(v - 1) < 1e-9);
  assert.equal(ds.vectorDiffusion, null);
  assert.equal(ds.params.k, 20);
});

test("constructDataset: spacing subsamples per condition and carries labels and masks through sampleInd", () => {
  const a = sheet(600, 3);
  const label = Array.from({ length: 600 }, (_, i) => i * 2);
  const mask = Array.from({ length: 600 }, (_, i) => i % 3 === 0);
  const ds = constructDataset({ anchor: a.pos.toArray(), vector: a.vel.toArray(), label, mask, spacing: 0.05, k: 10 });
  const keep = ds.sampleInd[0];
  assert.ok(keep.length < 600 && keep.length > 50);
  assert.equal(ds.numNodes, keep.length);
  for (let r = 0; r < keep.length; r++) {
    assert.equal(ds.label![r], keep[r] * 2);
    assert.equal(ds.mask![r], keep[r] % 3 === 0 ? 1 : 0);
    assert.equal(ds.pos.get(r, 1), a.pos.get(keep[r], 1));
    assert.equal(ds.x.get(r, 0), a.vel.get(keep[r], 0));
  }
});

test("constructDataset: local gauges on a sphere give a 2-D manifold, block kernels and a connection Laplacian", () => {
  const pos = spherePoints(800, 0.01, 1);
  const vel = new Matrix(800, 3);
  for (let i = 0; i < 800; i++) vel.row(i).set([-pos.get(i, 1), pos.get(i, 0), 0]); // rotation about z
  const ds = constructDataset({ anchor: pos, vector: vel, localGauges: true, k: 15 });
  assert.equal(ds.localGauges, true);
  assert.equal(ds.dimMan, 2);
  assert.equal(ds.gauges.cols, 6);
  assert.equal(ds.kernels.length, 2);
  assert.equal(ds.kernels[0].rows, 1600);
  assert.equal(ds.connectionLaplacian!.rows, 1600);
  assert.ok(ds.vectorDiffusion && ds.vectorDiffusion.size === 1600);
  assert.equal(ds.connections!.length, ds.graph.adjacency.nnz * 4);
  // D ≠ d falls back to global gauges
  const scalar = constructDataset({ anchor: pos, vector: new Matrix(800, 1, new Float64Array(800).fill(1)), localGauges: true, k: 15 });
  assert.equal(scalar.localGauges, false);
  assert.equal(scalar.dimMan, 3);
});

test("constructDataset: bad input errors name the argument and what to change", () => {
  const a = sheet(60, 4);
  const bad = (opts: Record<string, unknown>, re: RegExp): void => {
    assert.throws(() => constructDataset(opts as never), (e: Error) => {
      assert.ok(e instanceof ValidationError, e.message);
      assert.match(e.message, re);
      return true;
    });
  };
  bad({ anchor: a.pos, vector: a.vel, kk: 3 }, /unknown option "kk"; did you mean "k"\? Valid options: anchor, vector, label/);
  bad({ anchor: [[0, 1], [2]], vector: [[0, 1], [2, 3]] }, /anchor: row 1 has length 1/);
  bad({ anchor: a.pos, vector: a.vel.selectRows([0, 1, 2]) }, /vector: has 3 rows but anchor has 60 points; pass one vector per anchor point/);
  const nan = a.pos.clone();
  nan.set(5, 1, NaN);
  bad({ anchor: nan, vector: a.vel }, /anchor: contains NaN at row 5, column 1/);
  const inf = a.vel.clone();
  inf.set(2, 0, Infinity);
  bad({ anchor: [a.pos, a.pos], vector: [a.vel, inf] }, /vector\[1\]: contains Infinity at row 2, column 0/);
  bad({ anchor: [a.pos, a.pos.selectRows([0, 1, 2, 3, 4])], vector: [a.vel, a.vel.selectRows([0, 1, 2, 3, 4])], k: 5 }, /anchor \(condition 1\): has 5 points, fewer than k \+ 1 = 6/);
  bad({ anchor: a.pos, vector: a.vel, k: 0 }, /k must be an integer ≥ 1, got 0/);
  bad({ anchor: a.pos, vector: a.vel, graphType: "knnn" }, /graphType must be one of "cknn", "knn", "radius"/);
  bad({ anchor: [a.pos, a.pos.sliceCols(0, 2)], vector: [a.vel, a.vel] }, /anchor\[1\]: has 2 columns, but condition 0 has 3/);
  bad({ anchor: a.pos, vector: a.vel, label: [1, 2, 3] }, /label: has 3 values, expected 60/);
  bad({ vector: a.vel }, /anchor: required/);
  // disconnected condition
  const far = a.pos.clone();
  for (let i = 30; i < 60; i++) far.set(i, 0, far.get(i, 0) + 100);
  bad({ anchor: [a.pos, far], vector: [a.vel, a.vel], k: 5 }, /graph of anchor \(condition 1\) is not connected: \d+ components of sizes .*increase k or delta/);
});

test("local gauges on a tilted plane: a constant tangent field is parallel, so vector diffusion leaves it unchanged and the block kernels annihilate it", () => {
  const rng = new Random(12);
  const n = 400;
  const u1 = [1, 1, 0].map((v) => v / Math.SQRT2), u2 = [1, -1, 2].map((v) => v / Math.sqrt(6));
  const pos = new Matrix(n, 3), vel = new Matrix(n, 3);
  const c = u1.map((v, t) => 0.8 * v - 0.3 * u2[t]); // constant field in the plane
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1), b = rng.uniform(-1, 1);
    for (let t = 0; t < 3; t++) pos.set(i, t, a * u1[t] + b * u2[t]);
    vel.row(i).set(c);
  }
  const ds = constructDataset({ anchor: pos, vector: vel, localGauges: true, k: 10 });
  assert.equal(ds.dimMan, 2);
  const m = 2;
  const v = new Matrix(n * m, 1);
  for (let i = 0; i < n; i++) for (let a = 0; a < m; a++) {
    let s = 0;
    for (let t = 0; t < 3; t++) s += ds.gauges.get(i, a * 3 + t) * c[t];
    v.data[i * m + a] = s;
  }
  for (const t of [0.5, 5]) {
    const out = ds.vectorDiffusion!.apply(v, t);
    for (let q = 0; q < v.data.length; q++) assert.ok(Math.abs(out.data[q] - v.data[q]) < 1e-9, `t=${t}`);
  }
  for (const K of ds.kernels) for (const val of spmv(K, v.data)) assert.ok(Math.abs(val) < 1e-12);
});
