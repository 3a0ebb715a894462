/**
 * Exact EMD between two point sets with uniform weights and Euclidean ground cost, and the loop
 * that works through a list of such pairs. The loop is shared by the calling thread and the
 * second thread of `cloudPairDistances` (src/postprocessing/cloud-pairs.ts): both take the next
 * pair from one atomic counter, so each pair is solved by the same code on the same inputs and the
 * distances do not depend on which thread solved it.
 */
import { transportSimplex } from "./emd.js";
import { claimItems, type WorkerJob } from "./shared-work.js";

/** EMD between packed point sets xa (n1 points) and xb (n2 points) with uniform weights; `buffer` holds the cost matrix. */
export function uniformCloudEmd(xa: Float64Array, n1: number, xb: Float64Array, n2: number, d: number, buffer: Float64Array): number {
  const cost = buffer.length === n1 * n2 ? buffer : buffer.subarray(0, n1 * n2);
  for (let r = 0; r < n1; r++) {
    const base = r * d, row = r * n2;
    for (let c = 0; c < n2; c++) {
      const other = c * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = xa[base + j] - xb[other + j];
        s += t * t;
      }
      cost[row + c] = Math.sqrt(s);
    }
  }
  // Each source sends n2 units and each sink receives n1: integer flows, total n1·n2.
  const res = transportSimplex(new Float64Array(n1).fill(n2), new Float64Array(n2).fill(n1), cost);
  return res.cost / (n1 * n2);
}

/** A list of pairs of point sets, in shared memory when two threads work on it. */
export interface PairJob extends WorkerJob {
  kind: "cloud-pairs";
  /** Every set's points, packed one after another (row-major, d columns). */
  points: Float64Array;
  /** Start (in points) and size of each set: set s is rows starts[s] … starts[s] + sizes[s] − 1. */
  starts: Int32Array;
  sizes: Int32Array;
  d: number;
  /** Pair p compares sets pairs[2p] and pairs[2p + 1]. */
  pairs: Int32Array;
  /** EMD of pair p, written when solved. */
  out: Float64Array;
}

/** Takes pairs from the job's counter and solves them until none is left (or STOP is set); `by` marks who solved them. */
export function workOnPairs(job: PairJob, by: 1 | 2): void {
  const buffer = new Float64Array(largestPair(job));
  claimItems(job, job.out.length, by, (p) => {
    job.out[p] = solvePair(job, p, buffer);
  });
}

/** Entries of the job's largest cost matrix. */
function largestPair(job: PairJob): number {
  let m = 0;
  for (let p = 0; p < job.out.length; p++) m = Math.max(m, job.sizes[job.pairs[2 * p]] * job.sizes[job.pairs[2 * p + 1]]);
  return m;
}

/** The EMD of pair p of the job; `buffer` (at least n_s · n_t entries) holds its cost matrix. */
export function solvePair(job: PairJob, p: number, buffer: Float64Array): number {
  const { points, starts, sizes, d, pairs } = job;
  const s = pairs[2 * p], t = pairs[2 * p + 1];
  const xa = points.subarray(starts[s] * d, (starts[s] + sizes[s]) * d);
  const xb = points.subarray(starts[t] * d, (starts[t] + sizes[t]) * d);
  return uniformCloudEmd(xa, sizes[s], xb, sizes[t], d, buffer);
}
