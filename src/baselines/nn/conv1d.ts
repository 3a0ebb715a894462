/**
 * 1-D convolution (no padding, stride 1) over time-major signals, with its backward pass.
 *
 * Layouts (all row-major Float64Array):
 * - input  x: batch × length × inChannels (a window of time bins is then a contiguous block of
 *   a data matrix whose rows are time bins, so windows are gathered by copying rows);
 * - weight w: kernel × outChannels × inChannels (PyTorch's Conv1d weight is out × in × kernel:
 *   `w[k][o][i] = torch_weight[o][i][k]`);
 * - bias b: outChannels;
 * - output: batch × (length − kernel + 1) × outChannels.
 * Inner loops run over contiguous channel rows, which is what makes this layout fast in JS.
 *
 * This is a generic layer; it could move to src/model if the MARBLE network ever needs it.
 */
export interface Conv1dShape {
  batch: number;
  length: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
}

export function conv1dOutputLength(s: Conv1dShape): number {
  return s.length - s.kernel + 1;
}

/** out[b,t,o] = bias[o] + Σ_k Σ_i w[k,o,i] · x[b,t+k,i]. `out` is overwritten. */
export function conv1dForward(x: Float64Array, w: Float64Array, bias: Float64Array, s: Conv1dShape, out: Float64Array): void {
  const { batch, length, inChannels: ci, outChannels: co, kernel } = s;
  const lo = length - kernel + 1;
  const co4 = co - (co % 4);
  for (let b = 0; b < batch; b++) {
    const xb = b * length * ci;
    for (let t = 0; t < lo; t++) {
      const ob = (b * lo + t) * co;
      for (let o = 0; o < co; o++) out[ob + o] = bias[o];
      for (let k = 0; k < kernel; k++) {
        const xr = xb + (t + k) * ci;
        const wk = k * co * ci;
        // Four output channels at a time: each input value is loaded once for four products.
        for (let o = 0; o < co4; o += 4) {
          const w0 = wk + o * ci, w1 = w0 + ci, w2 = w1 + ci, w3 = w2 + ci;
          let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
          for (let i = 0; i < ci; i++) {
            const xi = x[xr + i];
            a0 += w[w0 + i] * xi;
            a1 += w[w1 + i] * xi;
            a2 += w[w2 + i] * xi;
            a3 += w[w3 + i] * xi;
          }
          out[ob + o] += a0;
          out[ob + o + 1] += a1;
          out[ob + o + 2] += a2;
          out[ob + o + 3] += a3;
        }
        for (let o = co4; o < co; o++) {
          const wr = wk + o * ci;
          let acc = 0;
          for (let i = 0; i < ci; i++) acc += w[wr + i] * x[xr + i];
          out[ob + o] += acc;
        }
      }
    }
  }
}

/**
 * Gradients of a loss through the convolution, given dOut (same layout as the output).
 * Accumulates into dW and dBias (so several calls can share them); overwrites dx when given.
 */
export function conv1dBackward(
  x: Float64Array, w: Float64Array, dOut: Float64Array, s: Conv1dShape,
  dx: Float64Array | null, dW: Float64Array, dBias: Float64Array,
): void {
  const { batch, length, inChannels: ci, outChannels: co, kernel } = s;
  const lo = length - kernel + 1;
  const co4 = co - (co % 4);
  if (dx) dx.fill(0, 0, batch * length * ci);
  for (let b = 0; b < batch; b++) {
    const xb = b * length * ci;
    for (let t = 0; t < lo; t++) {
      const ob = (b * lo + t) * co;
      for (let o = 0; o < co; o++) dBias[o] += dOut[ob + o];
      for (let k = 0; k < kernel; k++) {
        const xr = xb + (t + k) * ci;
        const wk = k * co * ci;
        for (let o = 0; o < co4; o += 4) {
          const g0 = dOut[ob + o], g1 = dOut[ob + o + 1], g2 = dOut[ob + o + 2], g3 = dOut[ob + o + 3];
          const w0 = wk + o * ci, w1 = w0 + ci, w2 = w1 + ci, w3 = w2 + ci;
          for (let i = 0; i < ci; i++) {
            const xi = x[xr + i];
            dW[w0 + i] += g0 * xi;
            dW[w1 + i] += g1 * xi;
            dW[w2 + i] += g2 * xi;
            dW[w3 + i] += g3 * xi;
          }
          if (dx) {
            for (let i = 0; i < ci; i++) dx[xr + i] += g0 * w[w0 + i] + g1 * w[w1 + i] + g2 * w[w2 + i] + g3 * w[w3 + i];
          }
        }
        for (let o = co4; o < co; o++) {
          const g = dOut[ob + o];
          const wr = wk + o * ci;
          for (let i = 0; i < ci; i++) dW[wr + i] += g * x[xr + i];
          if (dx) for (let i = 0; i < ci; i++) dx[xr + i] += g * w[wr + i];
        }
      }
    }
  }
}
