import { test } from "node:test";
import assert from "node:assert/strict";
import { Random, fillStandardNormal } from "../../src/index.js";

test("ziggurat normals: moments and tail probabilities of N(0, 1)", () => {
  const n = 1_000_000;
  const x = new Float64Array(n);
  fillStandardNormal(new Random(42), x, n);
  let m1 = 0, m2 = 0, m4 = 0, beyond1 = 0, beyond2 = 0, beyond3 = 0, beyondR = 0;
  for (const v of x) {
    m1 += v;
    m2 += v * v;
    m4 += v ** 4;
    const a = Math.abs(v);
    if (a > 1) beyond1++;
    if (a > 2) beyond2++;
    if (a > 3) beyond3++;
    if (a > 3.5) beyondR++;
  }
  m1 /= n;
  m2 /= n;
  m4 /= n;
  // standard errors at n = 1e6: mean 0.001, variance 0.0014, fourth moment 0.0096
  assert.ok(Math.abs(m1) < 0.005, `mean ${m1}`);
  assert.ok(Math.abs(m2 - 1) < 0.007, `variance ${m2}`);
  assert.ok(Math.abs(m4 - 3) < 0.05, `fourth moment ${m4}`);
  // two-sided tails: 0.317311, 0.0455003, 0.0026998, 0.000465 (the last is in the ziggurat's tail region)
  const check = (count: number, p: number, name: string) => {
    const se = Math.sqrt((p * (1 - p)) / n);
    assert.ok(Math.abs(count / n - p) < 5 * se, `${name}: ${count / n} vs ${p}`);
  };
  check(beyond1, 0.3173105, "|x| > 1");
  check(beyond2, 0.0455003, "|x| > 2");
  check(beyond3, 0.0026998, "|x| > 3");
  check(beyondR, 0.0004653, "|x| > 3.5");
});
