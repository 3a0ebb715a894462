import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  Matrix, Random, ValidationError,
  binSpikeTimes, gaussianSmooth, savgolFilter, savgolWeights, pcaFitApply, trajectoryVelocity, positionsAndVelocities,
  alignToEvents, trialsToConditions, type BoundaryMode,
} from "../../src/index.js";

const FIX = join(__dirname, "..", "fixtures", "preprocessing");
const load = (name: string): any => JSON.parse(readFileSync(join(FIX, name), "utf8"));

function maxAbsDiff(a: Matrix, b: number[][]): number {
  assert.equal(a.rows, b.length);
  let m = 0;
  for (let i = 0; i < a.rows; i++) {
    assert.equal(a.cols, b[i].length);
    for (let j = 0; j < a.cols; j++) m = Math.max(m, Math.abs(a.get(i, j) - b[i][j]));
  }
  return m;
}

test("gaussianSmooth matches scipy.ndimage.gaussian_filter1d (all boundary modes, short signals)", () => {
  const { cases } = load("gaussian_filter1d.json");
  assert.ok(cases.length >= 10);
  for (const c of cases) {
    const y = gaussianSmooth(c.x, { sigma: c.sigma, truncate: c.truncate, mode: c.mode as BoundaryMode });
    const err = maxAbsDiff(y, c.y);
    assert.ok(err < 1e-10, `sigma ${c.sigma} truncate ${c.truncate} mode ${c.mode}: max error ${err}`);
  }
});

test("gaussianSmooth: sigma in time units with binSize equals sigma in bins", () => {
  const x = Matrix.from([[1], [4], [2], [8], [5], [7], [3]]);
  const a = gaussianSmooth(x, { sigma: 0.1, binSize: 0.02 });
  const b = gaussianSmooth(x, { sigma: 5 });
  assert.ok(maxAbsDiff(a, b.toArray()) < 1e-14);
  // reflect mode preserves the total of a constant signal exactly
  const ones = gaussianSmooth([[1], [1], [1]], { sigma: 3 });
  for (const v of ones.data) assert.ok(Math.abs(v - 1) < 1e-14);
  assert.throws(() => gaussianSmooth(x, { sigma: 0 }), ValidationError);
  assert.throws(() => gaussianSmooth(x, { sigma: 1, sigmaa: 2 } as never), /unknown option "sigmaa"/);
  assert.throws(() => gaussianSmooth([[1], [NaN]], { sigma: 1 }), /row 1/);
});

test("savgolFilter matches scipy.signal.savgol_filter (mode interp, derivatives, delta)", () => {
  const { cases } = load("savgol_filter.json");
  for (const c of cases) {
    const y = savgolFilter(c.x, { window: c.window, order: c.order, deriv: c.deriv, delta: c.delta });
    // Error is measured against the operation's own scale, max|x|·‖w‖₁/δ^deriv: both implementations
    // round the same weighted sum. (For window 31, order 5, deriv 3, δ = 0.05 this is ~6e3 while
    // |y| ≤ 13; scipy's weights there are 1e-11 off the exact rational ones, ours 3e-14.)
    const w = savgolWeights(c.window, c.order, c.deriv, 0);
    let l1 = 0, xmax = 0;
    for (const v of w) l1 += Math.abs(v);
    for (const row of c.x) for (const v of row) xmax = Math.max(xmax, Math.abs(v));
    const scale = Math.max((xmax * l1) / Math.pow(c.delta, c.deriv), 1);
    const err = maxAbsDiff(y, c.y) / scale;
    assert.ok(err < 1e-10, `window ${c.window} order ${c.order} deriv ${c.deriv} delta ${c.delta}: relative error ${err}`);
  }
});

test("savgolWeights equal the exact rational least-squares weights", () => {
  const { exactWeights } = load("savgol_filter.json");
  for (const e of exactWeights) {
    const w = savgolWeights(e.window, e.order, e.deriv, e.at);
    let m = 0, scale = 0;
    for (let j = 0; j < e.window; j++) {
      m = Math.max(m, Math.abs(w[j] - e.weights[j]));
      scale = Math.max(scale, Math.abs(e.weights[j]));
    }
    assert.ok(m / scale < 1e-12, `window ${e.window} order ${e.order} deriv ${e.deriv} at ${e.at}: ${m / scale}`);
  }
});

test("savgolFilter validates its arguments", () => {
  const x = Matrix.from(Array.from({ length: 20 }, (_, i) => [i]));
  assert.throws(() => savgolFilter(x, { window: 8, order: 2 }), /odd/);
  assert.throws(() => savgolFilter(x, { window: 5, order: 5 }), /less than window/);
  assert.throws(() => savgolFilter(x.selectRows([0, 1, 2]), { window: 5, order: 2 }), /fewer than window/);
  // a quadratic is reproduced exactly, and its derivative too
  const q = Matrix.from(Array.from({ length: 15 }, (_, i) => [0.5 * i * i - 3 * i + 2]));
  const d = savgolFilter(q, { window: 7, order: 2, deriv: 1, delta: 0.5 });
  for (let i = 0; i < 15; i++) assert.ok(Math.abs(d.get(i, 0) - (i - 3) / 0.5) < 1e-10);
});

