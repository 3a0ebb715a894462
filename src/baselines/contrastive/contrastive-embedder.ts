import { Matrix, type MatrixLike, Random, toMatrix, withDefaults, checkInteger, checkNumber, checkOneOf, ValidationError, progressTask } from "../../core/index.js";
import type { Embedder } from "../types.js";
import { toLabelMatrix } from "../labels.js";
import { Adam } from "../nn/adam.js";
import { infoNce, infoNceFloat32 } from "../nn/infonce.js";
import {
  encoderBackward, encoderForward, initEncoder, OFFSET10_FIELD, OFFSET10_LEFT, OFFSET10_RIGHT,
  type EncoderParams, type EncoderShape,
} from "./encoder.js";
import { SimdEncoder } from "./encoder-simd.js";
import { createSimdKernels } from "../../kernels/simd.js";
import { BehaviourDeltaSampler, TimeOffsetSampler, type TripletSampler } from "./sampling.js";
import { fitKey, readCachedFit, writeCachedFit, fitCachePath } from "./fit-cache.js";

/**
 * Parameters of the CEBRA-style embedder. Defaults are quick (a 2-core CPU, seconds to a
 * minute); CEBRA's own values are given beside each for full-scale runs.
 */
export interface ContrastiveEmbedderParams {
  /** "time" = CEBRA-Time (conditional='time'); "behaviour" = CEBRA-Behaviour (conditional='time_delta', needs labels). */
  conditional: "time" | "behaviour";
  /** Embedding dimension on the unit sphere. CEBRA: output_dimension = 8 (the paper used 3–32). */
  outputDimension: number;
  /** Channels of the hidden convolutions. CEBRA: num_hidden_units = 32. */
  hiddenUnits: number;
  /** InfoNCE temperature (fixed). CEBRA: temperature = 1.0. */
  temperature: number;
  /** Time offset for positives (time) or for behaviour changes (behaviour). CEBRA: time_offsets = 1 (the hippocampus runs used 10). */
  timeOffset: number;
  /** References (= positives = negatives) per step. CEBRA: batch_size = None (full), the paper 512. */
  batchSize: number;
  /** Optimisation steps. CEBRA: max_iterations = 10000. */
  iterations: number;
  /** Adam step size. CEBRA: learning_rate = 3e-4. */
  learningRate: number;
  /** Adam betas and epsilon. CEBRA/PyTorch: (0.9, 0.999), 1e-8. */
  beta1: number;
  beta2: number;
  epsilon: number;
  seed: number;
  /** Time bins embedded per block in transform (bounds memory on long recordings). */
  transformChunk: number;
  /**
   * "float32": the convolutions run as float32 WebAssembly-SIMD matrix products (PyTorch's
   * default precision; 5–7× faster per step at batch 512 here); "float64": the JavaScript reference loops.
   * Parameters, gradients and Adam are float64 either way. Without WebAssembly SIMD,
   * "float32" falls back to the float64 loops (with a warning).
   */
  precision: "float32" | "float64";
  /**
   * Folder for fitted encoders cached by content (data, labels, every setting above, the seed), as
   * scikit-learn's `memory`: a fit already in the folder is read back instead of trained again.
   * null (default) = no cache. `fitCacheDir()` gives the project's cache folder.
   */
  memory: string | null;
}

export const CONTRASTIVE_DEFAULTS: Readonly<ContrastiveEmbedderParams> = Object.freeze({
  conditional: "behaviour",
  outputDimension: 8,
  hiddenUnits: 32,
  temperature: 1,
  timeOffset: 10,
  batchSize: 256,
  iterations: 500,
  learningRate: 3e-4,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  seed: 0,
  transformChunk: 4096,
  precision: "float32",
  memory: null,
});

/**
 * A CEBRA-style contrastive embedder (Schneider, Lee & Mathis, Nature 2023): the
 * offset10 convolutional encoder over 10-bin windows, trained with InfoNCE (cosine
 * similarity, fixed temperature) on positives chosen by time offset or by behaviour,
 * uniform negatives from the same session, and Adam.
 *
 * transform embeds every time bin: like CEBRA (pad_before_transform), the series is padded
 * by repeating its first row 5 times and its last row 4 times, so output row t is the
 * embedding of the window [t − 5, t + 5).
 */
export class ContrastiveEmbedder implements Embedder {
  readonly params: ContrastiveEmbedderParams;
  private network: EncoderParams | null = null;
  private shape: EncoderShape | null = null;
  /** InfoNCE loss at every step of the last fit. */
  lossHistory: Float64Array = new Float64Array(0);
  /** True when the last fit was read from the `memory` cache rather than trained. */
  fittedFromCache = false;

