/**
 * The float32 MLP with its weights, activations and gradients resident in one WebAssembly memory.
 *
 * Why: at the macaque settings a training step is about 10 M multiply-adds in the SIMD products,
 * but run layer by layer through SimdKernels.forward/backward the step spent twice as long again
 * around them: converting every operand between float64 and float32 in JavaScript loops on
 * every call, transposing the weights twice per step, allocating fresh arrays for every
 * intermediate. Here every buffer has a fixed place in the module's memory, in the layout the
 * product kernel reads; the weights are converted once per forward pass (once per optimiser
 * step in training); conversions, batch normalisation, ReLU and dropout run in the module's
 * elementwise kernels; float64 arrays cross the boundary by plain copies.
 *
 * The numerics are those of the layer-by-layer float32 path, rounding in the same places: the
 * products in float32; batch normalisation, ReLU, dropout and every parameter gradient in
 * float64 with the same operations in the same order (the kernels are written to reproduce
 * src/model/batchnorm.ts bit for bit), rounded to float32 only where a product reads them.
 */
import type { Random } from "../core/random.js";
import type { ElementwiseKernels, GemmArgs, SimdKernels } from "../kernels/simd.js";
import type { Linear } from "./linear.js";
import type { BatchNorm } from "./batchnorm.js";
import { BN_EPS, BN_MOMENTUM } from "./batchnorm.js";
import { dropoutScales } from "./activation.js";

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Byte offsets (16-aligned) of one layer's resident buffers. */
interface LayerSlots {
  nIn: number;
  nOut: number;
  inP: number;
  outP: number;
  /** Wᵀ, nIn × outP float32: B of the forward product Y = X Wᵀ. */
  wt: number;
  /** W, nOut × inP float32: B of the input gradient dX = dY W. */
  w: number;
  bias: number;
  /** float64 staging, nOut × nIn: the weights on the way in, their gradient through accumulation. */
  stage: number;
  /** Layer input, rows × inP float32 (the MLP input, or the previous hidden layer's output). */
  input: number;
  /** Layer output, rows × outP float32 (pre-normalisation for hidden layers). */
  output: number;
  /** dL/d output, rows × outP float32. */
  gOutput: number;
  /** dL/d input, rows × inP float32. */
  gInput: number;
  /** dW, nOut × inP float32. */
  gWeight: number;
}

/** Byte offsets of a hidden layer's float64 state (width c). */
interface HiddenSlots {
  /** Normalised pre-activations x̂, rows × c (training mode). */
  xhat: number;
  /** Factor the output gradient passes back with: the dropout scale where the ReLU is active, else 0. */
  pass: number;
  /** Gradient after dropout and ReLU, rows × c. */
  g: number;
  mean: number;
  dev: number;
  invStd: number;
  gamma: number;
  beta: number;
  /** Backward: Σ_r g, Σ_r g x̂, γ · invStd / rows and the linear bias's gradient. */
  sumG: number;
  sumGX: number;
  k: number;
  gBias: number;
}

/** What `backward` needs of a forward pass: only valid until the next forward pass on the same MLP. */
export interface ResidentMlpCache {
  readonly kind: "resident";
  readonly rows: number;
  readonly pass: number;
  readonly training: boolean;
}

export class ResidentMlpF32 {
  private readonly kernels: SimdKernels;
  private readonly ops: ElementwiseKernels;
  private readonly linears: Linear[];
  private readonly norms: (BatchNorm | null)[];
  private readonly dropout: number;
  private capacity = 0;
  private slots: LayerSlots[] = [];
  private hidden: HiddenSlots[] = [];
  /** float64 staging for the input, the output, dL/dy and dL/dx (rows × widest of them). */
  private io = 0;
  private f32: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private f64: Float64Array<ArrayBufferLike> = new Float64Array(0);
  /** dL/dx of the last backward pass, reused (allocating a few hundred kilobytes per batch cost more than the copy). */
  private gx = new Float64Array(0);
  /** Counts forward passes, so a stale cache is refused rather than read from overwritten buffers. */
  private passes = 0;

