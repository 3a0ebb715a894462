import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Random, proximityGraph, localFrames, manifoldDimension, truncateFrames, orientFrames, computeConnections, GeodesicNeighbourhood, directionalKernels, blockKernels, spmv } from "../../src/index.js";
import { spherePoints, dist } from "./helpers.js";

function tangentResidual(frame: ArrayLike<number>, normal: ArrayLike<number>): number {
  let s = 0;
  for (let t = 0; t < 3; t++) s += frame[t] * normal[t];
  return Math.abs(s);
}

test("geodesic neighbourhoods are the nearest nodes by shortest-path length", () => {
  // a path graph 0 — 1 — 2 — 3 with unit spacing plus a long chord 0 — 3 of length 2.5
  const p = Matrix.from([[0], [1], [2], [3]]);
  const A = proximityGraph(p, { graphType: "radius", radius: 1.1 });
  const geo = new GeodesicNeighbourhood(A);
  const out = new Int32Array(4);
  assert.equal(geo.nearest(1, 3, out), 3);
  assert.deepEqual(Array.from(out.subarray(0, 3)).sort(), [0, 1, 2]);
  assert.equal(geo.nearest(0, 4, out), 4);
  assert.deepEqual(Array.from(out), [0, 1, 2, 3]);
});

test("frames on a tilted plane in 3-D span the plane; manifold dimension 2", () => {
  const rng = new Random(2);
  const n = 400;
  const u1 = [1, 1, 0].map((v) => v / Math.SQRT2), u2 = [1, -1, 2].map((v) => v / Math.sqrt(6));
  const normal = [1, -1, -1].map((v) => v / Math.sqrt(3));
  const p = new Matrix(n, 3);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1), b = rng.uniform(-1, 1);
    for (let t = 0; t < 3; t++) p.set(i, t, a * u1[t] + b * u2[t] + 0.5);
  }
  const A = proximityGraph(p, { k: 10 });
  const fr = localFrames(p, A, 15);
  assert.equal(manifoldDimension(fr.sigma, 3, 0.9), 2);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 2; a++) assert.ok(tangentResidual(fr.frames.subarray(i * 9 + a * 3, i * 9 + a * 3 + 3), normal) < 1e-10);
    // σ comes from the eigenvalues of the local covariance, so the zero one is resolved to ~1e-8 σ_1
    assert.ok(fr.sigma[i * 3 + 2] < 1e-6 * fr.sigma[i * 3]);
  }
});

test("frames on a noisy sphere span the tangent planes, dimension 2; connections are rotations consistent with transport", () => {
  const n = 1500;
  const p = spherePoints(n, 0.01, 3);
  const A = proximityGraph(p, { k: 12 });
  const fr = localFrames(p, A, 18);
  assert.equal(manifoldDimension(fr.sigma, 3, 0.9), 2);
  const G = truncateFrames(fr, 2);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const r = Math.hypot(p.get(i, 0), p.get(i, 1), p.get(i, 2));
    const normal = [0, 1, 2].map((t) => p.get(i, t) / r);
    for (let a = 0; a < 2; a++) worst = Math.max(worst, tangentResidual(G.data.subarray(i * 6 + a * 3, i * 6 + a * 3 + 3), normal));
  }
  assert.ok(worst < 0.12, `largest |⟨e_a, normal⟩| = ${worst}`);
  orientFrames(G, A, 3);
  const R = computeConnections(G, A, 3);
  let worstTransport = 0;
  for (let i = 0; i < n; i++) {
    for (let q = A.rowPtr[i]; q < A.rowPtr[i + 1]; q++) {
      const j = A.colIdx[q];
      const r = R.subarray(q * 4, q * 4 + 4);
      // orthogonal with det +1
      assert.ok(Math.abs(r[0] * r[0] + r[2] * r[2] - 1) < 1e-12 && Math.abs(r[0] * r[1] + r[2] * r[3]) < 1e-12);
      assert.ok(Math.abs(r[0] * r[3] - r[1] * r[2] - 1) < 1e-12, `det R_${i}${j}`);
      // R_ji = R_ijᵀ
      let back = -1;
      for (let s = A.rowPtr[j]; s < A.rowPtr[j + 1]; s++) if (A.colIdx[s] === i) back = s;
      const rb = R.subarray(back * 4, back * 4 + 4);
      assert.ok(Math.abs(rb[0] - r[0]) + Math.abs(rb[1] - r[2]) + Math.abs(rb[2] - r[1]) + Math.abs(rb[3] - r[3]) < 1e-12);
      // transport: G_i R_ij ≈ G_j, with an error of the order of the edge length (curvature)
      let err = 0;
      for (let t = 0; t < 3; t++) for (let b = 0; b < 2; b++) {
        const gi = G.data[i * 6 + 0 * 3 + t] * r[0 * 2 + b] + G.data[i * 6 + 1 * 3 + t] * r[1 * 2 + b];
        err = Math.max(err, Math.abs(gi - G.data[j * 6 + b * 3 + t]) / dist(p, i, p, j));
      }
      worstTransport = Math.max(worstTransport, err);
    }
  }
  assert.ok(worstTransport < 3, `transport error / edge length = ${worstTransport}`);
});

