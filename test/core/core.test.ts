import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, matmul, SparseMatrix, spmm, spmmTransposed, spmv, Random, symmetricEigen, svd, toMatrix, withDefaults, ValidationError } from "../../src/index.js";

test("Matrix.from rejects ragged input naming the row", () => {
  assert.throws(() => Matrix.from([[1, 2], [3]], "anchor"), /anchor: row 1 has length 1/);
});

test("sparse products agree with dense products", () => {
  const rng = new Random(3);
  const n = 7, m = 5, c = 3;
  const ri: number[] = [], ci: number[] = [], v: number[] = [];
  for (let e = 0; e < 20; e++) {
    ri.push(rng.int(n));
    ci.push(rng.int(m));
    v.push(rng.normal());
  }
  const A = SparseMatrix.fromTriplets(n, m, ri, ci, v);
  const X = new Matrix(m, c, Float64Array.from({ length: m * c }, () => rng.normal()));
  const dense = matmul(A.toDense(), X);
  const sp = spmm(A, X);
  for (let i = 0; i < dense.data.length; i++) assert.ok(Math.abs(dense.data[i] - sp.data[i]) < 1e-12);
  const Y = new Matrix(n, c, Float64Array.from({ length: n * c }, () => rng.normal()));
  const denseT = matmul(A.toDense().transpose(), Y);
  const spT = spmmTransposed(A, Y);
  const spT2 = spmm(A.transpose(), Y);
  for (let i = 0; i < denseT.data.length; i++) {
    assert.ok(Math.abs(denseT.data[i] - spT.data[i]) < 1e-12);
    assert.ok(Math.abs(denseT.data[i] - spT2.data[i]) < 1e-12);
  }
  const x = X.col(0);
  const y = spmv(A, x);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(y[i] - dense.data[i * c]) < 1e-12);
});

test("fromTriplets sums duplicates and sorts columns", () => {
  const A = SparseMatrix.fromTriplets(2, 3, [0, 0, 0, 1], [2, 0, 2, 1], [1, 2, 3, 4]);
  assert.deepEqual(Array.from(A.colIdx), [0, 2, 1]);
  assert.deepEqual(Array.from(A.values), [2, 4, 4]);
});

test("Random is reproducible and roughly uniform/normal", () => {
  const a = new Random(42), b = new Random(42), c = new Random(43);
  const xa = Array.from({ length: 5 }, () => a.random());
  const xb = Array.from({ length: 5 }, () => b.random());
  const xc = Array.from({ length: 5 }, () => c.random());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
  const r = new Random(1);
  let s = 0, s2 = 0;
  const N = 20000;
  for (let i = 0; i < N; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / N) < 0.03);
  assert.ok(Math.abs(s2 / N - 1) < 0.05);
});

test("symmetricEigen reconstructs the matrix", () => {
  const rng = new Random(7);
  const n = 5;
  const B = new Matrix(n, n, Float64Array.from({ length: n * n }, () => rng.normal()));
  const A = matmul(B, B.transpose());
  const { values, vectors } = symmetricEigen(A);
  for (let i = 1; i < n; i++) assert.ok(values[i - 1] >= values[i]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors.get(i, k) * values[k] * vectors.get(j, k);
      assert.ok(Math.abs(s - A.get(i, j)) < 1e-9, `entry ${i},${j}`);
    }
  }
});

test("svd reconstructs tall, wide and rank-deficient matrices", () => {
  const rng = new Random(11);
  for (const [r, c] of [[9, 3], [3, 8], [4, 4]] as const) {
    const A = new Matrix(r, c, Float64Array.from({ length: r * c }, () => rng.normal()));
    if (r === 4) for (let i = 0; i < r; i++) A.set(i, 3, A.get(i, 0) * 2); // rank 3
    const { U, S, V } = svd(A);
    const k = Math.min(r, c);
    assert.equal(S.length, k);
    for (let i = 1; i < k; i++) assert.ok(S[i - 1] >= S[i]);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += U.get(i, t) * S[t] * V.get(j, t);
        assert.ok(Math.abs(s - A.get(i, j)) < 1e-9);
      }
    }
    // V orthonormal
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      let s = 0;
      for (let t = 0; t < V.rows; t++) s += V.get(t, a) * V.get(t, b);
      assert.ok(Math.abs(s - (a === b ? 1 : 0)) < 1e-9);
    }
  }
});

test("validation names the argument", () => {
  assert.throws(() => toMatrix([[1, NaN]], "vector"), (e: Error) => e instanceof ValidationError && /vector: contains NaN at row 0, column 1/.test(e.message));
  assert.throws(() => toMatrix([[1, 2]], "anchor", { cols: 3 }), /anchor: expected 3 columns/);
  assert.throws(() => withDefaults({ k: 20, delta: 1 }, { kk: 3 } as any, "constructDataset"), /unknown option "kk"; did you mean "k"\? Valid options: k, delta/);
});
