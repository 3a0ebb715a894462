/**
 * Everything upstream of the learnable layers: the signal in frames, diffusion (learnable t) and
 * the gradient features, served to the training loop as rows for the batch nodes.
 *
 * Why features are cached over the whole graph rather than recomputed on each batch's o-hop
 * neighbourhood: the features depend on the data and on the single scalar t only. Without
 * diffusion they are fixed, so they are computed once (one pass over all edges, per order) and
 * training becomes an MLP over cached rows. Recomputing them per batch on the o-hop
 * neighbourhood of 3B nodes touches, at k = 30 and order 2, tens of thousands of nodes per
 * batch — most of the graph — for every one of the n/B batches of an epoch, which is where the
 * original implementation spends its time.
 *
 * With diffusion on and a linear feature map (scalar diffusion, no vecNorm) the features are
 * F(t) = G exp(−tL) x with G linear. Around a centre t₀,
 *   exp(−tL) x = Σ_j (−δ)^j / j! · L^j y₀,  δ = t − t₀,  y₀ = exp(−t₀L) x,
 * so F(t) = Σ_j (−δ)^j / j! · G(L^j y₀): J + 1 cached feature matrices, combined per batch row.
 * The centre moves whenever the remainder bound (‖L‖∞|δ|)^(J+1)/(J+1)! · e^(‖L‖∞|δ|) exceeds the
 * tolerance, so results match the exact heat kernel to that tolerance.
 *
 * Otherwise (vector diffusion with magnitude rescaling, or vecNorm between orders: nonlinear
 * in the diffused signal) the features and their t-derivative are recomputed over the whole
 * graph whenever t changes (forward mode: one scalar input).
 */
import { Matrix } from "../core/matrix.js";
import { spmm } from "../core/sparse.js";
import type { SparseMatrix } from "../core/sparse.js";
import type { MarbleDataset, DiffusionOperator } from "../geometry/types.js";
import { GradientFeatures } from "./gradient.js";
import { ScalarDiffusion, VectorDiffusion, clampDiffusionTime } from "./diffusion.js";
import { createSimdKernels, type SimdKernels } from "../kernels/simd.js";
import { writeExpansionTerms } from "./expansion-terms.js";

/**
 * Feature rows of a batch. A provider may reuse these arrays for its next gather (allocating
 * them for every batch cost more than filling them): use or copy them before gathering again.
 */
export interface FeatureRows {
  /** rows × channels */
  value: Float64Array;
  /** d value / dt, rows × channels (null when t does not enter) */
  tangent: Float64Array | null;
}

export interface FeatureProvider {
  readonly channels: number;
  readonly numNodes: number;
  /** Whether the features depend on t. */
  readonly dependsOnTime: boolean;
  gather(nodes: ArrayLike<number>, t: number, wantTangent: boolean): FeatureRows;
  /** Makes the next gathers at t exact (no expansion around an older centre), so embeddings do not depend on history. */
  settle?(t: number): void;
  /** The centres of cached heat-kernel expansions (NaN before the first gather); a training checkpoint records them. */
  expansionCentres?(): number[];
  /** Rebuilds the expansions around recorded centres, so a resumed run gathers the bits the interrupted one would have. */
  restoreExpansionCentres?(centres: number[]): void;
}

/** The signal in the form the kernels act on: n × D (global frames) or n × m in local frames. */
export function signalInFrames(data: MarbleDataset): Matrix {
  const n = data.numNodes;
  if (!data.localGauges) return data.x;
  const m = data.dimMan, d = data.dim, D = data.x.cols;
  if (D !== d) throw new RangeError(`local gauges need a vector signal of the anchors' dimension (${d}), got ${D} channels`);
  const out = new Matrix(n, m);
  const X = data.x.data, G = data.gauges.data, gc = data.gauges.cols;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < m; a++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += X[i * D + k] * G[i * gc + a * d + k];
      out.data[i * m + a] = s;
    }
  }
  return out;
}

export interface FeatureOptions {
  order: number;
  includeSelf: boolean;
  vecNorm: boolean;
  diffusion: boolean;
  /** Relative tolerance of the heat-kernel expansion (linear path). */
  tolerance?: number;
}

