import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Random, proximityGraph, randomWalkLaplacian, connectionLaplacian, createDiffusionOperator, heatKernelBasis, spmv, scaledBesselI, SparseMatrix } from "../../src/index.js";
import { grid, denseExpm, mul, maxAbsDiff } from "./helpers.js";

function smallGraph(seed: number): SparseMatrix {
  const rng = new Random(seed);
  const p = grid(6, 1);
  for (let i = 0; i < p.data.length; i++) p.data[i] += 0.2 * rng.normal();
  return proximityGraph(p, { k: 5, delta: 1.3 });
}

function randomSignal(n: number, c: number, seed: number): Matrix {
  const rng = new Random(seed);
  return new Matrix(n, c, Float64Array.from({ length: n * c }, () => rng.normal()));
}

function scaled(a: Matrix, s: number): Matrix {
  return new Matrix(a.rows, a.cols, a.data.map((v) => v * s));
}

test("scaled Bessel functions satisfy the generating identity and known values", () => {
  // e^{−t}(I_0 + 2 Σ I_k) = 1 by construction; check e^{−t}I_0(t) against the power series
  for (const t of [1e-300, 1e-9, 5e-7, 2e-6, 0.01, 0.5, 2, 10, 30]) {
    const s = scaledBesselI(t, 3);
    let i0 = 0, term = 1;
    for (let k = 0; k < 200; k++) {
      if (k > 0) term *= (t * t) / 4 / (k * k);
      i0 += term;
    }
    assert.ok(Math.abs(s[0] - Math.exp(-t) * i0) < 1e-13 * Math.max(1, s[0]), `t=${t}`);
    let i1 = 0;
    term = t / 2;
    for (let k = 0; k < 200; k++) {
      if (k > 0) term *= (t * t) / 4 / (k * (k + 1));
      i1 += term;
    }
    assert.ok(Math.abs(s[1] - Math.exp(-t) * i1) < 1e-13 * Math.max(1, s[1]), `t=${t}`);
  }
  // large t: e^{−t} I_0(t) ≈ 1/sqrt(2πt) (1 + 1/(8t) + 9/(128t²))
  const t = 400;
  const asym = (1 / Math.sqrt(2 * Math.PI * t)) * (1 + 1 / (8 * t) + 9 / (128 * t * t));
  assert.ok(Math.abs(scaledBesselI(t, 0)[0] - asym) < 1e-9);
});

test("random-walk Laplacian: L·1 = 0, unit diagonal, rows of D⁻¹W sum to 1", () => {
  const A = smallGraph(1);
  const L = randomWalkLaplacian(A);
  for (const v of spmv(L, new Float64Array(L.rows).fill(1))) assert.ok(Math.abs(v) < 1e-14);
  for (let i = 0; i < L.rows; i++) assert.equal(L.get(i, i), 1);
});

test("diffusion operator matches a dense matrix exponential for t = 0 … 200, with transpose and t-derivative", () => {
  const A = smallGraph(2);
  const L = randomWalkLaplacian(A);
  const Ld = L.toDense();
  const op = createDiffusionOperator(L);
  const x = randomSignal(L.rows, 3, 3);
  for (const t of [0, 1e-7, 1e-6, 0.1, 1, 3.7, 20, 200]) {
    const E = denseExpm(scaled(Ld, -t));
    const ref = mul(E, x);
    assert.ok(maxAbsDiff(op.apply(x, t).data, ref.data) < 1e-9, `apply t=${t}`);
    const refT = mul(E.transpose(), x);
    assert.ok(maxAbsDiff(op.applyTranspose(x, t).data, refT.data) < 1e-9, `transpose t=${t}`);
    const { value, dt } = op.applyWithDerivative(x, t);
    assert.ok(maxAbsDiff(value.data, ref.data) < 1e-9);
    // analytic: d/dt exp(−tL)x = −L exp(−tL)x
    const refDt = scaled(mul(Ld, ref), -1);
    assert.ok(maxAbsDiff(dt.data, refDt.data) < 1e-8, `dt t=${t}`);
    if (t > 0) {
      // central differences, or forward ones just above t = 0
      const central = t >= 1e-3;
      const h = central ? 1e-5 * Math.max(1, t) : 1e-8;
      const up = op.apply(x, t + h).data, down = op.apply(x, central ? t - h : t).data;
      const fd = up.map((v, q) => (v - down[q]) / (central ? 2 * h : h));
      assert.ok(maxAbsDiff(dt.data, fd) < 1e-5 * Math.max(1, t), `finite difference t=${t}`);
    }
  }
  // transpose is the adjoint: ⟨exp(−tL)x, g⟩ = ⟨x, exp(−tL)ᵀ g⟩
  const g = randomSignal(L.rows, 3, 4);
  const lhs = op.apply(x, 1.3).data.reduce((s, v, q) => s + v * g.data[q], 0);
  const rhs = op.applyTranspose(g, 1.3).data.reduce((s, v, q) => s + v * x.data[q], 0);
  assert.ok(Math.abs(lhs - rhs) < 1e-10);
  // the cache-friendly internal node order does not change results
  const plain = createDiffusionOperator(L, { reorder: false });
  assert.ok(maxAbsDiff(plain.apply(x, 2.5).data, op.apply(x, 2.5).data) < 1e-12);
  assert.ok(maxAbsDiff(plain.applyTranspose(x, 2.5).data, op.applyTranspose(x, 2.5).data) < 1e-12);
  assert.throws(() => op.apply(x, -1), /t must be a finite number ≥ 0/);
  assert.throws(() => op.apply(randomSignal(3, 1, 0), 1), /signal has 3 rows, expected 36/);
});

