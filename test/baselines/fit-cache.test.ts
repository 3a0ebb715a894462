// Contrastive fits cached by content: a repeated fit is read back bit for bit, any change to data,
// labels or settings misses, and a damaged entry is refitted and replaced, never used.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { ContrastiveEmbedder } from "../../src/baselines/index.js";
import { kernelVariantInUse } from "../../src/kernels/simd.js";
import { syntheticTrack } from "./synthetic.js";

const { rates, latent } = syntheticTrack({ length: 400, channels: 12, seed: 2 });
const SMALL = { iterations: 12, batchSize: 32, hiddenUnits: 8, outputDimension: 4, seed: 5, conditional: "behaviour" } as const;

function withFolder(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "marble-fit-cache-"));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a second fit of the same data, labels and settings is read from the cache, identical", () => {
  withFolder((dir) => {
    const first = new ContrastiveEmbedder({ ...SMALL, memory: dir }).fit(rates, latent);
    assert.equal(first.fittedFromCache, false);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith(".bin")).length, 1);
    const second = new ContrastiveEmbedder({ ...SMALL, memory: dir }).fit(rates, latent);
    assert.equal(second.fittedFromCache, true);
    assert.deepEqual(second.transform(rates).data, first.transform(rates).data);
    assert.deepEqual(second.lossHistory, first.lossHistory);
    // the same as a fit without any cache
    const plain = new ContrastiveEmbedder(SMALL).fit(rates, latent);
    assert.deepEqual(plain.transform(rates).data, first.transform(rates).data);
  });
});

test("a fit with fused multiply-adds and one without (MARBLE_FMA=0) are cached apart: their last bits differ", { skip: kernelVariantInUse() !== "fma" && "relaxed SIMD not in use" }, () => {
  withFolder((dir) => {
    // SMALL's settings, as fit-cache-child.ts fits them
    const here = new ContrastiveEmbedder({ ...SMALL, memory: dir }).fit(rates, latent);
    assert.equal(here.fittedFromCache, false);
    const child = (fma: string | undefined) => JSON.parse(execFileSync(process.execPath, ["--import", "tsx", join(__dirname, "fit-cache-child.ts"), dir], {
      env: { ...process.env, MARBLE_THREADS: "1", MARBLE_FMA: fma }, encoding: "utf8",
    })) as { fittedFromCache: boolean };
    assert.equal(child("0").fittedFromCache, false, "a plain-kernel fit read the fused fit's entry");
    assert.equal(readdirSync(dir).filter((f) => f.endsWith(".bin")).length, 2);
    assert.equal(child("0").fittedFromCache, true, "the plain fit's own entry");
    assert.equal(child(undefined).fittedFromCache, true, "the fused fit's entry, from another process");
  });
});

test("another seed, setting, label or data value misses the cache", () => {
  withFolder((dir) => {
    new ContrastiveEmbedder({ ...SMALL, memory: dir }).fit(rates, latent);
    const labels2 = Float64Array.from(latent);
    labels2[7] += 1e-9;
    const data2 = rates.clone();
    data2.data[11] += 1e-12;
    const variants: [Record<string, number>, Float64Array, typeof rates][] = [
      [{ seed: 6 }, latent, rates],
      [{ learningRate: 1e-3 }, latent, rates],
      [{}, labels2, rates],
      [{}, latent, data2],
    ];
    for (const [change, y, x] of variants) {
      const m = new ContrastiveEmbedder({ ...SMALL, ...change, memory: dir }).fit(x, y);
      assert.equal(m.fittedFromCache, false, JSON.stringify(change));
    }
    assert.equal(readdirSync(dir).filter((f) => f.endsWith(".bin")).length, 5);
    // a time-contrastive fit ignores labels, so they are not part of its key
    const t1 = new ContrastiveEmbedder({ ...SMALL, conditional: "time", memory: dir }).fit(rates, latent);
    const t2 = new ContrastiveEmbedder({ ...SMALL, conditional: "time", memory: dir }).fit(rates, labels2);
    assert.equal(t1.fittedFromCache, false);
    assert.equal(t2.fittedFromCache, true);
  });
});

test("a flipped byte or a truncated entry is detected, refitted and replaced", () => {
  withFolder((dir) => {
    const reference = new ContrastiveEmbedder({ ...SMALL, memory: dir }).fit(rates, latent).transform(rates).data;
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith(".bin"))!);
    const good = readFileSync(file);
    for (const damage of ["flip", "truncate"] as const) {
      if (damage === "flip") {
        const bad = Buffer.from(good);
        bad[Math.floor(bad.length * 0.6)] ^= 0x10;
        writeFileSync(file, bad);
      } else {
        truncateSync(file, good.length - 100);
      }
      const warn = console.warn;
      const warnings: string[] = [];
      console.warn = (msg: string) => warnings.push(msg);
      let m: ContrastiveEmbedder;
      try {
        m = new ContrastiveEmbedder({ ...SMALL, memory: dir }).fit(rates, latent);
      } finally {
        console.warn = warn;
      }
      assert.equal(m.fittedFromCache, false, damage);
      assert.match(warnings.join("\n"), /unusable \((checksum mismatch|truncated)\)/);
      assert.deepEqual(m.transform(rates).data, reference);
      // replaced by a whole entry that the next fit uses
      assert.deepEqual(readFileSync(file), good);
      assert.equal(new ContrastiveEmbedder({ ...SMALL, memory: dir }).fit(rates, latent).fittedFromCache, true);
    }
  });
});

test("memory must be a folder path or null", () => {
  assert.throws(() => new ContrastiveEmbedder({ memory: "" }), /memory: pass a folder path/);
});
