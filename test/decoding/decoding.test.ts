// Decoders: R² (scikit-learn semantics), least squares with bias (NumPy lstsq), trial-grouped
// cross-validation, velocity integration, exact k-NN, and the multinomial logistic classifier
// (scikit-learn LogisticRegression; gradient checked by finite differences).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  Matrix,
  Random,
  r2Score,
  LinearDecoder,
  crossValidateLinearDecoder,
  integrateVelocity,
  trajectoryFeatures,
  KnnDecoder,
  LinearClassifier,
} from "../../src/index.js";
import { softmaxLoss } from "../../src/decoding/classifier.js";

const FIX = join(__dirname, "..", "fixtures", "postprocessing");
const load = (name: string) => JSON.parse(readFileSync(join(FIX, name), "utf8"));
const close = (a: number, b: number, tol: number, msg = "") => assert.ok(Math.abs(a - b) <= tol, `${msg} ${a} vs ${b}`);

test("r2Score equals scikit-learn: uniform, variance-weighted, raw, 1-D", () => {
  const f = load("r2.json");
  close(r2Score(f.y, f.p), f.uniform, 1e-12);
  close(r2Score(f.y, f.p, { multioutput: "variance_weighted" }), f.variance, 1e-12);
  const raw = r2Score(f.y, f.p, { multioutput: "raw_values" });
  f.raw.forEach((v: number, j: number) => close(raw[j], v, 1e-12));
  close(r2Score(f.y.map((r: number[]) => r[0]), f.p.map((r: number[]) => r[0])), f.single, 1e-12);
  // constant target: 1 when exact, 0 otherwise
  assert.equal(r2Score([2, 2, 2], [2, 2, 2]), 1);
  assert.equal(r2Score([2, 2, 2], [2, 2, 3]), 0);
  assert.throws(() => r2Score([[1, 2]], [[1, 2], [3, 4]]), /same shape/);
});

test("least squares with bias equals NumPy lstsq", () => {
  const f = load("lstsq.json");
  const dec = new LinearDecoder().fit(f.X, f.Y);
  for (let j = 0; j < 4; j++) for (let k = 0; k < 2; k++) close(dec.weights!.get(j, k), f.W[j][k], 1e-10);
  for (let k = 0; k < 2; k++) close(dec.bias![k], f.b[k], 1e-10);
  // rank-deficient input (duplicated column) still fits exactly
  const X = Matrix.from(f.X.map((r: number[]) => [...r, r[0]]));
  const P = new LinearDecoder().fit(X, f.Y).predict(X);
  const P0 = dec.predict(f.X);
  for (let e = 0; e < P.data.length; e++) close(P.data[e], P0.data[e], 1e-9);
});

function trials(seed: number, nTrials: number, len: number) {
  const rng = new Random(seed);
  const W = [[1, -0.5], [0.3, 2], [-1, 0.2], [0.5, 0.5]];
  const x: number[][] = [], vel: number[][] = [], trial: number[] = [];
  for (let t = 0; t < nTrials; t++) {
    for (let s = 0; s < len; s++) {
      const f = Array.from({ length: 4 }, () => rng.normal());
      x.push(f);
      vel.push([0, 1].map((k) => f.reduce((acc, v, j) => acc + v * W[j][k], 0.5) + rng.normal(0, 0.3)));
      trial.push(100 + t);
    }
  }
  return { x, vel, trial };
}

test("cross-validation folds over trials: no trial is split, predictions are held out, pooled R² is right", () => {
  const { x, vel, trial } = trials(1, 23, 12);
  const cv = crossValidateLinearDecoder(x, vel, trial, { folds: 5, seed: 3 });
  // fold sizes over trials: 23 = 5 + 5 + 5 + 4 + 4
  const sizes = [0, 0, 0, 0, 0];
  cv.trialFold.forEach((f) => sizes[f]++);
  assert.deepEqual(sizes, [5, 5, 5, 4, 4]);
  close(cv.r2, r2Score(vel, cv.predictions), 1e-15);
  assert.ok(cv.r2 > 0.9 && cv.r2 < 1, `${cv.r2}`);
  // the held-out prediction for fold 0 equals a decoder trained without fold-0 trials
  const ids = Array.from(new Set(trial));
  const testTrials = new Set(ids.filter((_, t) => cv.trialFold[t] === 0));
  const train = trial.map((t, i) => (testTrials.has(t) ? -1 : i)).filter((i) => i >= 0);
  const dec = new LinearDecoder().fit(train.map((i) => x[i]), train.map((i) => vel[i]));
  const i0 = trial.findIndex((t) => testTrials.has(t));
  const p = dec.predict([x[i0]]);
  close(p.get(0, 0), cv.predictions.get(i0, 0), 1e-12);
  assert.throws(() => crossValidateLinearDecoder(x, vel, trial.slice(1)), /one trial id per row/);
  assert.throws(() => crossValidateLinearDecoder(x.slice(0, 24), vel.slice(0, 24), trial.slice(0, 24), { folds: 5 }), /2 trials cannot fill 5 folds/);
});

