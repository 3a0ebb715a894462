/**
 * The local executor with real worker processes: --jobs 1 and --jobs 2 give the same table bit for
 * bit; a worker killed with SIGKILL mid-task leaves that task (and only it) to be redone by the
 * next run, after which the table equals an uninterrupted run's; a stop request (Ctrl-C) stops the
 * workers cleanly and a rerun finishes; a failing task is reported with its log tail.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { COMPLETE_FILE, readTaskStatus, runSweep, taskDir, type SweepProgress } from "../../src/sweep/index.js";
import { collectSweep } from "../../src/sweep/collect.js";
import { marble } from "../cli/run-marble.js";
import { scratch, tinySpec } from "./helpers.js";

async function tableBytes(dir: string): Promise<{ csv: string; parquet: Buffer }> {
  const c = await collectSweep(dir);
  return { csv: readFileSync(c.csvPath, "utf8"), parquet: readFileSync(c.parquetPath) };
}

function waitFor(cond: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const t0 = Date.now();
  return new Promise((res, rej) => {
    const poll = () => {
      if (cond()) return res();
      if (Date.now() - t0 > timeoutMs) return rej(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 5);
    };
    poll();
  });
}

let reference: { csv: string; parquet: Buffer } | null = null;

test("--jobs 1 and --jobs 2 give the same table, bit for bit", async (t) => {
  const root = scratch(t);
  const events: SweepProgress[] = [];
  const one = await runSweep(tinySpec(), { out: join(root, "one"), jobs: 1, onProgress: (p) => events.push(p) });
  assert.equal(one.counts.done, 3);
  assert.deepEqual(one.ran, [0, 1, 2]);
  assert.deepEqual(events.filter((e) => e.kind === "done").map((e) => e.index), [0, 1, 2]);
  const two = await runSweep(tinySpec(), { out: join(root, "two"), jobs: 2 });
  assert.equal(two.counts.done, 3);
  const a = await tableBytes(join(root, "one"));
  const b = await tableBytes(join(root, "two"));
  assert.equal(a.csv, b.csv);
  assert.ok(a.parquet.equals(b.parquet), "Parquet files differ");
  assert.equal(a.csv.trim().split("\n").length, 4);
  // the seeds differ, so the rows do too: the table is not three copies of one run
  assert.equal(new Set(a.csv.trim().split("\n").slice(1).map((l) => l.split(",").slice(-5).join(","))).size, 3);
  const again = await runSweep(tinySpec(), { out: join(root, "one"), jobs: 2 });
  assert.deepEqual(again.ran, [], "a finished sweep has nothing to run");
  reference = a;
});

test("a worker killed mid-task (SIGKILL) leaves exactly that task to redo; the finished table equals an uninterrupted run's", async (t) => {
  const dir = join(scratch(t), "killed");
  const running = join(taskDir(dir, 1), "running.json");
  const first = runSweep(tinySpec(), { out: dir, jobs: 1 });
  await waitFor(() => existsSync(running), "task 1 to start");
  const pid = (JSON.parse(readFileSync(running, "utf8")) as { pid: number }).pid;
  process.kill(pid, "SIGKILL");
  const r1 = await first;
  assert.equal(r1.statuses[1].state, "interrupted", JSON.stringify(r1.statuses[1]));
  assert.equal(r1.counts.done, 2);
  assert.ok(!existsSync(join(taskDir(dir, 1), COMPLETE_FILE)));
  const before = [0, 2].map((i) => readFileSync(join(taskDir(dir, i), COMPLETE_FILE), "utf8"));
  await assert.rejects(collectSweep(dir), /not done: 1 \(interrupted\)/);

  const r2 = await runSweep(tinySpec(), { out: dir, jobs: 2 });
  assert.deepEqual(r2.ran, [1], "the rerun redid the killed task and nothing else");
  assert.deepEqual([0, 2].map((i) => readFileSync(join(taskDir(dir, i), COMPLETE_FILE), "utf8")), before);
  const after = await tableBytes(dir);
  assert.ok(reference, "needs the first test's uninterrupted run");
  assert.equal(after.csv, reference.csv);
  assert.ok(after.parquet.equals(reference.parquet));
});

test("stopping a run (Ctrl-C) stops the workers cleanly; the stopped task is pending and a rerun finishes the sweep", async (t) => {
  const dir = join(scratch(t), "stopped");
  const controller = new AbortController();
  const running = join(taskDir(dir, 0), "running.json");
  const run = runSweep(tinySpec({ seeds: [0, 1] }), { out: dir, jobs: 1, signal: controller.signal });
  await waitFor(() => existsSync(running), "task 0 to start");
  controller.abort(new Error("Ctrl-C"));
  const r1 = await run;
  assert.equal(r1.ran.length, 2);
  assert.equal(r1.statuses[0].state, "pending", "a cleanly stopped task leaves no running record");
  assert.equal(r1.statuses[1].state, "pending", "no new task starts after the stop");
  assert.match(readFileSync(join(taskDir(dir, 0), "log.txt"), "utf8"), /stopped \(Error: received SIGTERM\); a rerun redoes this task/);
  const r2 = await runSweep(tinySpec({ seeds: [0, 1] }), { out: dir, jobs: 2 });
  assert.equal(r2.counts.done, 2);
});

test("marble sweep: a failing task is reported by run and status with its log tail", async (t) => {
  const root = scratch(t);
  const spec = join(root, "fail.json");
  // seed-independent failure for one parameter point only: k = 400 cannot be built on so few points
  const { writeFileSync } = await import("node:fs");
  writeFileSync(spec, JSON.stringify(tinySpec({ seeds: [0], vary: [{ "marble.k": [10, 400] }] })));
  const run = await marble(["sweep", "run", spec, "--jobs", "2"], root);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /task 1 FAILED: .*fewer than k \+ 1 = 401/);
  assert.match(run.stdout, /sweep: 1 done, 1 failed/);
  const status = await marble(["sweep", "status", spec], root);
  assert.equal(status.code, 1);
  assert.match(status.stdout, /1 done, 0 running, 1 failed, 0 pending/);
  assert.match(status.stdout, /task 1 failed: .*\n--- last lines of its log ---\n[^]*FAILED: .*fewer than k \+ 1/);
  assert.equal(readTaskStatus(join(root, "tiny.sweep"), 0).state, "done");
  const plan = await marble(["sweep", "plan", spec], root);
  assert.match(plan.stdout, /^1 +van-der-pol +0 +k=400$/m);
  const bad = await marble(["sweep", "plan", join(root, "missing.json")], root);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /cannot read the sweep spec/);
});
