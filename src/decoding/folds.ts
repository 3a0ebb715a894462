/**
 * Trial-grouped folds: every row of one trial lands in the same fold, so neighbouring (correlated)
 * bins of a trial never sit on both sides of a split. The same assignment as scikit-learn's
 * GroupKFold after a seeded shuffle of the groups: contiguous blocks of the shuffled trial order,
 * the first (trials mod folds) blocks one trial larger.
 */
import { Random } from "../core/random.js";
import { ValidationError, checkInteger, checkNumber } from "../core/validate.js";

/** Groups rows by trial id, in order of first appearance. */
export function groupByTrial(trials: ArrayLike<number>, n: number, name: string): { ids: number[]; rows: number[][] } {
  if (!trials || trials.length !== n) {
    throw new ValidationError(`${name}: expected one trial id per row (${n}), got ${trials ? trials.length : "none"}`);
  }
  const index = new Map<number, number>();
  const rows: number[][] = [];
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = trials[i];
    if (!Number.isFinite(t)) throw new ValidationError(`${name}: trial id at row ${i} is ${t}; trial ids must be numbers`);
    let g = index.get(t);
    if (g === undefined) {
      g = rows.length;
      index.set(t, g);
      rows.push([]);
      ids.push(t);
    }
    rows[g].push(i);
  }
  return { ids, rows };
}

export interface TrialFolds {
  /** Trial ids in order of first appearance. */
  trialIds: number[];
  /** Rows of each trial (same order as trialIds). */
  trialRows: number[][];
  /** Fold of each trial (same order as trialIds). */
  trialFold: Int32Array;
  /** Fold of each row. */
  rowFold: Int32Array;
  /** Per fold, its held-out rows (ascending). */
  testRows: number[][];
  folds: number;
}

/** Deals the trials of `trials` (one id per row) into `folds` near-equal groups (seeded shuffle). */
export function trialFolds(trials: ArrayLike<number>, folds: number, options: { seed?: number; shuffle?: boolean; name?: string } = {}): TrialFolds {
  const name = options.name ?? "trialFolds";
  checkInteger(folds, `${name} folds`, 2);
  const seed = options.seed ?? 0;
  checkNumber(seed, `${name} seed`);
  const { ids, rows } = groupByTrial(trials, trials.length, `${name} trials`);
  const nt = rows.length;
  if (nt < folds) throw new ValidationError(`${name}: ${nt} trials cannot fill ${folds} folds; lower folds or add trials`);
  const order = options.shuffle === false ? Array.from({ length: nt }, (_, i) => i) : Array.from(new Random(seed).permutation(nt));
  const trialFold = new Int32Array(nt);
  let pos = 0;
  for (let f = 0; f < folds; f++) {
    const size = Math.floor(nt / folds) + (f < nt % folds ? 1 : 0);
    for (let s = 0; s < size; s++) trialFold[order[pos++]] = f;
  }
  const rowFold = new Int32Array(trials.length);
  const testRows: number[][] = Array.from({ length: folds }, () => []);
  rows.forEach((rs, t) => rs.forEach((r) => (rowFold[r] = trialFold[t])));
  for (let r = 0; r < trials.length; r++) testRows[rowFold[r]].push(r);
  return { trialIds: ids, trialRows: rows, trialFold, rowFold, testRows, folds };
}
