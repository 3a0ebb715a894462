import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, proximityGraph, assertConnected, kNearestNeighbors, blockDiagonal, ValidationError } from "../../src/index.js";
import { randomCloud, dist, grid } from "./helpers.js";

test("cknn graph is exactly {i ~ j : |p_i − p_j| < delta·sqrt(ρ_i ρ_j)}, symmetric, weights 1/distance", () => {
  const p = randomCloud(300, 3, 21);
  for (const [k, delta] of [[5, 1.0], [8, 1.5], [4, 0.7]]) {
    const A = proximityGraph(p, { graphType: "cknn", k, delta });
    const nn = kNearestNeighbors(p, k);
    const rho = Array.from({ length: p.rows }, (_, i) => nn.distances[i * k + k - 1]);
    let edges = 0;
    for (let i = 0; i < p.rows; i++) {
      for (let j = 0; j < p.rows; j++) {
        const expected = i !== j && dist(p, i, p, j) < delta * Math.sqrt(rho[i] * rho[j]);
        const w = A.get(i, j);
        assert.equal(w !== 0, expected, `k=${k} delta=${delta} (${i},${j})`);
        if (expected) {
          edges++;
          assert.ok(Math.abs(w - 1 / dist(p, i, p, j)) < 1e-12);
          assert.equal(w, A.get(j, i));
        }
      }
    }
    assert.equal(A.nnz, edges);
  }
});

test("knn graph is the symmetrised k-NN relation without stored self loops; radius graph is exact", () => {
  const p = randomCloud(200, 2, 4);
  const k = 4;
  const A = proximityGraph(p, { graphType: "knn", k });
  const nn = kNearestNeighbors(p, k);
  const isNb = (i: number, j: number): boolean => Array.from(nn.indices.subarray(i * k, (i + 1) * k)).includes(j);
  for (let i = 0; i < p.rows; i++) for (let j = 0; j < p.rows; j++) assert.equal(A.get(i, j) !== 0, i !== j && (isNb(i, j) || isNb(j, i)));
  const R = proximityGraph(p, { graphType: "radius", radius: 0.5 });
  for (let i = 0; i < p.rows; i++) for (let j = 0; j < p.rows; j++) assert.equal(R.get(i, j) !== 0, i !== j && dist(p, i, p, j) < 0.5);
  assert.throws(() => proximityGraph(p, { graphType: "radius" }), /radius: graphType "radius" needs a radius/);
});

test("coincident points are a clear error naming both points", () => {
  const p = Matrix.from([[0, 0], [1, 0], [0, 1], [1, 1], [1, 0], [2, 2]]);
  assert.throws(() => proximityGraph(p, { k: 2, what: "anchor (condition 3)" }), (e: Error) => {
    assert.ok(e instanceof ValidationError);
    assert.match(e.message, /anchor \(condition 3\): points 1 and 4 coincide/);
    assert.match(e.message, /remove duplicate points/);
    return true;
  });
});

test("a disconnected graph is an error naming the condition, the components and their sizes", () => {
  const a = grid(6, 0.1).selectRows(Array.from({ length: 30 }, (_, i) => i));
  const b = grid(4, 0.1).selectRows(Array.from({ length: 12 }, (_, i) => i));
  const both = new Matrix(42, 2);
  both.data.set(a.data, 0);
  for (let i = 0; i < b.data.length; i++) both.data[a.data.length + i] = b.data[i] + 100;
  const A = proximityGraph(both, { k: 5 });
  assert.throws(() => assertConnected(A, "anchor (condition 1)"), /graph of anchor \(condition 1\) is not connected: 2 components of sizes 30, 12; increase k or delta/);
  // block-diagonal assembly keeps conditions apart
  const B = blockDiagonal([proximityGraph(a, { k: 5 }), proximityGraph(b, { k: 5 })]);
  assert.equal(B.rows, 42);
  for (let i = 0; i < 30; i++) for (let p = B.rowPtr[i]; p < B.rowPtr[i + 1]; p++) assert.ok(B.colIdx[p] < 30);
});
