/**
 * Fully connected layer Y = X Wᵀ + b over row-major batches (W is out × in, as in PyTorch).
 */
import type { Random } from "../core/random.js";
import { parameter, type Tensor } from "./tensor.js";

export class Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, bias: boolean, rng: Random, name = "linear") {
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = parameter(`${name}.weight`, [outFeatures, inFeatures]);
    this.bias = bias ? parameter(`${name}.bias`, [outFeatures]) : null;
    // PyTorch's default initialisation: U(−1/√in, 1/√in) for weights and biases
    const bound = 1 / Math.sqrt(Math.max(1, inFeatures));
    for (let i = 0; i < this.weight.data.length; i++) this.weight.data[i] = rng.uniform(-bound, bound);
    if (this.bias) for (let i = 0; i < outFeatures; i++) this.bias.data[i] = rng.uniform(-bound, bound);
  }

  get parameters(): Tensor[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  forward(x: Float64Array, rows: number, out?: Float64Array): Float64Array {
    return linearForward(x, rows, this.inFeatures, this.outFeatures, this.weight.data, this.bias?.data ?? null, out);
  }

  /** Accumulates weight/bias gradients; returns dL/dX when `needInput` (else null). */
  backward(x: Float64Array, gradOut: Float64Array, rows: number, needInput: boolean): Float64Array | null {
    return linearBackward(x, gradOut, rows, this.inFeatures, this.outFeatures, this.weight.data, this.weight.grad!, this.bias?.grad ?? null, needInput);
  }
}

export function linearForward(
  x: Float64Array, rows: number, nIn: number, nOut: number, w: Float64Array, b: Float64Array | null, out?: Float64Array,
): Float64Array {
  const y = out ?? new Float64Array(rows * nOut);
  for (let r = 0; r < rows; r++) {
    const xr = r * nIn, yr = r * nOut;
    for (let o = 0; o < nOut; o++) {
      const wo = o * nIn;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let i = 0;
      for (; i + 3 < nIn; i += 4) {
        s0 += x[xr + i] * w[wo + i];
        s1 += x[xr + i + 1] * w[wo + i + 1];
        s2 += x[xr + i + 2] * w[wo + i + 2];
        s3 += x[xr + i + 3] * w[wo + i + 3];
      }
      for (; i < nIn; i++) s0 += x[xr + i] * w[wo + i];
      y[yr + o] = s0 + s1 + s2 + s3 + (b ? b[o] : 0);
    }
  }
  return y;
}

export function linearBackward(
  x: Float64Array, gy: Float64Array, rows: number, nIn: number, nOut: number,
  w: Float64Array, gw: Float64Array, gb: Float64Array | null, needInput: boolean,
): Float64Array | null {
  const gx = needInput ? new Float64Array(rows * nIn) : null;
  for (let r = 0; r < rows; r++) {
    const xr = r * nIn, yr = r * nOut;
    for (let o = 0; o < nOut; o++) {
      const g = gy[yr + o];
      if (g === 0) continue;
      if (gb) gb[o] += g;
      const wo = o * nIn;
      for (let i = 0; i < nIn; i++) gw[wo + i] += g * x[xr + i];
      if (gx) for (let i = 0; i < nIn; i++) gx[xr + i] += g * w[wo + i];
    }
  }
  return gx;
}
