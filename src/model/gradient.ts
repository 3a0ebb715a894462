/**
 * Gradient features: repeated application of the directional-derivative kernels K_1..K_m.
 *
 * Signals are "fields": one row per kernel row (n rows in scalar form; n·m rows, node-major,
 * with local gauges, where the kernels act on m-vectors) and C columns. One derivative step maps
 * a field with C columns to one with C·m columns, column col·m + a holding K_a applied to column
 * col — so each input channel is followed by its m directional derivatives.
 *
 * The node features of order j are the node's r × C_j block of the order-j field, flattened
 * (r = 1 scalar form, r = m block form). Orders 0..o are concatenated (order 0 only with
 * includeSelf), giving s (m^(o+1) − 1)/(m − 1) channels with s = r · C_0.
 */
import type { SparseMatrix } from "../core/sparse.js";
import { normalizeRows, normalizeRowsTangent } from "./normalize.js";
import { simdKernels } from "../kernels/simd.js";

/** Whether all kernels store the same sparsity pattern (the usual case: one graph, m directions). */
export function sharePattern(kernels: SparseMatrix[]): boolean {
  const K0 = kernels[0];
  for (const K of kernels) {
    if (K === K0) continue;
    if (K.nnz !== K0.nnz || K.rows !== K0.rows) return false;
    for (let i = 0; i <= K.rows; i++) if (K.rowPtr[i] !== K0.rowPtr[i]) return false;
    for (let p = 0; p < K.nnz; p++) if (K.colIdx[p] !== K0.colIdx[p]) return false;
  }
  return true;
}

/**
 * One derivative step: out[:, col·m + a] = K_a field[:, col]. With a shared pattern, each
 * neighbour's field row is read once for all m directions and the m results land contiguously
 * (the memory traffic, not the arithmetic, is what costs here). `out` may receive the result
 * instead of a new array (SIMD path only; use the returned array).
 */
export function derivativeStep(field: Float64Array, cols: number, kernels: SparseMatrix[], shared = sharePattern(kernels), out?: Float64Array): Float64Array {
  const simd = shared && kernels.length > 1 ? simdKernels() : null;
  if (simd) {
    return simd.derivativeShared(field, cols, kernels[0].rowPtr, kernels[0].colIdx, kernels.map((K) => K.values), out);
  }
  return derivativeStepLoops(field, cols, kernels, shared);
}

/** The scalar reference of derivativeStep (the SIMD kernel reproduces it bit for bit). */
export function derivativeStepLoops(field: Float64Array, cols: number, kernels: SparseMatrix[], shared = sharePattern(kernels)): Float64Array {
  const m = kernels.length;
  if (shared && m > 1) {
    const rows = kernels[0].rows;
    const { rowPtr, colIdx } = kernels[0];
    const vals = kernels.map((K) => K.values);
    const outCols = cols * m;
    const out = new Float64Array(rows * outCols);
    // accumulate the row direction-major (acc[a·cols + c]) so the innermost loop runs over a
    // contiguous neighbour row, then interleave into out; per entry the same sums in the same order
    const acc = new Float64Array(outCols);
    for (let i = 0; i < rows; i++) {
      acc.fill(0);
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        const xj = colIdx[p] * cols;
        for (let a = 0; a < m; a++) {
          const va = vals[a][p];
          const ao = a * cols;
          for (let c = 0; c < cols; c++) acc[ao + c] += va * field[xj + c];
        }
      }
      const oi = i * outCols;
      for (let a = 0; a < m; a++) {
        const ao = a * cols;
        for (let c = 0; c < cols; c++) out[oi + c * m + a] = acc[ao + c];
      }
    }
    return out;
  }
  const rows = kernels[0].rows;
  const outCols = cols * m;
  const out = new Float64Array(rows * outCols);
  for (let a = 0; a < m; a++) {
    const { rowPtr, colIdx, values } = kernels[a];
    for (let i = 0; i < rows; i++) {
      const oi = i * outCols + a;
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        const v = values[p];
        const xj = colIdx[p] * cols;
        for (let c = 0; c < cols; c++) out[oi + c * m] += v * field[xj + c];
      }
    }
  }
  return out;
}