test("velocity integration restarts at each trial's start (backward and forward steps)", () => {
  const v = [[1, 0], [1, 1], [0, 2], [5, 5], [1, -1]];
  const start = [[10, 10], [-1, 0]];
  const back = integrateVelocity(v, [0, 0, 0, 1, 1], { dt: 0.5, start });
  assert.deepEqual(back.toArray(), [[10, 10], [10.5, 10.5], [10.5, 11.5], [-1, 0], [-0.5, -0.5]]);
  const fwd = integrateVelocity(v, [0, 0, 0, 1, 1], { dt: 0.5, start, step: "forward" });
  assert.deepEqual(fwd.toArray(), [[10, 10], [10.5, 10], [11, 10.5], [-1, 0], [1.5, 2.5]]);
  // integrating a trajectory's differences recovers it
  const pos = [[0, 0], [1, 2], [3, 3], [6, 1]];
  const diffs = pos.slice(1).map((p, i) => [p[0] - pos[i][0], p[1] - pos[i][1]]);
  assert.deepEqual(integrateVelocity([...diffs, [0, 0]], [7, 7, 7, 7], { step: "forward" }).toArray(), pos);
  assert.deepEqual(integrateVelocity([[0, 0], ...diffs], [7, 7, 7, 7]).toArray(), pos);
  assert.throws(() => integrateVelocity(v, [0, 0, 0, 1, 1], { start: [[0, 0]] }), /expected 2 rows/);
});

test("reach direction: a classifier trained on true trajectories scores decoded ones", () => {
  const rng = new Random(12);
  const T = 15, dirs = 7;
  const truePos: number[][] = [], decoded: number[][] = [], trial: number[] = [], label: number[] = [];
  for (let t = 0; t < 140; t++) {
    const c = t % dirs, ang = (2 * Math.PI * c) / dirs;
    const speed = 1 + rng.normal(0, 0.1);
    for (let s = 0; s < T; s++) {
      const r = speed * s;
      truePos.push([r * Math.cos(ang), r * Math.sin(ang)]);
      decoded.push([r * Math.cos(ang) + rng.normal(0, 1.5), r * Math.sin(ang) + rng.normal(0, 1.5)]);
      trial.push(t);
    }
    label.push(c);
  }
  const tr = trajectoryFeatures(truePos, trial);
  assert.equal(tr.features.cols, 2 * T);
  // layout: x over time, then y over time
  assert.equal(tr.features.get(1, 3), truePos[T + 3][0]);
  assert.equal(tr.features.get(1, T + 3), truePos[T + 3][1]);
  const clf = new LinearClassifier().fit(tr.features, label);
  assert.equal(clf.score(tr.features, label), 1);
  const acc = clf.score(trajectoryFeatures(decoded, trial).features, label);
  assert.ok(acc > 0.9 && acc <= 1, `${acc}`);
  assert.throws(() => trajectoryFeatures([[0, 0], [1, 1], [2, 2]], [0, 0, 1]), /crop or resample/);
});