test("pcaFitApply matches scikit-learn PCA fitted on one part and applied to another", () => {
  const f = load("pca.json");
  const { pca, projected } = pcaFitApply(f.fit, [f.apply], f.nComponents);
  // Component signs: src/core's PCA makes each component's largest |loading| positive (scikit-learn
  // ≥ 1.5); Debian's scikit-learn 1.2 flips by the scores instead. Compare up to that sign only.
  const comps = pca.components!;
  for (let c = 0; c < 3; c++) {
    let dot = 0;
    for (let j = 0; j < comps.cols; j++) dot += comps.get(c, j) * f.components[c][j];
    const s = Math.sign(dot);
    for (let j = 0; j < comps.cols; j++) assert.ok(Math.abs(s * comps.get(c, j) - f.components[c][j]) < 1e-10);
    for (let i = 0; i < projected[0].rows; i++) assert.ok(Math.abs(s * projected[0].get(i, c) - f.transformed[i][c]) < 1e-10);
    assert.ok(Math.abs(pca.explainedVarianceRatio![c] - f.explainedVarianceRatio[c]) < 1e-10);
  }
  // fitting on a list of parts equals fitting on their stack
  const half = Math.floor(f.fit.length / 2);
  const split = pcaFitApply([f.fit.slice(0, half), f.fit.slice(half)], [f.apply], 3);
  assert.ok(maxAbsDiff(split.projected[0], projected[0].toArray()) < 1e-10);
});

test("binSpikeTimes matches numpy.histogram on half-open bins", () => {
  const f = load("bin_spikes.json");
  const counts = binSpikeTimes(f.times, { binSize: f.binSize, start: f.start, end: f.end });
  assert.equal(counts.rows, 100);
  assert.equal(maxAbsDiff(counts, f.counts), 0);
  const single = binSpikeTimes([0, 0.5, 0.99, 1, 3], { binSize: 1, start: 0, end: 3 });
  assert.deepEqual(Array.from(single.data), [3, 1, 0]);
  assert.throws(() => binSpikeTimes([1], { binSize: 1, start: 2, end: 1 }), /greater than start/);
});

test("trajectoryVelocity: diff pairs with ts[0..T-2]; savgol derivative is exact on a parabola", () => {
  const ts = Matrix.from([[0, 0], [1, 2], [3, 3], [6, 3]]);
  const { anchor, vector } = positionsAndVelocities(ts);
  assert.deepEqual(anchor.toArray(), [[0, 0], [1, 2], [3, 3]]);
  assert.deepEqual(vector.toArray(), [[1, 2], [2, 1], [3, 0]]);
  assert.deepEqual(trajectoryVelocity(ts, { dt: 0.5 }).toArray(), [[2, 4], [4, 2], [6, 0]]);
  const p = Matrix.from(Array.from({ length: 12 }, (_, i) => [i * i * 0.01]));
  const v = trajectoryVelocity(p, { method: "savgol", window: 5, order: 2, dt: 0.1 });
  for (let i = 0; i < 12; i++) assert.ok(Math.abs(v.get(i, 0) - 0.2 * i) < 1e-10);
});

test("alignToEvents cuts [event − before, event + after) in bins or time units", () => {
  const sig = Matrix.from(Array.from({ length: 50 }, (_, i) => [i, -i]));
  const { trials, kept } = alignToEvents(sig, [10, 30], { before: 3, after: 5 });
  assert.deepEqual(kept, [0, 1]);
  assert.equal(trials[0].rows, 8);
  assert.deepEqual(trials[0].row(0), Float64Array.from([7, -7]));
  assert.deepEqual(trials[1].row(7), Float64Array.from([34, -34]));
  // time units: 20 ms bins starting at 0; event at 0.5 s is bin 25
  const t = alignToEvents(sig, [0.5], { before: 0.1, after: 0.2, binSize: 0.02 });
  assert.equal(t.trials[0].rows, 15);
  assert.equal(t.trials[0].get(0, 0), 20);
  assert.throws(() => alignToEvents(sig, [2], { before: 3, after: 5 }), /leaves the signal/);
  assert.deepEqual(alignToEvents(sig, [2, 20], { before: 3, after: 5, outOfRange: "skip" }).kept, [1]);
});

test("trialsToConditions stacks pos = ts[0..T-2] and vel = diff(ts) per condition", () => {
  const rng = new Random(1);
  const trials = Array.from({ length: 6 }, () => new Matrix(5, 2, Float64Array.from({ length: 10 }, () => rng.normal())));
  const labels = ["b", "a", "b", "a", "a", "b"];
  const c = trialsToConditions(trials, labels);
  assert.deepEqual(c.names, ["b", "a"]);
  assert.equal(c.anchor[0].rows, 12);
  assert.equal(c.vector[1].rows, 12);
  assert.deepEqual(Array.from(c.trialIndex[1].slice(0, 5)), [1, 1, 1, 1, 3]);
  // row 5 of condition "a" is trial 3, time 1
  assert.equal(c.timeIndex[1][5], 1);
  assert.ok(Math.abs(c.vector[1].get(5, 0) - (trials[3].get(2, 0) - trials[3].get(1, 0))) < 1e-15);
  assert.equal(c.anchor[1].get(5, 1), trials[3].get(1, 1));
  const ordered = trialsToConditions(trials, labels, { order: ["a", "b"] });
  assert.deepEqual(ordered.names, ["a", "b"]);
  assert.throws(() => trialsToConditions(trials, labels.slice(1)), /one label per trial/);
});
