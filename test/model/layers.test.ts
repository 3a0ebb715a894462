import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Random, SparseMatrix } from "../../src/core/index.js";
import { Linear } from "../../src/model/linear.js";
import { BatchNorm } from "../../src/model/batchnorm.js";
import { MLP } from "../../src/model/mlp.js";
import { reluForward, reluBackward } from "../../src/model/activation.js";
import { normalizeRows, normalizeRowsBackward, normalizeRowsTangent } from "../../src/model/normalize.js";
import { InnerProductFeatures } from "../../src/model/inner-product.js";
import { contrastiveLoss } from "../../src/model/loss.js";
import { checkGradient, randomArray, dot } from "./fd.js";

test("Linear backward matches finite differences", () => {
  const rng = new Random(1);
  const lin = new Linear(5, 4, true, rng);
  const rows = 3;
  const x = randomArray(rows * 5, rng), c = randomArray(rows * 4, rng);
  const f = () => dot(lin.forward(x, rows), c);
  const gx = lin.backward(x, c, rows, true)!;
  checkGradient("dX", x, gx, f);
  checkGradient("dW", lin.weight.data, lin.weight.grad!, f);
  checkGradient("db", lin.bias!.data, lin.bias!.grad!, f);
});

test("BatchNorm (training statistics) backward matches finite differences", () => {
  const rng = new Random(2);
  const bn = new BatchNorm(3);
  for (let j = 0; j < 3; j++) {
    bn.weight.data[j] = rng.uniform(0.5, 2);
    bn.bias.data[j] = rng.normal();
  }
  const rows = 6;
  const x = randomArray(rows * 3, rng), c = randomArray(rows * 3, rng);
  const f = () => dot(bn.forward(x, rows, true).y, c);
  const { cache } = bn.forward(x, rows, true);
  const gx = bn.backward(cache!, c);
  checkGradient("dX", x, gx, f);
  checkGradient("dγ", bn.weight.data, bn.weight.grad!, f);
  checkGradient("dβ", bn.bias.data, bn.bias.grad!, f);
});

test("BatchNorm evaluation mode uses running statistics", () => {
  const bn = new BatchNorm(1);
  const x = Float64Array.from([1, 2, 3, 4]);
  for (let k = 0; k < 200; k++) bn.forward(x, 4, true);
  // running mean → 2.5, running var → unbiased variance 5/3
  assert.ok(Math.abs(bn.runningMean.data[0] - 2.5) < 1e-6);
  assert.ok(Math.abs(bn.runningVar.data[0] - 5 / 3) < 1e-6);
  const y = bn.forward(Float64Array.from([2.5]), 1, false).y;
  assert.ok(Math.abs(y[0]) < 1e-6);
});

test("ReLU backward passes gradient only where the input is positive", () => {
  const x = Float64Array.from([-1, 0.5, 2, -0.1]);
  const y = reluForward(x);
  assert.deepEqual(Array.from(y), [0, 0.5, 2, 0]);
  assert.deepEqual(Array.from(reluBackward(y, Float64Array.from([1, 2, 3, 4]))), [0, 2, 3, 0]);
});

test("MLP (Linear → BatchNorm → ReLU → Dropout, Linear) backward matches finite differences", () => {
  const rng = new Random(3);
  const mlp = new MLP(4, [6, 5], 3, { bias: true, batchNorm: true, dropout: 0.3 }, rng);
  const rows = 7;
  const x = randomArray(rows * 4, rng), c = randomArray(rows * 3, rng);
  // the same dropout mask in every evaluation: a fresh generator with a fixed seed
  const f = () => dot(mlp.forward(x, rows, true, new Random(9)).y, c);
  const { cache } = mlp.forward(x, rows, true, new Random(9));
  const gx = mlp.backward(cache, c, true)!;
  checkGradient("dX", x, gx, f);
  for (const p of mlp.parameters) checkGradient(p.name, p.data, p.grad!, f);
});

