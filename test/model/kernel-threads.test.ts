// Kernel calls split with the helper thread give the bits of a single thread.
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";
import { Random, SparseMatrix } from "../../src/core/index.js";
import { derivativeStep } from "../../src/model/gradient.js";
import { GradientFeatures } from "../../src/model/gradient.js";
import { EXPANSION_TERMS, ExpandedFeatures } from "../../src/model/features.js";
import { ScalarDiffusion } from "../../src/model/diffusion.js";
import { Marble } from "../../src/model/index.js";
import { chunkRows, createSimdKernels, simdKernels, simdUnavailableReason } from "../../src/kernels/simd.js";
import { KernelHelper, kernelHelper, setKernelThreads } from "../../src/kernels/helper-thread.js";
import { KERNELS_WASM_BASE64 } from "../../src/kernels/kernels-wasm.js";
import { buildToyDataset, toyFields } from "./toy-data.js";
import { randomArray } from "./fd.js";

const pad4 = (n: number) => (n + 3) & ~3;

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

// both kernel variants: the helper instantiates the calling instance's module, fused or plain
for (const variant of simdKernels()?.variant === "fma" ? ["fma", "plain"] as const : ["plain"] as const) test(`kernel threads: split products (forward, weight and input gradients) equal one thread bit for bit (${variant} kernels)`, () => {
  const simd = createSimdKernels(variant)!;
  const rng = new Random(11);
  // 192 × 155 → 100: four chunks of 48 rows; 101 rows and 100 outputs: a last chunk off the multiple-of-4 boundary
  for (const [rows, nIn, nOut] of [[192, 155, 100], [101, 64, 100], [101, 100, 100]]) {
    assert.ok(chunkRows(rows, rows * pad4(nIn) * pad4(nOut)).length > 2, `${rows}×${nIn}→${nOut} is shared`);
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
  const rows = 4001, deg = 7, m = 3, cols = 9;
  assert.ok(chunkRows(rows, rows * deg * cols * m).length > 2, "the step is shared");
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
  // 4,001 rows: a last chunk off the multiple-of-4 boundary
  const nodes = Int32Array.from({ length: 4001 }, () => rng.int(data.numNodes));
  assert.ok(chunkRows(nodes.length, nodes.length * EXPANSION_TERMS * features.channels).length > 2, "the gather is shared");
  for (const t of [0.05, 0.3]) {
    const [one, two] = bothWays(() => {
      const r = features.gather(nodes, t, true);
      return { value: r.value.slice(), tangent: r.tangent!.slice() };
    });
    assert.ok(sameBits(one.value, two.value), `value at t=${t}`);
    assert.ok(sameBits(one.tangent, two.tangent), `tangent at t=${t}`);
  }
});

test(`kernel threads: a fit gives the same embedding with one or two threads (${simdKernels()?.variant} kernels, the process's default)`, async () => {
  // 256 hidden channels: the training products (192 × 16 × 256) are shared
  const fit = async () => {
    const data = buildToyDataset(toyFields(300, 2), { k: 10, seed: 1 });
    const model = new Marble(data, { epochs: 3, order: 2, diffusion: true, hiddenChannels: [256], outChannels: 4, dropout: 0.1, seed: 4 });
    await model.fit(data);
    return model.transform(data).data;
  };
  const previous = setKernelThreads(1);
  try {
    const one = await fit();
    setKernelThreads(2);
    const before = kernelHelper()!.sharedCalls;
    const two = await fit();
    assert.ok(kernelHelper()!.sharedCalls > before + 20, `${kernelHelper()!.sharedCalls - before} shared calls: the fit's products were not shared with the helper`);
    assert.ok(sameBits(one, two));
  } finally {
    setKernelThreads(previous as 1 | 2);
  }
});

test("kernel threads: a call failing in the helper throws here, and later calls still work", () => {
  const own = createSimdKernels()!;
  const previous = setKernelThreads(2);
  try {
    // A far beyond the memory: every chunk traps, in whichever thread claimed it
    assert.throws(() => own.gemmAt(64, 64, 64, 2 ** 31, 64, 1, 0, 64, 0, 64, 0), /helper thread|out of bounds/);
    const rng = new Random(14);
    const x = randomArray(64 * 40, rng), w = randomArray(32 * 40, rng);
    const [one, two] = bothWays(() => own.forward(x, 64, 40, 32, w, null));
    assert.ok(sameBits(one, two));
  } finally {
    setKernelThreads(previous as 1 | 2);
  }
});

/** A helper of its own with one instance of the kernels on a fresh shared memory. */
function ownHelper(): { helper: KernelHelper; instance: number; gemm: (...args: number[]) => void; f32: Float32Array } {
  const wasm = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Memory: new (d: object) => { buffer: ArrayBuffer }; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } } }).WebAssembly;
  const module = new wasm.Module(Uint8Array.from(Buffer.from(KERNELS_WASM_BASE64, "base64")));
  const memory = new wasm.Memory({ initial: 4, maximum: 64, shared: true });
  const helper = new KernelHelper();
  const instance = helper.register(module, memory);
  const gemm = new wasm.Instance(module, { env: { memory } }).exports.gemm as (...args: number[]) => void;
  return { helper, instance, gemm, f32: new Float32Array(memory.buffer) };
}

