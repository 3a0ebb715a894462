/**
 * The second thread of `cloudPairDistances`: solves pairs from the shared job until none is left.
 * Any failure is reported through the job's control block; the calling thread then solves the
 * pairs this thread left unsolved, so a failure here costs time, never a result.
 */
import { workerData } from "node:worker_threads";
import { FAILED, FINISHED, READY, workOnPairs, type PairJob } from "./cloud-emd.js";

const job = workerData as PairJob;
Atomics.store(job.control, READY, 1);
Atomics.notify(job.control, READY);
try {
  workOnPairs(job, 2);
} catch {
  Atomics.store(job.control, FAILED, 1);
  Atomics.notify(job.control, FINISHED);
}