test("unit normalisation: backward and forward-mode derivative match finite differences", () => {
  const rng = new Random(4);
  const x = randomArray(4 * 3, rng), c = randomArray(4 * 3, rng);
  const f = () => dot(normalizeRows(x, 3), c);
  checkGradient("dX", x, normalizeRowsBackward(x, c, 3), f);
  const dx = randomArray(12, rng);
  const tangent = normalizeRowsTangent(x, dx, 3);
  const h = 1e-6;
  const xp = x.map((v, i) => v + h * dx[i]), xm = x.map((v, i) => v - h * dx[i]);
  const yp = normalizeRows(xp, 3), ym = normalizeRows(xm, 3);
  for (let i = 0; i < 12; i++) assert.ok(Math.abs((yp[i] - ym[i]) / (2 * h) - tangent[i]) < 1e-7);
});

test("inner-product features: backward matches finite differences, output is rotation invariant", () => {
  const rng = new Random(5);
  const s = 3, blocks = [1, 3, 9];
  const ip = new InnerProductFeatures(s, blocks);
  assert.equal(ip.outChannels, 13);
  for (let i = 0; i < ip.weight.data.length; i++) ip.weight.data[i] += 0.1 * rng.normal();
  const rows = 2;
  const x = randomArray(rows * 13 * s, rng).map((v) => 0.3 * v);
  const c = randomArray(rows * 13, rng);
  const f = () => dot(ip.forward(x, rows), c);
  const y = ip.forward(x, rows);
  const gx = ip.backward(x, y, c, rows);
  checkGradient("dX", x, gx, f);
  checkGradient("dO", ip.weight.data, ip.weight.grad!, f);

  // with O_j = identity, rotating every vector of a node leaves the output unchanged
  const fresh = new InnerProductFeatures(s, blocks);
  const th = 0.7;
  const R = [Math.cos(th), -Math.sin(th), 0, Math.sin(th), Math.cos(th), 0, 0, 0, 1];
  const rotated = x.slice();
  let off = 0;
  for (const nv of blocks) {
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < nv; v++) {
        const base = r * 13 * s + off;
        const vec = [0, 1, 2].map((cc) => x[base + cc * nv + v]);
        for (let a = 0; a < 3; a++) rotated[base + a * nv + v] = R[a * 3] * vec[0] + R[a * 3 + 1] * vec[1] + R[a * 3 + 2] * vec[2];
      }
    }
    off += nv * s;
  }
  const y1 = fresh.forward(x, rows), y2 = fresh.forward(rotated, rows);
  for (let i = 0; i < y1.length; i++) assert.ok(Math.abs(y1[i] - y2[i]) < 1e-12);
});

test("inner-product features of scalar signals are absolute values", () => {
  const ip = new InnerProductFeatures(1, [1, 2]);
  const y = ip.forward(Float64Array.from([-2, 3, -0.5]), 1);
  assert.deepEqual(Array.from(y), [2, 3, 0.5]);
  const g = ip.backward(Float64Array.from([-2, 3, -0.5]), y, Float64Array.from([1, 1, 1]), 1);
  assert.deepEqual(Array.from(g), [-1, 1, -1]);
});

test("contrastive loss (with mask term) backward matches finite differences", () => {
  const rng = new Random(6);
  const B = 4, cols = 3;
  const z = randomArray(3 * B * cols, rng);
  const masked = Uint8Array.from({ length: 3 * B }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const { grad } = contrastiveLoss(z, cols, masked);
  checkGradient("dz", z, grad, () => contrastiveLoss(z, cols, masked).loss);
  const plain = contrastiveLoss(z, cols);
  checkGradient("dz (no mask)", z, plain.grad, () => contrastiveLoss(z, cols).loss);
  // identical anchors/positives with large dot products and orthogonal negatives give a small loss
  const good = new Float64Array(3 * 1 * 2);
  good.set([5, 0, 5, 0, 0, 5]);
  assert.ok(contrastiveLoss(good, 2).loss < 0.01 + Math.log(2));
});

test("sparse kernels helper sanity: SparseMatrix products used by the layers", () => {
  const K = SparseMatrix.fromTriplets(2, 2, [0, 0, 1], [0, 1, 1], [1, 2, 3]);
  assert.deepEqual(K.toDense().toArray(), [[1, 2], [0, 3]]);
  assert.ok(Matrix.from([[1]]).rows === 1);
});
