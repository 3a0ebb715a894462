/**
 * Trial-grouped splits of a recording: whole trials go to one side, stratified by condition so
 * every fold holds trials of every condition that has at least `folds` trials (smaller conditions
 * are dealt as far as they go, and counted).
 */
import { Random } from "../../core/random.js";
import { ValidationError, checkInteger } from "../../core/validate.js";
import type { TrialRecording } from "../../io/trials/recording.js";

export interface TrialSplit {
  /** Per fold, the ids of its held-out trials. */
  testTrials: number[][];
  /** Conditions with fewer trials than folds (some folds hold none of their trials). */
  smallConditions: string[];
}

export function splitTrials(rec: TrialRecording, folds: number, seed = 0): TrialSplit {
  checkInteger(folds, "splitTrials folds", 2);
  if (rec.trials.length < folds) throw new ValidationError(`splitTrials: ${rec.trials.length} trials cannot fill ${folds} folds; lower folds`);
  const rng = new Random(seed);
  const testTrials: number[][] = Array.from({ length: folds }, () => []);
  const smallConditions: string[] = [];
  let next = 0;
  for (const c of rec.conditionNames) {
    const ids = rec.trials.filter((t) => t.condition === c).map((t) => t.id);
    if (ids.length > 0 && ids.length < folds) smallConditions.push(c);
    const perm = rng.permutation(ids.length);
    // continue dealing where the previous condition stopped, so fold sizes stay balanced
    for (let i = 0; i < ids.length; i++) testTrials[(next + i) % folds].push(ids[perm[i]]);
    next = (next + ids.length) % folds;
  }
  return { testTrials, smallConditions };
}
