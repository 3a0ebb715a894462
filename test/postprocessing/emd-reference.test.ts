// The network simplex (greedy start, working-set pricing) against the plain solver it replaced,
// kept in reference-simplex.ts: same optimal cost to 1e-12 relative on random problems, and a
// feasible plan whose cost is the reported cost.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Random, transportSimplex } from "../../src/index.js";
import { referenceTransportSimplex } from "./reference-simplex.js";

function euclideanCost(rng: Random, n1: number, n2: number, d: number, shift: number): Float64Array {
  const x = Array.from({ length: n1 * d }, () => rng.normal());
  const y = Array.from({ length: n2 * d }, (_, q) => rng.normal() + (q % d === 0 ? shift : 0));
  const C = new Float64Array(n1 * n2);
  for (let i = 0; i < n1; i++) {
    for (let j = 0; j < n2; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (x[i * d + k] - y[j * d + k]) ** 2;
      C[i * n2 + j] = Math.sqrt(s);
    }
  }
  return C;
}

function checkPlan(a: ArrayLike<number>, b: ArrayLike<number>, C: Float64Array, plan: Float64Array, cost: number, tol: number): void {
  const n1 = a.length, n2 = b.length;
  let total = 0;
  for (let i = 0; i < n1; i++) {
    let row = 0;
    for (let j = 0; j < n2; j++) {
      assert.ok(plan[i * n2 + j] >= 0);
      row += plan[i * n2 + j];
      total += plan[i * n2 + j] * C[i * n2 + j];
    }
    assert.ok(Math.abs(row - a[i]) <= tol, `row ${i}: ${row} vs ${a[i]}`);
  }
  for (let j = 0; j < n2; j++) {
    let col = 0;
    for (let i = 0; i < n1; i++) col += plan[i * n2 + j];
    assert.ok(Math.abs(col - b[j]) <= tol, `column ${j}: ${col} vs ${b[j]}`);
  }
  assert.ok(Math.abs(total - cost) <= 1e-12 * Math.max(1, Math.abs(cost)));
}

test("uniform integer masses (the point-cloud case): same optimum as the reference solver", () => {
  const rng = new Random(21);
  for (let trial = 0; trial < 40; trial++) {
    const n1 = 1 + rng.int(120), n2 = 1 + rng.int(120), d = 1 + rng.int(6);
    const C = euclideanCost(rng, n1, n2, d, rng.uniform() * 2);
    const a = new Float64Array(n1).fill(n2), b = new Float64Array(n2).fill(n1);
    const fast = transportSimplex(a, b, C, { returnPlan: true });
    const ref = referenceTransportSimplex(a, b, C);
    assert.ok(Math.abs(fast.cost - ref.cost) <= 1e-12 * Math.abs(ref.cost), `${n1}×${n2}, d = ${d}: ${fast.cost} vs ${ref.cost}`);
    checkPlan(a, b, C, fast.plan!, fast.cost, 0);
  }
});

test("integer histograms with empty bins, and fractional masses: same optimum as the reference solver", () => {
  const rng = new Random(22);
  for (let trial = 0; trial < 40; trial++) {
    const n1 = 1 + rng.int(40), n2 = 1 + rng.int(40);
    const C = euclideanCost(rng, n1, n2, 3, rng.uniform());
    const counts1 = Array.from({ length: n1 }, () => (rng.uniform() < 0.2 ? 0 : rng.int(30)));
    const counts2 = Array.from({ length: n2 }, () => (rng.uniform() < 0.2 ? 0 : rng.int(30)));
    counts1[0] += 1;
    counts2[0] += 1;
    const s1 = counts1.reduce((p, q) => p + q, 0), s2 = counts2.reduce((p, q) => p + q, 0);
    // Integer masses as distributionDistances builds them (count × other total) …
    const a = Float64Array.from(counts1, (v) => v * s2), b = Float64Array.from(counts2, (v) => v * s1);
    const fast = transportSimplex(a, b, C, { returnPlan: true });
    const ref = referenceTransportSimplex(a, b, C);
    assert.ok(Math.abs(fast.cost - ref.cost) <= 1e-12 * Math.abs(ref.cost), `integer ${n1}×${n2}: ${fast.cost} vs ${ref.cost}`);
    checkPlan(a, b, C, fast.plan!, fast.cost, 0);
    // … and normalised to 1 (the artificial start).
    const pa = Float64Array.from(counts1, (v) => v / s1), pb = Float64Array.from(counts2, (v) => v / s2);
    const fastP = transportSimplex(pa, pb, C, { returnPlan: true });
    const refP = referenceTransportSimplex(pa, pb, C);
    assert.ok(Math.abs(fastP.cost - refP.cost) <= 1e-12 * Math.abs(refP.cost), `fractional ${n1}×${n2}: ${fastP.cost} vs ${refP.cost}`);
    checkPlan(pa, pb, C, fastP.plan!, fastP.cost, 1e-12);
  }
});

test("degenerate costs (integer grid distances, many ties): same optimum as the reference solver", () => {
  const rng = new Random(23);
  for (let trial = 0; trial < 20; trial++) {
    const n1 = 2 + rng.int(60), n2 = 2 + rng.int(60);
    const C = new Float64Array(n1 * n2);
    for (let e = 0; e < C.length; e++) C[e] = rng.int(4);
    const a = new Float64Array(n1).fill(n2), b = new Float64Array(n2).fill(n1);
    const fast = transportSimplex(a, b, C, { returnPlan: true });
    assert.equal(fast.cost, referenceTransportSimplex(a, b, C).cost);
    checkPlan(a, b, C, fast.plan!, fast.cost, 0);
  }
});
