/**
 * Checkpoints in one process: which folders may be written, integrity checks on load, periodic
 * checkpoints, resuming a run (bitwise equal to the uninterrupted run), recovery of a folder left
 * by an earlier version's interrupted save, and the folder lock.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readdirSync, readFileSync, writeFileSync, existsSync, mkdirSync, truncateSync } from "node:fs";
import { tmpdir, hostname } from "node:os";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { Marble, CheckpointError, FolderLockedError, type MarbleParams } from "../../src/model/index.js";
import { encodeSafetensors, decodeSafetensors } from "../../src/model/safetensors.js";
import { Random } from "../../src/core/index.js";
import { buildToyDataset, toyFields } from "./toy-data.js";

function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `marble-${prefix}-`));
}

function toy(seed = 6) {
  return buildToyDataset(toyFields(40, seed), { k: 8, seed });
}

const OPTIONS = { hiddenChannels: [16], outChannels: 3, seed: 2, dropout: 0.1, batchSize: 32 };

function newModel(data: ReturnType<typeof toy>, epochs: number, extra: Partial<MarbleParams> = {}): Marble {
  const m = new Marble(data, { ...OPTIONS, epochs, ...extra });
  // start the diffusion time where it moves, so the heat-kernel expansion centre matters on resume
  m.diffusionTime.data[0] = 0.3;
  return m;
}

/** An AbortSignal that reads as aborted from its n-th check on: stops training at an exact batch. */
function abortAtCheck(n: number): AbortSignal {
  let checks = 0;
  return { get aborted() { return ++checks >= n; }, reason: undefined } as unknown as AbortSignal;
}

function manifest(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
}

function weightsFile(dir: string): string {
  return join(dir, Object.keys(manifest(dir).files).find((f) => f.startsWith("weights."))!);
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
}

function sameModel(a: Marble, b: Marble): void {
  const ta = [...a.parameters, ...a.mlp.buffers], tb = [...b.parameters, ...b.mlp.buffers];
  ta.forEach((t, i) => assert.ok(sameBits(t.data, tb[i].data), `tensor ${t.name} differs`));
}

