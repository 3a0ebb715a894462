/**
 * The worker thread of a shared job (src/postprocessing/shared-work.ts): works through items of
 * the job until none is left. Any failure is reported through the job's control block; the
 * calling thread then solves the items this thread left, so a failure here costs time, never a
 * result.
 */
import { workerData } from "node:worker_threads";
import { FAILED, FINISHED, READY, type WorkerJob } from "./shared-work.js";
import { workOnPairs, type PairJob } from "./cloud-emd.js";
import { workOnRestarts, type RestartJob } from "./kmeans-restarts.js";

const job = workerData as WorkerJob;
Atomics.store(job.control, READY, 1);
Atomics.notify(job.control, READY);
try {
  if (job.kind === "cloud-pairs") workOnPairs(job as PairJob, 2);
  else if (job.kind === "kmeans-restarts") workOnRestarts(job as RestartJob, 2);
  else throw new Error(`unknown job ${String(job.kind)}`);
} catch {
  Atomics.store(job.control, FAILED, 1);
  Atomics.notify(job.control, FINISHED);
}
