/**
 * Batch normalisation over the rows of a batch (PyTorch's BatchNorm1d: eps 1e-5, momentum 0.1,
 * biased variance to normalise, unbiased variance in the running estimate).
 */
import { parameter, buffer, type Tensor } from "./tensor.js";

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;
const EPS = BN_EPS;
const MOMENTUM = BN_MOMENTUM;

export interface BatchNormCache {
  xhat: Float64Array;
  invStd: Float64Array;
  rows: number;
}

export class BatchNorm {
  readonly features: number;
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;

  constructor(features: number, name = "bn") {
    this.features = features;
    this.weight = parameter(`${name}.weight`, [features], new Float64Array(features).fill(1));
    this.bias = parameter(`${name}.bias`, [features]);
    this.runningMean = buffer(`${name}.running_mean`, [features]);
    this.runningVar = buffer(`${name}.running_var`, [features], new Float64Array(features).fill(1));
  }

  get parameters(): Tensor[] {
    return [this.weight, this.bias];
  }

  get buffers(): Tensor[] {
    return [this.runningMean, this.runningVar];
  }

  /** In training mode normalises with the batch statistics and updates the running ones. */
  forward(x: Float64Array, rows: number, training: boolean): { y: Float64Array; cache: BatchNormCache | null } {
    const c = this.features;
    const y = new Float64Array(rows * c);
    const gamma = this.weight.data, beta = this.bias.data;
    if (!training || rows < 2) {
      if (training && rows < 2) throw new RangeError("BatchNorm: a training batch needs at least 2 rows; raise batchSize or turn batchNorm off");
      const rm = this.runningMean.data, rv = this.runningVar.data;
      for (let j = 0; j < c; j++) {
        const inv = 1 / Math.sqrt(rv[j] + EPS);
        for (let r = 0; r < rows; r++) y[r * c + j] = gamma[j] * (x[r * c + j] - rm[j]) * inv + beta[j];
      }
      return { y, cache: null };
    }
    const xhat = new Float64Array(rows * c);
    const invStd = new Float64Array(c);
    const rm = this.runningMean.data, rv = this.runningVar.data;
    for (let j = 0; j < c; j++) {
      let mean = 0;
      for (let r = 0; r < rows; r++) mean += x[r * c + j];
      mean /= rows;
      let v = 0;
      for (let r = 0; r < rows; r++) {
        const d = x[r * c + j] - mean;
        v += d * d;
      }
      const biased = v / rows;
      const inv = 1 / Math.sqrt(biased + EPS);
      invStd[j] = inv;
      for (let r = 0; r < rows; r++) {
        const h = (x[r * c + j] - mean) * inv;
        xhat[r * c + j] = h;
        y[r * c + j] = gamma[j] * h + beta[j];
      }
      rm[j] = (1 - MOMENTUM) * rm[j] + MOMENTUM * mean;
      rv[j] = (1 - MOMENTUM) * rv[j] + MOMENTUM * (v / (rows - 1));
    }
    return { y, cache: { xhat, invStd, rows } };
  }

  /** Accumulates γ, β gradients and returns dL/dx (training-mode statistics). */
  backward(cache: BatchNormCache, gy: Float64Array): Float64Array {
    const c = this.features, rows = cache.rows;
    const { xhat, invStd } = cache;
    const gamma = this.weight.data, gg = this.weight.grad!, gbeta = this.bias.grad!;
    const gx = new Float64Array(rows * c);
    for (let j = 0; j < c; j++) {
      let sumG = 0, sumGX = 0;
      for (let r = 0; r < rows; r++) {
        const g = gy[r * c + j];
        sumG += g;
        sumGX += g * xhat[r * c + j];
      }
      gg[j] += sumGX;
      gbeta[j] += sumG;
      const k = (gamma[j] * invStd[j]) / rows;
      for (let r = 0; r < rows; r++) {
        gx[r * c + j] = k * (rows * gy[r * c + j] - sumG - xhat[r * c + j] * sumGX);
      }
    }
    return gx;
  }
}