  /** `kernels` must be an instance of its own (createSimdKernels): its memory is laid out here. */
  constructor(kernels: SimdKernels, linears: Linear[], norms: (BatchNorm | null)[], dropout: number) {
    this.kernels = kernels;
    this.ops = kernels.elementwise;
    this.linears = linears;
    this.norms = norms;
    this.dropout = dropout;
  }

  /** Lays the buffers out for up to `rows` batch rows (grows, never shrinks). */
  private layout(rows: number): void {
    if (rows <= this.capacity) return;
    let top = 0;
    const f32s = (n: number) => {
      const at = top;
      top += ((n * 4 + 15) & ~15) || 16;
      return at;
    };
    const f64s = (n: number) => f32s(2 * n);
    const slots: LayerSlots[] = [];
    let input = f32s(rows * pad4(this.linears[0].inFeatures));
    let gInput = f32s(rows * pad4(this.linears[0].inFeatures));
    let widest = 0;
    for (const lin of this.linears) {
      const nIn = lin.inFeatures, nOut = lin.outFeatures, inP = pad4(nIn), outP = pad4(nOut);
      widest = Math.max(widest, nIn, nOut);
      slots.push({
        nIn, nOut, inP, outP,
        wt: f32s(nIn * outP), w: f32s(nOut * inP), bias: f32s(outP), stage: f64s(nOut * nIn),
        input, gInput,
        output: f32s(rows * outP), gOutput: f32s(rows * outP), gWeight: f32s(nOut * inP),
      });
      // a hidden layer's output, after normalisation and activation, is the next layer's input
      input = f32s(rows * outP);
      gInput = f32s(rows * outP);
    }
    this.hidden = this.linears.slice(0, -1).map((lin) => {
      const c = lin.outFeatures;
      return {
        xhat: f64s(rows * c), pass: f64s(rows * c), g: f64s(rows * c),
        mean: f64s(c), dev: f64s(c), invStd: f64s(c), gamma: f64s(c), beta: f64s(c),
        sumG: f64s(c), sumGX: f64s(c), k: f64s(c), gBias: f64s(c),
      };
    });
    this.io = f64s(rows * widest);
    const views = this.kernels.resident(top);
    this.f32 = views.f32;
    this.f64 = views.f64;
    // padding columns are read by the products (multiplied by zero weights): keep them zero
    this.f32.fill(0, 0, top >> 2);
    this.slots = slots;
    this.capacity = rows;
  }

  /** Hidden layer k's output lives in the next layer's input buffer. */
  private hiddenOut(k: number): number {
    return this.slots[k + 1].input;
  }

  private hiddenGrad(k: number): number {
    return this.slots[k + 1].gInput;
  }

  /** Float64 view of `count` values at byte offset `at`. */
  private view(at: number, count: number): Float64Array<ArrayBufferLike> {
    return this.f64.subarray(at >> 3, (at >> 3) + count);
  }

  /** Rounds the float64 weights into both resident layouts (they change with every optimiser step). */
  private loadWeights(): void {
    this.linears.forEach((lin, k) => {
      const s = this.slots[k];
      this.f64.set(lin.weight.data, s.stage >> 3);
      this.ops.loadWeights(s.stage, s.nOut, s.nIn, s.w, s.inP, s.wt, s.outP);
      if (lin.bias) this.f32.set(lin.bias.data, s.bias >> 2);
    });
  }

