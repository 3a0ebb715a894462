// The reference mode (reference: "authors"): one check of its values everywhere, and each of the
// authors' choices it reproduces, shown against the default on small inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { reportMeasure } from "./authors-fixtures.js";
import { Matrix, Random, constructDataset, Marble, embed2D, vanDerPolConditions, ValidationError, resolveMarbleParams } from "../../src/index.js";

function twoClusters(n: number, gap: number, seed = 1): { anchor: Matrix; vector: Matrix } {
  const rng = new Random(seed);
  const anchor = new Matrix(2 * n, 2), vector = new Matrix(2 * n, 2);
  for (let i = 0; i < 2 * n; i++) {
    anchor.data[2 * i] = rng.random() + (i < n ? 0 : gap);
    anchor.data[2 * i + 1] = rng.random();
    vector.data[2 * i] = 1;
    vector.data[2 * i + 1] = anchor.data[2 * i];
  }
  return { anchor, vector };
}

test("reference: a misspelt value is refused the same way by every option that takes it", () => {
  const { anchor, vector } = twoClusters(20, 0);
  const bad = "author" as never;
  const calls: [string, () => unknown][] = [
    ["constructDataset", () => constructDataset({ anchor, vector, k: 5, reference: bad })],
    ["Marble", () => resolveMarbleParams({ reference: bad })],
    ["embed2D", () => embed2D(Matrix.from([[0, 1, 2], [1, 0, 1], [2, 1, 0]]), { method: "mds", reference: bad })],
    ["vanDerPolConditions", () => vanDerPolConditions({ mus: [0], numInitial: 2, reference: bad })],
  ];
  for (const [where, call] of calls) {
    assert.throws(call, (e: Error) => e instanceof ValidationError && e.message.includes(where) && e.message.includes('did you mean "authors"'), where);
  }
});

test("connectivity: disconnected graphs are refused by default and accepted in reference mode; isolated nodes are refused in both", () => {
  const { anchor, vector } = twoClusters(30, 10);
  assert.throws(() => constructDataset({ anchor, vector, k: 5 }), /is not connected: \d+ components/);
  const data = constructDataset({ anchor, vector, k: 5, reference: "authors" });
  assert.equal(data.numNodes, 60);
  // a lone far point: cknn links it to nothing (its k-th neighbour is far, theirs near)
  const lone = new Matrix(61, 2, Float64Array.from([...anchor.data.subarray(0, 60 * 2), 1000, 1000]));
  const v = new Matrix(61, 2, Float64Array.from([...vector.data.subarray(0, 60 * 2), 1, 0]));
  assert.throws(() => constructDataset({ anchor: lone, vector: v, k: 5, reference: "authors" }), /1 node without neighbours \(60\)/);
});

test("positives: true neighbours by default; in reference mode the node itself about once in deg + 1 draws", () => {
  const { anchor, vector } = twoClusters(40, 0);
  const data = constructDataset({ anchor, vector, k: 6 });
  const { rowPtr } = data.graph.adjacency;
  const anchors = Int32Array.from({ length: 80 }, (_, i) => i);
  let expected = 0;
  for (let i = 0; i < 80; i++) expected += 1 / (rowPtr[i + 1] - rowPtr[i] + 1);
  for (const reference of ["marblelab", "authors"] as const) {
    const model = new Marble(data, { reference, epochs: 1 });
    // sampleBatch is private: the sampler is what this test is about
    const sample = (model as unknown as { sampleBatch(d: typeof data, a: Int32Array, r: Random): Int32Array }).sampleBatch.bind(model);
    const rng = new Random(3);
    let self = 0;
    const rounds = 200;
    for (let r = 0; r < rounds; r++) {
      const nodes = sample(data, anchors, rng);
      for (let b = 0; b < 80; b++) if (nodes[80 + b] === b) self++;
    }
    const share = self / (rounds * 80), want = reference === "authors" ? expected / 80 : 0;
    reportMeasure(`${reference === "authors" ? "reference mode" : "default"}: positive = anchor in ${(100 * share).toFixed(2)} % of draws (expected ${(100 * want).toFixed(2)} %)`);
    assert.ok(Math.abs(share - want) < 0.01);
  }
});

test("MDS in reference mode: random starts only (scikit-learn's 20), no classical start", () => {
  const rng = new Random(5);
  const pts = Array.from({ length: 12 }, () => [rng.random(), rng.random(), rng.random()]);
  const D = Matrix.from(pts.map((p) => pts.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]))));
  const a = embed2D(D, { method: "mds", seed: 0, reference: "authors" });
  const b = embed2D(D, { method: "mds", seed: 0 });
  assert.equal(a.rows, 12);
  assert.notDeepEqual(Array.from(a.data), Array.from(b.data));
});
