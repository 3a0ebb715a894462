// The Slurm executor against a real single-node Slurm (munged, slurmctld, slurmd started by
// scripts/slurm-cluster.mjs on 127.0.0.1 and stopped by process id afterwards). Array tasks run
// `marble sweep run-task` through bin/marble.js, so the build (dist/) must be current: `npm test`
// builds before testing.
import { before, after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSweep, type SweepProgress, type SweepSpec } from "../../src/sweep/index.js";
import { collectSweep } from "../../src/sweep/collect.js";
import { readSubmissions, slurmSweepStatus } from "../../src/sweep/slurm.js";
import { squeueTasks } from "../../src/sweep/slurm-queue.js";
import { taskDir } from "../../src/sweep/layout.js";
import { openSweep } from "../../src/sweep/sweep-dir.js";

const root = join(__dirname, "..", "..");
const script = join(root, "scripts", "slurm-cluster.mjs");
let work = "";
let clusterDir = "";
// quick polls keep the suite short; a real cluster is polled every few seconds
const SETTINGS = { pollSeconds: 0.5 };

/** A small van der Pol sweep (under a second of fitting per task, plus the process start). */
function spec(name: string, vary: SweepSpec["vary"], seeds = [0]): SweepSpec {
  return {
    name,
    datasets: ["van-der-pol"],
    preprocessing: { numMu: 4, numInitial: 10, spacing: 0.05 },
    marble: { k: 10, epochs: 10 },
    vary,
    seeds,
    resources: { cpusPerTask: 1, mem: "500M", time: "00:10:00" },
  };
}

