import { test } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../src/core/index.js";
import { MomentumSgd, momentumUpdateLoop } from "../../src/model/optimizer.js";
import { randomArray } from "./fd.js";

test("SGD with momentum: the SIMD update equals the reference loop bit for bit and flags non-finite values", () => {
  const rng = new Random(4);
  const sgd = new MomentumSgd();
  for (const n of [1, 63, 64, 1001, 15500]) {
    const x = randomArray(n, rng), buf = new Float64Array(n);
    const x2 = x.slice(), buf2 = buf.slice();
    for (let step = 0; step < 3; step++) {
      const g = randomArray(n, rng), g2 = g.slice();
      const first = step === 0;
      assert.equal(sgd.update(x, g, buf, 0.9, 0.01, first), true);
      assert.equal(momentumUpdateLoop(x2, g2, buf2, 0.9, 0.01, first), true);
      assert.ok(x.every((v, i) => Object.is(v, x2[i])), `parameters, n = ${n}, step ${step}`);
      assert.ok(buf.every((v, i) => Object.is(v, buf2[i])), `momentum, n = ${n}, step ${step}`);
      assert.ok(g.every((v) => v === 0), "the gradient is reset");
    }
    // by hand for one entry: b = 0.9 b + g, x −= 0.01 b
    const xs = Float64Array.from({ length: n }, () => 1), bs = new Float64Array(n).fill(2), gs = new Float64Array(n).fill(3);
    sgd.update(xs, gs, bs, 0.9, 0.01, false);
    assert.equal(bs[n - 1], 0.9 * 2 + 3);
    assert.equal(xs[n - 1], 1 - 0.01 * (0.9 * 2 + 3));
    const bad = randomArray(n, rng), g = randomArray(n, rng);
    g[n >> 1] = Infinity;
    assert.equal(sgd.update(bad, g, new Float64Array(n), 0.9, 0.01, true), false);
  }
});
