import type { SimdKernels } from "../../kernels/simd.js";
import { geluWithDerivative } from "../nn/gelu.js";
import { l2NormalizeRows, l2NormalizeRowsBackward } from "../nn/normalize.js";
import { ENCODER_BLOCKS as BLOCKS, encoderLayers, type EncoderParams, type EncoderShape } from "./encoder.js";

/**
 * The offset10 encoder of encoder.ts with its convolutions run as float32 WebAssembly-SIMD
 * matrix products, for training speed. Same network, same parameters (float64), same results
 * up to float32 rounding of the products (encoderForward/encoderBackward stay the float64
 * reference, and the tests hold this path to them).
 *
 * A convolution with kernel k over time-major signals is one matrix product: output (b, t) is
 * the row of k·C consecutive input values starting at bin t of window b (im2col is a copy of
 * contiguous blocks), times the weight rearranged to out × (k·C). Buffers are kept between
 * calls with the same batch and length, and GELU keeps its derivative for the backward pass.
 */
export class SimdEncoder {
  private batch = -1;
  private length = -1;
  /** im2col input of each convolution (5 layers), rows × (k · inChannels). */
  private cols: Float64Array[] = [];
  /** GELU outputs' derivatives (layer 0 and the three blocks). */
  private geluSlope: Float64Array[] = [];
  private pre: Float64Array[] = [];
  /** a[0] = GELU(h0), a[j] = output of residual block j. */
  private act: Float64Array[] = [];
  private y = new Float64Array(0);
  private norms = new Float64Array(0);
  /** Unit-norm embedding of the last forward pass: batch × (length − 9) × outDim. */
  embedding = new Float64Array(0);
  private weights2d: Float64Array[] = [];
  private gradW2d: Float64Array[] = [];
  private dy = new Float64Array(0);
  private lens: number[] = [];
  /** Whether the last forward pass was `forwardWindows` (first layer computed per bin). */
  private windowed = false;
  /** forwardWindows: slot of each data row in the batch (−1 = unused; reset after each call). */
  private slotOfBin = new Int32Array(0);
  /** forwardWindows: slot of bin t of window i, at i · length + t. */
  private binSlots = new Int32Array(0);
  /** forwardWindows: data row of each slot, those rows' values, and how many slots are used. */
  private bins = new Int32Array(0);
  private binData = new Float64Array(0);
  private usedBins = 0;
  /** Per slot: [W₀ x; W₁ x] (2 · hidden), and the gradients w.r.t. them. */
  private binProducts = new Float64Array(0);
  private binGrads = new Float64Array(0);

  constructor(private readonly shape: EncoderShape, readonly kernels: SimdKernels) {
    const layers = this.layers();
    this.weights2d = layers.map(([inC, outC, k]) => new Float64Array(outC * k * inC));
    this.gradW2d = layers.map(([inC, outC, k]) => new Float64Array(outC * k * inC));
  }

  /** [inChannels, outChannels, kernel] of the five convolutions. */
  private layers(): [number, number, number][] {
    return encoderLayers(this.shape);
  }

  private allocate(batch: number, length: number): void {
    if (batch === this.batch && length === this.length) return;
    const { hidden: h, outDim: d } = this.shape;
    const layers = this.layers();
    const lens = [length];
    for (const [, , k] of layers) lens.push(lens[lens.length - 1] - k + 1);
    this.lens = lens;
    this.cols = layers.map(([inC, , k], l) => new Float64Array(batch * lens[l + 1] * k * inC));
    this.pre = [0, 1, 2, 3].map((l) => new Float64Array(batch * lens[l + 1] * h));
    this.geluSlope = [0, 1, 2, 3].map((l) => new Float64Array(batch * lens[l + 1] * h));
    this.act = [0, 1, 2, 3].map((l) => new Float64Array(batch * lens[l + 1] * h));
    const rows = batch * lens[5];
    this.y = new Float64Array(rows * d);
    this.dy = new Float64Array(rows * d);
    this.norms = new Float64Array(rows);
    this.embedding = new Float64Array(rows * d);
    this.batch = batch;
    this.length = length;
  }

