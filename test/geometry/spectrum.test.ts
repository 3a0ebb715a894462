import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Random, proximityGraph, laplacianEigenpairs, weightedDegrees } from "../../src/index.js";
import { grid } from "./helpers.js";

test("laplacianEigenpairs on a cycle graph gives the analytic spectrum 1 − cos(2πj/n)", () => {
  const n = 300;
  const p = new Matrix(n, 2);
  for (let i = 0; i < n; i++) p.row(i).set([Math.cos((2 * Math.PI * i) / n), Math.sin((2 * Math.PI * i) / n)]);
  const A = proximityGraph(p, { graphType: "knn", k: 2 }); // each node joined to its two ring neighbours
  const k = 9;
  const eig = laplacianEigenpairs(A, k, { tol: 1e-10 });
  const expected = [0];
  for (let j = 1; expected.length < k; j++) expected.push(1 - Math.cos((2 * Math.PI * j) / n), 1 - Math.cos((2 * Math.PI * j) / n));
  for (let c = 0; c < k; c++) assert.ok(Math.abs(eig.values[c] - expected[c]) < 1e-10, `λ_${c}: ${eig.values[c]} vs ${expected[c]}`);
  assert.ok(eig.maxResidual <= 1e-10);
});

test("laplacianEigenpairs on an irregular graph: small independent residuals, orthonormal vectors, λ_0 = 0", () => {
  const rng = new Random(1);
  const p = grid(20, 1);
  for (let i = 0; i < p.data.length; i++) p.data[i] += 0.15 * rng.normal();
  const A = proximityGraph(p, { k: 8 });
  const n = A.rows, k = 10;
  const eig = laplacianEigenpairs(A, k, { tol: 1e-9 });
  const deg = weightedDegrees(A);
  assert.ok(Math.abs(eig.values[0]) < 1e-9);
  for (let c = 0; c < k; c++) {
    if (c > 0) assert.ok(eig.values[c] >= eig.values[c - 1]);
    let r = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let q = A.rowPtr[i]; q < A.rowPtr[i + 1]; q++) s += (A.values[q] / Math.sqrt(deg[i] * deg[A.colIdx[q]])) * eig.vectors.get(A.colIdx[q], c);
      r += (eig.vectors.get(i, c) - s - eig.values[c] * eig.vectors.get(i, c)) ** 2;
    }
    assert.ok(Math.sqrt(r) < 1e-8, `residual ${c}: ${Math.sqrt(r)}`);
    for (let c2 = 0; c2 <= c; c2++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += eig.vectors.get(i, c) * eig.vectors.get(i, c2);
      assert.ok(Math.abs(dot - (c === c2 ? 1 : 0)) < 1e-10);
    }
  }
  // the first eigenvector of L_sym is D^{1/2}·1, normalised
  const norm = Math.sqrt(deg.reduce((s, v) => s + v, 0));
  const sign = Math.sign(eig.vectors.get(0, 0));
  for (let i = 0; i < n; i++) assert.ok(Math.abs(sign * eig.vectors.get(i, 0) - Math.sqrt(deg[i]) / norm) < 1e-8);
});

test("connection-Laplacian eigenpairs (sphere frames): D^{-1/2}u are eigenvectors of I − D⁻¹(W ⊗ R); dataset exposes eigenpairs", async () => {
  const { spherePoints } = await import("./helpers.js");
  const { constructDataset, connectionLaplacian, spmm } = await import("../../src/index.js");
  const pos = spherePoints(400, 0, 2);
  const ds = constructDataset({ anchor: pos, vector: pos, localGauges: true, k: 10, numberOfEigenvectors: 6 });
  assert.ok(ds.eigen && ds.connectionEigen);
  assert.equal(ds.eigen.values.length, 6);
  assert.ok(Math.abs(ds.eigen.values[0]) < 1e-8 && ds.eigen.maxResidual < 1e-7);
  // sphere: the next three eigenvalues of the scalar Laplacian form a (near) triplet
  assert.ok(ds.eigen.values[3] - ds.eigen.values[1] < 0.2 * ds.eigen.values[1]);
  const m = ds.dimMan, n = ds.numNodes;
  const deg = weightedDegrees(ds.graph.adjacency);
  const Lc = connectionLaplacian(ds.graph.adjacency, ds.connections!, m);
  const ce = ds.connectionEigen;
  const V = new Matrix(n * m, ce.values.length);
  for (let i = 0; i < n; i++) for (let a = 0; a < m; a++) for (let c = 0; c < ce.values.length; c++) V.set(i * m + a, c, ce.vectors.get(i * m + a, c) / Math.sqrt(deg[i]));
  const LV = spmm(Lc, V);
  for (let c = 0; c < ce.values.length; c++) {
    let r = 0, nv = 0;
    for (let q = 0; q < n * m; q++) {
      r += (LV.get(q, c) - ce.values[c] * V.get(q, c)) ** 2;
      nv += V.get(q, c) ** 2;
    }
    assert.ok(Math.sqrt(r / nv) < 1e-6, `connection residual ${c}: ${Math.sqrt(r / nv)}`);
    assert.ok(ce.values[c] >= 0 && ce.values[c] <= 2);
  }
});
