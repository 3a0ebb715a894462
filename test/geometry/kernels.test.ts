import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, proximityGraph, directionalKernels, globalFrames, spmv, blockKernels, SparseMatrix } from "../../src/index.js";
import { grid } from "./helpers.js";

test("kernels on a grid give the slope of a linear function along each frame direction (sign and proportion)", () => {
  const side = 15;
  const p = grid(side, 0.1);
  const A = proximityGraph(p, { k: 8, delta: 1.2 }); // full 8-neighbourhoods, no floating-point ties
  // rotated orthonormal frame at every node: e_1 = (cos θ, sin θ), e_2 = (−sin θ, cos θ)
  const th = 0.3;
  const G = new Matrix(p.rows, 4);
  for (let i = 0; i < p.rows; i++) G.row(i).set([Math.cos(th), Math.sin(th), -Math.sin(th), Math.cos(th)]);
  for (const frames of [globalFrames(p.rows, 2), G]) {
    const K = directionalKernels(p, A, frames, 2);
    const [c1, c2] = [2.0, -0.7];
    const f = Float64Array.from({ length: p.rows }, (_, i) => c1 * p.get(i, 0) + c2 * p.get(i, 1) + 3);
    const slope = [0, 1].map((a) => c1 * frames.get(0, a * 2) + c2 * frames.get(0, a * 2 + 1));
    const out = K.map((k) => spmv(k, f));
    let checked = 0;
    for (let i = 0; i < p.rows; i++) {
      const x = Math.round(p.get(i, 0) / 0.1), y = Math.round(p.get(i, 1) / 0.1);
      if (x < 3 || y < 3 || x > side - 4 || y > side - 4) continue; // interior: symmetric neighbourhoods
      checked++;
      for (let a = 0; a < 2; a++) assert.equal(Math.sign(out[a][i]), Math.sign(slope[a]));
      // same positive factor for both directions: K_a f ∝ slope_a
      assert.ok(Math.abs(out[0][i] * slope[1] - out[1][i] * slope[0]) < 1e-9 * Math.max(1, Math.abs(out[0][i])));
    }
    assert.ok(checked > 50);
    // constants are annihilated (rows sum to zero)
    for (const k of K) for (const v of spmv(k, new Float64Array(p.rows).fill(5))) assert.ok(Math.abs(v) < 1e-12);
  }
});

test("with identity connections the block kernels equal K ⊗ I_m", () => {
  const p = grid(6, 1);
  const A = proximityGraph(p, { k: 4 });
  const K = directionalKernels(p, A, globalFrames(p.rows, 2), 2);
  const m = 2;
  const R = new Float64Array(A.nnz * 4);
  for (let q = 0; q < A.nnz; q++) { R[q * 4] = 1; R[q * 4 + 3] = 1; }
  const B = blockKernels(K, A, R, m);
  for (let a = 0; a < 2; a++) {
    const dense = K[a].toDense(), big = B[a].toDense();
    for (let i = 0; i < p.rows; i++) for (let j = 0; j < p.rows; j++) for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) {
      assert.equal(big.get(i * m + r, j * m + c), r === c ? dense.get(i, j) : 0);
    }
  }
  assert.ok(B[0] instanceof SparseMatrix && B[0].rows === p.rows * m);
});
