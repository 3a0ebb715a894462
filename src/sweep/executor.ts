/**
 * The executor interface and registry. An executor runs a list of tasks of a prepared sweep
 * folder; each task, wherever it runs, is `marble sweep run-task <folder>/sweep-spec.json INDEX`
 * (or runTask in-process), which does all the writing. Executors only start, watch and stop.
 */
import type { SweepTask } from "./plan.js";
import type { SweepState } from "./run-sweep.js";
import type { OpenSweep } from "./sweep-dir.js";

export type ProgressKind = "start" | "done" | "failed" | "stopped" | "interrupted" | "note";

export interface SweepProgress {
  kind: ProgressKind;
  /** The task concerned (absent for "note"). */
  index?: number;
  /** One readable line. */
  message: string;
  /** Tasks of this run finished so far (done, failed, stopped or interrupted) and their number. */
  finished: number;
  total: number;
  elapsedSeconds: number;
}

export interface ExecutorOptions {
  /** Tasks at once (local: worker processes; Slurm: the array's % throttle). */
  jobs?: number;
  /** Pass --retry-failed to the tasks. */
  retryFailed?: boolean;
  /** Stop: workers get SIGTERM (local), the array is cancelled (Slurm). */
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  /** Write what would be submitted (e.g. the batch script) without running anything. */
  dryRun?: boolean;
  /** Executor-specific settings (e.g. Slurm's partition from the command line). */
  settings?: Record<string, string | number | boolean>;
}

export interface SweepExecutor {
  readonly name: string;
  /** Runs `todo` (a subset of sweep.tasks, in index order) and resolves when they have all ended or were stopped. */
  run(sweep: OpenSweep, todo: SweepTask[], options: ExecutorOptions): Promise<void>;
  /**
   * The tasks' states as this executor's scheduler sees them too (optional; default: the task
   * folders alone). Slurm knows that an attempt on another node has ended, which the folder cannot.
   */
  state?(dir: string, tasks: SweepTask[]): Promise<SweepState>;
}

const REGISTRY = new Map<string, () => Promise<SweepExecutor>>([
  ["local", async () => (await import("./local.js")).localExecutor],
  ["slurm", async () => (await import("./slurm.js")).slurmExecutor],
]);

/** Makes an executor available to runSweep, `marble sweep run --executor NAME` and MARBLE_EXECUTOR. */
export function registerExecutor(name: string, load: () => Promise<SweepExecutor> | SweepExecutor): void {
  REGISTRY.set(name, async () => load());
}

export function executorNames(): string[] {
  return [...REGISTRY.keys()];
}

export async function getExecutor(name: string): Promise<SweepExecutor> {
  const load = REGISTRY.get(name);
  if (!load) throw new Error(`unknown sweep executor "${name}"; choose one of ${executorNames().join(", ")}`);
  return load();
}
