import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, PCA, Random } from "../../src/index.js";

test("PCA recovers a dominant axis and reconstructs exactly at full rank", () => {
  const rng = new Random(5);
  const n = 400;
  const X = new Matrix(n, 3);
  for (let i = 0; i < n; i++) {
    const a = rng.normal() * 5, b = rng.normal() * 0.5, c = rng.normal() * 0.1;
    X.set(i, 0, a + 1);
    X.set(i, 1, a + b - 2);
    X.set(i, 2, c);
  }
  const p = new PCA({ nComponents: 3 }).fit(X);
  const c0 = p.components!.row(0);
  assert.ok(Math.abs(Math.abs(c0[0]) - Math.SQRT1_2) < 0.02 && Math.abs(Math.abs(c0[1]) - Math.SQRT1_2) < 0.02);
  const ratios = p.explainedVarianceRatio!;
  assert.ok(ratios[0] > 0.98 && ratios[0] <= 1);
  const back = p.inverseTransform(p.transform(X));
  for (let i = 0; i < X.data.length; i++) assert.ok(Math.abs(back.data[i] - X.data[i]) < 1e-9);
});

test("PCA on wide data (d > 48) uses the Householder path and agrees in variance", () => {
  const rng = new Random(9);
  const n = 300, d = 60;
  const X = new Matrix(n, d, Float64Array.from({ length: n * d }, () => rng.normal()));
  const p = new PCA({ nComponents: 5 }).fit(X);
  const Z = p.transform(X);
  // variance of each score equals explained variance
  for (let c = 0; c < 5; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Z.get(i, c) ** 2;
    assert.ok(Math.abs(s / (n - 1) - p.explainedVariance![c]) < 1e-8);
  }
  assert.throws(() => new PCA({ nComponents: 61 }).fit(X), /exceeds the number of columns/);
});

test("PCA of a few components of wide data (subspace iteration) matches the full decomposition", () => {
  const rng = new Random(21);
  const n = 400, d = 120;
  const X = new Matrix(n, d);
  for (let i = 0; i < n; i++) {
    const a = rng.normal() * 6, b = rng.normal() * 3, c = rng.normal() * 2;
    for (let j = 0; j < d; j++) X.data[i * d + j] = a * Math.sin(j) + b * Math.cos(0.3 * j) + c * ((j % 7) - 3) / 3 + rng.normal() * 0.3;
  }
  const few = new PCA({ nComponents: 3 }).fit(X); // 3 ≤ d/4: subspace iteration
  const all = new PCA({ nComponents: 100 }).fit(X); // full decomposition
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(few.explainedVariance![c] - all.explainedVariance![c]) < 1e-8 * all.explainedVariance![0]);
    assert.ok(Math.abs(few.explainedVarianceRatio![c] - all.explainedVarianceRatio![c]) < 1e-9);
    for (let j = 0; j < d; j++) assert.ok(Math.abs(few.components!.get(c, j) - all.components!.get(c, j)) < 1e-6);
  }
});
