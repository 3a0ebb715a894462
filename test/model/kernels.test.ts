import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Random, SparseMatrix } from "../../src/core/index.js";
import { derivativeStep, derivativeStepLoops, GradientFeatures } from "../../src/model/gradient.js";
import { ExpandedFeatures } from "../../src/model/features.js";
import { ScalarDiffusion } from "../../src/model/diffusion.js";
import { buildToyDataset, toyFields } from "./toy-data.js";
import { linearForward, linearBackward } from "../../src/model/linear.js";
import { MLP } from "../../src/model/mlp.js";
import { createSimdKernels, simdKernels, simdUnavailableReason } from "../../src/kernels/simd.js";
import type { KernelVariant } from "../../src/kernels/variant.js";
import { randomArray } from "./fd.js";

const root = join(__dirname, "..", "..");
const U32 = 2 ** -24; // unit roundoff of float32

test("the committed kernel bytes are what asm/kernels.ts compiles to", () => {
  const dir = mkdtempSync(join(tmpdir(), "marble-kernels-"));
  try {
    execFileSync(process.execPath, [join(root, "asm", "build.mjs"), "--out", dir], { stdio: "pipe" });
    for (const file of ["kernels.wasm", "kernels-fma.wasm"]) {
      assert.ok(readFileSync(join(dir, file)).equals(readFileSync(join(root, "asm", file))), `asm/${file} is stale: run npm run build:kernels`);
    }
    assert.equal(readFileSync(join(dir, "kernels-wasm.ts"), "utf8"), readFileSync(join(root, "src", "kernels", "kernels-wasm.ts"), "utf8"), "src/kernels/kernels-wasm.ts is stale: run npm run build:kernels");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Float32 products agree with the float64 reference within the standard rounding bound:
 * rounding both operands and summing K products in float32 errs by at most (K + 2)·u·Σ|a_k b_k|.
 */
function checkProduct(name: string, got: ArrayLike<number>, want: ArrayLike<number>, bound: (i: number) => number): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= bound(i))) assert.fail(`${name}[${i}]: float32 ${got[i]} vs float64 ${want[i]} (error ${err.toExponential(2)} > bound ${bound(i).toExponential(2)})`);
  }
}

/** The kernel variants this runtime runs: both where it accepts relaxed SIMD (and MARBLE_FMA allows it). */
function variants(): KernelVariant[] {
  return simdKernels()?.variant === "fma" ? ["fma", "plain"] : ["plain"];
}

for (const variant of variants()) test(`SIMD float32 forward, weight and input gradients match the float64 loops within float32 rounding (${variant} kernels)`, () => {
  assert.ok(simdKernels(), `WebAssembly SIMD unavailable: ${simdUnavailableReason()}`);
  const simd = createSimdKernels(variant)!;
  assert.equal(simd.variant, variant);
  const rng = new Random(3);
  // odd sizes exercise the row and column remainders; 192 × 155 → 100 is the macaque-size layer
  for (const [rows, nIn, nOut] of [[1, 1, 1], [7, 5, 3], [9, 13, 10], [48, 27, 32], [192, 155, 100], [192, 100, 20]]) {
    const x = randomArray(rows * nIn, rng), w = randomArray(nOut * nIn, rng), b = randomArray(nOut, rng), gy = randomArray(rows * nOut, rng);
    const y64 = linearForward(x, rows, nIn, nOut, w, b);
    const y32 = simd.forward(x, rows, nIn, nOut, w, b);
    checkProduct(`Y (${rows}×${nIn}→${nOut})`, y32, y64, (k) => {
      const r = Math.floor(k / nOut), o = k % nOut;
      let s = Math.abs(b[o]);
      for (let i = 0; i < nIn; i++) s += Math.abs(x[r * nIn + i] * w[o * nIn + i]);
      return (nIn + 3) * U32 * s;
    });
    // gradients accumulate onto what is already there
    const gw64 = randomArray(nOut * nIn, rng), gw32 = gw64.slice(), gb64 = randomArray(nOut, rng), gb32 = gb64.slice();
    const gx64 = linearBackward(x, gy, rows, nIn, nOut, w, gw64, gb64, true)!;
    const gx32 = simd.backward(x, gy, rows, nIn, nOut, w, gw32, gb32, true)!;
    assert.deepEqual(gb32, gb64); // the bias gradient stays in float64
    checkProduct(`dW (${rows}×${nIn}→${nOut})`, gw32, gw64, (k) => {
      const o = Math.floor(k / nIn), i = k % nIn;
      let s = Math.abs(gw64[k]) * U32;
      for (let r = 0; r < rows; r++) s += Math.abs(gy[r * nOut + o] * x[r * nIn + i]);
      return (rows + 3) * U32 * s;
    });
    checkProduct(`dX (${rows}×${nIn}→${nOut})`, gx32, gx64, (k) => {
      const r = Math.floor(k / nIn), i = k % nIn;
      let s = 0;
      for (let o = 0; o < nOut; o++) s += Math.abs(gy[r * nOut + o] * w[o * nIn + i]);
      return (nOut + 2) * U32 * s;
    });
    assert.equal(simd.backward(x, gy, rows, nIn, nOut, w, gw32, null, false), null);
  }
});

