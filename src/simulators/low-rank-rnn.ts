import { Matrix, type MatrixLike } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { ValidationError, checkNumber, toMatrix } from "../core/validate.js";
import type { RnnWeightsFile, StoredTensor } from "../io/rnn-weights.js";
import { fillStandardNormal } from "./normal.js";

/** Connectivity and hyperparameters of a low-rank rate network (method doc §7). */
export interface LowRankRnnParams {
  /** N × r left connectivity vectors. */
  m: Matrix;
  /** N × r right connectivity vectors. */
  n: Matrix;
  /** inputSize × N input weights (already scaled: diag(si)·wi for trained networks). */
  wIn: Matrix;
  /** N × outputSize readout (already scaled: wo·so). */
  wOut: Matrix;
  /** Initial state h(0), length N. */
  h0: Float64Array;
  /** dt / τ. */
  alpha: number;
  /** Standard deviation of the state noise added at every step. */
  noiseStd: number;
}

export interface RnnTrialOptions {
  /** Seed of this trial's noise. */
  seed?: number;
  /** A generator to draw the noise from (instead of seed). */
  rng?: Random;
  /** Override the network's noise std (0 = deterministic). */
  noiseStd?: number;
  /** Called after every step with the step index and the state h (reused buffer: copy what you keep). */
  onStep?: (step: number, h: Float64Array) => void;
}

/**
 * A low-rank rate network (Dubreuil et al. 2022; the MARBLE RNN experiment):
 * h ← h + σ·ξ + α(−h + m (nᵀ tanh(h)) / N + W_inᵀ u), output = w_outᵀ tanh(h) / N, h(0) = h0.
 * The product m nᵀ is never formed: each step costs O(N·r).
 */
export class LowRankRnn {
  readonly hiddenSize: number;
  readonly rank: number;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly alpha: number;
  readonly noiseStd: number;
  readonly m: Matrix;
  readonly n: Matrix;
  readonly wIn: Matrix;
  readonly wOut: Matrix;
  readonly h0: Float64Array;

  constructor(p: LowRankRnnParams) {
    const N = p.m.rows;
    if (N < 1) throw new ValidationError("LowRankRnn m: needs at least one unit (row)");
    if (p.n.rows !== N || p.n.cols !== p.m.cols) throw new ValidationError(`LowRankRnn n: expected ${N} × ${p.m.cols} like m, got ${p.n.rows} × ${p.n.cols}`);
    if (p.wIn.cols !== N) throw new ValidationError(`LowRankRnn wIn: expected inputSize × ${N}, got ${p.wIn.rows} × ${p.wIn.cols}`);
    if (p.wOut.rows !== N) throw new ValidationError(`LowRankRnn wOut: expected ${N} × outputSize, got ${p.wOut.rows} × ${p.wOut.cols}`);
    if (p.h0.length !== N) throw new ValidationError(`LowRankRnn h0: expected length ${N}, got ${p.h0.length}`);
    checkNumber(p.alpha, "LowRankRnn alpha", 0, 1);
    checkNumber(p.noiseStd, "LowRankRnn noiseStd", 0);
    this.hiddenSize = N;
    this.rank = p.m.cols;
    this.inputSize = p.wIn.rows;
    this.outputSize = p.wOut.cols;
    this.alpha = p.alpha;
    this.noiseStd = p.noiseStd;
    this.m = p.m;
    this.n = p.n;
    this.wIn = p.wIn;
    this.wOut = p.wOut;
    this.h0 = p.h0;
  }