test("k-NN finds exact neighbours (brute-force check) for both metrics; median, mean and vote", () => {
  const rng = new Random(5);
  const n = 400, d = 6;
  const X = new Matrix(n, d, Float64Array.from({ length: n * d }, () => rng.normal()));
  const y = Array.from({ length: n }, (_, i) => i);
  const Q = new Matrix(39, d, Float64Array.from({ length: 39 * d }, () => rng.normal()));
  for (const metric of ["euclidean", "cosine"] as const) {
    const knn = new KnnDecoder({ k: 9, metric }).fit(X, y);
    const { indices } = knn.kneighbors(Q);
    for (let q = 0; q < Q.rows; q++) {
      const dist = (i: number) => {
        let s = 0, a = 0, b = 0;
        for (let j = 0; j < d; j++) {
          s += metric === "euclidean" ? (X.get(i, j) - Q.get(q, j)) ** 2 : X.get(i, j) * Q.get(q, j);
          a += X.get(i, j) ** 2;
          b += Q.get(q, j) ** 2;
        }
        return metric === "euclidean" ? s : 1 - s / Math.sqrt(a * b);
      };
      const ref = Array.from({ length: n }, (_, i) => i).sort((i, j) => dist(i) - dist(j)).slice(0, 9);
      assert.deepEqual(Array.from(indices.subarray(q * 9, q * 9 + 9)), ref);
    }
  }
  // median of neighbours' targets, mean, and majority vote
  const X1 = Matrix.column([0, 1, 2, 3, 10, 11, 12]);
  const y1 = [[0], [10], [20], [100], [5], [5], [6]];
  assert.equal(new KnnDecoder({ k: 3, aggregate: "median" }).fit(X1, y1).predict([[1.1]]).get(0, 0), 10);
  assert.equal(new KnnDecoder({ k: 3 }).fit(X1, y1).predict([[1.1]]).get(0, 0), 10);
  assert.equal(new KnnDecoder({ k: 4, aggregate: "median" }).fit(X1, y1).predict([[1.4]]).get(0, 0), 15);
  assert.equal(new KnnDecoder({ k: 4 }).fit(X1, y1).predict([[1.4]]).get(0, 0), 32.5);
  const cls = new KnnDecoder({ k: 3, task: "classification" }).fit(X1, [0, 0, 1, 1, 2, 2, 2]);
  assert.deepEqual(Array.from(cls.predict([[0.4], [11]]).data), [0, 2]);
  assert.throws(() => new KnnDecoder({ k: 10 }).fit(X1, y1), /lower k/);
  assert.throws(() => new KnnDecoder({ metric: "cosine" }).fit([[0, 0], [1, 0], [0, 1], [1, 1], [2, 2]], [1, 2, 3, 4, 5]), /all zeros/);
});

test("softmax loss gradient matches finite differences", () => {
  const rng = new Random(2);
  const n = 30, d = 4, K = 3;
  const Z = new Matrix(n, d, Float64Array.from({ length: n * d }, () => rng.normal()));
  const y = Int32Array.from({ length: n }, () => rng.int(K));
  const p = Float64Array.from({ length: (d + 1) * K }, () => rng.normal(0, 0.5));
  const g = new Float64Array(p.length), tmp = new Float64Array(p.length);
  softmaxLoss(Z, y, K, p, g, 0.7);
  for (let e = 0; e < p.length; e++) {
    const h = 1e-6;
    const pp = p.slice(), pm = p.slice();
    pp[e] += h;
    pm[e] -= h;
    const fd = (softmaxLoss(Z, y, K, pp, tmp, 0.7) - softmaxLoss(Z, y, K, pm, tmp, 0.7)) / (2 * h);
    close(g[e], fd, 1e-6 * Math.max(1, Math.abs(fd)), `param ${e}`);
  }
});

test("multinomial logistic regression reaches scikit-learn's optimum", () => {
  const f = load("logistic.json");
  const clf = new LinearClassifier({ C: 1, tol: 1e-9, maxIter: 2000 }).fit(f.X, f.y);
  const d = 5, K = 4;
  // scikit-learn's multinomial coefficients are identifiable up to a shared shift per feature only
  // when unpenalised; with the L2 penalty the optimum is unique, so compare directly.
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < d; j++) close(clf.params![j * K + k], f.coef[k][j], 1e-5, `coef ${k},${j}`);
    // intercepts are unpenalised, hence defined up to a common shift
    close(clf.params![d * K + k] - clf.params![d * K], f.intercept[k] - f.intercept[0], 1e-5, `intercept ${k}`);
  }
  close(clf.score(f.X, f.y), f.accuracy, 1e-12);
  assert.throws(() => new LinearClassifier().fit([[1], [2]], [0, 0]), /single class/);
});
