/**
 * Fully connected layer Y = X Wᵀ + b over row-major batches (W is out × in, as in PyTorch).
 * The float64 loops below are the reference; with precision "float32" the products run in the
 * WebAssembly SIMD kernels of src/kernels/simd.ts (falling back to these loops, with a
 * warning, where WebAssembly SIMD is unavailable).
 */
import type { Random } from "../core/random.js";
import { simdKernels, type SimdKernels } from "../kernels/simd.js";
import type { MlpPrecision } from "./params.js";
import { parameter, type Tensor } from "./tensor.js";

export class Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly precision: MlpPrecision;
  private readonly kernels: SimdKernels | null;

  constructor(inFeatures: number, outFeatures: number, bias: boolean, rng: Random, name = "linear", precision: MlpPrecision = "float64") {
    this.inFeatures = inFeatures;
    this.precision = precision;
    this.kernels = precision === "float32" ? simdKernels() : null;
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
    if (this.kernels) return this.kernels.forward(x, rows, this.inFeatures, this.outFeatures, this.weight.data, this.bias?.data ?? null, out);
    return linearForward(x, rows, this.inFeatures, this.outFeatures, this.weight.data, this.bias?.data ?? null, out);
  }

  /** Accumulates weight/bias gradients; returns dL/dX when `needInput` (else null). */
  backward(x: Float64Array, gradOut: Float64Array, rows: number, needInput: boolean): Float64Array | null {
    if (this.kernels) return this.kernels.backward(x, gradOut, rows, this.inFeatures, this.outFeatures, this.weight.data, this.weight.grad!, this.bias?.grad ?? null, needInput);
    return linearBackward(x, gradOut, rows, this.inFeatures, this.outFeatures, this.weight.data, this.weight.grad!, this.bias?.grad ?? null, needInput);
  }
}

export function linearForward(
  x: Float64Array, rows: number, nIn: number, nOut: number, w: Float64Array, b: Float64Array | null, out?: Float64Array,
): Float64Array {
  const y = out ?? new Float64Array(rows * nOut);
  let r = 0;
  // blocks of four rows × two outputs: eight accumulators, six loads per eight multiply-adds
  for (; r + 3 < rows; r += 4) {
    const x0 = r * nIn, x1 = x0 + nIn, x2 = x1 + nIn, x3 = x2 + nIn;
    const y0 = r * nOut, y1 = y0 + nOut, y2 = y1 + nOut, y3 = y2 + nOut;
    let o = 0;
    for (; o + 1 < nOut; o += 2) {
      const wa = o * nIn, wb = wa + nIn;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let i = 0; i < nIn; i++) {
        const u = w[wa + i], v = w[wb + i];
        const p0 = x[x0 + i], p1 = x[x1 + i], p2 = x[x2 + i], p3 = x[x3 + i];
        a0 += p0 * u;
        a1 += p1 * u;
        a2 += p2 * u;
        a3 += p3 * u;
        b0 += p0 * v;
        b1 += p1 * v;
        b2 += p2 * v;
        b3 += p3 * v;
      }
      const ba = b ? b[o] : 0, bb = b ? b[o + 1] : 0;
      y[y0 + o] = a0 + ba;
      y[y1 + o] = a1 + ba;
      y[y2 + o] = a2 + ba;
      y[y3 + o] = a3 + ba;
      y[y0 + o + 1] = b0 + bb;
      y[y1 + o + 1] = b1 + bb;
      y[y2 + o + 1] = b2 + bb;
      y[y3 + o + 1] = b3 + bb;
    }
    for (; o < nOut; o++) {
      const wo = o * nIn;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let i = 0; i < nIn; i++) {
        const u = w[wo + i];
        a0 += x[x0 + i] * u;
        a1 += x[x1 + i] * u;
        a2 += x[x2 + i] * u;
        a3 += x[x3 + i] * u;
      }
      const bo = b ? b[o] : 0;
      y[y0 + o] = a0 + bo;
      y[y1 + o] = a1 + bo;
      y[y2 + o] = a2 + bo;
      y[y3 + o] = a3 + bo;
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
  // dW = dYᵀ X in blocks of four batch rows × two outputs
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const x0 = r * nIn, x1 = x0 + nIn, x2 = x1 + nIn, x3 = x2 + nIn;
    const y0 = r * nOut, y1 = y0 + nOut, y2 = y1 + nOut, y3 = y2 + nOut;
    let o = 0;
    for (; o + 1 < nOut; o += 2) {
      const a0 = gy[y0 + o], a1 = gy[y1 + o], a2 = gy[y2 + o], a3 = gy[y3 + o];
      const b0 = gy[y0 + o + 1], b1 = gy[y1 + o + 1], b2 = gy[y2 + o + 1], b3 = gy[y3 + o + 1];
      const wa = o * nIn, wb = wa + nIn;
      for (let i = 0; i < nIn; i++) {
        const p0 = x[x0 + i], p1 = x[x1 + i], p2 = x[x2 + i], p3 = x[x3 + i];
        gw[wa + i] += a0 * p0 + a1 * p1 + a2 * p2 + a3 * p3;
        gw[wb + i] += b0 * p0 + b1 * p1 + b2 * p2 + b3 * p3;
      }
    }
    for (; o < nOut; o++) {
      const g0 = gy[y0 + o], g1 = gy[y1 + o], g2 = gy[y2 + o], g3 = gy[y3 + o];
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
  // dX = dY W in blocks of two batch rows × four outputs
  const gx = new Float64Array(rows * nIn);
  let q = 0;
  for (; q + 1 < rows; q += 2) {
    const xa = q * nIn, xb = xa + nIn, ya = q * nOut, yb = ya + nOut;
    let o = 0;
    for (; o + 3 < nOut; o += 4) {
      const a0 = gy[ya + o], a1 = gy[ya + o + 1], a2 = gy[ya + o + 2], a3 = gy[ya + o + 3];
      const b0 = gy[yb + o], b1 = gy[yb + o + 1], b2 = gy[yb + o + 2], b3 = gy[yb + o + 3];
      const w0 = o * nIn, w1 = w0 + nIn, w2 = w1 + nIn, w3 = w2 + nIn;
      for (let i = 0; i < nIn; i++) {
        const u0 = w[w0 + i], u1 = w[w1 + i], u2 = w[w2 + i], u3 = w[w3 + i];
        gx[xa + i] += a0 * u0 + a1 * u1 + a2 * u2 + a3 * u3;
        gx[xb + i] += b0 * u0 + b1 * u1 + b2 * u2 + b3 * u3;
      }
    }
    for (; o < nOut; o++) {
      const a = gy[ya + o], bq = gy[yb + o];
      const wo = o * nIn;
      for (let i = 0; i < nIn; i++) {
        gx[xa + i] += a * w[wo + i];
        gx[xb + i] += bq * w[wo + i];
      }
    }
  }
  for (; q < rows; q++) {
    const xr = q * nIn, yr = q * nOut;
    for (let o = 0; o < nOut; o++) {
      const g = gy[yr + o];
      if (g === 0) continue;
      const wo = o * nIn;
      for (let i = 0; i < nIn; i++) gx[xr + i] += g * w[wo + i];
    }
  }
  return gx;
}
