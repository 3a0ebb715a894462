import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, kNearestNeighbors, radiusNeighbors, pointCloudDiameter, furthestPointSampling } from "../../src/index.js";
import { randomCloud, dist } from "./helpers.js";

function bruteKnn(p: Matrix, i: number, k: number): number[] {
  const order: number[] = [];
  for (let j = 0; j < p.rows; j++) if (j !== i) order.push(j);
  order.sort((a, b) => dist(p, i, p, a) - dist(p, i, p, b) || a - b);
  return order.slice(0, k);
}

test("kNearestNeighbors is exact (3-D and 5-D), excludes self, ascending distances", () => {
  for (const d of [3, 5]) {
    const p = randomCloud(600, d, d);
    const k = 7;
    const nn = kNearestNeighbors(p, k);
    for (let i = 0; i < p.rows; i += 7) {
      const ref = bruteKnn(p, i, k);
      for (let r = 0; r < k; r++) {
        assert.ok(Math.abs(nn.distances[i * k + r] - dist(p, i, p, ref[r])) < 1e-12, `d=${d} i=${i} r=${r}`);
        assert.notEqual(nn.indices[i * k + r], i);
        if (r > 0) assert.ok(nn.distances[i * k + r] >= nn.distances[i * k + r - 1]);
      }
    }
  }
});

test("kNearestNeighbors: a duplicate point is a neighbour at distance 0; too few points is an error", () => {
  const p = Matrix.from([[0, 0], [1, 0], [0, 1], [1, 0], [5, 5]]);
  const nn = kNearestNeighbors(p, 1);
  assert.equal(nn.indices[1], 3);
  assert.equal(nn.distances[1], 0);
  assert.throws(() => kNearestNeighbors(p, 5), /k: need at least k \+ 1 = 6 points, got 5/);
});

test("radiusNeighbors matches brute force with per-point radii (strict inequality)", () => {
  const p = randomCloud(400, 3, 11);
  const radii = Float64Array.from({ length: p.rows }, (_, i) => 0.3 + 0.4 * ((i * 7919) % 13) / 13);
  const res = radiusNeighbors(p, radii);
  for (let i = 0; i < p.rows; i++) {
    const ref: number[] = [];
    for (let j = 0; j < p.rows; j++) if (j !== i && dist(p, i, p, j) < radii[i]) ref.push(j);
    assert.deepEqual(Array.from(res.indices.subarray(res.ptr[i], res.ptr[i + 1])), ref);
  }
});

test("pointCloudDiameter is the exact largest pairwise distance", () => {
  for (const [n, d, seed] of [[500, 2, 1], [700, 5, 2], [300, 3, 3]]) {
    const p = randomCloud(n, d, seed);
    let ref = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) ref = Math.max(ref, dist(p, i, p, j));
    assert.ok(Math.abs(pointCloudDiameter(p) - ref) < 1e-12);
  }
});

function referenceFps(p: Matrix, spacing: number): number[] {
  let diam = 0;
  for (let i = 0; i < p.rows; i++) for (let j = i + 1; j < p.rows; j++) diam = Math.max(diam, dist(p, i, p, j));
  const kept = [0];
  const dmin = Array.from({ length: p.rows }, (_, j) => dist(p, 0, p, j));
  for (;;) {
    let arg = 0;
    for (let j = 1; j < p.rows; j++) if (dmin[j] > dmin[arg]) arg = j;
    if (dmin[arg] / diam < spacing) break;
    kept.push(arg);
    for (let j = 0; j < p.rows; j++) dmin[j] = Math.min(dmin[j], dist(p, arg, p, j));
  }
  return kept.sort((a, b) => a - b);
}

test("furthestPointSampling on a grid (many ties) matches the greedy definition with lowest-index ties", () => {
  const p = new Matrix(400, 2);
  for (let i = 0; i < 400; i++) p.row(i).set([i % 20, Math.floor(i / 20)]);
  for (const spacing of [0.05, 0.1, 0.3]) assert.deepEqual(Array.from(furthestPointSampling(p, spacing)), referenceFps(p, spacing), `spacing ${spacing}`);
});

test("furthestPointSampling matches the greedy definition and stops at spacing × diameter", () => {
  const p = randomCloud(400, 3, 5);
  const spacing = 0.15;
  const got = furthestPointSampling(p, spacing);
  assert.deepEqual(Array.from(got), referenceFps(p, spacing));
  let diam = 0;
  for (let i = 0; i < p.rows; i++) for (let j = i + 1; j < p.rows; j++) diam = Math.max(diam, dist(p, i, p, j));
  assert.ok(got.length > 10 && got.length < p.rows);
  // every point is within spacing × diameter of a kept one
  for (let j = 0; j < p.rows; j++) {
    let m = Infinity;
    for (const i of got) m = Math.min(m, dist(p, i, p, j));
    assert.ok(m / diam < spacing);
  }
  assert.equal(furthestPointSampling(p, 0).length, p.rows);
});