/** Blocks this thread for `ms` (the helper meanwhile claims what is left of a call). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

test("kernel threads: a chunk failing in the helper throws here once every chunk has ended", () => {
  const { helper, instance, gemm } = ownHelper();
  const bad = [8, 8, 8, 2 ** 31, 8, 1, 0, 8, 0, 8, 0];
  let ownChunks = 0;
  // this thread runs nothing: a chunk it claims holds it for 2 s, by when the helper has
  // claimed the other (or both) and trapped
  assert.throws(() => helper.run(instance, "gemm", () => {
    ownChunks++;
    pause(2000);
  }, [bad, bad]), /failed in the helper thread/);
  assert.ok(ownChunks <= 1, "the helper ran a chunk");
  // the next call on the same helper works
  smallCallWorks(helper, instance, gemm);
});

/** One small product through the helper completes (run by either thread, once). */
function smallCallWorks(helper: KernelHelper, instance: number, gemm: (...args: number[]) => void): void {
  let n = 0;
  helper.run(instance, "gemm", (...a) => {
    n++;
    gemm(...a);
  }, [[4, 8, 8, 0, 8, 1, 0, 8, 512, 8, 0]]);
  assert.ok(n <= 1);
}

test("kernel threads: the calling thread takes every chunk the helper has not started, so a stopped helper delays nothing", async () => {
  const { helper, instance, gemm, f32 } = ownHelper();
  const rng = new Random(15);
  // C (64 × 8) = A (64 × 8) B (8 × 8): A at float 0, B at 1024, C at 2048 (chunks of 8 rows) and 4096 (whole)
  for (let i = 0; i < 1024 + 64; i++) f32[i] = rng.normal();
  const chunks = Array.from({ length: 8 }, (_, c) => [8, 8, 8, 4 * c * 8 * 8, 8, 1, 4 * 1024, 8, 4 * (2048 + c * 8 * 8), 8, 0]);
  gemm(64, 8, 8, 0, 8, 1, 4 * 1024, 8, 4 * 4096, 8, 0);
  const expected = f32.slice(4096, 4096 + 64 * 8);
  // shared with a running helper
  helper.run(instance, "gemm", gemm, chunks);
  assert.ok(sameBits(f32.slice(2048, 2048 + 64 * 8), expected));
  // with the helper gone (as if descheduled for good) the call ends at once, all chunks done here
  await helper.close();
  f32.fill(0, 2048, 2048 + 64 * 8);
  let ownChunks = 0;
  const t0 = performance.now();
  helper.run(instance, "gemm", (...a) => {
    ownChunks++;
    gemm(...a);
  }, chunks);
  assert.ok(performance.now() - t0 < 1000, "waited for the helper");
  assert.equal(ownChunks, 8);
  assert.ok(sameBits(f32.slice(2048, 2048 + 64 * 8), expected));
});

test("kernel threads: registering with a helper that is still starting does not wait for it", () => {
  // right after the thread is created it cannot have loaded yet: register returns at once, the
  // helper is not ready (calls meanwhile run on the calling thread), and the first shared call
  // waits for the registration and then works
  const { helper, instance, gemm } = ownHelper();
  assert.equal(helper.ready(), false, "registration is still under way in a thread that has just started");
  smallCallWorks(helper, instance, gemm);
  assert.equal(helper.ready(), true);
});

test("kernel threads under the default: a one-off call below HELPER_START_WORK starts no helper, more work does", () => {
  // a child with MARBLE_THREADS unset, so the default applies
  const program = `
    const { kernelHelper, secondThreadAvailable, HELPER_START_WORK } = require(${JSON.stringify(require.resolve("../../src/kernels/helper-thread.ts"))});
    const small = kernelHelper(1_000_000);
    const free = secondThreadAvailable();
    const large = kernelHelper(HELPER_START_WORK);
    console.log(JSON.stringify({ small: small !== null, free, large: large !== null }));
    process.exit(0);`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.MARBLE_THREADS;
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", program], { env, encoding: "utf8" });
  const r = JSON.parse(out.trim().split("\n").pop()!) as { small: boolean; free: boolean; large: boolean };
  assert.equal(r.small, false, "a call of 1 M multiply-adds started the helper");
  // the second call starts it unless other processes keep the second core busy (then the default steps aside)
  assert.equal(r.large, r.free);
});
