import { Matrix, vstack, type MatrixLike } from "../core/matrix.js";
import type { PCA } from "../core/pca.js";
import { ValidationError, toMatrix } from "../core/validate.js";
import { positionsAndVelocities } from "./velocity.js";

/** Per-condition inputs for MARBLE, with where each point came from. */
/** Per-trial reaching states as both the simulator and the real-data pipeline prepare them. */
export interface ReachingTrialStates {
  /** Per trial: smoothed, filtered rates (bins × channels, Hz). */
  rates: Matrix[];
  /** Per trial: the PCA states (bins × pcaComponents). */
  states: Matrix[];
  /** Per trial: hand velocity and position per bin (bins × 2). */
  handVelocity: Matrix[];
  handPosition: Matrix[];
  /** MARBLE inputs, one condition per direction. */
  conditions: ConditionData;
  pca: PCA;
}

export interface ConditionData {
  /** Condition names, in order of first appearance (or as given). */
  names: string[];
  /** Anchors per condition: each trial's ts[0..T−2], stacked. */
  anchor: Matrix[];
  /** Vectors per condition: each trial's diff(ts), stacked. */
  vector: Matrix[];
  /** For each point of each condition: the index of its trial in the input list. */
  trialIndex: Int32Array[];
  /** For each point of each condition: its time step within the trial. */
  timeIndex: Int32Array[];
}

/**
 * Groups trials (each a T_i × d trajectory) by condition and stacks them into MARBLE's inputs:
 * per condition, anchors = ts[0..T−2] and vectors = diff(ts) of every trial (method doc §1).
 * `labels[i]` names trial i's condition; `order` fixes the order of conditions (default: first seen).
 */
export function trialsToConditions(
  trials: MatrixLike[],
  labels: ArrayLike<string | number>,
  options: { order?: (string | number)[] } = {},
): ConditionData {
  if (!trials || trials.length === 0) throw new ValidationError("trialsToConditions trials: the list is empty");
  if (labels.length !== trials.length) {
    throw new ValidationError(`trialsToConditions: ${trials.length} trials but ${labels.length} labels; pass one label per trial`);
  }
  const names = options.order ? options.order.map(String) : [];
  if (!options.order) for (let i = 0; i < labels.length; i++) if (!names.includes(String(labels[i]))) names.push(String(labels[i]));
  const groups = names.map(() => ({ a: [] as Matrix[], v: [] as Matrix[], tr: [] as number[], ti: [] as number[] }));
  let dim = -1;
  for (let i = 0; i < trials.length; i++) {
    const c = names.indexOf(String(labels[i]));
    if (c < 0) throw new ValidationError(`trialsToConditions: label "${labels[i]}" of trial ${i} is not in options.order`);
    const X = toMatrix(trials[i], `trialsToConditions trials[${i}]`);
    if (dim < 0) dim = X.cols;
    if (X.cols !== dim) throw new ValidationError(`trialsToConditions trials[${i}]: has ${X.cols} columns, expected ${dim}`);
    if (X.rows < 2) throw new ValidationError(`trialsToConditions trials[${i}]: needs at least 2 time points, got ${X.rows}`);
    const { anchor, vector } = positionsAndVelocities(X);
    const g = groups[c];
    g.a.push(anchor);
    g.v.push(vector);
    for (let t = 0; t < anchor.rows; t++) {
      g.tr.push(i);
      g.ti.push(t);
    }
  }
  groups.forEach((g, c) => {
    if (g.a.length === 0) throw new ValidationError(`trialsToConditions: condition "${names[c]}" has no trials`);
  });
  return {
    names,
    anchor: groups.map((g) => vstack(g.a)),
    vector: groups.map((g) => vstack(g.v)),
    trialIndex: groups.map((g) => Int32Array.from(g.tr)),
    timeIndex: groups.map((g) => Int32Array.from(g.ti)),
  };
}
