import { Matrix, Random } from "../../src/core/index.js";

/**
 * A noisy 1-D latent (an animal running back and forth on a unit track) encoded by
 * `channels` place-field-like neurons with Poisson counts, lightly smoothed in time.
 */
export function syntheticTrack(opts: { length: number; channels: number; seed: number }): { rates: Matrix; latent: Float64Array } {
  const { length: T, channels: N, seed } = opts;
  const rng = new Random(seed);
  const latent = new Float64Array(T);
  let x = 0.5, v = 0.012;
  for (let t = 0; t < T; t++) {
    x += v + 0.003 * rng.normal();
    if (x > 1) { x = 2 - x; v = -Math.abs(v); }
    if (x < 0) { x = -x; v = Math.abs(v); }
    latent[t] = x;
  }
  const centres = Float64Array.from({ length: N }, (_, i) => (i + 0.5) / N);
  const counts = new Float64Array(T * N);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) {
      const d = latent[t] - centres[i];
      counts[t * N + i] = rng.poisson(0.05 + 1.5 * Math.exp(-(d * d) / (2 * 0.07 * 0.07)));
    }
  }
  // Gaussian smoothing, σ = 2 bins, truncated at 3σ, renormalised at the edges.
  const sigma = 2, half = 6;
  const w = Float64Array.from({ length: 2 * half + 1 }, (_, k) => Math.exp(-((k - half) ** 2) / (2 * sigma * sigma)));
  const rates = new Matrix(T, N);
  for (let t = 0; t < T; t++) {
    let norm = 0;
    for (let k = -half; k <= half; k++) {
      const s = t + k;
      if (s < 0 || s >= T) continue;
      norm += w[k + half];
      for (let i = 0; i < N; i++) rates.data[t * N + i] += w[k + half] * counts[s * N + i];
    }
    for (let i = 0; i < N; i++) rates.data[t * N + i] /= norm;
  }
  return { rates, latent };
}

/** Median absolute error of a k-NN (cosine) regression from train embeddings to test ones. */
export function knnCosineMedianError(train: Matrix, trainY: ArrayLike<number>, test: Matrix, testY: ArrayLike<number>, k: number): number {
  const d = train.cols;
  const unit = (m: Matrix) => {
    const out = m.clone();
    for (let r = 0; r < m.rows; r++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += out.data[r * d + c] ** 2;
      const n = Math.sqrt(s) || 1;
      for (let c = 0; c < d; c++) out.data[r * d + c] /= n;
    }
    return out;
  };
  const A = unit(train), B = unit(test);
  const errors: number[] = [];
  const sims = new Float64Array(A.rows);
  for (let i = 0; i < B.rows; i++) {
    for (let j = 0; j < A.rows; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += A.data[j * d + c] * B.data[i * d + c];
      sims[j] = s;
    }
    const order = Array.from(sims.keys()).sort((a, b) => sims[b] - sims[a]).slice(0, k);
    let pred = 0;
    for (const j of order) pred += trainY[j];
    errors.push(Math.abs(pred / k - testY[i]));
  }
  errors.sort((a, b) => a - b);
  return errors[Math.floor(errors.length / 2)];
}
