import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { dataDir } from "./paths.js";

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

export const RNN_WEIGHT_NAMES = ["dms_rank2_500", "dms_rank2_500_2", "dms_rank2_500_sampled_1", "dms_rank2_500_sampled_2"] as const;
export type RnnWeightName = (typeof RNN_WEIGHT_NAMES)[number];

interface RawTensor {
  shape: number[];
  data: number[];
}

interface RawWeightsJson {
  hidden_size: number;
  input_size: number;
  output_size: number;
  rank: number;
  noise_std: number;
  alpha: number;
  kind: string;
  population_labels_z?: number[];
  tensors: Record<string, RawTensor>;
}

/**
 * Loads a trained low-rank RNN (data/rnn/<name>.json: the authors' PyTorch state dicts exported as
 * row-major tensors). `name` is one of RNN_WEIGHT_NAMES, or a path to a .json file of the same layout.
 */
export function loadLowRankRnn(name: RnnWeightName | string, options: { dataDir?: string } = {}): RnnWeightsFile {
  const isPath = name.endsWith(".json");
  if (!isPath && !(RNN_WEIGHT_NAMES as readonly string[]).includes(name)) {
    throw new Error(`loadLowRankRnn: unknown network "${name}"; choose one of ${RNN_WEIGHT_NAMES.join(", ")} or pass a .json path`);
  }
  const path = isPath ? name : join(options.dataDir ?? dataDir(), "rnn", `${name}.json`);
  if (!existsSync(path)) throw new Error(`loadLowRankRnn: ${path} not found`);
  const raw = JSON.parse(readFileSync(path, "utf8")) as RawWeightsJson;
  if (raw.kind !== "LowRankRNN" && raw.kind !== "SupportLowRankRNN") {
    throw new Error(`${path}: unknown network kind "${raw.kind}" (expected LowRankRNN or SupportLowRankRNN)`);
  }
  const tensors: Record<string, StoredTensor> = {};
  for (const [key, t] of Object.entries(raw.tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== size) throw new Error(`${path}: tensor "${key}" has ${t.data.length} values for shape (${t.shape.join(", ")})`);
    tensors[key] = { shape: [...t.shape], data: Float64Array.from(t.data) };
  }
  const labels = raw.population_labels_z;
  if (labels && labels.length !== raw.hidden_size) {
    throw new Error(`${path}: ${labels.length} population labels for ${raw.hidden_size} units`);
  }
  return {
    name: isPath ? basename(path, ".json") : name,
    kind: raw.kind,
    hiddenSize: raw.hidden_size,
    inputSize: raw.input_size,
    outputSize: raw.output_size,
    rank: raw.rank,
    noiseStd: raw.noise_std,
    alpha: raw.alpha,
    populationLabels: labels ? Int32Array.from(labels) : null,
    tensors,
  };
}
