/** Per-point gathering: values of each trial's bins, in the row order of MARBLE's points. */
import { Matrix } from "../../core/matrix.js";
import type { ConditionData } from "../../preprocessing/conditions.js";

/** Row p of the result is perTrial[trial of point p].row(time of point p), conditions concatenated. */
export function gatherPointRows(perTrial: Matrix[], conditions: Pick<ConditionData, "trialIndex" | "timeIndex">): Matrix {
  const n = conditions.trialIndex.reduce((a, t) => a + t.length, 0);
  const q = perTrial[0].cols;
  const out = new Matrix(n, q);
  let p = 0;
  conditions.trialIndex.forEach((tr, c) => tr.forEach((t, i) => {
    const row = conditions.timeIndex[c][i];
    out.data.set(perTrial[t].data.subarray(row * q, (row + 1) * q), p * q);
    p++;
  }));
  return out;
}

/** The trial (index into the per-trial lists) of every point, conditions concatenated. */
export function pointTrials(conditions: Pick<ConditionData, "trialIndex">): Int32Array {
  const out: number[] = [];
  for (const tr of conditions.trialIndex) for (const t of tr) out.push(t);
  return Int32Array.from(out);
}

/** Counts with their `history` previous bins appended (within the trial; the first bin repeats before the start). */
export function withHistory(counts: Matrix, history: number): Matrix {
  const T = counts.rows, U = counts.cols, d = U * (history + 1);
  const out = new Matrix(T, d);
  for (let t = 0; t < T; t++) for (let h = 0; h <= history; h++) {
    const s = Math.max(0, t - h);
    out.data.set(counts.data.subarray(s * U, (s + 1) * U), t * d + h * U);
  }
  return out;
}
