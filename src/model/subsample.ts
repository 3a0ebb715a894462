/**
 * Neighbour subsampling for the derivative kernels (fracSampledNb): each node keeps a random
 * fraction of its neighbours (the same ones for every direction), and each kernel row is
 * renormalised as in its construction — off-diagonal entries rescaled so their absolute values
 * keep their sum, the diagonal reset to minus the row's off-diagonal sum.
 */
import { SparseMatrix } from "../core/sparse.js";
import type { Random } from "../core/random.js";
import { ValidationError } from "../core/validate.js";

export function subsampleKernels(kernels: SparseMatrix[], numNodes: number, frac: number, rng: Random): SparseMatrix[] {
  if (frac === -1 || frac >= 1) return kernels;
  const n = kernels[0].rows;
  if (n !== numNodes) {
    throw new ValidationError("Marble: fracSampledNb is only supported with global gauges (scalar kernels); use fracSampledNb: -1 with local gauges");
  }
  // choose the kept neighbours per node from the union of the kernels' patterns
  const keep: Set<number>[] = [];
  for (let i = 0; i < n; i++) {
    const nb = new Set<number>();
    for (const K of kernels) for (let p = K.rowPtr[i]; p < K.rowPtr[i + 1]; p++) if (K.colIdx[p] !== i) nb.add(K.colIdx[p]);
    const list = Array.from(nb).sort((a, b) => a - b);
    rng.shuffle(list);
    const count = Math.max(1, Math.ceil(frac * list.length));
    keep.push(new Set(list.slice(0, count)));
  }
  return kernels.map((K) => {
    const ri: number[] = [], ci: number[] = [], v: number[] = [];
    for (let i = 0; i < n; i++) {
      let all = 0, kept = 0;
      for (let p = K.rowPtr[i]; p < K.rowPtr[i + 1]; p++) {
        const j = K.colIdx[p];
        if (j === i) continue;
        all += Math.abs(K.values[p]);
        if (keep[i].has(j)) kept += Math.abs(K.values[p]);
      }
      const scale = kept > 0 ? all / kept : 0;
      let sum = 0;
      for (let p = K.rowPtr[i]; p < K.rowPtr[i + 1]; p++) {
        const j = K.colIdx[p];
        if (j === i || !keep[i].has(j)) continue;
        const w = K.values[p] * scale;
        ri.push(i);
        ci.push(j);
        v.push(w);
        sum += w;
      }
      ri.push(i);
      ci.push(i);
      v.push(-sum);
    }
    return SparseMatrix.fromTriplets(n, n, ri, ci, v);
  });
}
