import { Matrix, SparseMatrix, spmm, Random } from "../src/index.js";
import type { BenchCase } from "./types.js";

export const cases: BenchCase[] = [
  {
    name: "spmm 200k×200k (3M nnz) × 10 channels",
    run: () => {
      const rng = new Random(0);
      const n = 200_000, per = 15;
      const ri = new Int32Array(n * per), ci = new Int32Array(n * per), v = new Float64Array(n * per);
      for (let i = 0, e = 0; i < n; i++) for (let k = 0; k < per; k++, e++) { ri[e] = i; ci[e] = rng.int(n); v[e] = rng.normal(); }
      const A = SparseMatrix.fromTriplets(n, n, ri, ci, v);
      const X = new Matrix(n, 10, Float64Array.from({ length: n * 10 }, () => rng.normal()));
      const t0 = performance.now();
      for (let r = 0; r < 5; r++) spmm(A, X);
      return { nnz: A.nnz, msPerProduct: (performance.now() - t0) / 5 };
    },
  },
];
