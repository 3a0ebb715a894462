/**
 * Shuffle controls for decoding: the same inputs decoded against targets whose link to them was
 * broken on purpose. A decoder that scores well on these is exploiting something other than the
 * trial-by-trial relation (e.g. the time course shared by all trials, or a leak).
 * - "trials": whole target sequences are permuted across trials (trial i's inputs get trial π(i)'s
 *   targets). Only trials of equal length can swap; a trial whose length is unique keeps its own
 *   targets, and their number is returned.
 * - "time": within every trial, the target rows are permuted (the trial's values kept, their order lost).
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { checkOneOf } from "../core/validate.js";
import { asOutputs } from "./r2.js";
import { groupByTrial } from "./folds.js";

export type ShuffleKind = "trials" | "time";
export const SHUFFLE_KINDS: readonly ShuffleKind[] = ["trials", "time"];

export interface ShuffledTargets {
  y: Matrix;
  kind: ShuffleKind;
  /** Trials that kept their own targets ("trials": no other trial of their length). */
  unshuffledTrials: number;
}

export function shuffleTargets(y: MatrixLike | ArrayLike<number>, trials: ArrayLike<number>, kind: ShuffleKind, seed = 0): ShuffledTargets {
  checkOneOf(kind, "shuffleTargets kind", SHUFFLE_KINDS);
  const Y = asOutputs(y, "shuffleTargets y");
  const { rows } = groupByTrial(trials, Y.rows, "shuffleTargets trials");
  const q = Y.cols;
  const out = new Matrix(Y.rows, q);
  const rng = new Random(seed);
  let unshuffled = 0;
  if (kind === "time") {
    for (const rs of rows) {
      const perm = rng.permutation(rs.length);
      rs.forEach((r, s) => out.data.set(Y.data.subarray(rs[perm[s]] * q, rs[perm[s]] * q + q), r * q));
    }
  } else {
    const byLength = new Map<number, number[]>();
    rows.forEach((rs, t) => {
      const g = byLength.get(rs.length) ?? [];
      g.push(t);
      byLength.set(rs.length, g);
    });
    for (const group of byLength.values()) {
      if (group.length === 1) unshuffled++;
      const perm = rng.permutation(group.length);
      group.forEach((t, i) => {
        const src = rows[group[perm[i]]];
        rows[t].forEach((r, s) => out.data.set(Y.data.subarray(src[s] * q, src[s] * q + q), r * q));
      });
    }
  }
  return { y: out, kind, unshuffledTrials: unshuffled };
}