  constructor(params?: Partial<ContrastiveEmbedderParams>) {
    const p = withDefaults<ContrastiveEmbedderParams>({ ...CONTRASTIVE_DEFAULTS }, params, "ContrastiveEmbedder");
    checkOneOf(p.conditional, "ContrastiveEmbedder conditional", ["time", "behaviour"]);
    checkInteger(p.outputDimension, "ContrastiveEmbedder outputDimension", 1);
    checkInteger(p.hiddenUnits, "ContrastiveEmbedder hiddenUnits", 1);
    checkNumber(p.temperature, "ContrastiveEmbedder temperature", Number.MIN_VALUE);
    checkInteger(p.timeOffset, "ContrastiveEmbedder timeOffset", 1);
    checkInteger(p.batchSize, "ContrastiveEmbedder batchSize", 2);
    checkInteger(p.iterations, "ContrastiveEmbedder iterations", 0);
    checkNumber(p.learningRate, "ContrastiveEmbedder learningRate", 0);
    checkNumber(p.beta1, "ContrastiveEmbedder beta1", 0, 1);
    checkNumber(p.beta2, "ContrastiveEmbedder beta2", 0, 1);
    checkNumber(p.epsilon, "ContrastiveEmbedder epsilon", 0);
    checkInteger(p.seed, "ContrastiveEmbedder seed");
    checkInteger(p.transformChunk, "ContrastiveEmbedder transformChunk", 1);
    checkOneOf(p.precision, "ContrastiveEmbedder precision", ["float32", "float64"]);
    if (p.memory !== null && (typeof p.memory !== "string" || p.memory === "")) {
      throw new ValidationError(`ContrastiveEmbedder memory: pass a folder path (e.g. fitCacheDir()) or null for no cache, got ${String(p.memory)}`);
    }
    this.params = p;
  }

  /** Trains on `data` (time bins × channels); "behaviour" needs `labels` (one row per bin). */
  fit(data: MatrixLike, labels?: MatrixLike | ArrayLike<number>): this {
    const X = toMatrix(data, "ContrastiveEmbedder.fit data");
    const p = this.params;
    const T = X.rows, C = X.cols;
    if (T < OFFSET10_FIELD + p.timeOffset + 1) {
      throw new ValidationError(`ContrastiveEmbedder.fit data: needs at least ${OFFSET10_FIELD + p.timeOffset + 1} time bins (window ${OFFSET10_FIELD} + timeOffset ${p.timeOffset}), got ${T}`);
    }
    let sampler: TripletSampler;
    let labelMatrix: Matrix | null = null;
    if (p.conditional === "behaviour") {
      if (labels === undefined) {
        throw new ValidationError('ContrastiveEmbedder.fit: conditional "behaviour" needs labels (one row per time bin); pass labels or use conditional "time"');
      }
      labelMatrix = toLabelMatrix(labels, T, "ContrastiveEmbedder.fit labels");
      sampler = new BehaviourDeltaSampler(labelMatrix, p.timeOffset);
    } else {
      sampler = new TimeOffsetSampler(T, p.timeOffset);
    }
    const rng = new Random(p.seed);
    const shape: EncoderShape = { inChannels: C, hidden: p.hiddenUnits, outDim: p.outputDimension };
    const params = initEncoder(shape, rng);
    const fast = this.simdEncoder(shape);
    this.fittedFromCache = false;
    let key = "";
    if (p.memory !== null) {
      // Everything the trained weights depend on; transformChunk and memory do not change them, and
      // the arithmetic actually used (float32 SIMD, with fused multiply-adds or not, or the
      // float64 loops) does.
      const { transformChunk: _chunk, memory: _memory, precision: _precision, ...settings } = p;
      const arithmetic = !fast ? "float64" : fast.kernels.variant === "fma" ? "float32-simd-fma" : "float32-simd";
      key = fitKey({ ...settings, arithmetic }, X, labelMatrix);
      const cached = readCachedFit(p.memory, key, params.map((a) => a.length));
      if (cached && !("corrupt" in cached)) {
        this.network = cached.params;
        this.shape = shape;
        this.lossHistory = cached.lossHistory;
        this.fittedFromCache = true;
        return this;
      }
      if (cached) console.warn(`ContrastiveEmbedder: cached fit ${fitCachePath(p.memory, key)} is unusable (${cached.corrupt}); fitting again and replacing it`);
    }
    const adam = new Adam(params, { learningRate: p.learningRate, beta1: p.beta1, beta2: p.beta2, epsilon: p.epsilon });
    const n = p.batchSize, D = p.outputDimension, W = OFFSET10_FIELD;
    const dEmb = new Float64Array(3 * n * D);
    const grads = { reference: dEmb.subarray(0, n * D), positive: dEmb.subarray(n * D, 2 * n * D), negative: dEmb.subarray(2 * n * D) };
    // Windows copied out for the float64 path; the float32 path reads them in place.
    const x = new Float64Array(fast ? 0 : 3 * n * W * C);
    const paramGrads = params.map((a) => new Float64Array(a.length));
    const starts = new Int32Array(3 * n);
    const similarities = new Float64Array(n * n);
    this.lossHistory = new Float64Array(p.iterations);
    const progress = progressTask(`contrastive (${p.conditional}) fit, steps`, p.iterations);
    for (let it = 0; it < p.iterations; it++) {
      if ((it & 15) === 0) progress.update(it);
      const idx = sampler.sample(n, rng);
      if (fast) {
        windowStarts(T, idx.reference, starts, 0);
        windowStarts(T, idx.positive, starts, n);
        windowStarts(T, idx.negative, starts, 2 * n);
        const e = fast.forwardWindows(params, X.data, T, starts, W);
        const res = infoNceFloat32(fast.kernels, e.subarray(0, n * D), e.subarray(n * D, 2 * n * D), e.subarray(2 * n * D), n, n, D, p.temperature, grads, similarities);
        this.lossHistory[it] = res.loss;
        fast.backward(params, dEmb, paramGrads);
        adam.step(paramGrads);
      } else {
        gatherWindows(X, idx.reference, x, 0);
        gatherWindows(X, idx.positive, x, n);
        gatherWindows(X, idx.negative, x, 2 * n);
        const cache = encoderForward(params, shape, x, 3 * n, W);
        const e = cache.embedding;
        const res = infoNce(e.subarray(0, n * D), e.subarray(n * D, 2 * n * D), e.subarray(2 * n * D), n, n, D, p.temperature, grads);
        this.lossHistory[it] = res.loss;
        adam.step(encoderBackward(params, shape, cache, dEmb));
      }
    }
    progress.update(p.iterations);
    progress.end();
    this.network = params;
    this.shape = shape;
    if (p.memory !== null) writeCachedFit(p.memory, key, { params, lossHistory: this.lossHistory });
    return this;
  }