  forward(x: Float64Array, rows: number, training: boolean, rng: Random | null): { y: Float64Array; cache: ResidentMlpCache } {
    this.layout(rows);
    this.loadWeights();
    const L = this.linears.length;
    const first = this.slots[0];
    this.f64.set(x.subarray(0, rows * first.nIn), this.io >> 3);
    this.ops.narrowRows(this.io, first.nIn, first.input, first.inP, rows, first.nIn);
    for (let k = 0; k < L; k++) {
      const s = this.slots[k];
      this.kernels.gemmAt(rows, s.outP, s.nIn, s.input, s.inP, 1, s.wt, s.outP, s.output, s.outP, this.linears[k].bias ? s.bias : 0);
      if (k < L - 1) this.activate(k, rows, training, rng);
    }
    const last = this.slots[L - 1];
    this.ops.widenRows(last.output, last.outP, this.io, last.nOut, rows, last.nOut);
    const y = this.view(this.io, rows * last.nOut).slice();
    this.passes++;
    return { y, cache: { kind: "resident", rows, pass: this.passes, training } };
  }

  /** Batch normalisation → ReLU → dropout of hidden layer k, from its output buffer into the next layer's input. */
  private activate(k: number, rows: number, training: boolean, rng: Random | null): void {
    const s = this.slots[k], h = this.hidden[k];
    const c = s.nOut, ld = s.outP;
    const pass = this.view(h.pass, rows * c);
    // dropout scales drawn row-major, as the layer-by-layer path draws them
    const drop = training && this.dropout > 0 && rng !== null;
    if (drop) dropoutScales(pass, rows * c, this.dropout, rng);
    const bn = this.norms[k];
    const mean = this.view(h.mean, c), dev = this.view(h.dev, c), invStd = this.view(h.invStd, c);
    if (bn && training) {
      if (rows < 2) throw new RangeError("BatchNorm: a training batch needs at least 2 rows; raise batchSize or turn batchNorm off");
      this.ops.columnSums(s.output, ld, rows, c, h.mean);
      for (let j = 0; j < c; j++) mean[j] /= rows;
      this.ops.columnDeviations(s.output, ld, rows, c, h.mean, h.dev);
      const rm = bn.runningMean.data, rv = bn.runningVar.data;
      for (let j = 0; j < c; j++) {
        invStd[j] = 1 / Math.sqrt(dev[j] / rows + BN_EPS);
        rm[j] = (1 - BN_MOMENTUM) * rm[j] + BN_MOMENTUM * mean[j];
        rv[j] = (1 - BN_MOMENTUM) * rv[j] + BN_MOMENTUM * (dev[j] / (rows - 1));
      }
      this.f64.set(bn.weight.data, h.gamma >> 3);
      this.f64.set(bn.bias.data, h.beta >> 3);
      this.ops.normalizeActivate(s.output, ld, rows, c, h.mean, h.invStd, h.gamma, h.beta, h.xhat, h.pass, drop ? 1 : 0, this.hiddenOut(k));
      return;
    }
    if (bn) {
      // evaluation with the running statistics (validation passes, embeddings)
      for (let j = 0; j < c; j++) invStd[j] = 1 / Math.sqrt(bn.runningVar.data[j] + BN_EPS);
      this.f64.set(bn.runningMean.data, h.mean >> 3);
      this.f64.set(bn.weight.data, h.gamma >> 3);
      this.f64.set(bn.bias.data, h.beta >> 3);
      this.ops.normalizeEvaluate(s.output, ld, rows, c, h.mean, h.invStd, h.gamma, h.beta, this.hiddenOut(k));
      return;
    }
    // no batch normalisation: ReLU and dropout in plain loops
    const f = this.f32, zb = s.output >> 2, hb = this.hiddenOut(k) >> 2;
    for (let r = 0; r < rows; r++) {
      const z = zb + r * ld, o = r * c, out = hb + r * ld;
      for (let j = 0; j < c; j++) {
        const a = f[z + j];
        if (a > 0) {
          const m = drop ? pass[o + j] : 1;
          f[out + j] = a * m;
          pass[o + j] = m;
        } else {
          f[out + j] = 0;
          pass[o + j] = 0;
        }
      }
    }
  }

