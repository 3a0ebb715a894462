import { test } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../src/core/index.js";
import { MLP } from "../../src/model/mlp.js";
import { simdKernels, simdUnavailableReason } from "../../src/kernels/simd.js";
import { checkGradient, randomArray, dot } from "./fd.js";

type Opts = { batchNorm: boolean; dropout: number; hidden: number[] };

function pair(nIn: number, nOut: number, o: Opts) {
  const make = (precision: "float32" | "float64") => new MLP(nIn, o.hidden, nOut, { bias: true, batchNorm: o.batchNorm, dropout: o.dropout, precision }, new Random(5));
  return { m32: make("float32"), m64: make("float64") };
}

function maxAbs(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i]));
  return s;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i] - b[i]));
  return s;
}

// odd widths exercise the padded columns; several hidden layers chain the resident buffers
const CASES: Opts[] = [
  { batchNorm: true, dropout: 0, hidden: [13] },
  { batchNorm: true, dropout: 0.3, hidden: [9, 6] },
  { batchNorm: false, dropout: 0.2, hidden: [7] },
  { batchNorm: false, dropout: 0, hidden: [] },
];

test("resident float32 MLP: training forward, gradients and running statistics track the float64 reference (dropout, batch norm on and off)", () => {
  assert.ok(simdKernels(), `WebAssembly SIMD unavailable: ${simdUnavailableReason()}`);
  for (const o of CASES) {
    const nIn = 11, nOut = 5, rng = new Random(6);
    const { m32, m64 } = pair(nIn, nOut, o);
    for (const rows of [37, 12, 37]) {
      const x = randomArray(rows * nIn, rng), gy = randomArray(rows * nOut, rng);
      // the same dropout draws in both: generators with the same seed
      const a = m32.forward(x, rows, true, new Random(rows)), b = m64.forward(x, rows, true, new Random(rows));
      const what = `${JSON.stringify(o)}, ${rows} rows`;
      assert.ok(maxDiff(a.y, b.y) <= 1e-5 * maxAbs(b.y), `forward ${what}`);
      const gx32 = m32.backward(a.cache, gy, true)!, gx64 = m64.backward(b.cache, gy, true)!;
      assert.ok(maxDiff(gx32, gx64) <= 1e-4 * maxAbs(gx64), `dX ${what}`);
      m64.parameters.forEach((t, k) => {
        const g32 = m32.parameters[k].grad!;
        // the bias feeding batch normalisation has an exactly zero gradient: only roundoff, hence the floor
        assert.ok(maxDiff(g32, t.grad!) <= 1e-4 * maxAbs(t.grad!) + 1e-12, `${t.name} gradient, ${what}`);
      });
      m64.buffers.forEach((t, k) => assert.ok(maxDiff(m32.buffers[k].data, t.data) <= 1e-5 * maxAbs(t.data), `${t.name}, ${what}`));
      // evaluation mode (running statistics, no dropout)
      const e32 = m32.forward(x, rows, false, null).y, e64 = m64.forward(x, rows, false, null).y;
      assert.ok(maxDiff(e32, e64) <= 1e-5 * maxAbs(e64), `evaluation ${what}`);
    }
  }
});

test("resident float32 MLP: backward matches finite differences of its own forward pass (to float32 resolution)", () => {
  assert.ok(simdKernels(), `WebAssembly SIMD unavailable: ${simdUnavailableReason()}`);
  for (const o of CASES) {
    const nIn = 4, nOut = 3, rows = 7, rng = new Random(7);
    const { m32: mlp } = pair(nIn, nOut, o);
    const x = randomArray(rows * nIn, rng), c = randomArray(rows * nOut, rng);
    const f = () => dot(mlp.forward(x, rows, true, new Random(9)).y, c);
    const { cache } = mlp.forward(x, rows, true, new Random(9));
    const gx = mlp.backward(cache, c, true)!;
    // float32 products: steps of 3e-3 keep the rounding of f (~1e-7) well below the differences
    const opts = { h: 3e-3, tol: 1e-3 };
    checkGradient(`dX ${JSON.stringify(o)}`, x, gx, f, opts);
    for (const p of mlp.parameters) checkGradient(`${p.name} ${JSON.stringify(o)}`, p.data, p.grad!, f, opts);
  }
});

test("resident float32 MLP: repeats bitwise and refuses a cache overwritten by a later forward pass", () => {
  const rng = new Random(8);
  const x = randomArray(20 * 6, rng), gy = randomArray(20 * 2, rng);
  const run = () => {
    const mlp = new MLP(6, [10], 2, { bias: true, batchNorm: true, dropout: 0.1, precision: "float32" }, new Random(3));
    const { y, cache } = mlp.forward(x, 20, true, new Random(4));
    const gx = mlp.backward(cache, gy, true)!;
    return [y, gx, ...mlp.parameters.map((p) => p.grad!)];
  };
  const a = run(), b = run();
  a.forEach((arr, k) => assert.ok(arr.every((v, i) => Object.is(v, b[k][i])), `array ${k}`));
  const mlp = new MLP(6, [10], 2, { bias: true, batchNorm: true, dropout: 0, precision: "float32" }, new Random(3));
  const first = mlp.forward(x, 20, true, null);
  mlp.forward(x, 20, true, null);
  assert.throws(() => mlp.backward(first.cache, gy, true), /another forward pass ran since this one/);
  const evalPass = mlp.forward(x, 20, false, null);
  assert.throws(() => mlp.backward(evalPass.cache, gy, true), /evaluation mode/);
});