/** Adjoint of derivativeStep, given the transposed kernels: gField[:, col] = Σ_a K_aᵀ gOut[:, col·m + a]. */
export function derivativeStepTranspose(gOut: Float64Array, cols: number, kernelsT: SparseMatrix[]): Float64Array {
  const m = kernelsT.length;
  const rows = kernelsT[0].rows;
  const outCols = cols * m;
  const g = new Float64Array(rows * cols);
  for (let a = 0; a < m; a++) {
    const { rowPtr, colIdx, values } = kernelsT[a];
    for (let i = 0; i < rows; i++) {
      const gi = i * cols;
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        const v = values[p];
        const oj = colIdx[p] * outCols + a;
        for (let c = 0; c < cols; c++) g[gi + c] += v * gOut[oj + c * m];
      }
    }
  }
  return g;
}

/** Copies node-major blocks (n × widths[k]) side by side into rows of `out` at i·stride + offset. */
function placeBlocks(out: Float64Array | Float32Array, stride: number, offset: number, n: number, blocks: Float64Array[], widths: number[]): void {
  let off = offset;
  blocks.forEach((b, k) => {
    const w = widths[k];
    // plain index loops: a subarray per node costs more than the copy itself
    for (let i = 0; i < n; i++) {
      const src = i * w, dst = i * stride + off;
      for (let c = 0; c < w; c++) out[dst + c] = b[src + c];
    }
    off += w;
  });
}

export interface GradientFeatureOptions {
  order: number;
  includeSelf: boolean;
  /** Unit-normalise each order's features per node (also before taking the next derivative). */
  vecNorm: boolean;
}

/** The gradient-feature map for fixed kernels: forward, forward-mode derivative and backward. */
export class GradientFeatures {
  readonly kernels: SparseMatrix[];
  readonly numNodes: number;
  /** Rows per node of the fields (1 scalar form, m block form). */
  readonly blockSize: number;
  readonly signalCols: number;
  readonly opts: GradientFeatureOptions;
  private kernelsT: SparseMatrix[] | null = null;
  /** Reused outputs of the derivative steps in forwardInto, by order. */
  private readonly scratch: Float64Array[] = [];
  private readonly shared: boolean;

  constructor(kernels: SparseMatrix[], numNodes: number, signalCols: number, opts: GradientFeatureOptions) {
    if (kernels.length === 0) throw new RangeError("GradientFeatures: need at least one derivative kernel");
    const rows = kernels[0].rows;
    for (const K of kernels) {
      if (K.rows !== rows || K.cols !== rows) throw new RangeError(`GradientFeatures: kernels must all be square of size ${rows}, got ${K.rows} × ${K.cols}`);
    }
    if (rows % numNodes !== 0) throw new RangeError(`GradientFeatures: kernel size ${rows} is not a multiple of the node count ${numNodes}`);
    this.kernels = kernels;
    this.numNodes = numNodes;
    this.blockSize = rows / numNodes;
    this.signalCols = signalCols;
    this.opts = opts;
    this.shared = sharePattern(kernels);
  }

  get dimMan(): number {
    return this.kernels.length;
  }

  /** Signal channels s per node (r · C_0). */
  get signalChannels(): number {
    return this.blockSize * this.signalCols;
  }

  /** Field widths C_j of the orders that appear in the features. */
  get orderBlocks(): { order: number; cols: number }[] {
    const out: { order: number; cols: number }[] = [];
    for (let j = this.opts.includeSelf ? 0 : 1; j <= this.opts.order; j++) out.push({ order: j, cols: this.signalCols * this.dimMan ** j });
    return out;
  }

  get channels(): number {
    return this.orderBlocks.reduce((a, b) => a + b.cols * this.blockSize, 0);
  }

  private transposed(): SparseMatrix[] {
    if (!this.kernelsT) this.kernelsT = this.kernels.map((K) => K.transpose());
    return this.kernelsT;
  }

  /** Features of every node (n × channels, row-major) for a signal field ((n·r) × C_0). */
  forward(signal: Float64Array): Float64Array {
    return this.forwardWithTangent(signal, null).value;
  }