/** Chooses the cheapest exact provider for the configuration. `kernels` defaults to data.kernels. */
export function createFeatureProvider(data: MarbleDataset, opts: FeatureOptions, kernels: SparseMatrix[] = data.kernels): FeatureProvider {
  const signal = signalInFrames(data);
  const n = data.numNodes;
  const local = data.localGauges;
  const grad = new GradientFeatures(kernels, n, local ? 1 : signal.cols, { order: opts.order, includeSelf: opts.includeSelf, vecNorm: opts.vecNorm });
  if (local && grad.blockSize !== signal.cols) {
    throw new RangeError(`local gauges: kernels act on ${grad.blockSize}-vectors but the frames have ${signal.cols} directions`);
  }
  if (!opts.diffusion) return new StaticFeatures(grad, signal.data);
  const tol = opts.tolerance ?? 1e-9;
  if (local) {
    if (!data.vectorDiffusion || !data.connectionLaplacian) throw new RangeError("the dataset has local gauges but no connection Laplacian / vectorDiffusion operator");
    const n = data.numNodes, m = signal.cols;
    const vec = new HeatExpansion(data.vectorDiffusion, data.connectionLaplacian, new Matrix(n * m, 1, signal.data), tol);
    const mag = new HeatExpansion(data.diffusion, data.laplacian, VectorDiffusion.magnitudes(signal), tol);
    return new RecomputedFeatures(grad, (t) => VectorDiffusion.rescale(vec.at(t), mag.at(t), n, m), [vec, mag]);
  }
  if (opts.vecNorm) {
    const heat = new HeatExpansion(data.diffusion, data.laplacian, signal, tol);
    return new RecomputedFeatures(
      grad,
      (t) => {
        const r = heat.at(t);
        return { value: r.value, tangent: r.dt };
      },
      [heat],
    );
  }
  return new ExpandedFeatures(grad, signal, new ScalarDiffusion(data.diffusion), data.laplacian, opts.tolerance);
}

function gatherRows(src: ArrayLike<number>, C: number, nodes: ArrayLike<number>): Float64Array {
  const out = new Float64Array(nodes.length * C);
  for (let r = 0; r < nodes.length; r++) {
    const base = nodes[r] * C;
    for (let c = 0; c < C; c++) out[r * C + c] = src[base + c];
  }
  return out;
}

/** Features without diffusion: computed once. */
export class StaticFeatures implements FeatureProvider {
  readonly channels: number;
  readonly numNodes: number;
  readonly dependsOnTime = false;
  readonly all: Float64Array;

  constructor(grad: GradientFeatures, signal: Float64Array) {
    this.channels = grad.channels;
    this.numNodes = grad.numNodes;
    this.all = grad.forward(signal);
  }

  gather(nodes: ArrayLike<number>): FeatureRows {
    return { value: gatherRows(this.all, this.channels, nodes), tangent: null };
  }
}

/** Nonlinear feature maps: whole-graph features and t-derivative, recomputed when t changes. */
export class RecomputedFeatures implements FeatureProvider {
  readonly channels: number;
  readonly numNodes: number;
  readonly dependsOnTime = true;
  private readonly grad: GradientFeatures;
  private readonly diffused: (t: number) => { value: Matrix; tangent: Matrix };
  private cachedT = NaN;
  private value: Float64Array | null = null;
  private tangent: Float64Array | null = null;
  private readonly expansions: HeatExpansion[];

  /** `diffused(t)` gives the diffused signal field and its t-derivative, from `expansions`. */
  constructor(grad: GradientFeatures, diffused: (t: number) => { value: Matrix; tangent: Matrix }, expansions: HeatExpansion[] = []) {
    this.grad = grad;
    this.diffused = diffused;
    this.expansions = expansions;
    this.channels = grad.channels;
    this.numNodes = grad.numNodes;
  }

  private update(t: number): void {
    const tc = clampDiffusionTime(t);
    if (tc === this.cachedT) return;
    const d = this.diffused(tc);
    const f = this.grad.forwardWithTangent(d.value.data, d.tangent.data);
    this.value = f.value;
    this.tangent = f.tangent;
    this.cachedT = tc;
  }

  expansionCentres(): number[] {
    return this.expansions.map((e) => e.centre);
  }

  restoreExpansionCentres(centres: number[]): void {
    if (centres.length !== this.expansions.length) return;
    this.expansions.forEach((e, i) => e.restoreCentre(centres[i]));
    this.cachedT = NaN;
  }

  gather(nodes: ArrayLike<number>, t: number, wantTangent: boolean): FeatureRows {
    this.update(t);
    return { value: gatherRows(this.value!, this.channels, nodes), tangent: wantTangent ? gatherRows(this.tangent!, this.channels, nodes) : null };
  }
}

/**
 * Terms kept in the heat-kernel expansion around the centre (J + 1). Ten terms keep the
 * relative error below 1e-7 within |δ| ≤ 0.46 of the centre when ‖L‖∞ = 2 (random-walk
 * Laplacian), so the centre rarely moves while t is learned.
 */
export const EXPANSION_TERMS = 10;

/** max_i Σ_j |A_ij|, which bounds ‖A‖ in the expansion's remainder. */
function infinityNorm(A: SparseMatrix): number {
  let norm = 0;
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let p = A.rowPtr[i]; p < A.rowPtr[i + 1]; p++) s += Math.abs(A.values[p]);
    if (s > norm) norm = s;
  }
  return norm;
}

