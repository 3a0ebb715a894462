/**
 * Exact EMDs between many pairs of point sets, spread over two threads when the machine has a
 * core to spare.
 *
 * Why threads: the distances between C conditions solve C(C − 1)/2 independent transport
 * problems (780 for 40 conditions, ~5 ms each at ~200 points), so the pairs split perfectly. The
 * calling thread and one worker thread take pairs from a shared atomic counter (dynamic, so an
 * uneven mix of sizes still balances) and write each distance into shared memory. The API stays
 * synchronous: the caller works through pairs itself and then waits only for the pair the worker
 * is finishing, or solves it too when the worker is late (src/postprocessing/shared-work.ts).
 * Each pair runs the same code on the same inputs on either thread, so the distances are bit for
 * bit those of one thread (tested).
 *
 * The worker starts only for enough work (starting it costs tens of milliseconds), when two
 * kernel threads are allowed (`MARBLE_THREADS`, `setKernelThreads`) and when other processes do
 * not keep the second core busy (the same rule as the kernels' helper thread).
 */
import { secondThreadAvailable } from "../kernels/helper-thread.js";
import { solvePair, type PairJob } from "./cloud-emd.js";
import { CONTROL_SLOTS, jobMemory, runItems } from "./shared-work.js";

/** Cost-matrix entries over all pairs below which one thread does the work (about 0.1 s of it). */
export const PARALLEL_MIN_ENTRIES = 1_000_000;
/**
 * Fewest pairs for which a second thread is started: it compiles its code while it solves its
 * first pairs, so on a handful of large pairs it finishes last: 6 pairs of 512 points in 5-D took
 * 0.39 s with two threads forced against 0.25 s with one.
 */
export const PARALLEL_MIN_PAIRS = 16;
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
      ? entries >= PARALLEL_MIN_ENTRIES && pairs.length >= PARALLEL_MIN_PAIRS && largest <= PARALLEL_MAX_PAIR_ENTRIES && secondThreadAvailable()
      : options.threads === 2;
  const job = makeJob(sets, sizes, d, pairs, wantTwo);
  const buffer = new Float64Array(largest);
  const bySecondThread = runItems(job, pairs.length, wantTwo, (p) => {
    job.out[p] = solvePair(job, p, buffer);
  }, options);
  return { distances: Float64Array.from(job.out), bySecondThread };
}

function makeJob(sets: Float64Array[], sizes: number[], d: number, pairs: [number, number][], shared: boolean): PairJob {
  const alloc = jobMemory(shared);
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
    kind: "cloud-pairs",
    points, starts, sizes: sz, d, pairs: pairList,
    out: new Float64Array(alloc(8 * pairs.length)),
    solved: new Int32Array(alloc(4 * pairs.length)),
    control: new Int32Array(alloc(4 * CONTROL_SLOTS)),
  };
}