  /**
   * Features and, when `tangent` is given, their derivative along that change of the signal
   * (forward mode: everything downstream of the diffusion time is a function of one scalar).
   */
  forwardWithTangent(signal: Float64Array, tangent: Float64Array | null): { value: Float64Array; tangent: Float64Array | null } {
    const { order, includeSelf, vecNorm } = this.opts;
    const r = this.blockSize;
    let cols = this.signalCols;
    if (signal.length !== this.numNodes * r * cols) throw new RangeError(`GradientFeatures: signal has ${signal.length} entries, expected ${this.numNodes * r * cols}`);
    let f = signal, df = tangent;
    if (vecNorm) {
      if (df) df = normalizeRowsTangent(f, df, r * cols);
      f = normalizeRows(f, r * cols);
    }
    const parts: { value: Float64Array; tangent: Float64Array | null; width: number }[] = [];
    if (includeSelf) parts.push({ value: f, tangent: df, width: r * cols });
    for (let j = 1; j <= order; j++) {
      let g = derivativeStep(f, cols, this.kernels, this.shared);
      let dg = df ? derivativeStep(df, cols, this.kernels, this.shared) : null;
      cols *= this.dimMan;
      if (vecNorm) {
        if (dg) dg = normalizeRowsTangent(g, dg, r * cols);
        g = normalizeRows(g, r * cols);
      }
      parts.push({ value: g, tangent: dg, width: r * cols });
      f = g;
      df = dg;
    }
    return { value: this.assemble(parts.map((p) => p.value), parts.map((p) => p.width)), tangent: tangent ? this.assemble(parts.map((p) => p.tangent!), parts.map((p) => p.width)) : null };
  }

  private assemble(blocks: Float64Array[], widths: number[]): Float64Array {
    const C = widths.reduce((a, b) => a + b, 0);
    const out = new Float64Array(this.numNodes * C);
    placeBlocks(out, C, 0, this.numNodes, blocks, widths);
    return out;
  }

  /**
   * Features of every node written into `out` (node i's row at i·stride + offset, rounded to
   * float32 if `out` is), for the expansion store: no feature matrix is allocated in between,
   * and the derivative steps reuse their buffers from call to call.
   */
  forwardInto(signal: Float64Array, out: Float64Array | Float32Array, stride: number, offset: number): void {
    if (this.opts.vecNorm) {
      placeBlocks(out, stride, offset, this.numNodes, [this.forward(signal)], [this.channels]);
      return;
    }
    const { order, includeSelf } = this.opts;
    const r = this.blockSize;
    let cols = this.signalCols;
    if (signal.length !== this.numNodes * r * cols) throw new RangeError(`GradientFeatures: signal has ${signal.length} entries, expected ${this.numNodes * r * cols}`);
    const blocks: Float64Array[] = [], widths: number[] = [];
    if (includeSelf) {
      blocks.push(signal);
      widths.push(r * cols);
    }
    let f = signal;
    for (let j = 1; j <= order; j++) {
      const size = f.length * this.dimMan;
      if (this.scratch[j]?.length !== size) this.scratch[j] = new Float64Array(size);
      f = derivativeStep(f, cols, this.kernels, this.shared, this.scratch[j]);
      cols *= this.dimMan;
      blocks.push(f);
      widths.push(r * cols);
    }
    placeBlocks(out, stride, offset, this.numNodes, blocks, widths);
  }

  /** dL/dsignal from dL/dfeatures (n × channels). */
  backward(signal: Float64Array, gradFeatures: Float64Array): Float64Array {
    const { order, includeSelf, vecNorm } = this.opts;
    const r = this.blockSize, n = this.numNodes, m = this.dimMan;
    const C = this.channels;
    // recompute the forward intermediates (pre- and post-normalisation fields)
    const pre: Float64Array[] = [];
    const post: Float64Array[] = [];
    let cols = this.signalCols;
    let f = signal;
    pre.push(f);
    if (vecNorm) f = normalizeRows(f, r * cols);
    post.push(f);
    for (let j = 1; j <= order; j++) {
      const g = derivativeStep(f, cols, this.kernels, this.shared);
      cols *= m;
      pre.push(g);
      f = vecNorm ? normalizeRows(g, r * cols) : g;
      post.push(f);
    }
    // slice dL/d(post_j) out of the feature gradient
    const widthOf = (j: number) => r * this.signalCols * m ** j;
    const offsets: number[] = [];
    let off = 0;
    for (let j = includeSelf ? 0 : 1; j <= order; j++) {
      offsets[j] = off;
      off += widthOf(j);
    }
    const KT = this.transposed();
    let gPost: Float64Array | null = null;
    for (let j = order; j >= 0; j--) {
      const w = widthOf(j);
      const g = gPost ?? new Float64Array(n * w);
      if (offsets[j] !== undefined) {
        for (let i = 0; i < n; i++) {
          const src = i * C + offsets[j], dst = i * w;
          for (let k = 0; k < w; k++) g[dst + k] += gradFeatures[src + k];
        }
      }
      const gPre = vecNorm ? normalizeRowsTangent(pre[j], g, w) : g;
      if (j === 0) return gPre;
      gPost = derivativeStepTranspose(gPre, this.signalCols * m ** (j - 1), KT);
    }
    throw new Error("unreachable");
  }
}
