/**
 * InfoNCE with a fixed temperature on unit-norm embeddings, in CEBRA's form (its
 * `FixedCosineInfoNCE` criterion): with cosine similarities s⁺ᵢ = ⟨rᵢ, pᵢ⟩/τ and sᵢⱼ = ⟨rᵢ, nⱼ⟩/τ,
 *
 *   loss = −meanᵢ s⁺ᵢ  +  meanᵢ logΣⱼ exp(sᵢⱼ)
 *        =  alignment  +  uniformity.
 *
 * As in CEBRA, the positive is not part of the denominator. The batch × batch similarity
 * matrix is over one batch only, never the dataset.
 */
export interface InfoNceResult {
  loss: number;
  alignment: number;
  uniformity: number;
}

export interface InfoNceGradients {
  reference: Float64Array;
  positive: Float64Array;
  negative: Float64Array;
}

/**
 * ref, pos: n × d; neg: m × d (row-major). When `grads` is given its arrays (same shapes)
 * are overwritten with ∂loss/∂ref, ∂loss/∂pos, ∂loss/∂neg.
 */
export function infoNce(
  ref: Float64Array, pos: Float64Array, neg: Float64Array,
  n: number, m: number, d: number, temperature: number,
  grads?: InfoNceGradients,
): InfoNceResult {
  const invT = 1 / temperature;
  let align = 0, uniform = 0;
  const p = new Float64Array(m);
  if (grads) {
    grads.reference.fill(0, 0, n * d);
    grads.positive.fill(0, 0, n * d);
    grads.negative.fill(0, 0, m * d);
  }
  for (let i = 0; i < n; i++) {
    const ri = i * d;
    let sp = 0;
    for (let k = 0; k < d; k++) sp += ref[ri + k] * pos[ri + k];
    align -= sp * invT;
    for (let j = 0; j < m; j++) {
      let s = 0;
      const nj = j * d;
      for (let k = 0; k < d; k++) s += ref[ri + k] * neg[nj + k];
      p[j] = s * invT;
    }
    const { max, z } = exponentiateShifted(p, 0, m);
    uniform += max + Math.log(z);
    if (grads) {
      const scale = invT / n;
      const gr = grads.reference, gp = grads.positive, gn = grads.negative;
      for (let k = 0; k < d; k++) {
        gr[ri + k] -= pos[ri + k] * scale;
        gp[ri + k] = -ref[ri + k] * scale;
      }
      for (let j = 0; j < m; j++) {
        const w = (p[j] / z) * scale;
        const nj = j * d;
        for (let k = 0; k < d; k++) {
          gr[ri + k] += w * neg[nj + k];
          gn[nj + k] += w * ref[ri + k];
        }
      }
    }
  }
  align /= n;
  uniform /= n;
  return { loss: align + uniform, alignment: align, uniformity: uniform };
}

/** The two batch products of InfoNCE as float32 SIMD matrix products (see `infoNceFloat32`). */
export interface SimilarityProducts {
  /** out (n × m) = A Bᵀ for A n × d, B m × d. */
  forward(x: Float64Array, rows: number, nIn: number, nOut: number, w: Float64Array, b: Float64Array | null, out?: Float64Array): Float64Array;
  /** gw (m × d) += Gᵀ A; returns G B (n × d). */
  backward(x: Float64Array, gy: Float64Array, rows: number, nIn: number, nOut: number, w: Float64Array, gw: Float64Array, gb: Float64Array | null, needInput: boolean): Float64Array | null;
}

/**
 * `infoNce` with the n × m similarities and the two gradient products run as float32 matrix
 * products on `kernels` (the rest — softmax, sums, the positive term — in float64). Same
 * loss and gradients up to float32 rounding of the products; `scratch` (n · m) is reused.
 */
export function infoNceFloat32(
  kernels: SimilarityProducts,
  ref: Float64Array, pos: Float64Array, neg: Float64Array,
  n: number, m: number, d: number, temperature: number,
  grads: InfoNceGradients, scratch: Float64Array,
): InfoNceResult {
  const invT = 1 / temperature;
  const s = kernels.forward(ref, n, d, m, neg, null, scratch);
  let align = 0, uniform = 0;
  const scale = invT / n;
  for (let i = 0; i < n; i++) {
    const ri = i * d, si = i * m;
    let sp = 0;
    for (let k = 0; k < d; k++) sp += ref[ri + k] * pos[ri + k];
    align -= sp * invT;
    for (let j = 0; j < m; j++) s[si + j] *= invT;
    const { max, z } = exponentiateShifted(s, si, m);
    uniform += max + Math.log(z);
    // s becomes ∂loss/∂similarity (before the 1/τ): softmax weight × invT / n.
    const w = scale / z;
    for (let j = 0; j < m; j++) s[si + j] *= w;
  }
  grads.negative.fill(0, 0, m * d);
  const fromNegatives = kernels.backward(ref, s, n, d, m, neg, grads.negative, null, true)!;
  const gr = grads.reference, gp = grads.positive;
  for (let i = 0; i < n * d; i++) {
    gr[i] = fromNegatives[i] - pos[i] * scale;
    gp[i] = -ref[i] * scale;
  }
  align /= n;
  uniform /= n;
  return { loss: align + uniform, alignment: align, uniformity: uniform };
}

/**
 * Replaces v[o … o + m) by exp(v − max) and returns max and the sum z of the exponentials, so
 * that log Σ exp(v) = max + log z without overflow (the log-sum-exp of one similarity row).
 */
function exponentiateShifted(v: Float64Array, o: number, m: number): { max: number; z: number } {
  let max = -Infinity;
  for (let j = 0; j < m; j++) if (v[o + j] > max) max = v[o + j];
  let z = 0;
  for (let j = 0; j < m; j++) {
    const e = Math.exp(v[o + j] - max);
    v[o + j] = e;
    z += e;
  }
  return { max, z };
}
