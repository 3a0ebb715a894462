/**
 * Marble's options and data are checked before anything large is built, and impossible
 * combinations say what to change. Each case feeds the input that used to fail late or silently.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Random, ValidationError } from "../../src/core/index.js";
import { constructDataset } from "../../src/geometry/index.js";
import { Marble, resolveMarbleParams, marbleShape } from "../../src/model/index.js";
import { assertFootprintFits, marbleFootprint } from "../../src/model/footprint.js";

/** A noisy plane sampled on a jittered grid (connected at small k), with a rotation field. */
function plane(side: number, dims: number, seed: number): { anchor: Matrix; vector: Matrix } {
  const rng = new Random(seed);
  const n = side * side;
  const anchor = new Matrix(n, dims), vector = new Matrix(n, dims);
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const r = i * side + j;
      const u = i + 0.1 * rng.normal(), v = j + 0.1 * rng.normal();
      anchor.set(r, 0, u);
      anchor.set(r, 1, v);
      vector.set(r, 0, -v);
      vector.set(r, 1, u);
      for (let k = 2; k < dims; k++) {
        anchor.set(r, k, 0.01 * rng.normal());
        vector.set(r, k, 0.01 * rng.normal());
      }
    }
  }
  return { anchor, vector };
}

function throwsValidation(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${e.name}: ${e.message}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

test("batchSize 1 with batch norm is refused with what to change (it used to train nothing and report loss 0)", async () => {
  const { anchor, vector } = plane(7, 2, 1);
  const data = constructDataset({ anchor, vector, k: 8 });
  const fix = /batchSize 1 with batchNorm true trains nothing.*Set batchSize ≥ 2 .* or batchNorm false/;
  throwsValidation(() => new Marble(data, { batchSize: 1, epochs: 2 }), fix);
  throwsValidation(() => Marble.validateOptions({ batchSize: 1 }), fix);
  // without batch norm a batch of one anchor trains: the loss is a real number, not the 0 of no batches
  const model = new Marble(data, { batchSize: 1, batchNorm: false, epochs: 1, diffusion: false });
  const result = await model.fit(data, { progress: false });
  assert.ok(result.trainLoss[0] > 0, `train loss ${result.trainLoss[0]}`);
});

test("900-dimensional input: the channel count order × dimension gives is an error before any allocation (it used to be 'Invalid typed array length')", () => {
  const { anchor, vector } = plane(4, 900, 2);
  const channels = /729,810,900 feature channels \(900 × \(1 \+ 900 \+ 900²\)\)/;
  const fixes = /first layer alone holds 23,353,948,800 weights.*To fix: reduce the data with PCA.*lower the order to/s;
  // before the dataset is built, from constructDataset's inputs
  throwsValidation(() => Marble.validateOptions({ epochs: 5 }, { anchor, vector, k: 5 }), channels, fixes);
  // and from the built dataset, in the constructor
  const data = constructDataset({ anchor, vector, k: 5 });
  throwsValidation(() => new Marble(data), channels, fixes);
  // order 0 keeps 900 channels: constructible
  assert.equal(new Marble(data, { order: 0, hiddenChannels: [4] }).shape.featureChannels, 900);
});

test("the suggested PCA dimension is the largest that fits the memory budget", () => {
  const p = resolveMarbleParams({ order: 2 });
  const nodes = { numNodes: 5000, localGauges: false };
  // a budget exactly what 10 dimensions need: 10 fits, 11 does not
  const budget = marbleFootprint(p, marbleShape(p, 10, 10, 10), nodes).bytes;
  assert.ok(marbleFootprint(p, marbleShape(p, 11, 11, 11), nodes).bytes > budget);
  throwsValidation(
    () => assertFootprintFits(p, marbleShape(p, 50, 50, 50), nodes, "Marble", { memoryBytes: budget }),
    /order 2 on 50 signal channels with 50 derivative directions gives 127,550 feature channels \(50 × \(1 \+ 50 \+ 50²\)\)/,
    /at order 2 at most 10 dimensions fit in memory/,
    // order 1 caches 5000 × 2,550 × 10 float32 values (510 MB), order 0 5000 × 50 × 10 float64 ones (20 MB)
    /lower the order to 0 \(50 channels\)/,
    /use fewer nodes/,
  );
  assert.doesNotThrow(() => assertFootprintFits(p, marbleShape(p, 10, 10, 10), nodes, "Marble", { memoryBytes: budget }));
});

test("Marble.validateOptions checks names, types and ranges without building anything", () => {
  throwsValidation(() => Marble.validateOptions({ batch_size: 32 } as never), /unknown option "batch_size"; did you mean "batchSize"\?/);
  throwsValidation(() => Marble.validateOptions({ outchannels: 3 } as never), /did you mean "outChannels"\?/);
  throwsValidation(() => Marble.validateOptions({ epochs: "10" } as never), /epochs must be an integer ≥ 0, got "10" \(a string\)/);
  throwsValidation(() => Marble.validateOptions({ lr: 0 }), /lr \(the learning rate\) must be a finite number > 0, got 0/);
  throwsValidation(() => Marble.validateOptions({ hiddenChannels: 32 } as never), /hiddenChannels must be an array of layer widths such as \[32\]/);
  throwsValidation(() => Marble.validateOptions({ precision: "float16" } as never), /precision must be one of "float32", "float64", got "float16"/);
  const { anchor, vector } = plane(5, 2, 3);
  // the dataset's options and inputs are checked in the same call
  throwsValidation(() => Marble.validateOptions({}, { anchor, vector, graph_type: "knn" } as never), /unknown option "graph_type"; did you mean "graphType"\?/);
  assert.equal(Marble.validateOptions({ epochs: 3 }, { anchor, vector, k: 5 }).epochs, 3);
  throwsValidation(() => new Marble(undefined as never), /expected a dataset from constructDataset/);
});

test("fit refuses misspelt options before training (outDir used to be ignored: nothing saved)", async () => {
  const { anchor, vector } = plane(6, 2, 4);
  const data = constructDataset({ anchor, vector, k: 8 });
  const model = new Marble(data, { epochs: 1 });
  await assert.rejects(model.fit(data, { outDir: "run1" } as never), /Marble\.fit: unknown option "outDir"; did you mean "outdir"\?/);
  await assert.rejects(model.fit(data, { verbose: "yes" } as never), /Marble\.fit: verbose must be a boolean, got "yes" \(a string\)/);
  assert.equal(model.epoch, 0);
});
