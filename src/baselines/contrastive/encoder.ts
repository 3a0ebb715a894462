import type { Random } from "../../core/index.js";
import { conv1dBackward, conv1dForward, type Conv1dShape } from "../nn/conv1d.js";
import { geluBackward, geluForward } from "../nn/gelu.js";
import { l2NormalizeRows, l2NormalizeRowsBackward } from "../nn/normalize.js";

/**
 * CEBRA's "offset10-model": a small 1-D convolutional network with a receptive field of
 * 10 time bins, mapping a window of `inChannels` signals to one unit-norm embedding.
 *
 *   Conv1d(in → hidden, k=2) → GELU
 *   → 3 × [a ↦ a[1:−1] + GELU(Conv1d(hidden → hidden, k=3)(a))]   (residual, cropped skip)
 *   → Conv1d(hidden → out, k=3) → divide by the L2 norm.
 *
 * Lengths: 10 → 9 → 7 → 5 → 3 → 1. Applied to a longer series the same network gives one
 * embedding per window position (length − 9 outputs), which is how transform works.
 * The window for time t covers bins [t − 5, t + 5) (CEBRA's Offset(5, 5)).
 */
export const OFFSET10_LEFT = 5;
export const OFFSET10_RIGHT = 5;
export const OFFSET10_FIELD = OFFSET10_LEFT + OFFSET10_RIGHT;
/** Residual blocks between the first and the last convolution. */
export const ENCODER_BLOCKS = 3;
const BLOCKS = ENCODER_BLOCKS;

export interface EncoderShape {
  inChannels: number;
  hidden: number;
  outDim: number;
}

/** Parameter arrays in a fixed order: [w0, b0, w1, b1, w2, b2, w3, b3, w4, b4]. */
export type EncoderParams = Float64Array[];

/** What the forward pass keeps for the backward pass. */
export interface EncoderCache {
  batch: number;
  length: number;
  x: Float64Array;
  h0: Float64Array;
  /** a[0] = GELU(h0); a[j] = output of residual block j (1..3). */
  a: Float64Array[];
  /** z[j-1] = pre-activation of residual block j. */
  z: Float64Array[];
  y: Float64Array;
  norms: Float64Array;
  embedding: Float64Array;
}

function convShape(batch: number, length: number, inC: number, outC: number, kernel: number): Conv1dShape {
  return { batch, length, inChannels: inC, outChannels: outC, kernel };
}

/** [inChannels, outChannels, kernel] of the encoder's convolutions, first to last. */
export function encoderLayers(shape: EncoderShape): [number, number, number][] {
  const { inChannels: ci, hidden: h, outDim: d } = shape;
  const layers: [number, number, number][] = [[ci, h, 2]];
  for (let j = 0; j < BLOCKS; j++) layers.push([h, h, 3]);
  layers.push([h, d, 3]);
  return layers;
}

/**
 * PyTorch's default Conv1d initialisation (uniform in ±1/√fan_in for weights and biases,
 * fan_in = in × kernel), drawn in a fixed order from `rng` so a seed fixes the network.
 */
export function initEncoder(shape: EncoderShape, rng: Random): EncoderParams {
  const params: Float64Array[] = [];
  for (const [inC, outC, k] of encoderLayers(shape)) {
    const bound = 1 / Math.sqrt(inC * k);
    const w = new Float64Array(k * outC * inC);
    for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
    const b = new Float64Array(outC);
    for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-bound, bound);
    params.push(w, b);
  }
  return params;
}

/**
 * Forward pass over `batch` windows of `length` ≥ 10 time bins (x: batch × length × inChannels).
 * The embedding is batch × (length − 9) × outDim, unit norm per time position.
 */
export function encoderForward(params: EncoderParams, shape: EncoderShape, x: Float64Array, batch: number, length: number): EncoderCache {
  const { inChannels: ci, hidden: h, outDim: d } = shape;
  let len = length - 1;
  const h0 = new Float64Array(batch * len * h);
  conv1dForward(x, params[0], params[1], convShape(batch, length, ci, h, 2), h0);
  const a0 = new Float64Array(h0.length);
  geluForward(h0, a0);
  const a = [a0];
  const z: Float64Array[] = [];
  for (let j = 1; j <= BLOCKS; j++) {
    const prev = a[j - 1];
    const outLen = len - 2;
    const zj = new Float64Array(batch * outLen * h);
    conv1dForward(prev, params[2 * j], params[2 * j + 1], convShape(batch, len, h, h, 3), zj);
    const aj = new Float64Array(zj.length);
    geluForward(zj, aj);
    // Residual: add the input cropped by one bin at each end.
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < outLen; t++) {
        const src = (b * len + t + 1) * h, dst = (b * outLen + t) * h;
        for (let c = 0; c < h; c++) aj[dst + c] += prev[src + c];
      }
    }
    z.push(zj);
    a.push(aj);
    len = outLen;
  }
  const outLen = len - 2;
  const y = new Float64Array(batch * outLen * d);
  conv1dForward(a[BLOCKS], params[2 * BLOCKS + 2], params[2 * BLOCKS + 3], convShape(batch, len, h, d, 3), y);
  const rows = batch * outLen;
  const norms = new Float64Array(rows);
  const embedding = new Float64Array(y.length);
  l2NormalizeRows(y, rows, d, embedding, norms);
  return { batch, length, x, h0, a, z, y, norms, embedding };
}

/** Gradients of the loss w.r.t. every parameter, given ∂loss/∂embedding. Same order as params. */
export function encoderBackward(params: EncoderParams, shape: EncoderShape, cache: EncoderCache, dEmbedding: Float64Array): Float64Array[] {
  const { inChannels: ci, hidden: h, outDim: d } = shape;
  const { batch, length } = cache;
  const grads = params.map((p) => new Float64Array(p.length));
  const lens = [length - 1];
  for (let j = 1; j <= BLOCKS; j++) lens.push(lens[j - 1] - 2);
  const outLen = lens[BLOCKS] - 2;
  const rows = batch * outLen;
  const dy = new Float64Array(rows * d);
  l2NormalizeRowsBackward(cache.embedding, cache.norms, dEmbedding, rows, d, dy);
  let da: Float64Array = new Float64Array(batch * lens[BLOCKS] * h);
  conv1dBackward(cache.a[BLOCKS], params[2 * BLOCKS + 2], dy, convShape(batch, lens[BLOCKS], h, d, 3), da, grads[2 * BLOCKS + 2], grads[2 * BLOCKS + 3]);
  for (let j = BLOCKS; j >= 1; j--) {
    const inLen = lens[j - 1], oLen = lens[j];
    const dz = new Float64Array(cache.z[j - 1].length);
    geluBackward(cache.z[j - 1], da, dz);
    const dPrev = new Float64Array(batch * inLen * h);
    conv1dBackward(cache.a[j - 1], params[2 * j], dz, convShape(batch, inLen, h, h, 3), dPrev, grads[2 * j], grads[2 * j + 1]);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < oLen; t++) {
        const dst = (b * inLen + t + 1) * h, src = (b * oLen + t) * h;
        for (let c = 0; c < h; c++) dPrev[dst + c] += da[src + c];
      }
    }
    da = dPrev;
  }
  const dh0 = new Float64Array(cache.h0.length);
  geluBackward(cache.h0, da, dh0);
  conv1dBackward(cache.x, params[0], dh0, convShape(batch, length, ci, h, 2), null, grads[0], grads[1]);
  return grads;
}