test("resume: a run interrupted mid-epoch and continued from its checkpoint equals the uninterrupted run bit for bit", async () => {
  const dir = tmp("resume");
  try {
    const data = toy();
    const whole = newModel(data, 12);
    const wholeResult = await whole.fit(data);
    for (const check of [23, 40]) {
      // check 23 lands inside an epoch (several batches per epoch), check 40 elsewhere
      const out = join(dir, `run-${check}`);
      const first = newModel(data, 12);
      await assert.rejects(first.fit(data, { outdir: out, signal: abortAtCheck(check) }), (e: Error & { checkpoint?: string }) => {
        assert.equal(e.name, "AbortError");
        assert.equal(e.checkpoint, out);
        assert.match(e.message, /training was interrupted after epoch \d+.*saved in .*resume: true/s);
        return true;
      });
      assert.ok(first.epoch > 0 && first.epoch < 12, `interrupted after epoch ${first.epoch}`);
      const loaded = Marble.load(out);
      const result = await loaded.fit(data, { resume: true, outdir: out });
      assert.equal(loaded.epoch, 12);
      assert.ok(sameBits(result.trainLoss, wholeResult.trainLoss), `train losses differ after resuming (check ${check})`);
      assert.ok(sameBits(result.valLoss, wholeResult.valLoss));
      assert.equal(result.bestEpoch, wholeResult.bestEpoch);
      assert.ok(Object.is(result.testLoss, wholeResult.testLoss));
      sameModel(loaded, whole);
      assert.ok(sameBits(loaded.transform(data).data, whole.transform(data).data));
      sameModel(Marble.load(out), whole);
    }
    // in memory: the interrupted model itself continues
    const again = newModel(data, 12);
    await assert.rejects(again.fit(data, { signal: abortAtCheck(30) }), { name: "AbortError" });
    const r = await again.fit(data, { resume: true });
    assert.ok(sameBits(r.trainLoss, wholeResult.trainLoss));
    sameModel(again, whole);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("resume with vecNorm (whole-graph heat expansions, float64 products): bit for bit too", async () => {
  const dir = tmp("resume-vecnorm");
  try {
    const data = toy();
    const extra = { vecNorm: true, precision: "float64" as const };
    const whole = newModel(data, 8, extra);
    const a = await whole.fit(data);
    const first = newModel(data, 8, extra);
    await assert.rejects(first.fit(data, { outdir: join(dir, "run"), signal: abortAtCheck(20) }), { name: "AbortError" });
    const resumed = Marble.load(join(dir, "run"));
    const b = await resumed.fit(data, { resume: true });
    assert.ok(sameBits(b.trainLoss, a.trainLoss) && sameBits(b.valLoss, a.valLoss), "losses differ after resuming");
    sameModel(resumed, whole);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("resume refuses other data and a model without a run; a finished run resumes to itself", async () => {
  const dir = tmp("resume-checks");
  try {
    const data = toy();
    const m = newModel(data, 4);
    await assert.rejects(m.fit(data, { outdir: join(dir, "run"), signal: abortAtCheck(12) }), { name: "AbortError" });
    const other = toy(7);
    await assert.rejects(Marble.load(join(dir, "run")).fit(other, { resume: true }), /the data differs from the data the run was trained on/);
    await assert.rejects(newModel(data, 2).fit(data, { resume: true }), /holds no training run to continue.*Call fit without resume/);
    const done = Marble.load(join(dir, "run"));
    await done.fit(data, { resume: true, outdir: join(dir, "run") });
    const r = await Marble.load(join(dir, "run")).fit(data, { resume: true });
    assert.equal(r.epochSeconds.length, 0);
    assert.equal(r.trainLoss.length, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("periodic checkpoints: every N epochs and on each new best, each one complete and resumable", async () => {
  const dir = tmp("periodic");
  try {
    const data = toy();
    const out = join(dir, "run");
    const seen: number[] = [];
    const m = newModel(data, 7);
    await m.fit(data, { outdir: out, checkpointEvery: 3, checkpointOnBest: false, onEpoch: () => seen.push(existsSync(join(out, "model.json")) ? manifest(out).epoch : 0) });
    // the checkpoint after epoch e is read at epoch e's report only from e + 1 on (written after the report)
    assert.deepEqual(seen, [0, 0, 0, 3, 3, 3, 6]);
    assert.equal(manifest(out).epoch, 7);
    assert.equal(manifest(out).run.complete, true);
    const best: number[] = [];
    const m2 = newModel(data, 5);
    await m2.fit(data, { outdir: join(dir, "best"), checkpointEvery: 0, onEpoch: () => best.push(existsSync(join(dir, "best", "model.json")) ? manifest(join(dir, "best")).epoch : 0) });
    // every epoch so far improved the validation loss at least once: some checkpoints precede the end
    assert.ok(best.some((e) => e > 0), JSON.stringify(best));
    await assert.rejects(m2.fit(data, { checkpointEvery: -1 }), /checkpointEvery must be an integer ≥ 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("output folders: a folder of other files, a file and another run's checkpoint are refused; nothing is deleted", async () => {
  const dir = tmp("guard");
  try {
    const data = toy();
    writeFileSync(join(dir, "thesis.tex"), "\\begin{document}\n");
    writeFileSync(join(dir, "results.csv"), "1,2\n");
    const m = newModel(data, 2);
    let epochs = 0;
    for (const force of [false, true]) {
      await assert.rejects(m.fit(data, { outdir: dir, force, onEpoch: () => epochs++ }), (e: Error) => e instanceof CheckpointError && /refusing to write a checkpoint into .*guard-.*thesis\.tex.*force does not override this/s.test(e.message));
      assert.throws(() => m.save(dir, data, { force }), CheckpointError);
    }
    await assert.rejects(m.fit(data, { outdir: join(dir, "results.csv") }), /results\.csv is a file, not a folder/);
    assert.throws(() => m.save(join(dir, "results.csv")), /is a file, not a folder/);
    assert.equal(epochs, 0, "training started before the folder was checked");
    assert.deepEqual(readdirSync(dir).sort(), ["results.csv", "thesis.tex"]);
    assert.equal(readFileSync(join(dir, "results.csv"), "utf8"), "1,2\n");
    // a new folder, then an empty one
    m.save(join(dir, "a", "b"));
    mkdirSync(join(dir, "empty"));
    m.save(join(dir, "empty"));
    // the same model updates its own checkpoint; another model needs force; other files in a checkpoint folder stay
    writeFileSync(join(dir, "empty", "notes.txt"), "my notes\n");
    await m.fit(data, { outdir: join(dir, "empty") });
    const other = newModel(data, 1);
    assert.throws(() => other.save(join(dir, "empty")), /already holds a MarbleLab checkpoint of another run \(epoch 2.*force: true/s);
    other.save(join(dir, "empty"), undefined, { force: true });
    assert.equal(Marble.load(join(dir, "empty")).runId, other.runId);
    assert.equal(readFileSync(join(dir, "empty", "notes.txt"), "utf8"), "my notes\n");
    assert.deepEqual(readdirSync(join(dir, "empty")).sort(), ["model.json", "notes.txt", weightsFile(join(dir, "empty")).split("/").pop()].sort());
    // a model.json of another program is not a checkpoint
    mkdirSync(join(dir, "theirs"));
    writeFileSync(join(dir, "theirs", "model.json"), JSON.stringify({ name: "bert" }));
    assert.throws(() => m.save(join(dir, "theirs"), undefined, { force: true }), /model\.json is not a MarbleLab checkpoint manifest/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Rewrites a checkpoint's manifest with a change and a correct checksum (what a careless writer could produce). */
function rewriteManifest(dir: string, change: (m: Record<string, any>) => void): void {
  const m = manifest(dir);
  delete m.manifestSha256;
  change(m);
  const digest = createHash("sha256").update(JSON.stringify(m, null, 2)).digest("hex");
  writeFileSync(join(dir, "model.json"), JSON.stringify({ ...m, manifestSha256: digest }, null, 2));
}

test("integrity: NaN weights, a flipped byte, a truncated file and a damaged or incomplete model.json are clear errors", async () => {
  const dir = tmp("integrity");
  try {
    const data = toy();
    const m = newModel(data, 2);
    await m.fit(data);
    const fresh = (name: string) => {
      const p = join(dir, name);
      m.save(p, data);
      return p;
    };
    const nan = fresh("nan");
    const file = weightsFile(nan);
    const bytes = readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString("utf8"));
    const [begin] = header["mlp.lins.0.weight"].data_offsets;
    bytes.writeDoubleLE(NaN, 8 + n + begin + 8 * 5);
    writeFileSync(file, bytes);
    assert.throws(() => Marble.load(nan), (e: Error) => e instanceof CheckpointError && e.message.includes(file) && /does not match its sha256/.test(e.message));
    // NaN written with matching checksums (a diverged writer): the tensor and file are named
    rewriteManifest(nan, (j) => {
      const entry = j.files[file.split("/").pop()!];
      entry.sha256 = createHash("sha256").update(bytes).digest("hex");
    });
    assert.throws(() => Marble.load(nan), new RegExp(`tensor "mlp\\.lins\\.0\\.weight" in ${file.replace(/[.]/g, "\\.")} holds NaN at index 5`));

    const flipped = fresh("flip");
    const fb = readFileSync(weightsFile(flipped));
    fb[fb.length - 3] ^= 0x10;
    writeFileSync(weightsFile(flipped), fb);
    assert.throws(() => Marble.load(flipped), /weights\.\d+\.safetensors does not match its sha256 in the manifest: the file is damaged/);

    const truncated = fresh("truncated");
    truncateSync(weightsFile(truncated), 100);
    assert.throws(() => Marble.load(truncated), /weights\.\d+\.safetensors is 100 bytes, the manifest records \d+: the file is truncated/);

    const invalid = fresh("invalid-json");
    writeFileSync(join(invalid, "model.json"), manifest(invalid).toString().slice(0, 5) + "{ not json");
    assert.throws(() => Marble.load(invalid), (e: Error) => e instanceof CheckpointError && e.message.includes(join(invalid, "model.json")) && /is not valid JSON/.test(e.message));

    const unsigned = fresh("no-signature");
    const j = manifest(unsigned);
    delete j.signature;
    writeFileSync(join(unsigned, "model.json"), JSON.stringify(j));
    assert.throws(() => Marble.load(unsigned), (e: Error) => e instanceof CheckpointError && /model\.json lacks its "signature" field/.test(e.message));

    const edited = fresh("edited");
    writeFileSync(join(edited, "model.json"), readFileSync(join(edited, "model.json"), "utf8").replace(/"epoch": 2/, '"epoch": 3'));
    assert.throws(() => Marble.load(edited), /model\.json was changed after it was written/);

    const missing = fresh("missing");
    rmSync(weightsFile(missing));
    assert.throws(() => Marble.load(missing), /weights\.\d+\.safetensors is missing \(named in .*model\.json\)/);

    assert.throws(() => Marble.load(join(dir, "nowhere")), /no checkpoint at .*nowhere \(missing model\.json\)/);
    // the good copy still loads and embeds exactly
    assert.ok(sameBits(Marble.load(fresh("good")).transform(data).data, m.transform(data).data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A checkpoint as MarbleLab 0.1 wrote it: model.json without checksums and weights.safetensors. */
function writeLegacy(dir: string, model: Marble, epoch: number): void {
  mkdirSync(dir, { recursive: true });
  const tensors: Record<string, { shape: number[]; data: Float64Array }> = {};
  for (const t of [...model.parameters, ...model.mlp.buffers]) tensors[t.name] = { shape: t.shape, data: t.data };
  writeFileSync(join(dir, "weights.safetensors"), encodeSafetensors(tensors));
  writeFileSync(join(dir, "model.json"), JSON.stringify({ format: "marble-checkpoint", version: "0.1.0", params: model.params, signature: model.signature, epoch, trainLosses: [], valLosses: [] }));
}

test("checkpoints of the earlier format load; a folder left between its two renames is recovered", () => {
  const dir = tmp("legacy");
  try {
    const data = toy();
    const a = newModel(data, 1), b = newModel(data, 1);
    b.diffusionTime.data[0] = 0.7;
    writeLegacy(join(dir, ".run.old-1-x"), a, 4);
    writeLegacy(join(dir, ".run.tmp-1-x"), b, 5);
    const recovered = Marble.load(join(dir, "run"));
    assert.equal(recovered.epoch, 5);
    assert.equal(recovered.diffusionTime.data[0], 0.7);
    assert.deepEqual(readdirSync(dir), ["run"]);
    // a legacy checkpoint is updated in place by the model loaded from it
    recovered.save(join(dir, "run"));
    assert.deepEqual(readdirSync(join(dir, "run")).sort(), ["model.json", weightsFile(join(dir, "run")).split("/").pop()]);
    writeLegacy(join(dir, "bad"), a, 1);
    const raw = readFileSync(join(dir, "bad", "weights.safetensors"));
    raw.writeDoubleLE(Infinity, raw.length - 8);
    writeFileSync(join(dir, "bad", "weights.safetensors"), raw);
    assert.throws(() => Marble.load(join(dir, "bad")), /tensor ".*" in .*weights\.safetensors holds Infinity/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: a live writer's lock is a clear error; a dead writer's lock is taken over", async () => {
  const dir = tmp("lock");
  try {
    const data = toy();
    const m = newModel(data, 1);
    m.save(join(dir, "run"));
    const lockFile = join(dir, "run", ".marble-lock");
    const sleeper = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      writeFileSync(lockFile, JSON.stringify({ pid: sleeper.pid, host: hostname(), started: null, since: "2026-01-01T00:00:00Z" }));
      assert.throws(() => m.save(join(dir, "run")), (e: Error) => e instanceof FolderLockedError && new RegExp(`being written by process ${sleeper.pid}`).test(e.message) && e.message.includes(lockFile));
      await assert.rejects(m.fit(data, { outdir: join(dir, "run") }), FolderLockedError);
    } finally {
      sleeper.kill();
    }
    const dead = spawnSync("true").pid;
    writeFileSync(lockFile, JSON.stringify({ pid: dead, host: hostname(), started: null, since: "2026-01-01T00:00:00Z" }));
    m.save(join(dir, "run"));
    assert.ok(!existsSync(lockFile));
    // a killed save's leftovers (data file and manifest of an uncommitted generation) go with the next load
    const files = readdirSync(join(dir, "run"));
    writeFileSync(join(dir, "run", "weights.99.safetensors"), "partial");
    writeFileSync(join(dir, "run", ".model.json.tmp-123"), "{");
    Marble.load(join(dir, "run"));
    assert.deepEqual(readdirSync(join(dir, "run")).sort(), files.sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a first save killed before its commit leaves a folder that loads with a clear error and can be reused", () => {
  const dir = tmp("first");
  try {
    mkdirSync(join(dir, "run"));
    writeFileSync(join(dir, "run", "weights.1.safetensors"), "partial");
    assert.throws(() => Marble.load(join(dir, "run")), /holds only the beginning of a first save that was interrupted/);
    const m = new Marble({ signalDim: 2, dim: 2, dimMan: 2, localGauges: false }, { hiddenChannels: [4] });
    m.save(join(dir, "run"));
    assert.equal(Marble.load(join(dir, "run")).runId, m.runId);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("safetensors reader under 600 random truncations and byte flips: a result or a RangeError, never another failure", () => {
  const m = new Marble({ signalDim: 2, dim: 2, dimMan: 2, localGauges: false }, { hiddenChannels: [8], outChannels: 3 });
  const tensors: Record<string, { shape: number[]; data: Float64Array }> = {};
  for (const t of [...m.parameters, ...m.mlp.buffers]) tensors[t.name] = { shape: t.shape, data: t.data };
  const good = encodeSafetensors(tensors, { format: "marble" });
  const headerEnd = 8 + Number(good.readBigUInt64LE(0));
  const rng = new Random(11);
  const counts = { decoded: 0, rejected: 0 };
  for (let trial = 0; trial < 600; trial++) {
    let bytes: Buffer;
    if (trial % 3 === 0) {
      bytes = Buffer.from(good.subarray(0, rng.int(good.length)));
    } else {
      bytes = Buffer.from(good);
      // two thirds of the flips land in the length and header, where they change the structure
      const at = trial % 3 === 1 ? rng.int(headerEnd) : rng.int(bytes.length);
      bytes[at] ^= 1 << rng.int(8);
    }
    try {
      const { tensors: got } = decodeSafetensors(bytes);
      for (const t of Object.values(got)) assert.equal(t.data.length, t.shape.reduce((a, b) => a * b, 1));
      counts.decoded++;
    } catch (e) {
      assert.ok(e instanceof RangeError, `trial ${trial}: ${(e as Error).name}: ${(e as Error).message}`);
      assert.match((e as Error).message, /^safetensors: /);
      counts.rejected++;
    }
  }
  assert.ok(counts.rejected > 200 && counts.decoded > 50, JSON.stringify(counts));
});
