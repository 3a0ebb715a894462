/** A tensor stored row-major with its shape. */
export interface StoredTensor {
  shape: number[];
  data: Float64Array;
}

/**
 * The contents of a low-rank RNN weight file (data/rnn/*.json): hyperparameters plus named tensors.
 * `kind` is "LowRankRNN" (trained: wi, si, m, n, wo, so, h0) or "SupportLowRankRNN" (resampled from
 * population statistics: gaussian_basis, supports, per-population weights and biases).
 */
export interface RnnWeightsFile {
  name: string;
  kind: "LowRankRNN" | "SupportLowRankRNN";
  hiddenSize: number;
  inputSize: number;
  outputSize: number;
  rank: number;
  noiseStd: number;
  alpha: number;
  /** Population label of each unit, for the resampled networks. */
  populationLabels: Int32Array | null;
  tensors: Record<string, StoredTensor>;
}
