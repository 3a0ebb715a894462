// Ridge (closed form, Cholesky) against an independent direct solve; trial-grouped CV never splits
// a trial; k-NN in the CV helper; shuffle controls; the linear decoder's Cholesky fast path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.js";
import { Random } from "../../src/core/random.js";
import { RidgeDecoder, crossValidateRidge } from "../../src/decoding/ridge.js";
import { crossValidateDecoder } from "../../src/decoding/cross-validate.js";
import { trialFolds } from "../../src/decoding/folds.js";
import { shuffleTargets } from "../../src/decoding/shuffle.js";
import { LinearDecoder, leastSquaresWithBias } from "../../src/decoding/linear.js";
import { directionAccuracy } from "../../src/decoding/direction.js";
import { KnnDecoder } from "../../src/decoding/knn.js";

function data(n: number, d: number, q: number, seed: number, noise = 0.1) {
  const rng = new Random(seed);
  const X = new Matrix(n, d, Float64Array.from({ length: n * d }, () => rng.normal() * 2 + 1));
  const W = Float64Array.from({ length: d * q }, () => rng.normal());
  const Y = new Matrix(n, q);
  for (let i = 0; i < n; i++) for (let k = 0; k < q; k++) {
    let s = 3 + noise * rng.normal();
    for (let j = 0; j < d; j++) s += X.data[i * d + j] * W[j * q + k];
    Y.data[i * q + k] = s;
  }
  return { X, Y };
}

/** Gaussian elimination with partial pivoting on the augmented system [A | b]. */
function directSolve(A: number[][], B: number[][]): number[][] {
  const n = A.length, q = B[0].length;
  const M = A.map((r, i) => [...r, ...B[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k < n + q; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((r, i) => r.slice(n).map((v) => v / M[i][i]));
}

test("ridge weights equal a direct solve of the centred, penalised normal equations", () => {
  const { X, Y } = data(80, 6, 2, 1);
  const lambda = 0.3;
  const dec = new RidgeDecoder({ lambda }).fit(X, Y);
  const n = X.rows, d = X.cols;
  const mx = Array.from({ length: d }, (_, j) => X.col(j).reduce((a, b) => a + b, 0) / n);
  const my = [0, 1].map((k) => Y.col(k).reduce((a, b) => a + b, 0) / n);
  const G = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (X.get(i, a) - mx[a]) * (X.get(i, b) - mx[b]);
    return s;
  }));
  const trace = G.reduce((s, r, i) => s + r[i], 0);
  const alpha = (lambda * trace) / d;
  assert.ok(Math.abs(dec.fitted!.alpha - alpha) < 1e-9 * alpha);
  G.forEach((r, i) => (r[i] += alpha));
  const C = Array.from({ length: d }, (_, a) => [0, 1].map((k) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (X.get(i, a) - mx[a]) * (Y.get(i, k) - my[k]);
    return s;
  }));
  const W = directSolve(G, C);
  for (let a = 0; a < d; a++) for (let k = 0; k < 2; k++) assert.ok(Math.abs(dec.fitted!.weights.get(a, k) - W[a][k]) < 1e-9 * (1 + Math.abs(W[a][k])));
  for (let k = 0; k < 2; k++) {
    const b = my[k] - mx.reduce((s, m, a) => s + m * W[a][k], 0);
    assert.ok(Math.abs(dec.fitted!.bias[k] - b) < 1e-9 * (1 + Math.abs(b)));
  }
  // λ → 0 tends to least squares
  const ls = leastSquaresWithBias(X, Y);
  const tiny = new RidgeDecoder({ lambda: 1e-12 }).fit(X, Y).fitted!;
  ls.weights.data.forEach((v, i) => assert.ok(Math.abs(v - tiny.weights.data[i]) < 1e-6 * (1 + Math.abs(v))));
});

test("the linear decoder's Cholesky path and its pseudo-inverse fallback give least squares", () => {
  const { X, Y } = data(60, 4, 1, 2, 0);
  const fit = new LinearDecoder().fit(X, Y);
  const P = fit.predict(X);
  P.data.forEach((v, i) => assert.ok(Math.abs(v - Y.data[i]) < 1e-8 * (1 + Math.abs(v))));
  // a duplicated column makes the covariance singular: the minimum-norm solution splits the weight
  const Xd = new Matrix(60, 5);
  for (let i = 0; i < 60; i++) { Xd.data.set(X.row(i), i * 5); Xd.data[i * 5 + 4] = X.get(i, 0); }
  const dup = leastSquaresWithBias(Xd, Y);
  assert.ok(Math.abs(dup.weights.get(0, 0) - dup.weights.get(4, 0)) < 1e-8);
  assert.ok(Math.abs(dup.weights.get(0, 0) + dup.weights.get(4, 0) - fit.weights!.get(0, 0)) < 1e-8);
});

