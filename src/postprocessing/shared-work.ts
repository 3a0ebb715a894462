/**
 * A list of independent items (transport problems, k-means restarts) worked through by the
 * calling thread and, when worthwhile, one worker thread, both taking the next item from one
 * atomic counter in shared memory. The API of the callers stays synchronous: the caller works
 * through items itself and then waits only for the item the worker is finishing, or solves it
 * too when the worker is late or failed. Each item runs the same code on the same inputs on
 * either thread, so results do not depend on which thread solved what.
 */
import type { Worker } from "node:worker_threads";
import { extname, join } from "node:path";
import { lazyModule } from "../core/lazy-module.js";

// loaded with the first worker: importing the library starts no thread and needs none
const workerThreads = lazyModule<typeof import("node:worker_threads")>("node:worker_threads", "a second thread for optimal-transport pairs and k-means restarts");

// Slots of a job's control block (Int32).
/** Index of the next item to take. */
export const NEXT = 0;
/** Items finished. */
export const FINISHED = 1;
/** Set when the worker failed; its unfinished items are then solved by the caller. */
export const FAILED = 2;
/** Set by the caller when the remaining items no longer need the worker. */
export const STOP = 3;
/** Set by the worker when it is running. */
export const READY = 4;
/** Int32 slots of a control block. */
export const CONTROL_SLOTS = 8;

/** What the worker thread is asked to do: `kind` names the loop (see postprocessing-worker.ts). */
export interface WorkerJob {
  kind: "cloud-pairs" | "kmeans-restarts";
  control: Int32Array;
  /** Once item p is done: 1 when the calling thread did it, 2 when the worker did. */
  solved: Int32Array;
}

/** An allocator for a job's arrays: shared memory when a worker will read them. */
export function jobMemory(shared: boolean): (bytes: number) => ArrayBuffer | SharedArrayBuffer {
  return (bytes) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/**
 * Runs `solve` on each of the job's `count` items: on the calling thread alone, or with a worker
 * when `twoThreads` (the job's arrays then in shared memory). Returns how many items the worker
 * did. `startTogether` makes the caller wait (up to a minute) until the worker runs before taking
 * items, and then (up to a minute) for every item the worker took, so both share even a short list whatever the
 * machine's load (tests).
 */
export function runItems(job: WorkerJob, count: number, twoThreads: boolean, solve: (item: number) => void, options: { startTogether?: boolean } = {}): number {
  const worker = twoThreads ? startWorker(job) : null;
  if (worker && options.startTogether) waitUntilStarted(job);
  const began = performance.now();
  claimItems(job, count, 1, solve);
  if (worker) finishWithWorker(job, count, options.startTogether ? null : began, worker, solve);
  let bySecond = 0;
  for (let p = 0; p < count; p++) if (job.solved[p] === 2) bySecond++;
  return bySecond;
}

/** Takes items from the job's counter and runs `solve` on each until none is left (or STOP is set). */
export function claimItems(job: WorkerJob, count: number, by: 1 | 2, solve: (item: number) => void): void {
  const { control, solved } = job;
  for (;;) {
    if (Atomics.load(control, STOP)) return;
    const p = Atomics.add(control, NEXT, 1);
    if (p >= count) return;
    solve(p);
    Atomics.store(solved, p, by);
    Atomics.add(control, FINISHED, 1);
    Atomics.notify(control, FINISHED);
  }
}

/** The worker thread running `job`, or null when it cannot start (the caller then does all the work). */
function startWorker(job: WorkerJob): Worker | null {
  const ext = extname(__filename);
  const file = join(__dirname, `postprocessing-worker${ext}`);
  // from the TypeScript source (tests, scripts run through tsx) the worker registers tsx first
  const source = ext === ".ts" ? `require(${JSON.stringify(require.resolve("tsx/cjs/api"))}).register(); require(${JSON.stringify(file)});` : null;
  try {
    const { Worker } = workerThreads();
    const worker = source ? new Worker(source, { eval: true, workerData: job }) : new Worker(file, { workerData: job });
    // a worker that fails to load reports it on the event loop; its items are then the caller's
    worker.on("error", () => Atomics.store(job.control, FAILED, 1));
    worker.unref();
    return worker;
  } catch {
    return null;
  }
}

/** Blocks (up to a minute) until the worker runs or failed: both threads then share even a short list (tests). */
function waitUntilStarted(job: WorkerJob): void {
  const until = Date.now() + 60_000;
  while (!Atomics.load(job.control, READY) && !Atomics.load(job.control, FAILED) && Date.now() < until) Atomics.wait(job.control, READY, 0, 50);
}

/**
 * Called once the caller's own `claimItems` returned (after it started at `began`, a
 * performance.now() time, or null to wait up to a minute): waits for the item the worker is
 * finishing, but not for much longer than the caller took per item — past that (a worker pre-empted by other processes, or still
 * compiling its code), or if it failed, the caller runs `solve` on what is left itself, then
 * stops the worker.
 */
function finishWithWorker(job: WorkerJob, count: number, began: number | null, worker: Worker, solve: (item: number) => void): void {
  const { control, solved } = job;
  let mine = 0;
  for (let p = 0; p < count; p++) if (solved[p] === 1) mine++;
  const giveUp = began === null ? performance.now() + 60_000 : performance.now() + Math.max(20, (3 * (performance.now() - began)) / Math.max(1, mine));
  for (;;) {
    const finished = Atomics.load(control, FINISHED);
    if (finished >= count) break;
    const now = performance.now();
    if (Atomics.load(control, FAILED) || now >= giveUp) {
      Atomics.store(control, STOP, 1);
      for (let p = 0; p < count; p++) {
        if (Atomics.load(solved, p)) continue;
        solve(p);
        Atomics.store(solved, p, 1);
      }
      break;
    }
    Atomics.wait(control, FINISHED, finished, Math.max(1, giveUp - now));
  }
  Atomics.store(control, STOP, 1);
  void worker.terminate();
}
