import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, PCA, Random } from "../../src/core/index.js";
import {
  RawRatesEmbedder, PcaEmbedder, UmapEmbedder, ContrastiveEmbedder, compareEmbedders, medianAbsoluteErrorOfColumn,
} from "../../src/baselines/index.js";
import { syntheticTrack } from "./synthetic.js";

const { rates, latent } = syntheticTrack({ length: 600, channels: 30, seed: 5 });
const train = rates.selectRows(Array.from({ length: 450 }, (_, i) => i));
const testPart = rates.selectRows(Array.from({ length: 150 }, (_, i) => 450 + i));
const yTrain = latent.subarray(0, 450), yTest = latent.subarray(450);

test("RawRatesEmbedder is the identity and checks columns", () => {
  const e = new RawRatesEmbedder().fit(train);
  assert.deepEqual(e.transform(testPart).data, testPart.data);
  assert.throws(() => e.transform([[1, 2]]), /expected 30 columns/);
  assert.throws(() => new RawRatesEmbedder({ k: 1 } as never), /unknown option "k"/);
});

test("PcaEmbedder is fitted on the training part only", () => {
  const e = new PcaEmbedder({ nComponents: 5 }).fit(train);
  const direct = new PCA({ nComponents: 5 }).fit(train).transform(testPart);
  assert.deepEqual(e.transform(testPart).data, direct.data);
  const onAll = new PCA({ nComponents: 5 }).fit(rates).transform(testPart);
  assert.notDeepEqual(e.transform(testPart).data, onAll.data);
  assert.throws(() => new PcaEmbedder({ nComponents: 0 }), /nComponents must be an integer/);
});

test("UmapEmbedder is seeded, places new points and keeps the track's order", () => {
  const opts = { nComponents: 2, nNeighbors: 10, nEpochs: 99, seed: 4 };
  const a = new UmapEmbedder(opts).fit(train);
  const b = new UmapEmbedder(opts).fit(train);
  const ea = a.transform(testPart);
  assert.equal(ea.rows, 150);
  assert.equal(ea.cols, 2);
  assert.deepEqual(ea.data, b.transform(testPart).data);
  assert.deepEqual(a.trainEmbedding!.data, b.trainEmbedding!.data);
  assert.deepEqual(new UmapEmbedder(opts).fitTransform(train).data, a.trainEmbedding!.data);
  // New points land near training points with similar latent: 5-NN in the embedding.
  const tr = a.trainEmbedding!;
  const errs: number[] = [];
  for (let i = 0; i < ea.rows; i++) {
    const d = Array.from({ length: tr.rows }, (_, j) => (tr.get(j, 0) - ea.get(i, 0)) ** 2 + (tr.get(j, 1) - ea.get(i, 1)) ** 2);
    const nn = Array.from(d.keys()).sort((p, q) => d[p] - d[q]).slice(0, 5);
    errs.push(Math.abs(nn.reduce((s, j) => s + yTrain[j], 0) / 5 - yTest[i]));
  }
  errs.sort((p, q) => p - q);
  assert.ok(errs[75] < 0.1, `median latent error through UMAP ${errs[75]}`);
  assert.throws(() => new UmapEmbedder({ metric: "manhattan" as never }), /metric must be one of/);
  assert.throws(() => new UmapEmbedder({ nEpochs: 100 }), /multiple of 3.*use 99/);
});

test("compareEmbedders runs every embedder through the same decoder and metric", () => {
  const calls: string[] = [];
  const rows = compareEmbedders({
    train, test: testPart,
    labels: { train: yTrain, test: yTest },
    embedders: {
      raw: new RawRatesEmbedder(),
      pca: new PcaEmbedder({ nComponents: 5 }),
      behaviour: new ContrastiveEmbedder({ conditional: "behaviour", iterations: 5, batchSize: 16, hiddenUnits: 8 }),
    },
    decoder: (eTrain, yTr, eTest) => {
      calls.push(`${eTrain.cols}`);
      // Predict the training mean: the metric is then that of a constant guess.
      const mean = yTr.data.reduce((s, v) => s + v, 0) / yTr.rows;
      return new Matrix(eTest.rows, 1, new Float64Array(eTest.rows).fill(mean));
    },
  });
  assert.deepEqual(rows.map((r) => r.method), ["raw", "pca", "behaviour"]);
  assert.deepEqual(calls, ["30", "5", "8"]);
  const mean = yTrain.reduce((s, v) => s + v, 0) / yTrain.length;
  const expected = medianAbsoluteErrorOfColumn(0)(new Matrix(150, 1, new Float64Array(150).fill(mean)), new Matrix(150, 1, Float64Array.from(yTest)));
  for (const r of rows) {
    assert.equal(r.metric, "medianAbsoluteError");
    assert.equal(r.value, expected);
    assert.ok(r.seconds >= 0);
  }
  // The default decoder (k-NN, cosine, 36 neighbours) does much better than a constant guess.
  const [pca] = compareEmbedders({ train, test: testPart, labels: { train: yTrain, test: yTest }, embedders: { pca: new PcaEmbedder({ nComponents: 5 }) } });
  assert.ok(pca.value < expected / 3, `k-NN on PCA ${pca.value} vs constant ${expected}`);
  assert.throws(() => compareEmbedders({ train, test: testPart, labels: { train: yTrain, test: yTrain }, embedders: { raw: new RawRatesEmbedder() } }), /labels.test: has 450 rows but the data has 150/);
  assert.throws(() => compareEmbedders({ train, test: testPart, labels: { train: yTrain, test: yTest }, embedders: {} }), /embedders is empty/);
});

test("median absolute error handles odd and even counts", () => {
  const m = medianAbsoluteErrorOfColumn(0);
  const col = (v: number[]) => new Matrix(v.length, 1, Float64Array.from(v));
  assert.equal(m(col([1, 2, 3]), col([0, 0, 0])), 2);
  assert.equal(m(col([1, -2, 3, 10]), col([0, 0, 0, 0])), 2.5);
  const rng = new Random(1);
  assert.ok(Number.isFinite(m(col([rng.normal()]), col([0]))));
});