/** (‖A‖|δ|)^J / J! · e^(‖A‖|δ|): bound of the relative error of J terms of exp(−δA). */
function expansionRemainder(normA: number, delta: number): number {
  const x = normA * Math.abs(delta);
  let term = 1;
  for (let j = 1; j <= EXPANSION_TERMS; j++) term *= x / j;
  return term * Math.exp(x);
}

/** Value coefficients (−δ)^j/j! and derivative coefficients −(−δ)^(j−1)/(j−1)!. */
function expansionCoefficients(delta: number): { cv: Float64Array; cd: Float64Array } {
  const J = EXPANSION_TERMS;
  const cv = new Float64Array(J), cd = new Float64Array(J);
  let p = 1;
  for (let j = 0; j < J; j++) {
    cv[j] = p;
    if (j + 1 < J) cd[j + 1] = -p;
    p *= -delta / (j + 1);
  }
  return { cv, cd };
}

/**
 * exp(−tA) x and its t-derivative for one fixed signal x, from the terms A^j exp(−t₀A) x of the
 * expansion around a centre t₀ (re-centred with the exact operator when the bound exceeds tol).
 */
export class HeatExpansion {
  private readonly op: DiffusionOperator;
  private readonly A: SparseMatrix;
  private readonly x: Matrix;
  private readonly tol: number;
  private readonly normA: number;
  private terms: Matrix[] = [];
  private centreT = NaN;

  constructor(op: DiffusionOperator, A: SparseMatrix, x: Matrix, tol: number) {
    this.op = op;
    this.A = A;
    this.x = x;
    this.tol = tol;
    this.normA = infinityNorm(A);
  }

  /** The expansion's centre t₀ (NaN before the first evaluation). */
  get centre(): number {
    return this.centreT;
  }

  /** Rebuilds the expansion around a centre recorded earlier (see expansionCentres). */
  restoreCentre(t0: number): void {
    if (Number.isFinite(t0) && t0 !== this.centreT) this.recentre(t0);
  }

  private recentre(t: number): void {
    let y = this.op.apply(this.x, t);
    this.terms = [y];
    for (let j = 1; j < EXPANSION_TERMS; j++) {
      y = spmm(this.A, y);
      this.terms.push(y);
    }
    this.centreT = t;
  }

  at(t: number): { value: Matrix; dt: Matrix } {
    if (!(expansionRemainder(this.normA, t - this.centreT) <= this.tol)) this.recentre(t);
    const { cv, cd } = expansionCoefficients(t - this.centreT);
    const value = new Matrix(this.x.rows, this.x.cols), dt = new Matrix(this.x.rows, this.x.cols);
    this.terms.forEach((term, j) => {
      for (let i = 0; i < term.data.length; i++) {
        value.data[i] += cv[j] * term.data[i];
        dt.data[i] += cd[j] * term.data[i];
      }
    });
    return { value, dt };
  }
}
/** Above this many stored values the expansion is kept in float32 (about 128 MB in float64). */
export const FLOAT64_LIMIT = 16 * 1024 * 1024;

/** Linear feature maps with diffusion: cached expansion of F(t) around a centre t₀. */
export class ExpandedFeatures implements FeatureProvider {
  readonly channels: number;
  readonly numNodes: number;
  readonly dependsOnTime = true;
  private readonly grad: GradientFeatures;
  private readonly signal: Matrix;
  private readonly diffusion: ScalarDiffusion;
  private readonly laplacian: SparseMatrix;
  private readonly normL: number;
  private readonly tolerance: number;
  /**
   * The J cached feature matrices, node-major (node, term, channel): a batch row's terms are one
   * contiguous block, so gathering random nodes streams memory instead of touching J far-apart rows.
   */
  private store: Float64Array | Float32Array = new Float64Array(0);
  /** With float32 storage: a kernel instance whose memory holds the store (undefined until first built). */
  private simd: SimdKernels | null | undefined = undefined;
  /** With float32 storage: an instance keeping the Laplacian resident for the powers L^j y. */
  private lapKernels: SimdKernels | null | undefined = undefined;
  private centre = NaN;
  private validRadius: number | undefined;
  /** Reused output rows of the SIMD gathers (see FeatureRows: valid until the next gather). */
  private rows: { value: Float64Array; tangent: Float64Array } | null = null;
  /** Number of times the expansion was rebuilt (for profiling). */
  recentres = 0;

  private readonly useF64: boolean;

