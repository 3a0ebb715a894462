import { Matrix, type MatrixLike } from "../core/matrix.js";
import { SparseMatrix } from "../core/sparse.js";
import { toMatrix } from "../core/validate.js";
import { withDiagonal, blockPattern, blockEntry } from "./pattern.js";

/**
 * Directional-derivative kernels (Beaini et al. 2021, as used by MARBLE), one n × n sparse matrix per
 * frame direction a: F_a(i, j) = ⟨p_j − p_i, e_a(i)⟩ on every edge, each row divided by the sum of its
 * absolute values, then minus the row sum on the diagonal, so (K_a f)(i) = Σ_j F̃_a(i, j)(f_j − f_i).
 * A row whose edges are all orthogonal to e_a (sum of |F| = 0) stays zero rather than dividing by 0.
 *
 * `gauges` is n × d·m (row i = e_1(i), …, e_m(i)); the adjacency supplies the edges (weights unused).
 */
export function directionalKernels(points: MatrixLike, adjacency: SparseMatrix, gauges: Matrix, m: number): SparseMatrix[] {
  const p = toMatrix(points, "points");
  const n = p.rows, d = p.cols, X = p.data, G = gauges.data, w = d * m;
  if (gauges.rows !== n || gauges.cols !== w) throw new RangeError(`directionalKernels: gauges must be ${n} × ${w}, got ${gauges.rows} × ${gauges.cols}`);
  const pat = withDiagonal(adjacency);
  const nnz = pat.rowPtr[n];
  const vals = Array.from({ length: m }, () => new Float64Array(nnz));
  const absSum = new Float64Array(m), rowSum = new Float64Array(m);
  const diff = new Float64Array(d);
  // one pass over the edges computes all m projections (the edge vector is read once)
  for (let i = 0; i < n; i++) {
    absSum.fill(0);
    for (let q = adjacency.rowPtr[i]; q < adjacency.rowPtr[i + 1]; q++) {
      const j = adjacency.colIdx[q];
      if (j === i) continue;
      for (let t = 0; t < d; t++) diff[t] = X[j * d + t] - X[i * d + t];
      const pos = pat.edgePos[q];
      for (let a = 0; a < m; a++) {
        let f = 0;
        const g = i * w + a * d;
        for (let t = 0; t < d; t++) f += diff[t] * G[g + t];
        vals[a][pos] = f;
        absSum[a] += Math.abs(f);
      }
    }
    rowSum.fill(0);
    for (let q = adjacency.rowPtr[i]; q < adjacency.rowPtr[i + 1]; q++) {
      if (adjacency.colIdx[q] === i) continue;
      const pos = pat.edgePos[q];
      for (let a = 0; a < m; a++) {
        const v = absSum[a] > 0 ? vals[a][pos] / absSum[a] : 0;
        vals[a][pos] = v;
        rowSum[a] += v;
      }
    }
    for (let a = 0; a < m; a++) vals[a][pat.diagPos[i]] = -rowSum[a];
  }
  const kernels = vals.map((v) => new SparseMatrix(n, n, pat.rowPtr, pat.colIdx, v));
  return kernels;
}

/**
 * Block (vector) form of scalar kernels for signals in local frames (rows i·m + r): the (i, j) block
 * is F̃_a(i, j)·R_ij, transporting v_j into frame i before differencing, and the diagonal block is
 * F̃_a(i, i)·I_m = −(Σ_j F̃_a(i, j))·I_m, so (K_a v)(i) = Σ_j F̃_a(i, j)(R_ij v_j − v_i). With all
 * R_ij = I this is exactly K_a ⊗ I_m.
 *
 * The diagonal is kept so the derivative of a parallel (transported-constant) field is zero, as for
 * the scalar kernel. The reference multiplies the tiled kernel elementwise by a connection tensor
 * stored on its graph's entries; its graphs store self loops (cknn: as explicit zeros), so it keeps
 * the diagonal blocks too (test/fidelity: same features to 1e-6).
 */
export function blockKernels(kernels: SparseMatrix[], adjacency: SparseMatrix, connections: Float64Array, m: number): SparseMatrix[] {
  const n = adjacency.rows, mm = m * m;
  const pat = withDiagonal(adjacency);
  const { rowPtr, colIdx } = blockPattern(pat, m);
  return kernels.map((K) => {
    if (K.rowPtr.length !== pat.rowPtr.length || K.nnz !== pat.rowPtr[n]) throw new RangeError("blockKernels: kernel pattern does not match the adjacency");
    const vals = new Float64Array(colIdx.length);
    for (let i = 0; i < n; i++) {
      for (let q = adjacency.rowPtr[i]; q < adjacency.rowPtr[i + 1]; q++) {
        const pos = pat.edgePos[q];
        const f = K.values[pos];
        for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) vals[blockEntry(pat, m, i, pos, r, c)] = f * connections[q * mm + r * m + c];
      }
      const dpos = pat.diagPos[i];
      const f = K.values[dpos];
      for (let r = 0; r < m; r++) vals[blockEntry(pat, m, i, dpos, r, r)] = f;
    }
    return new SparseMatrix(n * m, n * m, rowPtr, colIdx, vals);
  });
}