test("trial-grouped CV never splits a trial, for every decoder", () => {
  const { X, Y } = data(300, 5, 2, 3);
  const trials = Int32Array.from({ length: 300 }, (_, i) => 100 + Math.floor(i / 12) * 3);
  const split = trialFolds(trials, 5, { seed: 4 });
  const foldOfTrial = new Map<number, number>();
  trials.forEach((t, r) => {
    const f = split.rowFold[r];
    if (foldOfTrial.has(t)) assert.equal(foldOfTrial.get(t), f, `trial ${t} split across folds`);
    foldOfTrial.set(t, f);
  });
  assert.equal(new Set(foldOfTrial.values()).size, 5);
  for (const method of ["linear", "ridge", "knn"] as const) {
    const r = crossValidateDecoder(X, Y, trials, { method, seed: 4 });
    assert.deepEqual(Array.from(r.trialFold), Array.from(split.trialFold), method);
    assert.ok(r.r2 > (method === "knn" ? 0.3 : 0.95), `${method} R² ${r.r2}`);
  }
  const ridge = crossValidateRidge(X, Y, trials, { seed: 4 });
  assert.equal(ridge.lambdas.length, 5);
  assert.ok(ridge.innerR2.every((s) => s.length === ridge.grid.length));
  assert.throws(() => crossValidateRidge(X, Y, trials.slice(1)), /one trial id per row/);
  assert.throws(() => crossValidateRidge(X, Y, trials, { lambdas: [] }), /grid is empty/);
});

test("shuffle controls: time shuffle keeps each trial's rows, trial shuffle moves whole trials", () => {
  const n = 40, Y = new Matrix(n, 1, Float64Array.from({ length: n }, (_, i) => i));
  const trials = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10));
  const time = shuffleTargets(Y, trials, "time", 1);
  for (let t = 0; t < 4; t++) {
    const got = Array.from(time.y.data.slice(10 * t, 10 * t + 10)).sort((a, b) => a - b);
    assert.deepEqual(got, Array.from({ length: 10 }, (_, i) => 10 * t + i));
  }
  assert.notDeepEqual(Array.from(time.y.data), Array.from(Y.data));
  const tr = shuffleTargets(Y, trials, "trials", 2);
  for (let t = 0; t < 4; t++) {
    const block = Array.from(tr.y.data.slice(10 * t, 10 * t + 10));
    assert.equal(block[0] % 10, 0);
    assert.deepEqual(block, Array.from({ length: 10 }, (_, i) => block[0] + i));
  }
  // a trial whose length no other trial shares keeps its targets, and is counted
  const uneven = Int32Array.from({ length: n }, (_, i) => (i < 10 ? 0 : i < 20 ? 1 : 2));
  assert.equal(shuffleTargets(Y, uneven, "trials", 0).unshuffledTrials, 1);
});

test("direction accuracy: decoded trajectories equal to the truth classify perfectly", () => {
  const T = 8, dirs = [0, 1, 2, 0, 1, 2];
  const rows: number[][] = [], trials: number[] = [], labels: number[] = [];
  dirs.forEach((d, tr) => {
    const a = (2 * Math.PI * d) / 3;
    for (let t = 0; t < T; t++) { rows.push([Math.cos(a) * t, Math.sin(a) * t]); trials.push(tr); labels.push(d); }
  });
  const v = Matrix.from(rows);
  assert.equal(directionAccuracy(v, v, trials, labels), 1);
  const rotated = Matrix.from(rows.map(([x, y]) => [-y, x]));
  assert.ok(directionAccuracy(rotated, v, trials, labels) < 1);
});

test("k-NN CV: a fold with fewer training rows than k lowers k for that fold and counts it, instead of stopping", () => {
  const { X, Y } = data(15, 3, 2, 8);
  const trials = Int32Array.from({ length: 15 }, (_, i) => Math.floor(i / 5)); // 3 trials of 5 rows
  const r = crossValidateDecoder(X, Y, trials, { method: "knn", folds: 3, k: 12, seed: 1 });
  // every fold trains on 2 trials = 10 rows < 12
  assert.deepEqual(r.notes, ["k-NN: 3 of 3 folds have fewer than k = 12 training rows; k lowered there (fold 1: k = 10, fold 2: k = 10, fold 3: k = 10)"]);
  assert.equal(r.chosen, "k = 12 (lowered in 3 folds), euclidean");
  // the predictions are those of a k = 10 decoder on each fold's training rows
  for (let f = 0; f < 3; f++) {
    const test = [...Array(15).keys()].filter((i) => r.trialFold[trials[i]] === f);
    const train = [...Array(15).keys()].filter((i) => r.trialFold[trials[i]] !== f);
    const P = new KnnDecoder({ k: 10 }).fit(X.selectRows(train), Y.selectRows(train)).predict(X.selectRows(test));
    test.forEach((row, i) => assert.deepEqual(Array.from(r.predictions.row(row)), Array.from(P.row(i))));
  }
  // k within every fold's training rows: nothing to note
  const ok = crossValidateDecoder(X, Y, trials, { method: "knn", folds: 3, k: 4, seed: 1 });
  assert.deepEqual(ok.notes, []);
  assert.equal(ok.chosen, "k = 4, euclidean");
});
