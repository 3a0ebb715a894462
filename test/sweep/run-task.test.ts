/**
 * Tasks run in this process: a completed task is skipped and untouched; a failed task keeps its
 * error and log; a result damaged after completion is detected, never collected; an attempt whose
 * process died is redone.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { COMPLETE_FILE, RESULT_FILE, logTail, openSweep, prepareSweep, readTaskStatus, runTask, taskDir } from "../../src/sweep/index.js";
import { collectSweep } from "../../src/sweep/collect.js";
import { scratch, tinySpec } from "./helpers.js";

function open(dir: string, extra = {}) {
  const sweep = openSweep(tinySpec({ seeds: [0, 1], ...extra }), { out: dir });
  prepareSweep(sweep);
  return sweep;
}

test("run-task is idempotent: a done task is skipped and its files are left as they are", async (t) => {
  const sweep = open(scratch(t));
  const task = sweep.tasks[0];
  assert.equal(readTaskStatus(sweep.dir, 0).state, "pending");
  assert.equal(await runTask(sweep.dir, task), "done");
  const dir = taskDir(sweep.dir, 0);
  const result = readFileSync(join(dir, RESULT_FILE));
  const mtime = statSync(join(dir, COMPLETE_FILE)).mtimeMs;
  assert.equal(readTaskStatus(sweep.dir, 0).state, "done");
  assert.ok(existsSync(join(dir, "checkpoint")), "the MARBLE checkpoint is kept in the task folder");
  assert.equal(await runTask(sweep.dir, task), "skipped");
  assert.deepEqual(readFileSync(join(dir, RESULT_FILE)), result);
  assert.equal(statSync(join(dir, COMPLETE_FILE)).mtimeMs, mtime);
  const parsed = JSON.parse(result.toString());
  assert.equal(parsed.index, 0);
  assert.ok(Number.isFinite(parsed.metrics.orderRho) && parsed.metrics.orderRho >= 0 && parsed.metrics.orderRho <= 1);
});

test("a failing task records its error and log; it is left alone unless retried", async (t) => {
  // k larger than the points left after spacing: the graph cannot be built
  const sweep = open(scratch(t), { marble: { epochs: 2, k: 400 } });
  assert.equal(await runTask(sweep.dir, sweep.tasks[1]), "failed");
  const s = readTaskStatus(sweep.dir, 1);
  assert.equal(s.state, "failed");
  assert.match(s.detail ?? "", /fewer than k \+ 1 = 401/);
  assert.match(logTail(sweep.dir, 1), /FAILED: .*fewer than k \+ 1/);
  assert.equal(await runTask(sweep.dir, sweep.tasks[1]), "skipped-failed");
  assert.equal(await runTask(sweep.dir, sweep.tasks[1], { retryFailed: true }), "failed");
  assert.equal((logTail(sweep.dir, 1, 1000).match(/=== task 1/g) ?? []).length, 2, "the retry appended a second attempt to the log");
});

test("a damaged result is reported as corrupt, collection refuses it, and a rerun redoes the task", async (t) => {
  const sweep = open(scratch(t));
  for (const task of sweep.tasks) assert.equal(await runTask(sweep.dir, task), "done");
  const path = join(taskDir(sweep.dir, 1), RESULT_FILE);
  const good = readFileSync(path, "utf8");
  await collectSweep(sweep.dir);

  // a partial write (truncated file)
  truncateSync(path, 40);
  assert.equal(readTaskStatus(sweep.dir, 1).state, "corrupt");
  await assert.rejects(collectSweep(sweep.dir), (e: Error) => /1 task result\(s\) are damaged/.test(e.message) && e.message.includes(path) && /truncated or altered/.test(e.message));
  // a change that keeps the length and is valid JSON: caught by the checksum
  writeFileSync(path, good.replace(/"orderRho": 0\.(\d)/, (_m, d: string) => `"orderRho": 0.${(Number(d) + 1) % 10}`));
  assert.equal(readFileSync(path, "utf8").length, good.length);
  assert.notEqual(readFileSync(path, "utf8"), good);
  await assert.rejects(collectSweep(sweep.dir), /damaged/);
  await assert.rejects(collectSweep(sweep.dir, { partial: true }), /damaged/, "--partial does not let a damaged result through either");

  assert.equal(await runTask(sweep.dir, sweep.tasks[1]), "done");
  assert.equal(readFileSync(path, "utf8"), good, "redoing the task gives the same bytes");
  assert.match(logTail(sweep.dir, 1, 100), /does not match its completion record.*redoing the task/);
  assert.equal((await collectSweep(sweep.dir)).table.rows.length, 2);
});

test("an attempt whose process died (running.json, no completion record) is redone; a live one is reported running", async (t) => {
  const sweep = open(scratch(t));
  const dir = taskDir(sweep.dir, 0);
  mkdirSync(dir, { recursive: true });
  // a pid that cannot exist on Linux (above pid_max's ceiling)
  writeFileSync(join(dir, "running.json"), JSON.stringify({ pid: 2 ** 22 + 5, host: hostname(), started: "1", since: "then" }));
  const s = readTaskStatus(sweep.dir, 0);
  assert.equal(s.state, "interrupted");
  assert.equal(await runTask(sweep.dir, sweep.tasks[0]), "done");
  assert.match(logTail(sweep.dir, 0, 100), /previous attempt was interrupted/);
  mkdirSync(taskDir(sweep.dir, 1), { recursive: true });
  writeFileSync(join(taskDir(sweep.dir, 1), "running.json"), JSON.stringify({ pid: process.pid, host: hostname(), started: null, since: "now" }));
  assert.equal(readTaskStatus(sweep.dir, 1).state, "running");
});

test("collect refuses a sweep with tasks not done, unless partial, which lists them", async (t) => {
  const sweep = open(scratch(t));
  await runTask(sweep.dir, sweep.tasks[0]);
  await assert.rejects(collectSweep(sweep.dir), /1 of 2 tasks are not done: 1 \(pending\).*--partial/s);
  const c = await collectSweep(sweep.dir, { partial: true });
  assert.deepEqual(c.missing, [1]);
  assert.equal(c.table.rows.length, 1);
  assert.match(readFileSync(c.summaryPath, "utf8"), /Not collected \(not done\): 1 task\(s\): 1/);
});

test("a task folder from a different spec is refused, not overwritten", async (t) => {
  const dir = scratch(t);
  const sweep = open(dir);
  await runTask(sweep.dir, sweep.tasks[0]);
  const changed = openSweep(tinySpec({ seeds: [5, 1] }), { out: dir });
  assert.throws(() => prepareSweep(changed), /describes a different task than task 0.*new output folder/);
  await assert.rejects(runTask(changed.dir, changed.tasks[0]), /different task/);
});