function run(specObj: SweepSpec, out: string, extra: Parameters<typeof runSweep>[1] = {}) {
  const events: SweepProgress[] = [];
  const done = runSweep(specObj, { executor: "slurm", out, settings: SETTINGS, onProgress: (p) => events.push(p), ...extra });
  return { events, done };
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

before(async () => {
  assert.ok(existsSync(join(root, "dist", "sweep", "task-command.js")), "dist/ is missing the sweep commands: run `npm run build` first (npm test does)");
  work = mkdtempSync(join(tmpdir(), "marble-slurm-test-"));
  clusterDir = join(work, "cluster");
  const r = spawnSync(process.execPath, [script, "start", "--dir", clusterDir], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `slurm-cluster start failed:\n${r.stdout}\n${r.stderr}`);
  process.env.SLURM_CONF = join(clusterDir, "slurm.conf");
});

after(() => {
  if (clusterDir) {
    const r = spawnSync(process.execPath, [script, "stop", "--dir", clusterDir], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, `slurm-cluster stop failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /stopped slurmd \d+, slurmctld \d+, munged \d+/);
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("Slurm executor on a real single-node cluster", () => {
  it("runs a job array to completion, and its table equals the local executor's bit for bit", async () => {
    const s = spec("same", [{ "marble.epochs": [10, 20] }], [0, 1]);
    const viaSlurm = join(work, "same-slurm");
    const { events, done } = run(s, viaSlurm);
    const res = await done;
    assert.equal(res.counts.done, 4, JSON.stringify(res.statuses));
    assert.deepEqual(res.ran, [0, 1, 2, 3]);
    // it really went through Slurm: one recorded array job, Slurm's output files in every task folder
    const subs = readSubmissions(viaSlurm);
    assert.equal(subs.length, 1);
    assert.deepEqual(subs[0].indices, [0, 1, 2, 3]);
    const batch = readFileSync(subs[0].script, "utf8");
    assert.match(batch, /^#SBATCH --array=0-3$/m);
    assert.match(batch, /^#SBATCH --cpus-per-task=1$/m);
    assert.match(batch, /^#SBATCH --mem=500M$/m);
    for (let i = 0; i < 4; i++) {
      assert.ok(existsSync(join(taskDir(viaSlurm, i), `slurm-${subs[0].jobId}_${i}.out`)), `Slurm output of task ${i}`);
      assert.match(readFileSync(join(taskDir(viaSlurm, i), "log.txt"), "utf8"), /MARBLE_THREADS=1/);
    }
    assert.equal(events.filter((e) => e.kind === "done").length, 4);
    const status = await slurmSweepStatus(viaSlurm, openSweep(s, { out: viaSlurm }).tasks);
    assert.deepEqual(status.map((t) => [t.state, t.slurmState]), Array(4).fill(["done", undefined]));

    const viaLocal = join(work, "same-local");
    const local = await runSweep(s, { executor: "local", out: viaLocal, jobs: 2 });
    assert.equal(local.counts.done, 4);
    const a = await collectSweep(viaSlurm);
    const b = await collectSweep(viaLocal);
    assert.equal(readFileSync(a.csvPath, "utf8"), readFileSync(b.csvPath, "utf8"));
    assert.ok(readFileSync(a.parquetPath).equals(readFileSync(b.parquetPath)), "sweep.parquet differs between Slurm and local");
    assert.equal(a.table.rows.length, 4);
  });

  it("redoes an array task cancelled with scancel, and nothing else, even when its node left it marked running", async () => {
    // task 1 fits long enough to be cancelled while it runs
    const s = spec("cancel", [{ "marble.epochs": [10, 400, 12] }]);
    const out = join(work, "cancel");
    const { events, done } = run(s, out);
    let jobId = "";
    for (let t0 = Date.now(); Date.now() - t0 < 90_000; await sleep(200)) {
      jobId = readSubmissions(out)[0]?.jobId ?? "";
      const q = jobId ? await squeueTasks(jobId) : null;
      if (q?.some((x) => x.index === 1 && x.state === "RUNNING") && existsSync(join(taskDir(out, 1), "running.json"))) break;
    }
    const cancel = spawnSync("scancel", [`${jobId}_1`], { encoding: "utf8" });
    assert.equal(cancel.status, 0, cancel.stderr);
    const first = await done;
    assert.equal(first.statuses[0].state, "done");
    assert.equal(first.statuses[2].state, "done");
    assert.notEqual(first.statuses[1].state, "done");
    const stopped = events.find((e) => e.index === 1 && (e.kind === "stopped" || e.kind === "interrupted"));
    assert.ok(stopped, `no stop reported for task 1: ${events.map((e) => e.message).join(" | ")}`);
    assert.match(stopped.message, /cancelled/);

    const kept = [0, 2].map((i) => {
      const p = join(taskDir(out, i), "complete.json");
      return { p, text: readFileSync(p, "utf8"), mtime: statSync(p).mtimeMs };
    });
    // what an attempt killed outright on another node leaves (this cluster has one node, so the
    // records are written as that node would): a running record and a lock this host cannot check
    const stale = JSON.stringify({ pid: 4242, host: "node-b", started: null, since: new Date().toISOString() }) + "\n";
    writeFileSync(join(taskDir(out, 1), "running.json"), stale);
    writeFileSync(join(taskDir(out, 1), ".marble-lock"), stale);
    const tasks = openSweep(s, { out }).tasks;
    const seen = (await slurmSweepStatus(out, tasks))[1];
    assert.equal(seen.state, "interrupted", JSON.stringify(seen));
    assert.match(seen.detail ?? "", /cancelled in Slurm/);

    const again = run(s, out);
    const second = await again.done;
    assert.ok(again.events.some((e) => e.index === 1 && /attempt on node-b was ended by Slurm/.test(e.message)));
    assert.deepEqual(second.ran, [1]);
    assert.equal(second.counts.done, 3);
    const subs = readSubmissions(out);
    assert.equal(subs.length, 2);
    assert.deepEqual(subs[1].indices, [1]);
    assert.match(readFileSync(subs[1].script, "utf8"), /^#SBATCH --array=1$/m);
    for (const k of kept) {
      assert.equal(readFileSync(k.p, "utf8"), k.text);
      assert.equal(statSync(k.p).mtimeMs, k.mtime);
    }
    // task 1's folder shows both attempts: the cancelled one and the one that finished
    const log = readFileSync(join(taskDir(out, 1), "log.txt"), "utf8");
    assert.equal(log.match(/^=== task 1 /gm)?.length, 2, log);
  });

  it("reports a failing task with its log tail, leaves it on a rerun and retries it with retryFailed", async () => {
    // k = 60 exceeds the points of a condition: task 1 fails with the graph check's message
    const s = spec("failing", [{ "marble.k": [10, 60] }]);
    const out = join(work, "failing");
    const { events, done } = run(s, out);
    const res = await done;
    assert.equal(res.statuses[0].state, "done");
    assert.equal(res.statuses[1].state, "failed");
    const failed = events.find((e) => e.kind === "failed");
    assert.equal(failed?.index, 1);
    assert.match(failed!.message, /fewer than k \+ 1 = 61/);
    assert.match(failed!.message, /FAILED: /, "the log's tail is part of the report");
    const status = await slurmSweepStatus(out, openSweep(s, { out }).tasks);
    assert.equal(status[1].state, "failed");
    assert.equal(status[1].slurmState, "FAILED");
    assert.match(status[1].logTail ?? "", /fewer than k \+ 1/);

    const again = await run(s, out).done;
    assert.deepEqual(again.ran, []);
    assert.equal(readSubmissions(out).length, 1, "a failed task is not resubmitted without retryFailed");
    const retried = await run(s, out, { retryFailed: true }).done;
    assert.deepEqual(retried.ran, [1]);
    const subs = readSubmissions(out);
    assert.deepEqual(subs[1].indices, [1]);
    assert.match(readFileSync(subs[1].script, "utf8"), /run-task \S+ "\$SLURM_ARRAY_TASK_ID" --retry-failed$/m);
    assert.equal(retried.statuses[1].state, "failed");
  });

  it("writes a script with --dry-run that runs the sweep when submitted by hand", async () => {
    const s = spec("dry", [{ "marble.epochs": [10, 11] }]);
    const out = join(work, "dry");
    const { events, done } = run(s, out, { dryRun: true, settings: { partition: "debug", sbatch: JSON.stringify(["--comment=sweep-test"]) } });
    const res = await done;
    assert.equal(res.counts.pending, 2);
    assert.equal(readSubmissions(out).length, 0);
    const scripts = readdirSync(join(out, "slurm")).filter((f) => f.endsWith(".sh"));
    assert.equal(scripts.length, 1);
    const path = join(out, "slurm", scripts[0]);
    const note = events.find((e) => e.message.includes("dry run"));
    assert.ok(note?.message.includes(`sbatch ${path}`), note?.message);
    const text = readFileSync(path, "utf8");
    assert.match(text, /^#SBATCH --partition=debug$/m);
    assert.match(text, /^#SBATCH --comment=sweep-test$/m);

    const sub = spawnSync("sbatch", [path], { encoding: "utf8" });
    assert.equal(sub.status, 0, sub.stderr);
    for (let t0 = Date.now(); Date.now() - t0 < 120_000; await sleep(300)) {
      if ([0, 1].every((i) => existsSync(join(taskDir(out, i), "complete.json")))) break;
    }
    const c = await collectSweep(out);
    assert.equal(c.table.rows.length, 2);
  });
});
