/**
 * Small hand-built MarbleDatasets for the model tests (global gauges): brute-force k-NN graph
 * per condition, directional-derivative kernels as in the method doc, random-walk Laplacian and
 * a heat-kernel operator from scaled Taylor steps (exact to ~1e-14 for the sizes used here).
 */
import { Matrix, SparseMatrix, spmm, Random } from "../../src/core/index.js";
import type { MarbleDataset, DiffusionOperator } from "../../src/geometry/types.js";

export function heatOperator(L: SparseMatrix): DiffusionOperator {
  const LT = L.transpose();
  let norm = 0;
  for (let i = 0; i < L.rows; i++) {
    let s = 0;
    for (let p = L.rowPtr[i]; p < L.rowPtr[i + 1]; p++) s += Math.abs(L.values[p]);
    norm = Math.max(norm, s);
  }
  const expm = (A: SparseMatrix, x: Matrix, t: number): Matrix => {
    const steps = Math.max(1, Math.ceil((t * norm) / 0.5));
    if (!(steps < 1e5)) throw new RangeError(`heat operator: t = ${t} is too large for this test helper`);
    const h = t / steps;
    let y = x.clone();
    for (let s = 0; s < steps; s++) {
      let term = y.clone();
      const acc = y.clone();
      for (let k = 1; k <= 30; k++) {
        term = spmm(A, term);
        const c = -h / k;
        for (let i = 0; i < term.data.length; i++) term.data[i] *= c;
        let mx = 0;
        for (let i = 0; i < term.data.length; i++) {
          acc.data[i] += term.data[i];
          mx = Math.max(mx, Math.abs(term.data[i]));
        }
        if (mx < 1e-18) break;
      }
      y = acc;
    }
    return y;
  };
  return {
    size: L.rows,
    apply: (x, t) => expm(L, x, t),
    applyTranspose: (g, t) => expm(LT, g, t),
    applyWithDerivative: (x, t) => {
      const value = expm(L, x, t);
      const dt = spmm(L, value);
      for (let i = 0; i < dt.data.length; i++) dt.data[i] = -dt.data[i];
      return { value, dt };
    },
  };
}

/** Symmetric k-NN adjacency (weights 1/distance, no self loops) within each condition block. */
export function knnAdjacency(pos: Matrix, slices: Int32Array, k: number): SparseMatrix {
  const d = pos.cols;
  const ri: number[] = [], ci: number[] = [];
  for (let c = 0; c + 1 < slices.length; c++) {
    const a = slices[c], b = slices[c + 1];
    for (let i = a; i < b; i++) {
      const cand: [number, number][] = [];
      for (let j = a; j < b; j++) {
        if (j === i) continue;
        let s = 0;
        for (let q = 0; q < d; q++) s += (pos.data[i * d + q] - pos.data[j * d + q]) ** 2;
        cand.push([s, j]);
      }
      cand.sort((u, v) => u[0] - v[0]);
      for (let q = 0; q < Math.min(k, cand.length); q++) {
        ri.push(i, cand[q][1]);
        ci.push(cand[q][1], i);
      }
    }
  }
  const ones = new Float64Array(ri.length).fill(1);
  const pattern = SparseMatrix.fromTriplets(pos.rows, pos.rows, ri, ci, ones);
  const vals = new Float64Array(pattern.nnz);
  for (let i = 0; i < pos.rows; i++) {
    for (let p = pattern.rowPtr[i]; p < pattern.rowPtr[i + 1]; p++) {
      const j = pattern.colIdx[p];
      let s = 0;
      for (let q = 0; q < d; q++) s += (pos.data[i * d + q] - pos.data[j * d + q]) ** 2;
      vals[p] = 1 / Math.sqrt(s);
    }
  }
  return new SparseMatrix(pos.rows, pos.rows, pattern.rowPtr, pattern.colIdx, vals);
}

/** Kernels K_a with F(i,j) = ⟨p_j − p_i, e_a⟩ (global axes), rows divided by Σ|F|, minus row sum on the diagonal. */
export function derivativeKernels(pos: Matrix, adj: SparseMatrix): SparseMatrix[] {
  const d = pos.cols, n = pos.rows;
  const out: SparseMatrix[] = [];
  for (let a = 0; a < d; a++) {
    const ri: number[] = [], ci: number[] = [], v: number[] = [];
    for (let i = 0; i < n; i++) {
      let abs = 0;
      for (let p = adj.rowPtr[i]; p < adj.rowPtr[i + 1]; p++) abs += Math.abs(pos.data[adj.colIdx[p] * d + a] - pos.data[i * d + a]);
      let sum = 0;
      for (let p = adj.rowPtr[i]; p < adj.rowPtr[i + 1]; p++) {
        const j = adj.colIdx[p];
        const f = abs > 0 ? (pos.data[j * d + a] - pos.data[i * d + a]) / abs : 0;
        ri.push(i);
        ci.push(j);
        v.push(f);
        sum += f;
      }
      ri.push(i);
      ci.push(i);
      v.push(-sum);
    }
    out.push(SparseMatrix.fromTriplets(n, n, ri, ci, v));
  }
  return out;
}

