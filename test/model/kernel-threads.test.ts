// Kernel calls split with the helper thread give the bits of a single thread.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Random, SparseMatrix } from "../../src/core/index.js";
import { derivativeStep } from "../../src/model/gradient.js";
import { GradientFeatures } from "../../src/model/gradient.js";
import { ExpandedFeatures } from "../../src/model/features.js";
import { ScalarDiffusion } from "../../src/model/diffusion.js";
import { Marble } from "../../src/model/index.js";
import { createSimdKernels, simdKernels, simdUnavailableReason } from "../../src/kernels/simd.js";
import { kernelHelper, setKernelThreads } from "../../src/kernels/helper-thread.js";
import { buildToyDataset, toyFields } from "./toy-data.js";
import { randomArray } from "./fd.js";

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Runs `f` with 1 and with 2 kernel threads. */
function bothWays<T>(f: () => T): [T, T] {
  const previous = setKernelThreads(1);
  try {
    const one = f();
    setKernelThreads(2);
    return [one, f()];
  } finally {
    setKernelThreads(previous as 1 | 2);
  }
}

test("kernel threads: the helper starts where two cores are available", () => {
  assert.ok(simdKernels(), `WebAssembly SIMD unavailable: ${simdUnavailableReason()}`);
  const previous = setKernelThreads(2);
  try {
    assert.ok(kernelHelper(), "no helper thread");
  } finally {
    setKernelThreads(previous as 1 | 2);
  }
});

test("kernel threads: split products (forward, weight and input gradients) equal one thread bit for bit", () => {
  const simd = simdKernels()!;
  const rng = new Random(11);
  // 192 × 155 → 100 splits 96/96; 101 rows and 100 outputs split off the multiple-of-4 boundary
  for (const [rows, nIn, nOut] of [[192, 155, 100], [101, 64, 100], [192, 100, 20]]) {
    const x = randomArray(rows * nIn, rng), w = randomArray(nOut * nIn, rng), b = randomArray(nOut, rng), gy = randomArray(rows * nOut, rng);
    const [one, two] = bothWays(() => {
      const y = simd.forward(x, rows, nIn, nOut, w, b);
      const gw = new Float64Array(nOut * nIn), gb = new Float64Array(nOut);
      const gx = simd.backward(x, gy, rows, nIn, nOut, w, gw, gb, true)!;
      return { y, gw, gx };
    });
    assert.ok(sameBits(one.y, two.y), `forward ${rows}×${nIn}→${nOut}`);
    assert.ok(sameBits(one.gw, two.gw), `weight gradient ${rows}×${nIn}→${nOut}`);
    assert.ok(sameBits(one.gx, two.gx), `input gradient ${rows}×${nIn}→${nOut}`);
  }
});

test("kernel threads: the split derivative step equals one thread bit for bit", () => {
  const rng = new Random(12);
  const rows = 1001, deg = 7, m = 3, cols = 9;
  const rowPtr = new Int32Array(rows + 1), colIdx = new Int32Array(rows * deg);
  for (let i = 0; i < rows; i++) {
    rowPtr[i + 1] = (i + 1) * deg;
    for (let k = 0; k < deg; k++) colIdx[i * deg + k] = rng.int(rows);
  }
  const kernels = Array.from({ length: m }, () => new SparseMatrix(rows, rows, rowPtr, colIdx, randomArray(rows * deg, rng)));
  const field = randomArray(rows * cols, rng);
  const [one, two] = bothWays(() => derivativeStep(field, cols, kernels, true));
  assert.ok(sameBits(one, two));
});

test("kernel threads: split expansion gathers equal one thread bit for bit", () => {
  const data = buildToyDataset(toyFields(40, 2), { k: 6 });
  const grad = new GradientFeatures(data.kernels, data.numNodes, data.x.cols, { order: 2, includeSelf: true, vecNorm: false });
  const features = new ExpandedFeatures(grad, data.x, new ScalarDiffusion(data.diffusion), data.laplacian, 1e-7, { storage: "float32", simd: true });
  const rng = new Random(13);
  // 193 rows: the helper takes 96, this thread 97 (four, two and one at a time)
  const nodes = Int32Array.from({ length: 193 }, () => rng.int(data.numNodes));
  for (const t of [0.05, 0.3]) {
    const [one, two] = bothWays(() => {
      const r = features.gather(nodes, t, true);
      return { value: r.value.slice(), tangent: r.tangent!.slice() };
    });
    assert.ok(sameBits(one.value, two.value), `value at t=${t}`);
    assert.ok(sameBits(one.tangent, two.tangent), `tangent at t=${t}`);
  }
});

test("kernel threads: a fit gives the same embedding with one or two threads", async () => {
  const fit = async () => {
    const data = buildToyDataset(toyFields(300, 2), { k: 10, seed: 1 });
    const model = new Marble(data, { epochs: 3, order: 2, diffusion: true, hiddenChannels: [64], outChannels: 4, dropout: 0.1, seed: 4 });
    await model.fit(data);
    return model.transform(data).data;
  };
  const previous = setKernelThreads(1);
  try {
    const one = await fit();
    setKernelThreads(2);
    const two = await fit();
    assert.ok(sameBits(one, two));
  } finally {
    setKernelThreads(previous as 1 | 2);
  }
});

test("kernel threads: a call failing in the helper throws here, and later calls still work", () => {
  const own = createSimdKernels()!;
  const previous = setKernelThreads(2);
  try {
    // A far beyond the memory: both halves trap, and the helper's failure is reported
    assert.throws(() => own.gemmAt(64, 64, 64, 2 ** 31, 64, 1, 0, 64, 0, 64, 0), /helper thread/);
    const rng = new Random(14);
    const x = randomArray(64 * 40, rng), w = randomArray(32 * 40, rng);
    const [one, two] = bothWays(() => own.forward(x, 64, 40, 32, w, null));
    assert.ok(sameBits(one, two));
  } finally {
    setKernelThreads(previous as 1 | 2);
  }
});
