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
  let r = 0;
  // four rows at a time: each weight row is loaded once per four dot products
  for (; r + 3 < rows; r += 4) {
    const x0 = r * nIn, x1 = x0 + nIn, x2 = x1 + nIn, x3 = x2 + nIn;
    for (let o = 0; o < nOut; o++) {
      const wo = o * nIn;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0; i < nIn; i++) {
        const wi = w[wo + i];
        s0 += x[x0 + i] * wi;
        s1 += x[x1 + i] * wi;
        s2 += x[x2 + i] * wi;
        s3 += x[x3 + i] * wi;
      }
      const bo = b ? b[o] : 0;
      y[r * nOut + o] = s0 + bo;
      y[(r + 1) * nOut + o] = s1 + bo;
      y[(r + 2) * nOut + o] = s2 + bo;
      y[(r + 3) * nOut + o] = s3 + bo;
    }
  }
  for (; r < rows; r++) {
    const xr = r * nIn;
    for (let o = 0; o < nOut; o++) {
      const wo = o * nIn;
      let s = 0;
      for (let i = 0; i < nIn; i++) s += x[xr + i] * w[wo + i];
      y[r * nOut + o] = s + (b ? b[o] : 0);
    }
  }
  return y;
}

export function linearBackward(
  x: Float64Array, gy: Float64Array, rows: number, nIn: number, nOut: number,
  w: Float64Array, gw: Float64Array, gb: Float64Array | null, needInput: boolean,
): Float64Array | null {
  if (gb) {
    for (let r = 0; r < rows; r++) for (let o = 0; o < nOut; o++) gb[o] += gy[r * nOut + o];
  }
  // dW = dYᵀ X, four rows of the batch per pass over each weight row
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const x0 = r * nIn, x1 = x0 + nIn, x2 = x1 + nIn, x3 = x2 + nIn;
    for (let o = 0; o < nOut; o++) {
      const g0 = gy[r * nOut + o], g1 = gy[(r + 1) * nOut + o], g2 = gy[(r + 2) * nOut + o], g3 = gy[(r + 3) * nOut + o];
      if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0) continue;
      const wo = o * nIn;
      for (let i = 0; i < nIn; i++) gw[wo + i] += g0 * x[x0 + i] + g1 * x[x1 + i] + g2 * x[x2 + i] + g3 * x[x3 + i];
    }
  }
  for (; r < rows; r++) {
    const xr = r * nIn;
    for (let o = 0; o < nOut; o++) {
      const g = gy[r * nOut + o];
      if (g === 0) continue;
      const wo = o * nIn;
      for (let i = 0; i < nIn; i++) gw[wo + i] += g * x[xr + i];
    }
  }
  if (!needInput) return null;
  // dX = dY W, four weight rows per pass over each input row
  const gx = new Float64Array(rows * nIn);
  for (let q = 0; q < rows; q++) {
    const xr = q * nIn, yr = q * nOut;
    let o = 0;
    for (; o + 3 < nOut; o += 4) {
      const g0 = gy[yr + o], g1 = gy[yr + o + 1], g2 = gy[yr + o + 2], g3 = gy[yr + o + 3];
      if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0) continue;
      const w0 = o * nIn, w1 = w0 + nIn, w2 = w1 + nIn, w3 = w2 + nIn;
      for (let i = 0; i < nIn; i++) gx[xr + i] += g0 * w[w0 + i] + g1 * w[w1 + i] + g2 * w[w2 + i] + g3 * w[w3 + i];
    }
    for (; o < nOut; o++) {
      const g = gy[yr + o];
      if (g === 0) continue;
      const wo = o * nIn;
      for (let i = 0; i < nIn; i++) gx[xr + i] += g * w[wo + i];
    }
  }
  return gx;
}
