import { test } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../src/core/index.js";
import { createSimdKernels } from "../../src/kernels/simd.js";
import { gelu, geluDerivative, geluWithDerivative } from "../../src/baselines/nn/gelu.js";
import { infoNce, infoNceFloat32 } from "../../src/baselines/nn/infonce.js";
import { encoderBackward, encoderForward, initEncoder, type EncoderShape } from "../../src/baselines/contrastive/encoder.js";
import { SimdEncoder } from "../../src/baselines/contrastive/encoder-simd.js";

// The float32 SIMD path of the contrastive encoder, held to the float64 reference
// (encoder.ts, infonce.ts) and to finite differences of its own loss.

const kernels = createSimdKernels();
const skip = kernels ? false : "WebAssembly SIMD is unavailable in this runtime";

function randomArray(n: number, rng: Random, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

/** max |a − b| / max(max |b|, 1e-30). */
function relativeError(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let num = 0, den = 1e-30;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

function slices(a: Float64Array, n: number, d: number) {
  return { reference: a.subarray(0, n * d), positive: a.subarray(n * d, 2 * n * d), negative: a.subarray(2 * n * d, 3 * n * d) };
}

test("GELU with its slope in one pass equals gelu and its derivative", () => {
  const x = Float64Array.from([-30, -7, -4.2, -3.2, -1, -0.7, -0.3, 0, 0.2, 0.49, 0.51, 0.71, 1.7, 4.2, 5.9, 8, 40]);
  const out = new Float64Array(x.length), slope = new Float64Array(x.length);
  geluWithDerivative(x, out, slope);
  x.forEach((v, i) => {
    assert.ok(Math.abs(out[i] - gelu(v)) <= 1e-15 * Math.max(1, Math.abs(v)), `gelu(${v}): ${out[i]} vs ${gelu(v)}`);
    assert.ok(Math.abs(slope[i] - geluDerivative(v)) <= 1e-15, `gelu'(${v}): ${slope[i]} vs ${geluDerivative(v)}`);
  });
});

test("float32 InfoNCE equals the float64 loss and gradients to float32 precision", { skip }, () => {
  const rng = new Random(4);
  const n = 37, m = 37, d = 6, tau = 0.8;
  const unit = (k: number) => {
    const a = randomArray(k * d, rng);
    for (let i = 0; i < k; i++) {
      const r = a.subarray(i * d, (i + 1) * d);
      const s = Math.hypot(...r);
      for (let j = 0; j < d; j++) r[j] /= s;
    }
    return a;
  };
  const ref = unit(n), pos = unit(n), neg = unit(m);
  const g64 = new Float64Array(3 * n * d), g32 = new Float64Array(3 * n * d).fill(7);
  const a = infoNce(ref, pos, neg, n, m, d, tau, slices(g64, n, d));
  const b = infoNceFloat32(kernels!, ref, pos, neg, n, m, d, tau, slices(g32, n, d), new Float64Array(n * m));
  assert.ok(Math.abs(a.loss - b.loss) < 1e-6, `${a.loss} vs ${b.loss}`);
  assert.ok(Math.abs(a.alignment - b.alignment) < 1e-12);
  assert.ok(relativeError(g32, g64) < 1e-5, `gradients differ by ${relativeError(g32, g64)}`);
});

// Odd sizes on purpose: channels and outputs that are not multiples of 4 exercise the kernels' padding.
const SHAPE: EncoderShape = { inChannels: 7, hidden: 6, outDim: 5 };

test("float32 encoder forward and backward agree with the float64 reference", { skip }, () => {
  const rng = new Random(5);
  const params = initEncoder(SHAPE, rng);
  const fast = new SimdEncoder(SHAPE, kernels!);
  for (const [batch, length] of [[9, 10], [2, 23], [1, 10]]) {
    const x = randomArray(batch * length * SHAPE.inChannels, rng);
    const ref = encoderForward(params, SHAPE, x, batch, length);
    const e = fast.forward(params, x, batch, length);
    assert.equal(e.length, batch * (length - 9) * SHAPE.outDim);
    assert.ok(relativeError(e, ref.embedding) < 1e-5, `embedding (${batch} × ${length}): ${relativeError(e, ref.embedding)}`);
    const dEmb = randomArray(e.length, rng);
    const want = encoderBackward(params, SHAPE, ref, dEmb);
    const got = params.map((p) => new Float64Array(p.length).fill(3));
    fast.backward(params, dEmb, got);
    got.forEach((g, a) => assert.ok(relativeError(g, want[a]) < 1e-4, `param ${a} (${batch} × ${length}): ${relativeError(g, want[a])}`));
  }
});

test("windows cut from a recording (first layer per distinct bin) equal the same windows copied out", { skip }, () => {
  const rng = new Random(6);
  const params = initEncoder(SHAPE, rng);
  const T = 40, C = SHAPE.inChannels, W = 10;
  const data = randomArray(T * C, rng);
  // Overlapping, repeated and edge windows.
  const starts = Int32Array.from([0, 3, 3, 30, 17, 12, 30, 5, 0, 29]);
  const x = new Float64Array(starts.length * W * C);
  starts.forEach((s, i) => x.set(data.subarray(s * C, (s + W) * C), i * W * C));
  const copied = new SimdEncoder(SHAPE, kernels!), windowed = new SimdEncoder(SHAPE, kernels!);
  const e1 = copied.forward(params, x, starts.length, W).slice();
  const e2 = windowed.forwardWindows(params, data, T, starts, W);
  assert.ok(relativeError(e2, e1) < 1e-5, `embedding: ${relativeError(e2, e1)}`);
  const ref = encoderForward(params, SHAPE, x, starts.length, W);
  assert.ok(relativeError(e2, ref.embedding) < 1e-5);
  const dEmb = randomArray(e1.length, rng);
  const want = encoderBackward(params, SHAPE, ref, dEmb);
  const g1 = params.map((p) => new Float64Array(p.length)), g2 = params.map((p) => new Float64Array(p.length));
  copied.backward(params, dEmb, g1);
  windowed.backward(params, dEmb, g2);
  g2.forEach((g, a) => {
    assert.ok(relativeError(g, g1[a]) < 1e-4, `param ${a} vs copied windows: ${relativeError(g, g1[a])}`);
    assert.ok(relativeError(g, want[a]) < 1e-4, `param ${a} vs float64: ${relativeError(g, want[a])}`);
  });
  // A second call with other windows reuses the buffers and forgets the first call's bins.
  const other = Int32Array.from([1, 2, 25, 30, 30, 0, 7, 8, 9, 10]);
  other.forEach((s, i) => x.set(data.subarray(s * C, (s + W) * C), i * W * C));
  const again = windowed.forwardWindows(params, data, T, other, W);
  assert.ok(relativeError(again, encoderForward(params, SHAPE, x, other.length, W).embedding) < 1e-5);
});

test("float32 encoder + InfoNCE gradients match finite differences of the float32 loss", { skip }, () => {
  const rng = new Random(7);
  const params = initEncoder(SHAPE, rng);
  const n = 4, W = 10, D = SHAPE.outDim, T = 30, tau = 0.7;
  const data = randomArray(T * SHAPE.inChannels, rng);
  const starts = Int32Array.from({ length: 3 * n }, () => rng.int(T - W + 1));
  const fast = new SimdEncoder(SHAPE, kernels!);
  const scratch = new Float64Array(n * n);
  const dEmb = new Float64Array(3 * n * D);
  const lossOf = () => {
    const e = fast.forwardWindows(params, data, T, starts, W);
    return infoNceFloat32(kernels!, e.subarray(0, n * D), e.subarray(n * D, 2 * n * D), e.subarray(2 * n * D), n, n, D, tau, slices(dEmb, n, D), scratch).loss;
  };
  lossOf();
  const grads = params.map((p) => new Float64Array(p.length));
  fast.backward(params, dEmb, grads);
  // float32 products make the loss noisy at ~1e-7, so the step is large (central differences
  // are accurate to O(h²)) and a few entries of every parameter array are probed.
  const h = 3e-3;
  params.forEach((p, a) => {
    let scale = 0;
    for (const g of grads[a]) scale = Math.max(scale, Math.abs(g));
    for (const i of [0, Math.floor(p.length / 2), p.length - 1]) {
      const old = p[i];
      p[i] = old + h;
      const up = lossOf();
      p[i] = old - h;
      const down = lossOf();
      p[i] = old;
      const fd = (up - down) / (2 * h);
      assert.ok(Math.abs(fd - grads[a][i]) < 2e-3 * Math.max(scale, 1e-2), `param ${a}[${i}]: backward ${grads[a][i]} vs finite difference ${fd}`);
    }
  });
});
