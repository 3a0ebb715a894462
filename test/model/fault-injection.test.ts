/**
 * Fault injection against real processes: saves killed with SIGKILL at every step of the commit
 * and at random moments, two writers on one folder, and `marble fit` stopped by SIGINT and
 * SIGTERM. After each, the folder loads and equals the last completed checkpoint or the one being
 * written — or loading fails with a clear error; never a silent wrong result.
 *
 * The child program (fault-child.ts) is bundled once with esbuild so that each of the many
 * child processes starts in a tenth of a second.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, readdirSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Matrix, Random } from "../../src/core/index.js";
import { writeNpy } from "../../src/io/npy.js";
import { Marble } from "../../src/model/marble.js";
import { run as fit } from "../../src/cli/fit.js";
import { modelNumber } from "./fault-child.js";
import { toyFields } from "./toy-data.js";

let work = "";
/** Node arguments that run the child program. */
let child: string[] = [];

before(async () => {
  work = mkdtempSync(join(tmpdir(), "marble-faults-"));
  const source = join(__dirname, "fault-child.ts");
  try {
    // esbuild comes with tsx; without it the children run through tsx (about 0.5 s more each)
    const { buildSync } = await import("esbuild");
    const bundle = join(work, "fault-child.cjs");
    buildSync({ entryPoints: [source], bundle: true, platform: "node", format: "cjs", outfile: bundle, logLevel: "error" });
    child = [bundle];
  } catch {
    child = ["--import", "tsx", source];
  }
});

after(() => rmSync(work, { recursive: true, force: true }));

