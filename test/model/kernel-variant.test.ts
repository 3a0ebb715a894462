// The two kernel modules (plain SIMD, relaxed SIMD with fused multiply-adds in the products): which
// one a process uses, that MARBLE_FMA=0 selects the plain one, and that the fused one really fuses
// on a CPU with FMA.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { arch } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createSimdKernels, simdKernels, type SimdKernels } from "../../src/kernels/simd.js";
import { fmaUnavailableReason } from "../../src/kernels/variant.js";
import { Random } from "../../src/core/index.js";
import { randomArray } from "./fd.js";

const child = join(__dirname, "variant-child.ts");

async function runChild(env: Record<string, string | undefined>, args: string[] = []): Promise<{ out: { variant: string; reason: string; y: number[] }; stderr: string }> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", child, ...args], { env: { ...process.env, MARBLE_THREADS: "1", ...env } });
  return { out: JSON.parse(stdout), stderr };
}

/**
 * c = −1 + a·a with a = 1 + 2⁻¹² (as a 1 × 4 product with the bias −1): a·a = 1 + 2⁻¹¹ + 2⁻²⁴
 * lies halfway between two floats, so it rounds to 1 + 2⁻¹¹ on its own and c = 2⁻¹¹; fused, it is
 * not rounded and c = 2⁻¹¹ + 2⁻²⁴.
 */
function probe(k: SimdKernels): number {
  const { f32 } = k.resident(64);
  const a = 1 + 2 ** -12;
  f32.set([a, 0, 0, 0], 0); // A (1 × 1) at byte 0
  f32.set([a, a, a, a], 4); // B (1 × 4) at byte 16
  f32.set([-1, -1, -1, -1], 8); // bias at byte 32
  k.gemmAt(1, 4, 1, 0, 1, 1, 16, 4, 48, 4, 32);
  return f32[12];
}

/** Whether this CPU has fused multiply-add that V8 uses for relaxed_madd (x86 FMA3; every 64-bit ARM). */
function cpuHasFma(): boolean {
  if (arch() === "arm64") return true;
  if (arch() !== "x64") return false;
  try {
    return /^flags\s*:.*\bfma\b/m.test(readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    return false;
  }
}

test("kernel variant: the fused module is used by default where the runtime accepts relaxed SIMD (Node 20: through V8's flag)", () => {
  const simd = simdKernels();
  assert.ok(simd);
  if (process.env.MARBLE_FMA === "0") {
    assert.equal(simd.variant, "plain");
    return;
  }
  assert.equal(simd.variant, "fma", `plain kernels: ${fmaUnavailableReason()}`);
  assert.equal(fmaUnavailableReason(), "");
  assert.equal(createSimdKernels()!.variant, "fma", "new instances take the process's variant");
});

test("kernel variant: the fused module rounds each multiply-add once on a CPU with FMA, the plain one twice", (t) => {
  assert.equal(probe(createSimdKernels("plain")!), 2 ** -11);
  if (simdKernels()!.variant !== "fma") return t.skip("relaxed SIMD not in use");
  const fused = probe(createSimdKernels("fma")!);
  t.diagnostic(`fused probe: ${fused} (${fused === 2 ** -11 + 2 ** -24 ? "fused" : "not fused"})`);
  assert.equal(fused, cpuHasFma() ? 2 ** -11 + 2 ** -24 : 2 ** -11);
});

test("kernel variant: MARBLE_FMA=0 selects the plain module, without a warning, and its products are the plain bits", async () => {
  const plain = await runChild({ MARBLE_FMA: "0" });
  assert.equal(plain.out.variant, "plain");
  assert.equal(plain.out.reason, "MARBLE_FMA=0");
  assert.doesNotMatch(plain.stderr, /MARBLE_NO_FMA|unavailable/);
  const fused = await runChild({ MARBLE_FMA: undefined });
  assert.equal(fused.out.variant, "fma", fused.out.reason);
  // the same product here with instances of each variant gives each child's bits
  const rng = new Random(31);
  const x = randomArray(64 * 40, rng), w = randomArray(24 * 40, rng);
  for (const [variant, run] of [["plain", plain], ["fma", fused]] as const) {
    const y = createSimdKernels(variant)!.forward(x, 64, 40, 24, w, null);
    assert.ok(run.out.y.every((v, i) => Object.is(v, y[i])), `${variant}: bits differ from a process of that variant`);
  }
  // on a CPU that fuses, the two differ, by no more than their two float32 rounding errors
  // ((K + 2)·u·Σ|x w| each, as in kernels.test.ts)
  if (cpuHasFma()) {
    let differ = 0;
    plain.out.y.forEach((v, i) => {
      const r = Math.floor(i / 24), o = i % 24;
      let s = 0;
      for (let k = 0; k < 40; k++) s += Math.abs(x[r * 40 + k] * w[o * 40 + k]);
      const d = Math.abs(v - fused.out.y[i]);
      if (d > 0) differ++;
      assert.ok(d <= 2 * 42 * 2 ** -24 * s, `output ${i}: fused ${fused.out.y[i]} vs plain ${v}`);
    });
    assert.ok(differ > 0, "fused and plain products are identical: nothing was fused");
  }
});

test("kernel variant: a runtime refusing relaxed SIMD gets the plain module and one warning saying why", async () => {
  const { out, stderr } = await runChild({ MARBLE_FMA: undefined }, ["refuse"]);
  assert.equal(out.variant, "plain");
  assert.match(out.reason, /does not support WebAssembly relaxed SIMD/);
  assert.equal(stderr.match(/MARBLE_NO_FMA/g)?.length, 1, stderr);
  const rng = new Random(31);
  const y = createSimdKernels("plain")!.forward(randomArray(64 * 40, rng), 64, 40, 24, randomArray(24 * 40, rng), null);
  assert.ok(out.y.every((v, i) => Object.is(v, y[i])));
});