export function randomWalkLaplacian(adj: SparseMatrix): SparseMatrix {
  const n = adj.rows;
  const ri: number[] = [], ci: number[] = [], v: number[] = [];
  for (let i = 0; i < n; i++) {
    let deg = 0;
    for (let p = adj.rowPtr[i]; p < adj.rowPtr[i + 1]; p++) deg += adj.values[p];
    ri.push(i);
    ci.push(i);
    v.push(1);
    for (let p = adj.rowPtr[i]; p < adj.rowPtr[i + 1]; p++) {
      ri.push(i);
      ci.push(adj.colIdx[p]);
      v.push(-adj.values[p] / deg);
    }
  }
  return SparseMatrix.fromTriplets(n, n, ri, ci, v);
}

export function splitMasks(n: number, seed: number): { trainMask: Uint8Array; valMask: Uint8Array; testMask: Uint8Array } {
  const perm = new Random(seed).permutation(n);
  const trainMask = new Uint8Array(n), valMask = new Uint8Array(n), testMask = new Uint8Array(n);
  const nTrain = Math.round(0.8 * n), nVal = Math.round(0.1 * n);
  perm.forEach((node, r) => {
    if (r < nTrain) trainMask[node] = 1;
    else if (r < nTrain + nVal) valMask[node] = 1;
    else testMask[node] = 1;
  });
  return { trainMask, valMask, testMask };
}

/** A global-gauge dataset from conditions given as (positions, vectors) pairs. */
export function buildToyDataset(conditions: { pos: number[][]; x: number[][] }[], opts: { k?: number; seed?: number; label?: number[] } = {}): MarbleDataset {
  const k = opts.k ?? 10;
  const pos = Matrix.from(conditions.flatMap((c) => c.pos));
  const x = Matrix.from(conditions.flatMap((c) => c.x));
  const n = pos.rows, d = pos.cols;
  const slices = new Int32Array(conditions.length + 1);
  const y = new Int32Array(n);
  conditions.forEach((c, i) => {
    slices[i + 1] = slices[i] + c.pos.length;
    y.fill(i, slices[i], slices[i + 1]);
  });
  const adjacency = knnAdjacency(pos, slices, k);
  const laplacian = randomWalkLaplacian(adjacency);
  const gauges = new Matrix(n, d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) gauges.data[i * d * d + a * d + a] = 1;
  return {
    numNodes: n,
    dim: d,
    pos,
    x,
    y,
    label: opts.label ? Float64Array.from(opts.label) : null,
    mask: null,
    sampleInd: conditions.map((c) => Int32Array.from(c.pos.map((_, i) => i))),
    slices,
    graph: { numNodes: n, adjacency },
    dimMan: d,
    gauges,
    localGauges: false,
    kernels: derivativeKernels(pos, adjacency),
    connections: null,
    laplacian,
    connectionLaplacian: null,
    diffusion: heatOperator(laplacian),
    vectorDiffusion: null,
    ...splitMasks(n, opts.seed ?? 0),
    params: { k },
  };
}

/** The four toy fields on `count` random points of [−1, 1]² (method doc §6), flat. */
export function toyFields(count: number, seed: number): { pos: number[][]; x: number[][] }[] {
  const rng = new Random(seed);
  const fields: ((p: number[]) => number[])[] = [
    () => [1, 0],
    () => [-1, 0],
    ([u, v]) => [-v, u],
    ([u, v]) => [v, -u],
  ];
  return fields.map((f) => {
    const pos: number[][] = [];
    for (let i = 0; i < count; i++) pos.push([rng.uniform(-1, 1), rng.uniform(-1, 1)]);
    return { pos, x: pos.map(f) };
  });
}

/** Leave-out k-NN accuracy: nodes with trainMask vote for the labels of the test-mask nodes. */
export function knnAccuracy(emb: Matrix, labels: ArrayLike<number>, trainMask: Uint8Array, testMask: Uint8Array, k = 5): number {
  const c = emb.cols;
  const train: number[] = [];
  for (let i = 0; i < emb.rows; i++) if (trainMask[i]) train.push(i);
  let correct = 0, total = 0;
  for (let i = 0; i < emb.rows; i++) {
    if (!testMask[i]) continue;
    const d = train.map((j) => {
      let s = 0;
      for (let q = 0; q < c; q++) s += (emb.data[i * c + q] - emb.data[j * c + q]) ** 2;
      return [s, labels[j]] as [number, number];
    });
    d.sort((a, b) => a[0] - b[0]);
    const votes = new Map<number, number>();
    for (let q = 0; q < k; q++) votes.set(d[q][1], (votes.get(d[q][1]) ?? 0) + 1);
    let best = -1, bestVotes = -1;
    for (const [l, v] of votes) if (v > bestVotes) [best, bestVotes] = [l, v];
    if (best === labels[i]) correct++;
    total++;
  }
  return correct / total;
}
