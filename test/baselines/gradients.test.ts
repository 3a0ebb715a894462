import { test } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../src/core/index.js";
import { conv1dBackward, conv1dForward, type Conv1dShape } from "../../src/baselines/nn/conv1d.js";
import { gelu, geluDerivative, geluBackward } from "../../src/baselines/nn/gelu.js";
import { l2NormalizeRows, l2NormalizeRowsBackward } from "../../src/baselines/nn/normalize.js";
import { infoNce } from "../../src/baselines/nn/infonce.js";
import { Adam } from "../../src/baselines/nn/adam.js";
import { encoderBackward, encoderForward, initEncoder } from "../../src/baselines/contrastive/encoder.js";

const H = 1e-6;

function randomArray(n: number, rng: Random, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

/** Central finite difference of f with respect to every entry of v (restored afterwards). */
function numericGradient(v: Float64Array, f: () => number): Float64Array {
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const old = v[i];
    v[i] = old + H;
    const up = f();
    v[i] = old - H;
    const down = f();
    v[i] = old;
    g[i] = (up - down) / (2 * H);
  }
  return g;
}

function assertClose(analytic: Float64Array, numeric: Float64Array, what: string, tol = 1e-6): void {
  assert.equal(analytic.length, numeric.length);
  let scale = 0;
  for (const v of numeric) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < analytic.length; i++) {
    const err = Math.abs(analytic[i] - numeric[i]) / Math.max(1, scale);
    assert.ok(err < tol, `${what}[${i}]: analytic ${analytic[i]} vs finite difference ${numeric[i]}`);
  }
}

test("conv1d backward matches finite differences (unrolled and remainder channels)", () => {
  const rng = new Random(1);
  const s: Conv1dShape = { batch: 2, length: 6, inChannels: 3, outChannels: 6, kernel: 3 };
  const lo = s.length - s.kernel + 1;
  const x = randomArray(s.batch * s.length * s.inChannels, rng);
  const w = randomArray(s.kernel * s.outChannels * s.inChannels, rng);
  const b = randomArray(s.outChannels, rng);
  const R = randomArray(s.batch * lo * s.outChannels, rng);
  const out = new Float64Array(R.length);
  const loss = () => {
    conv1dForward(x, w, b, s, out);
    let l = 0;
    for (let i = 0; i < out.length; i++) l += out[i] * R[i];
    return l;
  };
  const dx = new Float64Array(x.length), dW = new Float64Array(w.length), dB = new Float64Array(b.length);
  conv1dBackward(x, w, R, s, dx, dW, dB);
  assertClose(dx, numericGradient(x, loss), "dx");
  assertClose(dW, numericGradient(w, loss), "dW");
  assertClose(dB, numericGradient(b, loss), "dBias");
  // The forward pass against a direct evaluation of the definition.
  conv1dForward(x, w, b, s, out);
  const direct = b[4] + [0, 1, 2].reduce((acc, k) => acc + [0, 1, 2].reduce((a2, i) => a2 + w[(k * 6 + 4) * 3 + i] * x[(1 * 6 + 2 + k) * 3 + i], 0), 0);
  assert.ok(Math.abs(out[(1 * lo + 2) * 6 + 4] - direct) < 1e-12);
});

test("GELU derivative matches finite differences, GELU matches known values", () => {
  for (const x of [-7, -3.2, -1, -0.3, 0, 0.2, 0.49, 0.51, 1.7, 4.2, 8]) {
    const fd = (gelu(x + H) - gelu(x - H)) / (2 * H);
    assert.ok(Math.abs(fd - geluDerivative(x)) < 1e-8, `x=${x}: ${fd} vs ${geluDerivative(x)}`);
  }
  // torch.nn.GELU()(torch.tensor([1.0, -0.5], dtype=torch.float64))
  assert.ok(Math.abs(gelu(1) - 0.8413447460685429) < 1e-15);
  assert.ok(Math.abs(gelu(-0.5) - -0.15426876936299344) < 1e-15);
  const rng = new Random(2);
  const x = randomArray(20, rng, 2), R = randomArray(20, rng);
  const dx = new Float64Array(20);
  geluBackward(x, R, dx);
  const loss = () => x.reduce((acc, v, i) => acc + gelu(v) * R[i], 0);
  assertClose(dx, numericGradient(x, loss), "gelu dx");
});

