/**
 * runSweep: plan, prepare the folder, pick the tasks still to do (pending, interrupted, corrupt;
 * failed ones with retryFailed), hand them to an executor, and report the folder's state after.
 * Running a finished sweep again does nothing; running a stopped one finishes it.
 */
import { getExecutor, type ExecutorOptions } from "./executor.js";
import { readTaskStatus, type TaskState, type TaskStatus } from "./layout.js";
import type { SweepTask } from "./plan.js";
import type { SweepSpec } from "./spec.js";
import { openSweep, prepareSweep } from "./sweep-dir.js";

export interface RunSweepOptions extends ExecutorOptions {
  /** "local" (default, or MARBLE_EXECUTOR) or any registered executor. */
  executor?: string;
  /** The sweep folder (default: see sweepDirFor). */
  out?: string;
}

export interface SweepState {
  dir: string;
  tasks: SweepTask[];
  statuses: TaskStatus[];
  counts: Record<TaskState, number>;
}

export function sweepState(dir: string, tasks: SweepTask[]): SweepState {
  const statuses = tasks.map((t) => readTaskStatus(dir, t.index));
  const counts: Record<TaskState, number> = { done: 0, running: 0, failed: 0, pending: 0, interrupted: 0, corrupt: 0 };
  for (const s of statuses) counts[s.state]++;
  return { dir, tasks, statuses, counts };
}

export interface RunSweepResult extends SweepState {
  executor: string;
  /** Tasks handed to the executor in this run. */
  ran: number[];
  wallSeconds: number;
}

export async function runSweep(spec: SweepSpec | string, options: RunSweepOptions = {}): Promise<RunSweepResult> {
  const name = options.executor ?? process.env.MARBLE_EXECUTOR ?? "local";
  const executor = await getExecutor(name);
  const sweep = openSweep(spec, { out: options.out });
  prepareSweep(sweep);
  const t0 = performance.now();
  const stateNow = () => executor.state?.(sweep.dir, sweep.tasks) ?? Promise.resolve(sweepState(sweep.dir, sweep.tasks));
  const before = await stateNow();
  const redo: TaskState[] = ["pending", "interrupted", "corrupt", ...(options.retryFailed ? (["failed"] as const) : [])];
  const todo = sweep.tasks.filter((t) => redo.includes(before.statuses[t.index].state));
  const skipped = sweep.tasks.length - todo.length;
  options.onProgress?.({ kind: "note", message: `sweep "${sweep.spec.name}" in ${sweep.dir}: ${sweep.tasks.length} tasks, ${before.counts.done} done, ` +
    `${before.counts.failed} failed${options.retryFailed ? " (retried)" : ""}, ${before.counts.running} running elsewhere; ${todo.length} to run (${skipped} skipped)`,
    finished: 0, total: todo.length, elapsedSeconds: 0 });
  if (todo.length > 0) await executor.run(sweep, todo, options);
  return { ...(await stateNow()), executor: name, ran: todo.map((t) => t.index), wallSeconds: (performance.now() - t0) / 1000 };
}
