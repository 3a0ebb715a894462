// `marble fit --reference authors` as a user runs it: the authors' choices reach the dataset (their
// connectivity rule, float32 inputs) and the model, are recorded in the checkpoint, and
// `marble transform` builds new data the way the model was trained.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Matrix } from "../../src/core/index.js";
import { writeNpy, readNpy, npyToMatrix } from "../../src/io/npy.js";
import { marble, workspace } from "./run-marble.js";

const ws = workspace();
after(() => ws.cleanup());
const dir = ws.dir;

/** A smooth, non-linear field (a linear one gives every node of a condition the same features). */
const field = (x: number, y: number): [number, number] => [Math.sin(3 * y), Math.cos(2 * x) + 0.3 * x * y];

/** Points on a jittered grid of `cols` columns, shifted by `dx`. */
function jittered(count: number, cols: number, dx: number, salt: number): number[][] {
  return Array.from({ length: count }, (_, j) => [(j % cols) / (cols - 1) + 0.05 * Math.sin(7 * j + salt) + dx, Math.floor(j / cols) / 4 + 0.05 * Math.cos(5 * j + salt)]);
}

function writeCase(name: string, pts: number[][]): void {
  writeNpy(Matrix.from(pts), join(dir, `${name}-pos.npy`));
  writeNpy(Matrix.from(pts.map(([x, y]) => field(x, y))), join(dir, `${name}-vel.npy`));
}
// two clusters of 30 points 10 apart: a graph with two components
writeCase("far", [...jittered(30, 6, 0, 0), ...jittered(30, 6, 10, 1)]);
// one connected cloud of 80 points
writeCase("one", jittered(80, 10, 0, 2));

const far = ["--anchor", "far-pos.npy", "--vector", "far-vel.npy", "--k", "5", "--epochs", "2", "--batch-size", "16", "--quiet"];
const manifest = (run: string) => JSON.parse(readFileSync(join(dir, run, "model.json"), "utf8"));

/** The reference-mode run on the two clusters, shared by the tests that read it. */
let fitted: ReturnType<typeof marble> | null = null;
const fitReference = () => (fitted ??= marble(["fit", ...far, "--reference", "authors", "--out", "run-ref"], dir));

test("--reference authors: a disconnected graph is refused by default and trained on in reference mode; the checkpoint records the mode", async () => {
  const own = await marble(["fit", ...far, "--out", "run-own"], dir);
  assert.equal(own.code, 1, own.stderr);
  assert.match(own.stderr, /not connected: 2 components/);

  const ref = await fitReference();
  assert.equal(ref.code, 0, ref.stderr);
  const m = manifest("run-ref");
  assert.equal(m.params.reference, "authors", "model option recorded");
  assert.equal(m.dataParams.reference, "authors", "dataset option recorded");
});

test("marble transform builds the data in the checkpoint's reference mode", async () => {
  assert.equal((await fitReference()).code, 0);
  const out = await marble(["transform", "--model", "run-ref", "--anchor", "far-pos.npy", "--vector", "far-vel.npy", "--output", "far-z.npy"], dir);
  assert.equal(out.code, 0, out.stderr);
  const z = npyToMatrix(readNpy(join(dir, "far-z.npy")));
  assert.deepEqual([z.rows, z.cols], [60, 3]);
  assert.ok(Array.from(z.data).every(Number.isFinite));
  // the mode is a training option: transform does not take it
  const refused = await marble(["transform", "--model", "run-ref", "--anchor", "far-pos.npy", "--vector", "far-vel.npy", "--output", "z2.npy", "--reference", "marblelab"], dir);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--reference.*training option/);
});

test("--reference authors changes the training of a connected dataset, and only in the ways it names", async () => {
  const pairs = ["--anchor", "one-pos.npy", "--vector", "one-vel.npy", "--k", "8", "--epochs", "2", "--batch-size", "16", "--quiet"];
  const a = await marble(["fit", ...pairs, "--out", "run-a", "--embedding", "a.npy"], dir);
  const b = await marble(["fit", ...pairs, "--reference", "authors", "--out", "run-b", "--embedding", "b.npy"], dir);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const ma = manifest("run-a"), mb = manifest("run-b");
  // everything but the mode is the same
  assert.deepEqual({ ...ma.params, reference: "authors" }, mb.params);
  assert.deepEqual({ ...ma.dataParams, reference: "authors" }, mb.dataParams);
  assert.equal(ma.params.reference, "marblelab");
  // same graph and initial weights: the positives (a node itself about once in deg + 1 draws) and
  // the float32 inputs change the training, hence the losses and the embedding
  assert.notDeepEqual(ma.trainLosses, mb.trainLosses);
  const za = npyToMatrix(readNpy(join(dir, "a.npy"))), zb = npyToMatrix(readNpy(join(dir, "b.npy")));
  assert.deepEqual([za.rows, za.cols], [zb.rows, zb.cols]);
  assert.notDeepEqual(Array.from(za.data), Array.from(zb.data));
});

test("--reference with a misspelt value is a usage error that names the choices", async () => {
  const r = await marble(["fit", ...far, "--reference", "author", "--out", "run-bad"], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--reference/);
  assert.match(r.stderr, /authors/);
});
