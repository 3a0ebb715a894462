// The blocked scatter matrix behind PCA equals the row-by-row loop bit for bit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../src/core/random.js";
import { addScatterUpper } from "../../src/core/scatter.js";

function rowByRow(X: Float64Array, n: number, d: number, mean: Float64Array): Float64Array {
  const out = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = X[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) out[a * d + b] += row[a] * row[b];
  }
  return out;
}

test("addScatterUpper is bitwise the row-by-row sum, across block edges and with zero entries", () => {
  const rng = new Random(7);
  for (const [n, d] of [[1, 1], [31, 5], [32, 7], [33, 3], [100, 64], [257, 13]]) {
    const X = new Float64Array(n * d);
    for (let i = 0; i < X.length; i++) X[i] = i % 7 === 0 ? 0 : rng.uniform() * 1e3 - 500;
    const mean = new Float64Array(d);
    for (let j = 0; j < d; j++) mean[j] = j % 3 === 0 ? 0 : rng.uniform() * 10;
    const got = new Float64Array(d * d);
    addScatterUpper(X, n, d, mean, got);
    const want = rowByRow(X, n, d, mean);
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) assert.ok(Object.is(got[a * d + b], want[a * d + b]), `n=${n} d=${d} (${a}, ${b}): ${got[a * d + b]} vs ${want[a * d + b]}`);
    }
  }
});
