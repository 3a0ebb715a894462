/**
 * Inner-product features (the embedding-agnostic mode). The gradient features at a node are
 * read as C vectors of dimension s; output channel i is tanh(Σ_j x_iᵀ O_j x_j) with learnable
 * s × s matrices O_j initialised to the identity, so the output is unchanged by any rotation
 * applied to all vectors of a node. For scalar signals (s = 1) the output is |x_i|.
 *
 * Layout: features come in order blocks (order 0, 1, …, o); block j holds s · m^j channels where
 * component c of vector v sits at c · m^j + v (the gradient-feature channel order: for each
 * signal component, its directional derivatives).
 */
import { parameter, type Tensor } from "./tensor.js";

export class InnerProductFeatures {
  readonly signalChannels: number;
  readonly vectors: number;
  /** For each feature vector: offset of its order block and the block's vector count m^j. */
  private readonly blockOffset: Int32Array;
  private readonly blockStride: Int32Array;
  private readonly vectorIndex: Int32Array;
  readonly weight: Tensor;
  readonly inChannels: number;

  /** `blockVectors[k]` = number of vectors (m^j) in the k-th order block present in the features. */
  constructor(signalChannels: number, blockVectors: number[], name = "inner_products.O") {
    const s = signalChannels;
    this.signalChannels = s;
    this.vectors = blockVectors.reduce((a, b) => a + b, 0);
    this.inChannels = this.vectors * s;
    this.blockOffset = new Int32Array(this.vectors);
    this.blockStride = new Int32Array(this.vectors);
    this.vectorIndex = new Int32Array(this.vectors);
    let v = 0, off = 0;
    for (const nv of blockVectors) {
      for (let k = 0; k < nv; k++, v++) {
        this.blockOffset[v] = off;
        this.blockStride[v] = nv;
        this.vectorIndex[v] = k;
      }
      off += nv * s;
    }
    this.weight = parameter(name, [this.vectors, s, s]);
    for (let j = 0; j < this.vectors; j++) for (let a = 0; a < s; a++) this.weight.data[j * s * s + a * s + a] = 1;
  }

  get outChannels(): number {
    return this.vectors;
  }

  /** Offset of component c of vector v within a node's feature row. */
  private at(v: number, c: number): number {
    return this.blockOffset[v] + c * this.blockStride[v] + this.vectorIndex[v];
  }

  forward(x: Float64Array, rows: number): Float64Array {
    const s = this.signalChannels, C = this.vectors, nIn = this.inChannels;
    const y = new Float64Array(rows * C);
    if (s === 1) {
      for (let i = 0; i < rows * C; i++) y[i] = Math.abs(x[i]);
      return y;
    }
    const O = this.weight.data;
    const vecs = new Float64Array(C * s);
    const u = new Float64Array(s);
    for (let r = 0; r < rows; r++) {
      const base = r * nIn;
      for (let v = 0; v < C; v++) for (let c = 0; c < s; c++) vecs[v * s + c] = x[base + this.at(v, c)];
      u.fill(0);
      for (let j = 0; j < C; j++) {
        for (let a = 0; a < s; a++) {
          let acc = 0;
          for (let b = 0; b < s; b++) acc += O[j * s * s + a * s + b] * vecs[j * s + b];
          u[a] += acc;
        }
      }
      for (let i = 0; i < C; i++) {
        let dot = 0;
        for (let a = 0; a < s; a++) dot += vecs[i * s + a] * u[a];
        y[r * C + i] = Math.tanh(dot);
      }
    }
    return y;
  }

  /** Accumulates dL/dO and returns dL/dx, given the input x and this layer's output y. */
  backward(x: Float64Array, y: Float64Array, gy: Float64Array, rows: number): Float64Array {
    const s = this.signalChannels, C = this.vectors, nIn = this.inChannels;
    const gx = new Float64Array(rows * nIn);
    if (s === 1) {
      for (let i = 0; i < rows * C; i++) gx[i] = x[i] > 0 ? gy[i] : x[i] < 0 ? -gy[i] : 0;
      return gx;
    }
    const O = this.weight.data, gO = this.weight.grad!;
    const vecs = new Float64Array(C * s);
    const gvecs = new Float64Array(C * s);
    const u = new Float64Array(s);
    const w = new Float64Array(s);
    for (let r = 0; r < rows; r++) {
      const base = r * nIn;
      for (let v = 0; v < C; v++) for (let c = 0; c < s; c++) vecs[v * s + c] = x[base + this.at(v, c)];
      u.fill(0);
      for (let j = 0; j < C; j++) {
        for (let a = 0; a < s; a++) {
          let acc = 0;
          for (let b = 0; b < s; b++) acc += O[j * s * s + a * s + b] * vecs[j * s + b];
          u[a] += acc;
        }
      }
      // g_i = dL/dy_i (1 − y_i²); dL/dx_i += g_i u; w = Σ_i g_i x_i = dL/du
      w.fill(0);
      for (let i = 0; i < C; i++) {
        const yi = y[r * C + i];
        const g = gy[r * C + i] * (1 - yi * yi);
        for (let a = 0; a < s; a++) {
          gvecs[i * s + a] = g * u[a];
          w[a] += g * vecs[i * s + a];
        }
      }
      // u = Σ_j O_j x_j: dL/dO_j = w x_jᵀ, dL/dx_j += O_jᵀ w
      for (let j = 0; j < C; j++) {
        for (let a = 0; a < s; a++) {
          const wa = w[a];
          const row = j * s * s + a * s;
          for (let b = 0; b < s; b++) {
            gO[row + b] += wa * vecs[j * s + b];
            gvecs[j * s + b] += O[row + b] * wa;
          }
        }
      }
      for (let v = 0; v < C; v++) for (let c = 0; c < s; c++) gx[base + this.at(v, c)] = gvecs[v * s + c];
    }
    return gx;
  }
}