test("block kernels annihilate a parallel-transported constant field and differentiate a rotation field", () => {
  const n = 1200;
  const p = spherePoints(n, 0, 5);
  const A = proximityGraph(p, { k: 12 });
  const G = truncateFrames(localFrames(p, A, 18), 2);
  orientFrames(G, A, 3);
  const R = computeConnections(G, A, 3);
  const K = blockKernels(directionalKernels(p, A, G, 2), A, R, 2);
  // v_j = R_{0j}-consistent field: any field whose frame coordinates satisfy v_j = R_ji v_i exactly
  // on the edges of one node i is killed at i; check at every node with a field built around it.
  let worst = 0;
  for (let i = 0; i < n; i += 97) {
    const v = new Float64Array(2 * n);
    v[2 * i] = 0.6;
    v[2 * i + 1] = -0.8;
    for (let q = A.rowPtr[i]; q < A.rowPtr[i + 1]; q++) {
      const j = A.colIdx[q];
      // v_j = R_ijᵀ v_i so that R_ij v_j = v_i
      v[2 * j] = R[q * 4] * v[2 * i] + R[q * 4 + 2] * v[2 * i + 1];
      v[2 * j + 1] = R[q * 4 + 1] * v[2 * i] + R[q * 4 + 3] * v[2 * i + 1];
    }
    for (const k of K) {
      const out = spmv(k, v);
      worst = Math.max(worst, Math.abs(out[2 * i]), Math.abs(out[2 * i + 1]));
    }
  }
  assert.ok(worst < 1e-12, `${worst}`);
});

test("connections for m = 3 (orthogonal Procrustes by Jacobi) agree with the SVD definition", async () => {
  const { svd, Matrix: M } = await import("../../src/index.js");
  const rng = new Random(9);
  const n = 60, d = 4, m = 3;
  const p = new Matrix(n, d, Float64Array.from({ length: n * d }, () => rng.normal()));
  const A = proximityGraph(p, { graphType: "knn", k: 4 });
  const G = new Matrix(n, d * m, Float64Array.from({ length: n * d * m }, () => rng.normal()));
  const R = computeConnections(G, A, d);
  for (let i = 0; i < n; i++) for (let q = A.rowPtr[i]; q < A.rowPtr[i + 1]; q++) {
    const j = A.colIdx[q];
    const P = new M(m, m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += G.get(i, a * d + t) * G.get(j, b * d + t);
      P.set(a, b, s);
    }
    const { U, V } = svd(P);
    for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += U.get(r, t) * V.get(c, t);
      assert.ok(Math.abs(R[q * 9 + r * 3 + c] - s) < 1e-9);
    }
  }
});