interface Running {
  proc: ChildProcess;
  stderr: string;
  stdout: string;
  /** Resolves when `text` has appeared on stderr or stdout. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[], env: Record<string, string> = {}, cwd?: string): Running {
  const proc = spawn(process.execPath, [...child, ...args], { cwd, env: { ...process.env, MARBLE_THREADS: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const r: Running = {
    proc,
    stderr: "",
    stdout: "",
    waitFor(text, timeoutMs = 20_000) {
      const seen = () => (typeof text === "string" ? (r.stderr + r.stdout).includes(text) : text.test(r.stderr + r.stdout));
      return new Promise((resolve, reject) => {
        if (seen()) return resolve();
        const timer = setTimeout(() => reject(new Error(`child did not print ${text} within ${timeoutMs} ms; stderr: ${r.stderr}`)), timeoutMs);
        const check = () => {
          if (seen()) {
            clearTimeout(timer);
            resolve();
          }
        };
        proc.stderr!.on("data", check);
        proc.stdout!.on("data", check);
        proc.on("exit", () => setImmediate(() => (seen() ? resolve() : reject(new Error(`child exited before printing ${text}; stderr: ${r.stderr}`)))));
      });
    },
    exited: new Promise((resolve) => proc.on("close", (code, signal) => resolve({ code, signal }))),
  };
  proc.stderr!.on("data", (b) => (r.stderr += b));
  proc.stdout!.on("data", (b) => (r.stdout += b));
  return r;
}

/** The checkpoint number k of a loaded folder, after checking every value is exactly that of checkpoint k. */
function loadedNumber(dir: string): number {
  const model = Marble.load(dir);
  const k = model.epoch;
  const want = modelNumber(k);
  const got = [...model.parameters, ...model.mlp.buffers], exp = [...want.parameters, ...want.mlp.buffers];
  got.forEach((t, i) => assert.ok(t.data.every((v, j) => Object.is(v, exp[i].data[j])), `checkpoint ${k} in ${dir}: tensor ${t.name} does not hold the values of checkpoint ${k}`));
  return k;
}

/** Files a committed checkpoint folder should hold once leftovers are cleaned. */
function committedFiles(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  return ["model.json", ...Object.keys(manifest.files)].sort();
}

const STAGES_BEFORE_COMMIT = ["locked", "wrote-weights", "manifest-written"];
const STAGES_AFTER_COMMIT = ["committed", "cleaned"];

test("SIGKILL at each step of a save: the folder holds the previous checkpoint before the commit and the new one after", async () => {
  for (const stage of [...STAGES_BEFORE_COMMIT, ...STAGES_AFTER_COMMIT]) {
    const dir = join(work, `stage-${stage}`);
    modelNumber(1).save(dir);
    const r = start(["save", dir, "2"], { MARBLE_FAULT_PAUSE: stage });
    await r.waitFor(`fault-pause ${stage}`);
    r.proc.kill("SIGKILL");
    assert.equal((await r.exited).signal, "SIGKILL");
    const expected = STAGES_BEFORE_COMMIT.includes(stage) ? 1 : 2;
    assert.equal(loadedNumber(dir), expected, `killed at ${stage}`);
    // the killed writer's lock is stale (its pid is gone): the next save takes it over and removes the leftovers
    modelNumber(3).save(dir, undefined, { force: true });
    assert.equal(loadedNumber(dir), 3);
    assert.deepEqual(readdirSync(dir).sort(), committedFiles(dir), `leftovers after a save that followed a kill at ${stage}`);
  }
});

test("SIGKILL at 36 random moments of repeated saves: the folder always loads as the last completed checkpoint or the next", async (t) => {
  const rng = new Random(2024);
  const dir = join(work, "random-kills");
  modelNumber(0).save(dir);
  const outcomes = { previous: 0, next: 0 };
  for (let trial = 0; trial < 36; trial++) {
    const before = loadedNumber(dir);
    const r = start(["loop", dir, String(before)]);
    await r.waitFor("ready");
    await new Promise((res) => setTimeout(res, rng.uniform(0, 60)));
    r.proc.kill("SIGKILL");
    await r.exited;
    const saved = [...r.stderr.matchAll(/saved (\d+)/g)].map((m) => Number(m[1]));
    const last = saved.length ? saved[saved.length - 1] : before;
    const k = loadedNumber(dir);
    assert.ok(k === last || k === last + 1, `trial ${trial}: loaded checkpoint ${k}, last completed ${last}`);
    outcomes[k === last ? "previous" : "next"]++;
  }
  t.diagnostic(`loaded the last completed checkpoint ${outcomes.previous} times, the one being written ${outcomes.next} times`);
  // kills landed inside saves (before their commit), not only between them
  assert.ok(outcomes.previous > 0, JSON.stringify(outcomes));
  modelNumber(999).save(dir, undefined, { force: true });
  assert.deepEqual(readdirSync(dir).sort(), committedFiles(dir));
});

test("two writers on one folder: the second gets a lock error naming the first; a dead writer's lock is taken over", async () => {
  const dir = join(work, "two-writers");
  modelNumber(1).save(dir);
  const first = start(["save", dir, "2"], { MARBLE_FAULT_PAUSE: "wrote-weights" });
  await first.waitFor("fault-pause wrote-weights");
  const second = start(["save", dir, "3"]);
  const { code } = await second.exited;
  assert.equal(code, 3, second.stderr);
  assert.match(second.stderr, new RegExp(`FolderLockedError: checkpoint folder .*two-writers is being written by process ${first.proc.pid}.*Wait for it to finish`));
  // a loader does not disturb the writer and sees the committed checkpoint
  assert.equal(loadedNumber(dir), 1);
  first.proc.kill("SIGKILL");
  await first.exited;
  const third = start(["save", dir, "4"]);
  assert.equal((await third.exited).code, 0, third.stderr);
  assert.equal(loadedNumber(dir), 4);
});

function writeToyInputs(dir: string): string[] {
  const fields = toyFields(40, 5).slice(0, 2);
  const args: string[] = [];
  fields.forEach((f, i) => {
    writeNpy(Matrix.from(f.pos), join(dir, `pos${i}.npy`));
    writeNpy(Matrix.from(f.x), join(dir, `vel${i}.npy`));
    args.push("--anchor", join(dir, `pos${i}.npy`), "--vector", join(dir, `vel${i}.npy`));
  });
  return args;
}

async function quietly<T>(f: () => Promise<T>): Promise<{ value: T; errors: string }> {
  const lines: string[] = [];
  const orig = console.error, origLog = console.log;
  console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  console.log = () => {};
  try {
    return { value: await f(), errors: lines.join("\n") };
  } finally {
    console.error = orig;
    console.log = origLog;
  }
}

for (const [signal, exitCode] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  test(`${signal} during marble fit: stops, saves, exits ${exitCode}; --resume finishes with the losses and weights of an uninterrupted run`, async () => {
    const dir = mkdtempSync(join(work, `fit-${signal}-`));
    const inputs = writeToyInputs(dir);
    // enough epochs that the run is still going when the signal arrives (an epoch takes milliseconds)
    const options = ["--k", "8", "--epochs", "400", "--hidden-channels", "16", "--out-channels", "3", "--dropout", "0.1", "--seed", "3"];
    const out = join(dir, "run");
    const r = start(["fit", ...inputs, ...options, "--out", out]);
    await r.waitFor(/^\s+4\s+\d/m); // the epoch log's row for epoch 4
    r.proc.kill(signal);
    const { code } = await r.exited;
    assert.equal(code, exitCode, r.stderr);
    assert.match(r.stderr, new RegExp(`stopped by ${signal} after epoch \\d+.*saved in ${out}`, "s"));
    assert.match(r.stderr, new RegExp(`Continue it with: marble fit --resume ${out}`));
    const interrupted = Marble.load(out);
    assert.ok(interrupted.epoch >= 4 && interrupted.epoch < 400, `stopped after epoch ${interrupted.epoch}`);
    // resume from the recorded inputs, then the same run without interruption
    const resumed = await quietly(() => fit(["--resume", out, "--quiet"]));
    assert.equal(resumed.value, 0, resumed.errors);
    const whole = await quietly(() => fit([...inputs, ...options, "--out", join(dir, "whole"), "--quiet"]));
    assert.equal(whole.value, 0, whole.errors);
    const a = JSON.parse(readFileSync(join(out, "model.json"), "utf8")), b = JSON.parse(readFileSync(join(dir, "whole", "model.json"), "utf8"));
    assert.equal(a.epoch, 400);
    assert.deepEqual(a.trainLosses, b.trainLosses);
    assert.deepEqual(a.valLosses, b.valLosses);
    assert.equal(a.testLoss, b.testLoss);
    const weights = (m: { files: Record<string, { sha256: string }> }) => Object.entries(m.files).find(([f]) => f.startsWith("weights."))![1].sha256;
    assert.equal(weights(a), weights(b), "final weights differ from the uninterrupted run's");
    // resuming a finished run changes nothing
    const again = await quietly(() => fit(["--resume", out, "--quiet"]));
    assert.equal(again.value, 0, again.errors);
    assert.equal(JSON.parse(readFileSync(join(out, "model.json"), "utf8")).epoch, 400);
  });
}

test("marble fit refuses a folder of someone's files, a file, and another run's checkpoint before reading any data", async () => {
  const dir = mkdtempSync(join(work, "refuse-"));
  writeFileSync(join(dir, "thesis.tex"), "\\documentclass{article}\n");
  writeFileSync(join(dir, "results.csv"), "a,b\n1,2\n");
  const inputs = writeToyInputs(dir);
  const before = readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), "utf8")]);
  for (const extra of [[], ["--force"]]) {
    const r = await quietly(() => fit([...inputs, "--epochs", "1", "--out", dir, ...extra]));
    assert.equal(r.value, 1);
    assert.match(r.errors, /refusing to write a checkpoint into .*refuse-.*: it holds files that are not part of a MarbleLab checkpoint \(.*thesis\.tex.*\).*force does not override this.*pick a new folder/s);
  }
  // literally `--out .` from inside the folder
  const here = start(["fit", ...inputs, "--epochs", "1", "--out", ".", "--force"], {}, dir);
  assert.equal((await here.exited).code, 1, here.stderr);
  assert.match(here.stderr, /refusing to write a checkpoint into .*refuse-.*thesis\.tex/s);
  const file = await quietly(() => fit([...inputs, "--epochs", "1", "--out", join(dir, "results.csv")]));
  assert.equal(file.value, 1);
  assert.match(file.errors, /results\.csv is a file, not a folder/);
  assert.deepEqual(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), "utf8")]), before, "a user's file changed");
  // another run's checkpoint: refused without --force, replaced with it
  const run = join(dir, "run");
  assert.equal((await quietly(() => fit([...inputs, "--k", "8", "--epochs", "1", "--out", run]))).value, 0);
  const second = await quietly(() => fit([...inputs, "--k", "8", "--epochs", "1", "--out", run]));
  assert.equal(second.value, 1);
  assert.match(second.errors, /already holds a MarbleLab checkpoint of another run \(epoch 1.*marble fit --force.*marble fit --resume/s);
  assert.equal((await quietly(() => fit([...inputs, "--k", "8", "--epochs", "2", "--out", run, "--force"]))).value, 0);
  assert.equal(Marble.load(run).epoch, 2);
  assert.ok(!existsSync(join(dir, "run", ".marble-lock")));
});
