/**
 * k-means restarts spread over two threads. Restart r seeds k-means++ from the generator of
 * `seed` advanced by the draws of the r restarts before it (k-means++ draws a fixed number of
 * values per run), so each restart is the same computation whichever thread runs it, and in
 * whatever order: the best run (lowest inertia, the earliest on a tie) is the one a single
 * thread finds by running them in turn.
 */
import { Matrix } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { secondThreadAvailable } from "../kernels/helper-thread.js";
import { kmeansPlusPlus, kmeansPlusPlusDraws, lloyd, type LloydRun } from "./kmeans-lloyd.js";
import { claimItems, CONTROL_SLOTS, jobMemory, runItems, type WorkerJob } from "./shared-work.js";

/** n · k · restarts below which one thread runs the restarts (starting a thread costs tens of ms). */
export const PARALLEL_MIN_WORK = 2_000_000;

export interface RestartJob extends WorkerJob {
  kind: "kmeans-restarts";
  /** The points, n × d row-major. */
  x: Float64Array;
  n: number;
  d: number;
  k: number;
  seed: number;
  maxIter: number;
  /** Absolute tolerance on the squared centre shift. */
  tol: number;
  /** Per restart: inertia, Lloyd iterations, centroids (k × d) and labels (n). */
  inertia: Float64Array;
  iterations: Int32Array;
  centroids: Float64Array;
  labels: Int32Array;
}

/** Runs restart r of the job and writes its result into the job's slots. */
function runRestart(job: RestartJob, X: Matrix, r: number): void {
  const { n, k, d } = job;
  const rng = new Random(job.seed);
  for (let i = 0, skip = r * kmeansPlusPlusDraws(k); i < skip; i++) rng.random();
  const run = lloyd(X, kmeansPlusPlus(X, k, rng), job.maxIter, job.tol);
  job.inertia[r] = run.inertia;
  job.iterations[r] = run.iterations;
  job.centroids.set(run.centroids.data, r * k * d);
  job.labels.set(run.labels, r * n);
}

/** Takes restarts from the job's counter and runs them until none is left; `by` marks who ran them. */
export function workOnRestarts(job: RestartJob, by: 1 | 2): void {
  const X = new Matrix(job.n, job.d, job.x);
  claimItems(job, job.inertia.length, by, (r) => runRestart(job, X, r));
}

/**
 * The best of `nInit` k-means runs from k-means++ seeds drawn from `seed`, on two threads when
 * the work is large enough and a second core is free (`threads` forces one or two), with how
 * many restarts the second thread ran.
 */
export function bestOfRestarts(
  X: Matrix, k: number, seed: number, nInit: number, maxIter: number, tol: number,
  options: { threads?: 1 | 2; startTogether?: boolean } = {},
): { run: LloydRun; bySecondThread: number } {
  const n = X.rows, d = X.cols;
  const wantTwo = options.threads === undefined ? nInit > 1 && n * k * nInit >= PARALLEL_MIN_WORK && secondThreadAvailable() : options.threads === 2;
  const alloc = jobMemory(wantTwo);
  const x = new Float64Array(alloc(8 * n * d));
  x.set(X.data.subarray(0, n * d));
  const job: RestartJob = {
    kind: "kmeans-restarts", x, n, d, k, seed, maxIter, tol,
    inertia: new Float64Array(alloc(8 * nInit)),
    iterations: new Int32Array(alloc(4 * nInit)),
    centroids: new Float64Array(alloc(8 * nInit * k * d)),
    labels: new Int32Array(alloc(4 * nInit * n)),
    solved: new Int32Array(alloc(4 * nInit)),
    control: new Int32Array(alloc(4 * CONTROL_SLOTS)),
  };
  const local = new Matrix(n, d, x);
  const bySecondThread = runItems(job, nInit, wantTwo, (r) => runRestart(job, local, r), options);
  let best = 0;
  for (let r = 1; r < nInit; r++) if (job.inertia[r] < job.inertia[best]) best = r;
  const run: LloydRun = {
    labels: job.labels.slice(best * n, (best + 1) * n),
    centroids: new Matrix(k, d, job.centroids.slice(best * k * d, (best + 1) * k * d)),
    inertia: job.inertia[best],
    iterations: job.iterations[best],
  };
  return { run, bySecondThread };
}