  /** Accumulates parameter gradients from dL/dy; returns dL/dx when `needInput` (an array reused by the next backward pass). */
  backward(cache: ResidentMlpCache, gy: Float64Array, needInput: boolean): Float64Array | null {
    if (cache.pass !== this.passes) throw new Error("MLP.backward: another forward pass ran since this one; call backward right after its forward pass");
    if (!cache.training) throw new Error("MLP.backward: the forward pass ran in evaluation mode");
    const rows = cache.rows, L = this.linears.length;
    const last = this.slots[L - 1];
    const lastBias = this.linears[L - 1].bias?.grad ?? null;
    if (lastBias) for (let r = 0; r < rows; r++) for (let o = 0; o < last.nOut; o++) lastBias[o] += gy[r * last.nOut + o];
    this.f64.set(gy.subarray(0, rows * last.nOut), this.io >> 3);
    this.ops.narrowRows(this.io, last.nOut, last.gOutput, last.outP, rows, last.nOut);
    for (let k = L - 1; k >= 0; k--) {
      const s = this.slots[k], lin = this.linears[k];
      if (k < L - 1) this.deactivate(k, rows);
      // dW (nOut × nIn) = dYᵀ X and dX (rows × nIn) = dY W: independent products, run side by side
      const weightGrad: GemmArgs = [s.nOut, s.inP, rows, s.gOutput, 1, s.outP, s.input, s.inP, s.gWeight, s.inP, 0];
      if (k > 0 || needInput) this.kernels.gemmPairAt(weightGrad, [rows, s.inP, s.nOut, s.gOutput, s.outP, 1, s.w, s.inP, s.gInput, s.inP, 0]);
      else this.kernels.gemmAt(...weightGrad);
      // dW accumulates into the float64 gradient through the staging buffer
      const gw = lin.weight.grad!;
      this.f64.set(gw, s.stage >> 3);
      this.ops.accumulateRows(s.gWeight, s.inP, s.stage, s.nIn, s.nOut, s.nIn);
      gw.set(this.view(s.stage, gw.length));
    }
    if (!needInput) return null;
    const first = this.slots[0];
    this.ops.widenRows(first.gInput, first.inP, this.io, first.nIn, rows, first.nIn);
    if (this.gx.length !== rows * first.nIn) this.gx = new Float64Array(rows * first.nIn);
    this.gx.set(this.view(this.io, rows * first.nIn));
    return this.gx;
  }

  /** Backward through dropout → ReLU → batch normalisation of hidden layer k, and the bias gradient of its linear layer. */
  private deactivate(k: number, rows: number): void {
    const s = this.slots[k], h = this.hidden[k];
    const c = s.nOut, ld = s.outP;
    const bn = this.norms[k];
    const gBias = this.linears[k].bias?.grad ?? null;
    this.ops.gradientSums(this.hiddenGrad(k), ld, rows, c, h.pass, h.xhat, h.g, h.sumG, h.sumGX);
    if (bn) {
      const sumG = this.view(h.sumG, c), sumGX = this.view(h.sumGX, c), kk = this.view(h.k, c), invStd = this.view(h.invStd, c);
      const gamma = bn.weight.data, gg = bn.weight.grad!, gbeta = bn.bias.grad!;
      for (let j = 0; j < c; j++) {
        gg[j] += sumGX[j];
        gbeta[j] += sumG[j];
        kk[j] = (gamma[j] * invStd[j]) / rows;
      }
      if (gBias) this.f64.set(gBias, h.gBias >> 3);
      this.ops.normalizeBackward(h.g, h.xhat, rows, c, h.k, h.sumG, h.sumGX, s.gOutput, ld, gBias ? h.gBias : 0);
      if (gBias) gBias.set(this.view(h.gBias, c));
      return;
    }
    // without batch normalisation dL/dz is g itself
    const g = this.view(h.g, rows * c), f = this.f32, gz = s.gOutput >> 2;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < c; j++) {
        const v = g[r * c + j];
        if (gBias) gBias[j] += v;
        f[gz + r * ld + j] = v;
      }
    }
  }
}