test("L2 row normalisation backward matches finite differences", () => {
  const rng = new Random(3);
  const rows = 4, cols = 5;
  const y = randomArray(rows * cols, rng), R = randomArray(rows * cols, rng);
  const e = new Float64Array(y.length), norms = new Float64Array(rows);
  const loss = () => {
    l2NormalizeRows(y, rows, cols, e, norms);
    return e.reduce((acc, v, i) => acc + v * R[i], 0);
  };
  loss();
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += e[r * cols + c] ** 2;
    assert.ok(Math.abs(s - 1) < 1e-12);
  }
  const dy = new Float64Array(y.length);
  l2NormalizeRowsBackward(e, norms, R, rows, cols, dy);
  assertClose(dy, numericGradient(y, loss), "dy");
});

test("InfoNCE gradients match finite differences; loss equals its definition", () => {
  const rng = new Random(4);
  const n = 4, m = 5, d = 3, tau = 0.5;
  const ref = randomArray(n * d, rng), pos = randomArray(n * d, rng), neg = randomArray(m * d, rng);
  const grads = { reference: new Float64Array(n * d), positive: new Float64Array(n * d), negative: new Float64Array(m * d) };
  const res = infoNce(ref, pos, neg, n, m, d, tau, grads);
  const loss = () => infoNce(ref, pos, neg, n, m, d, tau).loss;
  assertClose(grads.reference, numericGradient(ref, loss), "dRef");
  assertClose(grads.positive, numericGradient(pos, loss), "dPos");
  assertClose(grads.negative, numericGradient(neg, loss), "dNeg");
  // Direct evaluation: −mean⟨r,p⟩/τ + mean log Σ exp(⟨r,n⟩/τ).
  let direct = 0;
  for (let i = 0; i < n; i++) {
    let sp = 0;
    for (let k = 0; k < d; k++) sp += ref[i * d + k] * pos[i * d + k];
    let z = 0;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += ref[i * d + k] * neg[j * d + k];
      z += Math.exp(s / tau);
    }
    direct += (-sp / tau + Math.log(z)) / n;
  }
  assert.ok(Math.abs(res.loss - direct) < 1e-12);
  assert.ok(Math.abs(res.alignment + res.uniformity - res.loss) < 1e-12);
});

test("offset10 encoder + InfoNCE: every parameter gradient matches finite differences", () => {
  const rng = new Random(5);
  const shape = { inChannels: 3, hidden: 5, outDim: 3 };
  const params = initEncoder(shape, rng);
  assert.deepEqual(params.map((p) => p.length), [2 * 5 * 3, 5, 3 * 5 * 5, 5, 3 * 5 * 5, 5, 3 * 5 * 5, 5, 3 * 3 * 5, 3]);
  const n = 3, W = 10, D = shape.outDim;
  const x = randomArray(3 * n * W * shape.inChannels, rng);
  const tau = 0.7;
  const lossOf = (dEmb?: Float64Array) => {
    const cache = encoderForward(params, shape, x, 3 * n, W);
    const e = cache.embedding;
    assert.equal(e.length, 3 * n * D);
    const grads = dEmb ? { reference: dEmb.subarray(0, n * D), positive: dEmb.subarray(n * D, 2 * n * D), negative: dEmb.subarray(2 * n * D) } : undefined;
    return { loss: infoNce(e.subarray(0, n * D), e.subarray(n * D, 2 * n * D), e.subarray(2 * n * D), n, n, D, tau, grads).loss, cache };
  };
  const dEmb = new Float64Array(3 * n * D);
  const { cache } = lossOf(dEmb);
  const grads = encoderBackward(params, shape, cache, dEmb);
  params.forEach((p, a) => assertClose(grads[a], numericGradient(p, () => lossOf().loss), `param ${a}`));
});

test("Adam first step moves each parameter by the learning rate against the gradient's sign", () => {
  const p = Float64Array.from([1, -2, 3]);
  const adam = new Adam([p], { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  adam.step([Float64Array.from([0.5, -3, 1e-3])]);
  // m̂ = g, v̂ = g², so the step is lr · g / (|g| + ε).
  assert.ok(Math.abs(p[0] - 0.9) < 1e-6);
  assert.ok(Math.abs(p[1] - -1.9) < 1e-6);
  assert.ok(Math.abs(p[2] - (3 - 0.1 * 1e-3 / (1e-3 + 1e-8))) < 1e-12);
});
