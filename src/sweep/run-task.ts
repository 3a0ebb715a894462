/**
 * One task, idempotent and atomic: a completed task is skipped; otherwise the attempt clears what
 * an earlier attempt left (result, checkpoint, failure record), records itself in running.json,
 * runs, writes result.json and then, last, complete.json. A killed attempt leaves no completion
 * record, so the next run redoes it; a stopped one (SIGINT/SIGTERM) removes its running.json.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { ValidationError } from "../core/validate.js";
import { writeFileAtomic } from "../io/atomic.js";
import { lockFolder } from "../io/lock.js";
import { sha256 } from "../core/digest.js";
import { runExperiment } from "./experiments/index.js";
import {
  CHECKPOINT_DIR,
  COMPLETE_FILE,
  FAILED_FILE,
  LOG_FILE,
  RESULT_FILE,
  RUNNING_FILE,
  TASK_FILE,
  readTaskStatus,
  runningRecord,
  taskDir,
  type CompleteRecord,
} from "./layout.js";
import type { SweepTask } from "./plan.js";

export type TaskOutcome = "done" | "skipped" | "failed" | "skipped-failed" | "stopped";

export interface RunTaskOptions {
  /** Redo a task whose last attempt failed (otherwise it is reported and left). */
  retryFailed?: boolean;
  /** Stops the attempt cleanly. */
  signal?: AbortSignal;
}

/** What task.json holds: enough to tell whether a folder belongs to this plan's task. */
export function taskRecord(task: SweepTask): string {
  return JSON.stringify({ index: task.index, dataset: task.dataset, seed: task.seed, params: task.params }, null, 1) + "\n";
}

/** Throws when the task folder was written for a different task (the spec changed under it). */
export function checkTaskFolder(sweepDir: string, task: SweepTask): void {
  const path = join(taskDir(sweepDir, task.index), TASK_FILE);
  if (!existsSync(path)) return;
  if (readFileSync(path, "utf8") !== taskRecord(task)) {
    throw new ValidationError(`${path} describes a different task than task ${task.index} of this spec (the spec's datasets, parameters or seeds changed). ` +
      `Run the changed spec into a new output folder (--out), or delete ${sweepDir} to start over`);
  }
}

/** Result JSON with a fixed layout: the same numbers give the same bytes. NaN and ±Infinity become null. */
export function resultText(task: SweepTask, metrics: Record<string, number>): string {
  const clean = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
  return JSON.stringify({ index: task.index, dataset: task.dataset, seed: task.seed, params: task.params, metrics: clean }, null, 1) + "\n";
}

export async function runTask(sweepDir: string, task: SweepTask, options: RunTaskOptions = {}): Promise<TaskOutcome> {
  const dir = taskDir(sweepDir, task.index);
  mkdirSync(dir, { recursive: true });
  const lock = lockFolder(dir, `sweep task ${task.index}`);
  const log = (line: string) => appendFileSync(join(dir, LOG_FILE), `${line}\n`);
  try {
    checkTaskFolder(sweepDir, task);
    const before = readTaskStatus(sweepDir, task.index);
    if (before.state === "done") return "skipped";
    if (before.state === "failed" && !options.retryFailed) return "skipped-failed";
    if (before.state === "corrupt") log(`${before.detail}; redoing the task`);
    if (before.state === "interrupted") log(`the previous attempt was interrupted: ${before.detail}`);
    for (const f of [COMPLETE_FILE, RESULT_FILE, FAILED_FILE]) rmSync(join(dir, f), { force: true });
    rmSync(join(dir, CHECKPOINT_DIR), { recursive: true, force: true });
    if (!existsSync(join(dir, TASK_FILE))) writeFileAtomic(join(dir, TASK_FILE), taskRecord(task));
    writeFileAtomic(join(dir, RUNNING_FILE), JSON.stringify(runningRecord()) + "\n");
    const t0 = performance.now();
    log(`=== task ${task.index} (${task.dataset}, seed ${task.seed}) started ${new Date().toISOString()} by pid ${process.pid} on ${hostname()}, MARBLE_THREADS=${process.env.MARBLE_THREADS ?? "unset"}`);
    let metrics: Record<string, number>;
    try {
      ({ metrics } = await runExperiment({ dataset: task.dataset, seed: task.seed, params: task.params, checkpointDir: join(dir, CHECKPOINT_DIR), log, signal: options.signal }));
    } catch (err) {
      if (options.signal?.aborted) {
        log(`stopped (${String(options.signal.reason ?? "signal")}); a rerun redoes this task`);
        rmSync(join(dir, RUNNING_FILE), { force: true });
        return "stopped";
      }
      const e = err instanceof Error ? err : new Error(String(err));
      log(`FAILED: ${e.stack ?? e.message}`);
      writeFileAtomic(join(dir, FAILED_FILE), JSON.stringify({ message: e.message, finished: new Date().toISOString() }) + "\n");
      rmSync(join(dir, RUNNING_FILE), { force: true });
      return "failed";
    }
    const text = resultText(task, metrics);
    writeFileAtomic(join(dir, RESULT_FILE), text);
    const seconds = (performance.now() - t0) / 1000;
    const complete: CompleteRecord = { resultBytes: Buffer.byteLength(text), resultSha256: sha256(text), seconds, finished: new Date().toISOString() };
    writeFileAtomic(join(dir, COMPLETE_FILE), JSON.stringify(complete) + "\n");
    rmSync(join(dir, RUNNING_FILE), { force: true });
    log(`done in ${seconds.toFixed(1)} s`);
    return "done";
  } finally {
    lock.release();
  }
}