test("an MLP in float32 tracks the float64 reference (same weights) to float32 accuracy, and repeats bitwise", () => {
  const make = (precision: "float32" | "float64") => new MLP(155, [100], 20, { bias: true, batchNorm: true, dropout: 0, precision }, new Random(11));
  const m32 = make("float32"), m64 = make("float64");
  const rng = new Random(12);
  const rows = 192;
  const x = randomArray(rows * 155, rng);
  const gy = randomArray(rows * 20, rng);
  const a = m32.forward(x, rows, true, null), b = m64.forward(x, rows, true, null);
  let worst = 0, scale = 0;
  for (let i = 0; i < a.y.length; i++) {
    worst = Math.max(worst, Math.abs(a.y[i] - b.y[i]));
    scale = Math.max(scale, Math.abs(b.y[i]));
  }
  assert.ok(worst <= 1e-5 * scale, `forward: max difference ${worst} vs scale ${scale}`);
  const gx32 = m32.backward(a.cache, gy, true)!, gx64 = m64.backward(b.cache, gy, true)!;
  worst = 0;
  scale = 0;
  for (let i = 0; i < gx64.length; i++) {
    worst = Math.max(worst, Math.abs(gx32[i] - gx64[i]));
    scale = Math.max(scale, Math.abs(gx64[i]));
  }
  assert.ok(worst <= 1e-4 * scale, `backward: max difference ${worst} vs scale ${scale}`);
  const p32 = m32.parameters, p64 = m64.parameters;
  p64.forEach((t, k) => {
    let d = 0, s = 0;
    for (let i = 0; i < t.grad!.length; i++) {
      d = Math.max(d, Math.abs(t.grad![i] - p32[k].grad![i]));
      s = Math.max(s, Math.abs(t.grad![i]));
    }
    // (the bias feeding batch normalisation has an exactly zero gradient: only roundoff, hence the floor)
    assert.ok(d <= 1e-4 * s + 1e-12, `${t.name}: gradient difference ${d} vs scale ${s}`);
  });
  // same inputs, fresh layer with the same seed: identical bits
  const again = make("float32").forward(x, rows, true, null).y;
  assert.ok(again.every((v, i) => Object.is(v, a.y[i])));
});

test("the SIMD derivative step equals the scalar loops bit for bit (kernels sharing a pattern)", () => {
  assert.ok(simdKernels(), `WebAssembly SIMD unavailable: ${simdUnavailableReason()}`);
  const rng = new Random(21);
  for (const [rows, deg, m, cols] of [[1, 1, 2, 1], [13, 4, 3, 3], [200, 9, 5, 8], [150, 12, 2, 25]]) {
    const rowPtr = new Int32Array(rows + 1), colIdx = new Int32Array(rows * deg);
    for (let i = 0; i < rows; i++) {
      rowPtr[i + 1] = (i + 1) * deg;
      for (let k = 0; k < deg; k++) colIdx[i * deg + k] = rng.int(rows);
    }
    const kernels = Array.from({ length: m }, () => new SparseMatrix(rows, rows, rowPtr, colIdx, randomArray(rows * deg, rng)));
    for (let rep = 0; rep < 2; rep++) {
      // the second round reuses the kernels resident in the module's memory
      const field = randomArray(rows * cols, rng);
      const want = derivativeStepLoops(field, cols, kernels, true);
      const got = derivativeStep(field, cols, kernels, true);
      assert.equal(got.length, rows * cols * m);
      assert.ok(got.every((v, i) => Object.is(v, want[i])), `rows ${rows}, m ${m}, cols ${cols}`);
    }
  }
});

test("float32 expansion store: SIMD gathers equal the scalar loops bit for bit and track float64 storage", () => {
  assert.ok(simdKernels(), `WebAssembly SIMD unavailable: ${simdUnavailableReason()}`);
  const data = buildToyDataset(toyFields(40, 2), { k: 6 });
  const make = (storage: "float32" | "float64", simd: boolean) => {
    const grad = new GradientFeatures(data.kernels, data.numNodes, data.x.cols, { order: 2, includeSelf: true, vecNorm: false });
    return new ExpandedFeatures(grad, data.x, new ScalarDiffusion(data.diffusion), data.laplacian, 1e-7, { storage, simd });
  };
  const fast = make("float32", true), loops = make("float32", false), exact = make("float64", false);
  // 8 and 7 rows: the kernel takes rows four, two and one at a time
  const nodeSets = [Int32Array.from([0, 3, 3, 17, 41, 79, 100, data.numNodes - 1]), Int32Array.from([5, 90, 2, 2, 61, data.numNodes - 2, 33])];
  for (const [t, nodes] of [0.05, 0.2, 0.26, 1.1].flatMap((t) => nodeSets.map((s) => [t, s] as const))) {
    for (const wantTangent of [true, false]) {
      const a = fast.gather(nodes, t, wantTangent), b = loops.gather(nodes, t, wantTangent), c = exact.gather(nodes, t, wantTangent);
      assert.ok(a.value.every((v, i) => Object.is(v, b.value[i])), `value at t=${t}`);
      assert.equal(a.tangent === null, !wantTangent);
      if (wantTangent) assert.ok(a.tangent!.every((v, i) => Object.is(v, b.tangent![i])), `tangent at t=${t}`);
      let scale = 0;
      for (const v of c.value) scale = Math.max(scale, Math.abs(v));
      for (let i = 0; i < c.value.length; i++) assert.ok(Math.abs(a.value[i] - c.value[i]) <= 1e-5 * scale, `float32 storage drifts at t=${t}`);
    }
  }
  assert.equal(fast.recentres, loops.recentres);
});
