import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, PCA, Random, fitTopPca } from "../../src/index.js";

test("fitTopPca agrees with the full PCA on wide data with a few dominant directions", () => {
  const rng = new Random(3);
  const n = 400, d = 80;
  const basis = Array.from({ length: 3 }, () => Float64Array.from({ length: d }, () => rng.normal()));
  const X = new Matrix(n, d);
  for (let i = 0; i < n; i++) {
    const a = [5 * rng.normal(), 3 * rng.normal(), 2 * rng.normal()];
    for (let j = 0; j < d; j++) X.data[i * d + j] = a[0] * basis[0][j] + a[1] * basis[1][j] + a[2] * basis[2][j] + 0.3 * rng.normal() + 1;
  }
  const full = new PCA({ nComponents: 3 }).fit(X);
  const top = fitTopPca(X, 3);
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(top.explainedVarianceRatio![c] - full.explainedVarianceRatio![c]) < 1e-10);
    for (let j = 0; j < d; j++) assert.ok(Math.abs(top.components!.get(c, j) - full.components!.get(c, j)) < 1e-8);
  }
  const a = top.transform(X), b = full.transform(X);
  for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(a.data[i] - b.data[i]) < 1e-7);
});