  /** Weight k × out × in (encoder.ts layout) → out × (k · in), the row layout of im2col. */
  private static toRows(w: Float64Array, inC: number, outC: number, k: number, out: Float64Array): void {
    for (let kk = 0; kk < k; kk++) {
      for (let o = 0; o < outC; o++) {
        const src = (kk * outC + o) * inC, dst = o * k * inC + kk * inC;
        for (let i = 0; i < inC; i++) out[dst + i] = w[src + i];
      }
    }
  }

  /** im2col: row (b, t) = the k · C values of bins t … t+k−1 of window b. */
  private static im2col(x: Float64Array, batch: number, length: number, C: number, k: number, out: Float64Array): void {
    const lo = length - k + 1, kc = k * C;
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < lo; t++) {
        const src = (b * length + t) * C;
        out.set(x.subarray(src, src + kc), (b * lo + t) * kc);
      }
    }
  }

  /** col2im: dx (batch × length × C, overwritten) = Σ of the im2col rows' gradients at their bins. */
  private static col2im(dcol: Float64Array, batch: number, length: number, C: number, k: number, dx: Float64Array): void {
    const lo = length - k + 1, kc = k * C;
    dx.fill(0, 0, batch * length * C);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < lo; t++) {
        const src = (b * lo + t) * kc, dst = (b * length + t) * C;
        for (let j = 0; j < kc; j++) dx[dst + j] += dcol[src + j];
      }
    }
  }

  /**
   * Forward pass over `batch` windows of `length` ≥ 10 bins (x: batch × length × inChannels);
   * returns the unit-norm embedding (batch × (length − 9) × outDim), valid until the next call.
   */
  forward(params: EncoderParams, x: Float64Array, batch: number, length: number): Float64Array {
    this.allocate(batch, length);
    const [inC, h, k] = this.layers()[0];
    SimdEncoder.toRows(params[0], inC, h, k, this.weights2d[0]);
    SimdEncoder.im2col(x, batch, length, inC, k, this.cols[0]);
    this.kernels.forward(this.cols[0], batch * this.lens[1], k * inC, h, this.weights2d[0], params[1], this.pre[0]);
    this.windowed = false;
    return this.forwardFromLayer0(params);
  }

  /**
   * The same as `forward` for windows cut from one recording: window i is rows
   * starts[i] … starts[i] + length − 1 of `data` (rows × inChannels, row-major).
   *
   * The first convolution (k = 2) is then computed once per distinct bin rather than once per
   * window position: P = X_bins [W₀; W₁]ᵀ, and h0(i, t) = b + P(sᵢ+t)[first half] +
   * P(sᵢ+t+1)[second half]. Windows of a batch overlap heavily (1536 windows of 10 bins touch
   * at most 15 360 bins, fewer than that in a session of ~10 000), so this saves about half of the
   * first layer's products, which are the largest of the network.
   */
  forwardWindows(params: EncoderParams, data: Float64Array, rows: number, starts: Int32Array, length: number): Float64Array {
    const batch = starts.length;
    this.allocate(batch, length);
    const { inChannels: C, hidden: h } = this.shape;
    if (this.slotOfBin.length !== rows) this.slotOfBin = new Int32Array(rows).fill(-1);
    const slotOfBin = this.slotOfBin;
    if (this.binSlots.length !== batch * length) this.binSlots = new Int32Array(batch * length);
    const binSlots = this.binSlots;
    const maxBins = Math.min(rows, batch * length);
    if (this.bins.length < maxBins) {
      this.bins = new Int32Array(maxBins);
      this.binData = new Float64Array(maxBins * C);
      this.binProducts = new Float64Array(maxBins * 2 * h);
      this.binGrads = new Float64Array(maxBins * 2 * h);
    }
    let used = 0;
    for (let i = 0; i < batch; i++) {
      const s = starts[i];
      for (let t = 0; t < length; t++) {
        const bin = s + t;
        let slot = slotOfBin[bin];
        if (slot < 0) {
          slot = slotOfBin[bin] = used;
          this.bins[used++] = bin;
          this.binData.set(data.subarray(bin * C, (bin + 1) * C), slot * C);
        }
        binSlots[i * length + t] = slot;
      }
    }
    for (let u = 0; u < used; u++) slotOfBin[this.bins[u]] = -1;
    this.usedBins = used;
    // params[0] (kernel × out × in) read as (2·hidden) × in is exactly [W₀; W₁].
    this.kernels.forward(this.binData, used, C, 2 * h, params[0], null, this.binProducts);
    const P = this.binProducts, h0 = this.pre[0], bias = params[1], lo = length - 1;
    for (let i = 0; i < batch; i++) {
      for (let t = 0; t < lo; t++) {
        const p0 = binSlots[i * length + t] * 2 * h, p1 = binSlots[i * length + t + 1] * 2 * h + h;
        const o = (i * lo + t) * h;
        for (let c = 0; c < h; c++) h0[o + c] = bias[c] + P[p0 + c] + P[p1 + c];
      }
    }
    this.windowed = true;
    return this.forwardFromLayer0(params);
  }

  /** Everything after the first convolution's pre-activation (in this.pre[0]). */
  private forwardFromLayer0(params: EncoderParams): Float64Array {
    const { hidden: h, outDim: d } = this.shape;
    const layers = this.layers();
    const lens = this.lens, batch = this.batch;
    const K = this.kernels;
    for (let l = 1; l < layers.length; l++) {
      const [inC, outC, k] = layers[l];
      SimdEncoder.toRows(params[2 * l], inC, outC, k, this.weights2d[l]);
    }
    geluWithDerivative(this.pre[0], this.act[0], this.geluSlope[0]);
    for (let j = 1; j <= BLOCKS; j++) {
      const [inC, , k] = layers[j];
      const prev = this.act[j - 1], inLen = lens[j], outLen = lens[j + 1];
      SimdEncoder.im2col(prev, batch, inLen, inC, k, this.cols[j]);
      K.forward(this.cols[j], batch * outLen, k * inC, h, this.weights2d[j], params[2 * j + 1], this.pre[j]);
      const aj = this.act[j];
      geluWithDerivative(this.pre[j], aj, this.geluSlope[j]);
      // Residual: add the input cropped by one bin at each end.
      for (let b = 0; b < batch; b++) {
        for (let t = 0; t < outLen; t++) {
          const src = (b * inLen + t + 1) * h, dst = (b * outLen + t) * h;
          for (let c = 0; c < h; c++) aj[dst + c] += prev[src + c];
        }
      }
    }
    const [inC, , k] = layers[4];
    SimdEncoder.im2col(this.act[BLOCKS], batch, lens[4], inC, k, this.cols[4]);
    const rows = batch * lens[5];
    K.forward(this.cols[4], rows, k * inC, d, this.weights2d[4], params[9], this.y);
    l2NormalizeRows(this.y, rows, d, this.embedding, this.norms);
    return this.embedding;
  }

  /**
   * Gradients w.r.t. every parameter (same order as params) of the last forward pass, given
   * ∂loss/∂embedding. `grads` arrays are overwritten. Consumes the forward pass's activations:
   * call `forward` or `forwardWindows` again before another backward pass.
   */
  backward(params: EncoderParams, dEmbedding: Float64Array, grads: Float64Array[]): void {
    const { hidden: h, outDim: d } = this.shape;
    const layers = this.layers();
    const lens = this.lens, batch = this.batch;
    const K = this.kernels;
    for (const g of grads) g.fill(0);
    for (const g of this.gradW2d) g.fill(0);
    const rows = batch * lens[5];
    l2NormalizeRowsBackward(this.embedding, this.norms, dEmbedding, rows, d, this.dy);
    let [inC, , k] = layers[4];
    let dcol = K.backward(this.cols[4], this.dy, rows, k * inC, d, this.weights2d[4], this.gradW2d[4], grads[9], true)!;
    // Gradients w.r.t. activations overwrite the activations' buffers, no longer needed
    // (the im2col copies and GELU slopes hold what the backward pass reads).
    let da = this.act[BLOCKS];
    SimdEncoder.col2im(dcol, batch, lens[4], inC, k, da);
    for (let j = BLOCKS; j >= 1; j--) {
      [inC, , k] = layers[j];
      const inLen = lens[j], oLen = lens[j + 1];
      const dz = this.pre[j]; // reused: the pre-activation is not needed any more
      const slope = this.geluSlope[j];
      for (let i = 0; i < dz.length; i++) dz[i] = da[i] * slope[i];
      dcol = K.backward(this.cols[j], dz, batch * oLen, k * inC, h, this.weights2d[j], this.gradW2d[j], grads[2 * j + 1], true)!;
      const dPrev = this.act[j - 1];
      SimdEncoder.col2im(dcol, batch, inLen, inC, k, dPrev);
      for (let b = 0; b < batch; b++) {
        for (let t = 0; t < oLen; t++) {
          const dst = (b * inLen + t + 1) * h, src = (b * oLen + t) * h;
          for (let c = 0; c < h; c++) dPrev[dst + c] += da[src + c];
        }
      }
      da = dPrev;
    }
    [inC, , k] = layers[0];
    const dh0 = this.pre[0];
    const slope0 = this.geluSlope[0];
    for (let i = 0; i < dh0.length; i++) dh0[i] = da[i] * slope0[i];
    if (this.windowed) {
      this.firstLayerBackwardByBin(params, dh0, grads);
    } else {
      K.backward(this.cols[0], dh0, batch * lens[1], k * inC, h, this.weights2d[0], this.gradW2d[0], grads[1], false);
      SimdEncoder.fromRows(this.gradW2d[0], inC, h, k, grads[0]);
    }
    for (let l = 1; l < layers.length; l++) {
      const [lin, lout, lk] = layers[l];
      SimdEncoder.fromRows(this.gradW2d[l], lin, lout, lk, grads[2 * l]);
    }
  }

  /** Backward of `forwardWindows`' first convolution: gradients are summed per bin, then one product. */
  private firstLayerBackwardByBin(params: EncoderParams, dh0: Float64Array, grads: Float64Array[]): void {
    const { inChannels: C, hidden: h } = this.shape;
    const batch = this.batch, length = this.length, lo = length - 1, used = this.usedBins;
    const G = this.binGrads, slots = this.binSlots, db = grads[1];
    G.fill(0, 0, used * 2 * h);
    for (let i = 0; i < batch; i++) {
      for (let t = 0; t < lo; t++) {
        const g0 = slots[i * length + t] * 2 * h, g1 = slots[i * length + t + 1] * 2 * h + h;
        const o = (i * lo + t) * h;
        for (let c = 0; c < h; c++) {
          const g = dh0[o + c];
          G[g0 + c] += g;
          G[g1 + c] += g;
          db[c] += g;
        }
      }
    }
    // grads[0] read as (2·hidden) × in is [dW₀; dW₁] = Gᵀ X_bins.
    this.kernels.backward(this.binData, G, used, C, 2 * h, params[0], grads[0], null, false);
  }

  /** out × (k · in) → the k × out × in layout of the parameters. */
  private static fromRows(g: Float64Array, lin: number, lout: number, lk: number, out: Float64Array): void {
    for (let kk = 0; kk < lk; kk++) {
      for (let o = 0; o < lout; o++) {
        const dst = (kk * lout + o) * lin, src = o * lk * lin + kk * lin;
        for (let i = 0; i < lin; i++) out[dst + i] = g[src + i];
      }
    }
  }
}
