/**
 * The toy vector fields of the method doc §6 through the whole pipeline (simulators →
 * constructDataset → Marble): the embedding must tell the fields apart on held-out nodes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Marble } from "../../src/model/index.js";
import { constructDataset } from "../../src/geometry/index.js";
import { toyFieldConditions } from "../../src/simulators/index.js";
import { knnAccuracy } from "./toy-data.js";

// fields: constant (−1, −1), constant (1, 1), vortex around (−1, 0), vortex around (1, 0)
const THREE_CLASSES = [0, 1, 2, 2]; // "constant left", "constant right", "vortex"
const TWO_CLASSES = [0, 0, 1, 1]; // constant, vortex

test("flat plane: constant left, constant right and vortex separate (k-NN ≥ 0.95 on held-out nodes)", async () => {
  const c = toyFieldConditions({ numPoints: 512, surface: "plane", seed: 0 });
  const data = constructDataset({ anchor: c.anchor, vector: c.vector, k: 20, seed: 0 });
  const model = new Marble(data, { epochs: 20, seed: 0 });
  await model.fit(data);
  const emb = model.transform(data);
  const acc = knnAccuracy(emb, Array.from(data.y, (q) => THREE_CLASSES[q]), data.trainMask, data.testMask, 5);
  assert.ok(acc >= 0.95, `accuracy ${acc}`);
});

test("paraboloid with local gauges: fields separate; with inner products constant vs vortex separate", async () => {
  const c = toyFieldConditions({ numPoints: 512, surface: "paraboloid", alpha: 0.05, seed: 0 });
  const data = constructDataset({ anchor: c.anchor, vector: c.vector, k: 20, localGauges: true, seed: 0 });
  assert.equal(data.localGauges, true);
  assert.equal(data.dimMan, 2);
  // local frames, no inner products: all three classes
  const plain = new Marble(data, { epochs: 20, seed: 0 });
  await plain.fit(data);
  const acc3 = knnAccuracy(plain.transform(data), Array.from(data.y, (q) => THREE_CLASSES[q]), data.trainMask, data.testMask, 5);
  assert.ok(acc3 >= 0.95, `three-class accuracy ${acc3}`);
  // inner products are invariant to rotating all vectors of a node, and a rotation by π maps
  // constant (1, 1) onto constant (−1, −1) on this rotation-symmetric surface: those two cannot
  // be told apart by construction, but constant fields and vortices must be
  const ip = new Marble(data, { epochs: 20, innerProductFeatures: true, seed: 0 });
  await ip.fit(data);
  const acc2 = knnAccuracy(ip.transform(data), Array.from(data.y, (q) => TWO_CLASSES[q]), data.trainMask, data.testMask, 5);
  assert.ok(acc2 >= 0.95, `constant-vs-vortex accuracy ${acc2}`);
});