  /**
   * Builds the network from a weight file (src/io RnnWeightsFile).
   * Trained ("LowRankRNN"): W_in = diag(si)·wi, w_out = wo·so.
   * Resampled ("SupportLowRankRNN", the authors' SupportLowRankRNN): every vector v (rows of W_in,
   * columns of m, n, w_out, and h0) is v = Σ_p (W_p G) ⊙ S_p + b_p S_p, with the Gaussian basis G
   * (B × N), population masks S (P × N), weights W (… × P × B) and biases b (… × P; none for w_out
   * and h0). `resampleBasisSeed` draws a fresh standard-normal basis (the authors' resample_basis).
   */
  static fromWeights(w: RnnWeightsFile, options: { resampleBasisSeed?: number } = {}): LowRankRnn {
    const t = (name: string, shape: number[]): StoredTensor => {
      const s = w.tensors[name];
      if (!s) throw new ValidationError(`LowRankRnn.fromWeights: "${w.name}" has no tensor "${name}" (has ${Object.keys(w.tensors).join(", ")})`);
      if (s.shape.length !== shape.length || s.shape.some((d, i) => d !== shape[i])) {
        throw new ValidationError(`LowRankRnn.fromWeights: tensor "${name}" of "${w.name}" has shape [${s.shape}], expected [${shape}]`);
      }
      return s;
    };
    const N = w.hiddenSize, r = w.rank, I = w.inputSize, O = w.outputSize;
    if (w.kind === "LowRankRNN") {
      const wi = t("wi", [I, N]), si = t("si", [I]), wo = t("wo", [N, O]), so = t("so", [O]);
      const wIn = new Matrix(I, N);
      for (let i = 0; i < I; i++) for (let j = 0; j < N; j++) wIn.data[i * N + j] = si.data[i] * wi.data[i * N + j];
      const wOut = new Matrix(N, O);
      for (let j = 0; j < N; j++) for (let o = 0; o < O; o++) wOut.data[j * O + o] = wo.data[j * O + o] * so.data[o];
      return new LowRankRnn({
        m: new Matrix(N, r, Float64Array.from(t("m", [N, r]).data)),
        n: new Matrix(N, r, Float64Array.from(t("n", [N, r]).data)),
        wIn,
        wOut,
        h0: Float64Array.from(t("h0", [N]).data),
        alpha: w.alpha,
        noiseStd: w.noiseStd,
      });
    }
    if (w.kind !== "SupportLowRankRNN") throw new ValidationError(`LowRankRnn.fromWeights: unknown kind "${String(w.kind)}"`);
    const G0 = w.tensors["gaussian_basis"];
    if (!G0 || G0.shape.length !== 2 || G0.shape[1] !== N) throw new ValidationError(`LowRankRnn.fromWeights: "${w.name}" needs gaussian_basis of shape [B, ${N}]`);
    const B = G0.shape[0];
    const S = w.tensors["supports"];
    if (!S || S.shape.length !== 2 || S.shape[1] !== N) throw new ValidationError(`LowRankRnn.fromWeights: "${w.name}" needs supports of shape [P, ${N}]`);
    const P = S.shape[0];
    let G = G0.data;
    if (options.resampleBasisSeed !== undefined) {
      const rng = new Random(options.resampleBasisSeed);
      G = Float64Array.from({ length: B * N }, () => rng.normal());
    }
    // v_k[j] = Σ_p (Σ_b W[k, p, b] G[b, j] + bias[k, p]) S[p, j] for k = 0..K−1
    const vectors = (weights: StoredTensor, biases: StoredTensor | null, K: number): Float64Array[] => {
      const out: Float64Array[] = [];
      for (let k = 0; k < K; k++) {
        const v = new Float64Array(N);
        for (let p = 0; p < P; p++) {
          const bias = biases ? biases.data[k * P + p] : 0;
          for (let j = 0; j < N; j++) {
            const s = S.data[p * N + j];
            if (s === 0) continue;
            let acc = bias;
            for (let b = 0; b < B; b++) acc += weights.data[(k * P + p) * B + b] * G[b * N + j];
            v[j] += acc * s;
          }
        }
        out.push(v);
      }
      return out;
    };
    const wiV = vectors(t("wi_weights", [I, P, B]), t("wi_biases", [I, P]), I);
    const mV = vectors(t("m_weights", [r, P, B]), t("m_biases", [r, P]), r);
    const nV = vectors(t("n_weights", [r, P, B]), t("n_biases", [r, P]), r);
    const woV = vectors(t("wo_weights", [O, P, B]), null, O);
    const h0W = t("h0_weights", [P, B]);
    const h0 = vectors({ shape: [1, P, B], data: h0W.data }, null, 1)[0];
    const columns = (vs: Float64Array[]) => {
      const M = new Matrix(N, vs.length);
      vs.forEach((v, k) => v.forEach((x, j) => (M.data[j * vs.length + k] = x)));
      return M;
    };
    const wIn = new Matrix(I, N);
    wiV.forEach((v, i) => wIn.data.set(v, i * N));
    return new LowRankRnn({ m: columns(mV), n: columns(nV), wIn, wOut: columns(woV), h0, alpha: w.alpha, noiseStd: w.noiseStd });
  }

