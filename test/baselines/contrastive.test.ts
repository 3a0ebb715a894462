import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Random, ValidationError } from "../../src/core/index.js";
import { ContrastiveEmbedder } from "../../src/baselines/index.js";
import { encoderForward } from "../../src/baselines/contrastive/encoder.js";
import { BehaviourDeltaSampler, TimeOffsetSampler } from "../../src/baselines/contrastive/sampling.js";
import { knnCosineMedianError, syntheticTrack } from "./synthetic.js";

const T = 1500, SPLIT = 1200;
const { rates, latent } = syntheticTrack({ length: T, channels: 30, seed: 1 });
const train = rates.selectRows(Array.from({ length: SPLIT }, (_, i) => i));
const testPart = rates.selectRows(Array.from({ length: T - SPLIT }, (_, i) => SPLIT + i));
const yTrain = latent.subarray(0, SPLIT), yTest = latent.subarray(SPLIT);
// Small network and a raised learning rate so each fit takes a few seconds.
const QUICK = { iterations: 60, batchSize: 64, hiddenUnits: 16, outputDimension: 8, learningRate: 3e-3, seed: 3 } as const;

test("behaviour-contrastive embedding decodes the 1-D latent far better than chance", () => {
  const model = new ContrastiveEmbedder({ ...QUICK, conditional: "behaviour" }).fit(train, yTrain);
  const err = knnCosineMedianError(model.transform(train), yTrain, model.transform(testPart), yTest, 10);
  const shuffled = Array.from(yTrain);
  new Random(9).shuffle(shuffled);
  const chance = knnCosineMedianError(train, shuffled, testPart, yTest, 10);
  assert.ok(chance > 0.15, `chance level ${chance}`);
  assert.ok(err < 0.05 && err < chance / 4, `median error ${err} vs chance ${chance}`);
  const h = model.lossHistory;
  assert.equal(h.length, QUICK.iterations);
  const meanOf = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(meanOf(h.subarray(-10)) < h[0] - 0.3, `the loss decreases from ${h[0]} (last 10 steps: ${meanOf(h.subarray(-10))})`);
});

/** Mean cosine similarity of embeddings 2 bins apart minus that of bins 200–400 apart. */
function nearFarGap(e: Matrix): number {
  const D = e.cols;
  const cos = (a: number, b: number) => {
    let s = 0;
    for (let c = 0; c < D; c++) s += e.data[a * D + c] * e.data[b * D + c];
    return s;
  };
  const rng = new Random(7);
  let near = 0, far = 0;
  const K = 500;
  for (let i = 0; i < K; i++) {
    const t = rng.int(e.rows - 400);
    near += cos(t, t + 2);
    far += cos(t, t + 200 + rng.int(200));
  }
  return (near - far) / K;
}

test("time-contrastive embedding separates nearby from distant time points", () => {
  const untrained = new ContrastiveEmbedder({ ...QUICK, conditional: "time", iterations: 0 }).fit(train);
  const trained = new ContrastiveEmbedder({ ...QUICK, conditional: "time" }).fit(train);
  const before = nearFarGap(untrained.transform(rates));
  const after = nearFarGap(trained.transform(rates));
  assert.ok(after > 0.6, `near − far cosine similarity ${after}`);
  assert.ok(after > before + 0.2, `training widens the gap: ${before} → ${after}`);
});

test("same seed gives bitwise-identical embeddings; another seed does not", () => {
  const small = { iterations: 5, batchSize: 16, hiddenUnits: 8, outputDimension: 4 };
  const part = rates.selectRows(Array.from({ length: 300 }, (_, i) => i));
  const y = latent.subarray(0, 300);
  for (const conditional of ["time", "behaviour"] as const) {
    const a = new ContrastiveEmbedder({ ...small, conditional, seed: 11 }).fit(part, y);
    const b = new ContrastiveEmbedder({ ...small, conditional, seed: 11 }).fit(part, y);
    const c = new ContrastiveEmbedder({ ...small, conditional, seed: 12 }).fit(part, y);
    assert.deepEqual(a.transform(part).data, b.transform(part).data);
    assert.deepEqual(a.lossHistory, b.lossHistory);
    assert.notDeepEqual(a.transform(part).data, c.transform(part).data);
  }
});

