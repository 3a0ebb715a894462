/**
 * Exact EMDs between many pairs of point sets, spread over two threads when the machine has a
 * core to spare.
 *
 * Why threads: the distances between C conditions solve C(C − 1)/2 independent transport
 * problems (780 for 40 conditions, ~5 ms each at ~200 points), so the pairs split perfectly. The
 * calling thread and one worker thread take pairs from a shared atomic counter (dynamic, so an
 * uneven mix of sizes still balances) and write each distance into shared memory. The API stays
 * synchronous: the caller works through pairs itself and then waits only for the pair the worker
 * is finishing. Each pair runs the same code on the same inputs on either thread, so the
 * distances are bit for bit those of one thread (tested).
 *
 * The worker starts only for enough work (starting it costs tens of milliseconds), when two
 * kernel threads are allowed (`MARBLE_THREADS`, `setKernelThreads`) and when other processes do
 * not keep the second core busy (the same rule as the kernels' helper thread).
 */
import type { Worker } from "node:worker_threads";
import { extname, join } from "node:path";
import { secondThreadAvailable } from "../kernels/helper-thread.js";
import { FAILED, FINISHED, READY, STOP, solvePair, workOnPairs, type PairJob } from "./cloud-emd.js";
import { lazyModule } from "../core/lazy-module.js";

const workerThreads = lazyModule<typeof import("node:worker_threads")>("node:worker_threads", "a second thread for optimal-transport pairs");

/** Cost-matrix entries over all pairs below which one thread does the work (about 0.1 s of it). */
export const PARALLEL_MIN_ENTRIES = 1_000_000;
/** Largest single cost matrix for which a second thread (with a cost buffer of its own) is used. */
export const PARALLEL_MAX_PAIR_ENTRIES = 10_000_000;

/**
 * EMD (uniform weights, Euclidean cost) of each pair of point sets: `sets[s]` holds sizes[s]
 * points of dimension d, packed row-major; pair p compares sets pairs[p][0] and pairs[p][1].
 * `threads` forces one or two threads (by default: two when worthwhile, see above); the result
 * says how many pairs the second thread solved. `startTogether` makes the caller wait (up to a
 * minute) until the second thread runs before taking pairs, so both share even a short list (tests).
 */
export function cloudPairDistances(
  sets: Float64Array[],
  sizes: number[],
  d: number,
  pairs: [number, number][],
  options: { threads?: 1 | 2; startTogether?: boolean } = {},
): { distances: Float64Array; bySecondThread: number } {
  let entries = 0, largest = 0;
  for (const [s, t] of pairs) {
    entries += sizes[s] * sizes[t];
    largest = Math.max(largest, sizes[s] * sizes[t]);
  }
  const wantTwo =
    options.threads === undefined
      ? entries >= PARALLEL_MIN_ENTRIES && largest <= PARALLEL_MAX_PAIR_ENTRIES && secondThreadAvailable()
      : options.threads === 2;
  const job = makeJob(sets, sizes, d, pairs, wantTwo);
  const worker = wantTwo ? startWorker(job) : null;
  if (worker && options.startTogether) {
    const until = Date.now() + 60_000;
    while (!Atomics.load(job.control, READY) && !Atomics.load(job.control, FAILED) && Date.now() < until) Atomics.wait(job.control, READY, 0, 50);
  }
  workOnPairs(job, 1);
  if (worker) {
    // wait for the pairs the worker is still solving; if it failed, solve what it left
    const nPairs = pairs.length;
    for (;;) {
      const finished = Atomics.load(job.control, FINISHED);
      if (finished >= nPairs) break;
      if (Atomics.load(job.control, FAILED)) {
        const buffer = new Float64Array(maxEntries(job));
        for (let p = 0; p < nPairs; p++) if (!Atomics.load(job.solved, p)) {
          job.out[p] = solvePair(job, p, buffer);
          job.solved[p] = 1;
        }
        break;
      }
      Atomics.wait(job.control, FINISHED, finished, 50);
    }
    Atomics.store(job.control, STOP, 1);
    void worker.terminate();
  }
  let bySecondThread = 0;
  for (let p = 0; p < pairs.length; p++) if (job.solved[p] === 2) bySecondThread++;
  return { distances: Float64Array.from(job.out), bySecondThread };
}

function makeJob(sets: Float64Array[], sizes: number[], d: number, pairs: [number, number][], shared: boolean): PairJob {
  const alloc = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  let total = 0;
  for (const n of sizes) total += n;
  const points = new Float64Array(alloc(8 * Math.max(1, total * d)));
  const starts = new Int32Array(alloc(4 * sizes.length)), sz = new Int32Array(alloc(4 * sizes.length));
  let at = 0;
  sets.forEach((x, s) => {
    points.set(x.subarray(0, sizes[s] * d), at * d);
    starts[s] = at;
    sz[s] = sizes[s];
    at += sizes[s];
  });
  const pairList = new Int32Array(alloc(8 * pairs.length));
  pairs.forEach(([s, t], p) => {
    pairList[2 * p] = s;
    pairList[2 * p + 1] = t;
  });
  return {
    points, starts, sizes: sz, d, pairs: pairList,
    out: new Float64Array(alloc(8 * pairs.length)),
    solved: new Int32Array(alloc(4 * pairs.length)),
    control: new Int32Array(alloc(32)),
  };
}

function maxEntries(job: PairJob): number {
  let m = 0;
  for (let p = 0; p < job.out.length; p++) m = Math.max(m, job.sizes[job.pairs[2 * p]] * job.sizes[job.pairs[2 * p + 1]]);
  return m;
}

/** The worker thread, or null when it cannot start (the caller then does all the work). */
function startWorker(job: PairJob): Worker | null {
  const ext = extname(__filename);
  const file = join(__dirname, `cloud-pairs-worker${ext}`);
  // from the TypeScript source (tests, scripts run through tsx) the worker registers tsx first
  const source = ext === ".ts" ? `require(${JSON.stringify(require.resolve("tsx/cjs/api"))}).register(); require(${JSON.stringify(file)});` : null;
  try {
    const { Worker } = workerThreads();
    const worker = source ? new Worker(source, { eval: true, workerData: job }) : new Worker(file, { workerData: job });
    // a worker that fails to load reports it on the event loop; its pairs are then the caller's
    worker.on("error", () => Atomics.store(job.control, FAILED, 1));
    worker.unref();
    return worker;
  } catch {
    return null;
  }
}
