/**
 * Exact EMD between two point sets with uniform weights and Euclidean ground cost, and the loop
 * that works through a list of such pairs. The loop is shared by the calling thread and the
 * second thread of `cloudPairDistances` (src/postprocessing/cloud-pairs.ts): both take the next
 * pair from one atomic counter, so each pair is solved by the same code on the same inputs and the
 * distances do not depend on which thread solved it.
 */
import { transportSimplex } from "./emd.js";

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

// Slots of the control block (Int32).
/** Index of the next pair to take. */
export const NEXT = 0;
/** Pairs finished. */
export const FINISHED = 1;
/** Set when the second thread failed; its unfinished pairs are then solved by the caller. */
export const FAILED = 2;
/** Set by the caller when the remaining pairs no longer need the second thread. */
export const STOP = 3;
/** Set by the second thread when it is running. */
export const READY = 4;

/** A list of pairs of point sets, in shared memory when two threads work on it. */
export interface PairJob {
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
  /** Once pair p is solved: 1 when the calling thread solved it, 2 when the second thread did. */
  solved: Int32Array;
  control: Int32Array;
}

/** Takes pairs from the job's counter and solves them until none is left (or STOP is set); `by` marks who solved them. */
export function workOnPairs(job: PairJob, by: 1 | 2): void {
  const { sizes, pairs, out, solved, control } = job;
  const nPairs = out.length;
  let largest = 0;
  for (let p = 0; p < nPairs; p++) largest = Math.max(largest, sizes[pairs[2 * p]] * sizes[pairs[2 * p + 1]]);
  const buffer = new Float64Array(largest);
  for (;;) {
    if (Atomics.load(control, STOP)) return;
    const p = Atomics.add(control, NEXT, 1);
    if (p >= nPairs) return;
    out[p] = solvePair(job, p, buffer);
    Atomics.store(solved, p, by);
    Atomics.add(control, FINISHED, 1);
    Atomics.notify(control, FINISHED);
  }
}

/** The EMD of pair p of the job; `buffer` (at least n_s · n_t entries) holds its cost matrix. */
export function solvePair(job: PairJob, p: number, buffer: Float64Array): number {
  const { points, starts, sizes, d, pairs } = job;
  const s = pairs[2 * p], t = pairs[2 * p + 1];
  const xa = points.subarray(starts[s] * d, (starts[s] + sizes[s]) * d);
  const xb = points.subarray(starts[t] * d, (starts[t] + sizes[t]) * d);
  return uniformCloudEmd(xa, sizes[s], xb, sizes[t], d, buffer);
}