  /** `tolerance` defaults to 1e-9 with float64 storage and 1e-7 with float32 storage (its own precision is 6e-8). */
  /**
   * `storage` overrides the automatic choice (float64 up to 16 M stored values); `simd: false`
   * keeps float32 gathers in the JavaScript loops (the reference the SIMD kernel is tested against).
   */
  constructor(grad: GradientFeatures, signal: Matrix, diffusion: ScalarDiffusion, laplacian: SparseMatrix, tolerance?: number, opts: { storage?: "float32" | "float64"; simd?: boolean } = {}) {
    this.grad = grad;
    this.signal = signal;
    this.diffusion = diffusion;
    this.laplacian = laplacian;
    this.channels = grad.channels;
    this.numNodes = grad.numNodes;
    this.useF64 = opts.storage ? opts.storage === "float64" : grad.numNodes * grad.channels * EXPANSION_TERMS <= FLOAT64_LIMIT;
    if (opts.simd === false) this.simd = null;
    this.tolerance = tolerance ?? (this.useF64 ? 1e-9 : 1e-7);
    this.normL = infinityNorm(laplacian);
  }

  private recentre(t: number): void {
    const useF64 = this.useF64;
    const y = this.diffusion.forward(this.signal, t);
    const n = this.numNodes, C = this.channels, J = EXPANSION_TERMS;
    if (!useF64 && this.simd === undefined) this.simd = createSimdKernels();
    if (this.simd) this.store = this.simd.expansionStore(n * J * C);
    else if (this.store.length !== n * J * C) this.store = useF64 ? new Float64Array(n * J * C) : new Float32Array(n * J * C);
    if (this.lapKernels === undefined) this.lapKernels = useF64 ? null : createSimdKernels();
    writeExpansionTerms(this.grad, this.laplacian, this.lapKernels, y, J, this.store);
    this.centre = t;
    this.recentres++;
  }

  settle(t: number): void {
    const tc = clampDiffusionTime(t);
    if (tc !== this.centre) this.recentre(tc);
  }

  expansionCentres(): number[] {
    return [this.centre];
  }

  restoreExpansionCentres(centres: number[]): void {
    const [c] = centres;
    if (centres.length === 1 && Number.isFinite(c) && c !== this.centre) this.recentre(c);
  }

  /** Largest |δ| with the expansion's remainder within tolerance (bisection on the monotone bound). */
  private radius(): number {
    if (this.validRadius === undefined) {
      let lo = 0, hi = 1;
      while (expansionRemainder(this.normL, hi) <= this.tolerance && hi < 1e6) hi *= 2;
      for (let k = 0; k < 60; k++) {
        const mid = (lo + hi) / 2;
        if (expansionRemainder(this.normL, mid) <= this.tolerance) lo = mid;
        else hi = mid;
      }
      this.validRadius = lo;
    }
    return this.validRadius;
  }

  gather(nodes: ArrayLike<number>, t: number, wantTangent: boolean): FeatureRows {
    const tc = clampDiffusionTime(t);
    if (!(expansionRemainder(this.normL, tc - this.centre) <= this.tolerance)) {
      // t drifts steadily while it is learned: centre the new expansion ahead of t in the
      // direction it moved, so t stays within tolerance for about twice as long (t itself sits
      // at 0.9 of the valid radius from the centre, still within tolerance)
      const moved = Number.isNaN(this.centre) ? 0 : Math.sign(tc - this.centre);
      const ahead = clampDiffusionTime(tc + 0.9 * moved * this.radius());
      this.recentre(expansionRemainder(this.normL, tc - ahead) <= this.tolerance ? ahead : tc);
    }
    const C = this.channels, J = EXPANSION_TERMS;
    const { cv, cd } = expansionCoefficients(tc - this.centre);
    if (this.simd) {
      const size = nodes.length * C;
      if (this.rows?.value.length !== size) this.rows = { value: new Float64Array(size), tangent: new Float64Array(size) };
      return this.simd.gatherExpansion(nodes, J, C, cv, cd, wantTangent, this.rows);
    }
    const value = new Float64Array(nodes.length * C);
    const tangent = wantTangent ? new Float64Array(nodes.length * C) : null;
    // row by row, each term read once for both the value and its t-derivative (same sums, same order as term by term)
    const term = this.store;
    for (let r = 0; r < nodes.length; r++) {
      const o = r * C;
      for (let j = 0; j < J; j++) {
        const base = (nodes[r] * J + j) * C;
        const a = cv[j], b = cd[j];
        if (tangent && a !== 0 && b !== 0) {
          for (let c = 0; c < C; c++) {
            const v = term[base + c];
            value[o + c] += a * v;
            tangent[o + c] += b * v;
          }
        } else {
          if (a !== 0) for (let c = 0; c < C; c++) value[o + c] += a * term[base + c];
          if (tangent && b !== 0) for (let c = 0; c < C; c++) tangent[o + c] += b * term[base + c];
        }
      }
    }
    return { value, tangent };
  }
}
