/**
 * The J cached feature matrices of the heat-kernel expansion around a centre t₀ (see
 * features.ts): G(L^j y₀) for j < J with y₀ = exp(−t₀L) x, written node-major into a store
 * (node, term, channel). Called by ExpandedFeatures.recentre whenever t leaves the valid radius.
 */
import type { SparseMatrix } from "../core/sparse.js";
import { spmm } from "../core/sparse.js";
import { Matrix } from "../core/matrix.js";
import type { SimdKernels } from "../kernels/simd.js";
import type { GradientFeatures } from "./gradient.js";

/**
 * `lap` (an instance of its own, or null for the JavaScript spmm) computes the powers L^j y₀:
 * the one-kernel case of the SIMD derivative step, the same sums in the same order as spmm.
 */
export function writeExpansionTerms(
  grad: GradientFeatures, laplacian: SparseMatrix, lap: SimdKernels | null,
  y0: Matrix, terms: number, store: Float64Array | Float32Array,
): void {
  const C = grad.channels;
  let y = y0;
  // ping-pong between two buffers: a power is never written over the one it is computed from
  let ping: Float64Array | null = null, pong: Float64Array | null = null;
  for (let j = 0; j < terms; j++) {
    if (j > 0) {
      if (lap) {
        ping ??= new Float64Array(y.data.length);
        const next = lap.derivativeShared(y.data, y.cols, laplacian.rowPtr, laplacian.colIdx, [laplacian.values], ping);
        y = new Matrix(y.rows, y.cols, next);
        [ping, pong] = [pong, next];
      } else {
        y = spmm(laplacian, y);
      }
    }
    grad.forwardInto(y.data, store, terms * C, j * C);
  }
}