test("heatKernelBasis combines to exp(−tL)x for every t ≤ tMax, derivatives match, and refuses t > tMax", () => {
  const A = smallGraph(5);
  const L = randomWalkLaplacian(A);
  const op = createDiffusionOperator(L);
  const x = randomSignal(L.rows, 2, 6);
  const basis = heatKernelBasis(L, x, { tMax: 10 });
  for (const t of [0, 0.05, 1, 5, 10]) {
    assert.ok(maxAbsDiff(basis.combine(t).data, op.apply(x, t).data) < 1e-9, `t=${t}`);
    const dc = basis.coefficientDerivatives(t);
    const dt = new Float64Array(x.data.length);
    basis.terms.forEach((v, k) => v.data.forEach((val, q) => (dt[q] += dc[k] * val)));
    assert.ok(maxAbsDiff(dt, op.applyWithDerivative(x, t).dt.data) < 1e-9);
    assert.equal(basis.coefficients(t).length, basis.terms.length);
  }
  // selected rows (a batch) and the derivative combination
  const rows = [7, 0, 35, 7];
  const full = op.applyWithDerivative(x, 2.2);
  const sub = basis.combine(2.2, rows), subDt = basis.combineDerivative(2.2, rows);
  rows.forEach((i, r) => {
    for (let s = 0; s < 2; s++) {
      assert.ok(Math.abs(sub.get(r, s) - full.value.get(i, s)) < 1e-9);
      assert.ok(Math.abs(subDt.get(r, s) - full.dt.get(i, s)) < 1e-9);
    }
  });
  assert.throws(() => basis.combine(1, [36]), /rows\[0\] = 36 is not a node index/);
  assert.throws(() => basis.coefficients(11), /exceeds the basis' tMax = 10/);
  const basisT = heatKernelBasis(L, x, { tMax: 2, transpose: true });
  assert.ok(maxAbsDiff(basisT.combine(2).data, op.applyTranspose(x, 2).data) < 1e-9);
});

test("connection-Laplacian diffusion matches a dense exponential (random rotations on edges)", () => {
  const A = smallGraph(7);
  const rng = new Random(8);
  const m = 2;
  // R_ij a rotation by θ_ij with θ_ji = −θ_ij
  const angle = new Map<string, number>();
  const R = new Float64Array(A.nnz * 4);
  for (let i = 0; i < A.rows; i++) for (let p = A.rowPtr[i]; p < A.rowPtr[i + 1]; p++) {
    const j = A.colIdx[p];
    const key = `${Math.min(i, j)},${Math.max(i, j)}`;
    if (!angle.has(key)) angle.set(key, rng.uniform(-1, 1));
    const th = angle.get(key)! * (i < j ? 1 : -1);
    R.set([Math.cos(th), -Math.sin(th), Math.sin(th), Math.cos(th)], p * 4);
  }
  const Lc = connectionLaplacian(A, R, m);
  const op = createDiffusionOperator(Lc);
  const x = randomSignal(Lc.rows, 1, 9);
  for (const t of [0, 0.5, 4]) {
    const ref = mul(denseExpm(scaled(Lc.toDense(), -t)), x);
    assert.ok(maxAbsDiff(op.apply(x, t).data, ref.data) < 1e-9, `t=${t}`);
  }
});

test("bandwidthOrder is a permutation and permuteSymmetric gives P A Pᵀ", async () => {
  const { bandwidthOrder, permuteSymmetric } = await import("../../src/index.js");
  const A = smallGraph(11);
  const order = bandwidthOrder(A);
  assert.deepEqual(Array.from(order).sort((a, b) => a - b), Array.from({ length: A.rows }, (_, i) => i));
  const P = permuteSymmetric(A, order);
  for (let r = 0; r < A.rows; r++) {
    for (let s = 0; s < A.rows; s++) assert.equal(P.get(r, s), A.get(order[r], order[s]));
    for (let p = P.rowPtr[r] + 1; p < P.rowPtr[r + 1]; p++) assert.ok(P.colIdx[p] > P.colIdx[p - 1]);
  }
});