  /**
   * Simulates one trial driven by `input` (T × inputSize). Returns the outputs (T × outputSize);
   * states are passed to `onStep` (h after each update, the authors' "trajectories").
   */
  simulateTrial(input: MatrixLike, options: RnnTrialOptions = {}): Matrix {
    const U = toMatrix(input, "LowRankRnn input", { cols: this.inputSize });
    const N = this.hiddenSize, r = this.rank, I = this.inputSize, O = this.outputSize;
    const T = U.rows;
    const sigma = options.noiseStd ?? this.noiseStd;
    checkNumber(sigma, "LowRankRnn noiseStd", 0);
    const rng = options.rng ?? new Random(options.seed ?? 0);
    const h = Float64Array.from(this.h0);
    const rate = new Float64Array(N);
    for (let j = 0; j < N; j++) rate[j] = Math.tanh(h[j]);
    const kappa = new Float64Array(r);
    const drive = new Float64Array(N);
    const out = new Matrix(T, O);
    const m = this.m.data, n = this.n.data, wIn = this.wIn.data, wOut = this.wOut.data, a = this.alpha;
    const invN = 1 / N;
    const noise = new Float64Array(N + 1);
    // columns of m and n as contiguous arrays (r is small: usually 1–3)
    const mCols = Array.from({ length: r }, (_, k) => Float64Array.from({ length: N }, (_, j) => m[j * r + k]));
    const nCols = Array.from({ length: r }, (_, k) => Float64Array.from({ length: N }, (_, j) => n[j * r + k]));
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < r; k++) {
        const nk = nCols[k];
        let s = 0;
        for (let j = 0; j < N; j++) s += rate[j] * nk[j];
        kappa[k] = s * invN;
      }
      // drive = W_inᵀ u + m κ
      drive.fill(0);
      for (let i = 0; i < I; i++) {
        const u = U.data[t * I + i];
        if (u === 0) continue;
        const base = i * N;
        for (let j = 0; j < N; j++) drive[j] += u * wIn[base + j];
      }
      for (let k = 0; k < r; k++) {
        const mk = mCols[k], kk = kappa[k];
        for (let j = 0; j < N; j++) drive[j] += mk[j] * kk;
      }
      if (sigma > 0) fillStandardNormal(rng, noise, N);
      for (let j = 0; j < N; j++) {
        const hj = h[j];
        const hn = hj + sigma * noise[j] + a * (drive[j] - hj);
        h[j] = hn;
        rate[j] = fastTanh(hn);
      }
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let j = 0; j < N; j++) s += rate[j] * wOut[j * O + o];
        out.data[t * O + o] = s * invN;
      }
      if (options.onStep) options.onStep(t, h);
    }
    return out;
  }
}

/** tanh through expm1 (faster than Math.tanh in V8, accurate to a few ulp). */
function fastTanh(x: number): number {
  if (x > 20) return 1;
  const e = Math.expm1(2 * x);
  return e / (e + 2);
}