for (const [precision, tolerance] of [["float64", 1e-12], ["float32", 1e-5]] as const) {
  test(`transform embeds every bin with CEBRA's replicate padding, independent of chunking (${precision})`, () => {
    const C = 4, n = 40;
    const rng = new Random(2);
    const X = new Matrix(n, C, Float64Array.from({ length: n * C }, () => rng.normal()));
    const model = new ContrastiveEmbedder({ conditional: "time", iterations: 2, batchSize: 8, hiddenUnits: 6, outputDimension: 3, timeOffset: 2, precision }).fit(X);
    const whole = model.transform(X);
    assert.equal(whole.rows, n);
    assert.equal(whole.cols, 3);
    const chunked = new ContrastiveEmbedder({ ...model.params, transformChunk: 7 }).fit(X).transform(X);
    assert.deepEqual(chunked.data, whole.data);
    // Row t is the network applied to rows [t − 5, t + 5), indices clamped to the data
    // (float32: the products are rounded to float32, so the float64 reference agrees to ~1e-7).
    const net = (model as unknown as { network: Float64Array[] }).network;
    const shape = { inChannels: C, hidden: 6, outDim: 3 };
    for (const t of [0, 3, 20, n - 1]) {
      const win = new Float64Array(10 * C);
      for (let r = 0; r < 10; r++) win.set(X.row(Math.min(n - 1, Math.max(0, t - 5 + r))), r * C);
      const e = encoderForward(net, shape, win, 1, 10).embedding;
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(e[c] - whole.get(t, c)) < tolerance, `row ${t}: ${e[c]} vs ${whole.get(t, c)}`);
    }
    for (let t = 0; t < n; t++) {
      const r = whole.row(t);
      assert.ok(Math.abs(Math.hypot(...r) - 1) < 1e-12);
    }
  });
}

test("samplers follow CEBRA's conditionals", () => {
  const rng = new Random(4);
  const time = new TimeOffsetSampler(100, 10).sample(200, rng);
  for (let i = 0; i < 200; i++) {
    assert.equal(time.positive[i], time.reference[i] + 10);
    assert.ok(time.reference[i] >= 0 && time.reference[i] < 90 && time.negative[i] < 90);
  }
  // A label that rises by 1 per bin: Δ over 3 bins is 3 (or 0 for the first 3 bins), so the
  // positive is 3 bins later or the reference itself (clamped at the end).
  const labels = new Matrix(50, 1, Float64Array.from({ length: 50 }, (_, i) => i));
  const beh = new BehaviourDeltaSampler(labels, 3).sample(300, rng);
  let shifted = 0;
  for (let i = 0; i < 300; i++) {
    const r = beh.reference[i], p = beh.positive[i];
    assert.ok(p === r || p === Math.min(49, r + 3), `ref ${r} pos ${p}`);
    if (p === r + 3) shifted++;
  }
  assert.ok(shifted > 250, `${shifted} of 300 positives shifted by Δ`);
});

test("parameters and inputs are validated with clear messages", () => {
  assert.throws(() => new ContrastiveEmbedder({ batchsize: 3 } as never), /unknown option "batchsize".*batchSize/);
  assert.throws(() => new ContrastiveEmbedder({ conditional: "space" as never }), /conditional must be one of/);
  assert.throws(() => new ContrastiveEmbedder({ temperature: 0 }), ValidationError);
  assert.throws(() => new ContrastiveEmbedder({ conditional: "behaviour" }).fit(train), /needs labels/);
  assert.throws(() => new ContrastiveEmbedder().fit(train, yTest), /has 300 rows but the data has 1200/);
  assert.throws(() => new ContrastiveEmbedder().fit([[1, 2], [3, 4]], [1, 2]), /needs at least 21 time bins/);
  assert.throws(() => new ContrastiveEmbedder().transform(train), /call fit first/);
  const bad = train.clone();
  bad.set(5, 2, NaN);
  assert.throws(() => new ContrastiveEmbedder({ conditional: "time" }).fit(bad), /NaN at row 5, column 2/);
  const m = new ContrastiveEmbedder({ conditional: "time", iterations: 1, batchSize: 4, hiddenUnits: 4 }).fit(train);
  assert.throws(() => m.transform([[1, 2, 3]]), /expected 30 columns, got 3/);
});

test("behaviour positives: the sorted nearest-label search equals a full scan, lowest index on ties", () => {
  const rng = new Random(8);
  // Integer-valued labels make many exact ties.
  const labels = new Matrix(400, 3, Float64Array.from({ length: 1200 }, (_, i) => (i % 3 === 0 ? rng.int(30) : rng.int(2))));
  const sampler = new BehaviourDeltaSampler(labels, 5);
  const query = new Float64Array(3);
  for (let trial = 0; trial < 300; trial++) {
    for (let c = 0; c < 3; c++) query[c] = c === 0 ? rng.uniform(-3, 33) : rng.int(3) - 0.5 * rng.int(2);
    let best = 0, bestD = Infinity;
    for (let t = 0; t < 400; t++) {
      let s = 0;
      for (let c = 0; c < 3; c++) s += (labels.get(t, c) - query[c]) ** 2;
      if (s < bestD) { bestD = s; best = t; }
    }
    assert.equal(sampler.nearest(query), best, `query ${Array.from(query)}`);
  }
});
