/**
 * The local executor: a pool of `jobs` worker processes, one task each, each with MARBLE_THREADS
 * set so that jobs × threads does not exceed the machine's cores. A worker's output goes to its
 * task's log. On abort the workers get SIGTERM, stop their fit cleanly and leave their tasks
 * pending for the next run.
 */
import type { ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { availableParallelism } from "node:os";
import { extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ExecutorOptions, SweepExecutor, SweepProgress } from "./executor.js";
import { LOG_FILE, readTaskStatus, taskDir } from "./layout.js";
import { describeVaried, type SweepTask } from "./plan.js";
import type { OpenSweep } from "./sweep-dir.js";
import { lazyModule } from "../core/lazy-module.js";

const childProcess = lazyModule<typeof import("node:child_process")>("node:child_process", "the local sweep executor");

/** Kernel threads per task: the spec's cpusPerTask, lowered so the workers fit the machine's cores. */
export function threadsPerTask(jobs: number, cpusPerTask = 1, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cpusPerTask, Math.floor(cores / jobs)));
}

/** node arguments that run the worker module (the TypeScript source needs tsx's loader). */
export function workerCommand(): string[] {
  const ext = extname(__filename);
  const entry = join(__dirname, `worker${ext}`);
  if (ext !== ".ts") return [entry];
  const loader = pathToFileURL(join(__dirname, "..", "..", "node_modules", "tsx", "dist", "loader.mjs")).href;
  return ["--import", loader, entry];
}

function runWorker(sweep: OpenSweep, task: SweepTask, threads: number, retryFailed: boolean): { child: ChildProcess; exit: Promise<number | NodeJS.Signals> } {
  const dir = taskDir(sweep.dir, task.index);
  mkdirSync(dir, { recursive: true });
  const logFd = openSync(join(dir, LOG_FILE), "a");
  const child = childProcess().spawn(process.execPath, [...workerCommand(), sweep.specPath, String(task.index), ...(retryFailed ? ["--retry-failed"] : [])], {
    stdio: ["ignore", logFd, logFd], env: { ...process.env, MARBLE_THREADS: String(threads) },
  });
  closeSync(logFd);
  const exit = new Promise<number | NodeJS.Signals>((res) => {
    child.on("error", () => res(1));
    child.on("exit", (code, sig) => res(sig ?? code ?? 1));
  });
  return { child, exit };
}

export const localExecutor: SweepExecutor = {
  name: "local",
  async run(sweep: OpenSweep, todo: SweepTask[], options: ExecutorOptions): Promise<void> {
    const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
    const threads = threadsPerTask(jobs, sweep.spec.resources?.cpusPerTask ?? 1);
    const t0 = performance.now();
    let finished = 0;
    const emit = (kind: SweepProgress["kind"], message: string, index?: number) =>
      options.onProgress?.({ kind, index, message, finished, total: todo.length, elapsedSeconds: (performance.now() - t0) / 1000 });
    if (options.dryRun) {
      emit("note", `dry run: would run ${todo.length} task(s) with ${jobs} worker(s), MARBLE_THREADS=${threads}: ${todo.map((t) => t.index).join(", ")}`);
      return;
    }
    emit("note", `running ${todo.length} task(s) with ${jobs} worker process(es), MARBLE_THREADS=${threads} each`);
    const queue = [...todo];
    const live = new Set<ChildProcess>();
    const onAbort = () => { for (const c of live) c.kill("SIGTERM"); };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const lane = async (): Promise<void> => {
      for (let task = queue.shift(); task && !options.signal?.aborted; task = queue.shift()) {
        emit("start", `task ${task.index} started: ${task.dataset} seed ${task.seed} ${describeVaried(task)}`, task.index);
        const { child, exit } = runWorker(sweep, task, threads, options.retryFailed ?? false);
        live.add(child);
        const code = await exit;
        live.delete(child);
        finished++;
        const status = readTaskStatus(sweep.dir, task.index);
        const secs = status.seconds !== undefined ? ` in ${status.seconds.toFixed(1)} s` : "";
        if (status.state === "done") emit("done", `task ${task.index} done${secs}`, task.index);
        else if (status.state === "failed") emit("failed", `task ${task.index} FAILED: ${status.detail}`, task.index);
        else if (options.signal?.aborted || code === 130) emit("stopped", `task ${task.index} stopped; a rerun redoes it`, task.index);
        else emit("interrupted", `task ${task.index} ended without finishing (worker exit ${code}); a rerun redoes it`, task.index);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(jobs, todo.length) }, lane));
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
  },
};
