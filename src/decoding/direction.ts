/**
 * Reach-direction classification from decoded kinematics, as the method scores it: a classifier
 * is trained on true hand trajectories and scored on decoded ones, both integrated from velocity
 * the same way. Each direction is represented by its mean true trajectory and a decoded
 * trajectory gets the direction of the nearest mean (the authors use scikit-learn's RBF SVC; a
 * logistic classifier on standardised simulated trajectories fitted the near-identical true
 * trajectories perfectly but scored decoded ones at chance: standardising amplifies differences
 * that carry no direction).
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { ValidationError, toMatrix } from "../core/validate.js";
import { integrateVelocity, trajectoryFeatures } from "./linear.js";

export class NearestMeanClassifier {
  centroids: Matrix | null = null;
  classes: number[] = [];

  fit(x: MatrixLike, labels: ArrayLike<number>): this {
    const X = toMatrix(x, "NearestMeanClassifier x");
    if (labels.length !== X.rows) throw new ValidationError(`NearestMeanClassifier: ${X.rows} rows but ${labels.length} labels; pass one label per row`);
    this.classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
    const C = new Matrix(this.classes.length, X.cols), counts = new Float64Array(this.classes.length);
    for (let i = 0; i < X.rows; i++) {
      const c = this.classes.indexOf(labels[i]);
      counts[c]++;
      for (let j = 0; j < X.cols; j++) C.data[c * X.cols + j] += X.data[i * X.cols + j];
    }
    for (let c = 0; c < C.rows; c++) for (let j = 0; j < X.cols; j++) C.data[c * X.cols + j] /= counts[c];
    this.centroids = C;
    return this;
  }

  predict(x: MatrixLike): Int32Array {
    if (!this.centroids) throw new ValidationError("NearestMeanClassifier: call fit before predict");
    const C = this.centroids;
    const X = toMatrix(x, "NearestMeanClassifier x", { cols: C.cols });
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0, bestD = Infinity;
      for (let c = 0; c < C.rows; c++) {
        let s = 0;
        for (let j = 0; j < C.cols; j++) s += (X.data[i * C.cols + j] - C.data[c * C.cols + j]) ** 2;
        if (s < bestD) {
          bestD = s;
          best = c;
        }
      }
      out[i] = this.classes[best];
    }
    return out;
  }
}

/**
 * Fraction of trials whose decoded trajectory is classified into the trial's true direction.
 * `labels` has one entry per row (constant within a trial); every trial needs the same number of
 * rows (crop or resample trials first, see cropOrPadTrials / resampleTrials).
 */
export function directionAccuracy(
  decodedVelocity: MatrixLike,
  trueVelocity: MatrixLike,
  trials: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: { dt?: number } = {},
): number {
  const dt = options.dt ?? 1;
  const trueF = trajectoryFeatures(integrateVelocity(trueVelocity, trials, { dt }), trials);
  const decF = trajectoryFeatures(integrateVelocity(decodedVelocity, trials, { dt }), trials);
  if (labels.length !== trials.length) throw new ValidationError(`directionAccuracy: ${trials.length} rows but ${labels.length} labels; pass one label per row`);
  const first = new Map<number, number>();
  for (let i = 0; i < trials.length; i++) {
    const t = trials[i];
    if (!first.has(t)) first.set(t, labels[i]);
    else if (first.get(t) !== labels[i]) throw new ValidationError(`directionAccuracy: trial ${t} has rows with labels ${first.get(t)} and ${labels[i]}; a trial has one direction`);
  }
  const y = trueF.trialIds.map((t) => first.get(t)!);
  const predicted = new NearestMeanClassifier().fit(trueF.features, y).predict(decF.features);
  let correct = 0;
  predicted.forEach((p, i) => (correct += p === y[i] ? 1 : 0));
  return correct / predicted.length;
}