  /** One unit-norm embedding per time bin (rows of `data`, same channels as in fit). */
  transform(data: MatrixLike): Matrix {
    if (!this.network || !this.shape) throw new ValidationError("ContrastiveEmbedder.transform: call fit first");
    const X = toMatrix(data, "ContrastiveEmbedder.transform data", { cols: this.shape.inChannels });
    const T = X.rows, C = X.cols, D = this.shape.outDim;
    if (T < 1) throw new ValidationError("ContrastiveEmbedder.transform data: needs at least one row");
    const out = new Matrix(T, D);
    const chunk = this.params.transformChunk;
    const fast = this.simdEncoder(this.shape);
    for (let start = 0; start < T; start += chunk) {
      const end = Math.min(T, start + chunk);
      const len = end - start + OFFSET10_FIELD - 1;
      const x = new Float64Array(len * C);
      // Padded row r of the chunk is data row (start − LEFT + r), clamped to [0, T−1] ("replicate").
      for (let r = 0; r < len; r++) {
        const src = Math.min(T - 1, Math.max(0, start - OFFSET10_LEFT + r));
        x.set(X.data.subarray(src * C, (src + 1) * C), r * C);
      }
      const embedding = fast ? fast.forward(this.network, x, 1, len) : encoderForward(this.network, this.shape, x, 1, len).embedding;
      out.data.set(embedding.subarray(0, (end - start) * D), start * D);
    }
    return out;
  }

  /** The float32 SIMD encoder for `shape`, or null with precision "float64" or without WebAssembly SIMD. */
  private simdEncoder(shape: EncoderShape): SimdEncoder | null {
    if (this.params.precision !== "float32") return null;
    // An instance of its own: its memory holds only this encoder's operands.
    const kernels = createSimdKernels();
    return kernels ? new SimdEncoder(shape, kernels) : null;
  }
}

/**
 * First row of the window around time bin `index` of T. Indices are clamped to [LEFT, T − RIGHT]
 * so every window lies inside the data, as CEBRA's dataset indexing does.
 */
function windowStart(T: number, index: number): number {
  return Math.min(Math.max(index, OFFSET10_LEFT), T - OFFSET10_RIGHT) - OFFSET10_LEFT;
}

/** First row of the window of each index, written to starts[offset + i]. */
function windowStarts(T: number, indices: Int32Array, starts: Int32Array, offset: number): void {
  for (let i = 0; i < indices.length; i++) starts[offset + i] = windowStart(T, indices[i]);
}

/** Copies the window of each index into x (time-major, starting at window slot `offset`). */
function gatherWindows(X: Matrix, indices: Int32Array, x: Float64Array, offset: number): void {
  const T = X.rows, C = X.cols, W = OFFSET10_FIELD;
  for (let i = 0; i < indices.length; i++) {
    const first = windowStart(T, indices[i]);
    x.set(X.data.subarray(first * C, (first + W) * C), (offset + i) * W * C);
  }
}
