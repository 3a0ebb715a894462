// Reads data/rnn/*.json into the RnnWeightsFile shape (src/io owns the real loader; this keeps
// the simulator tests independent of it).
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { RnnWeightsFile, StoredTensor } from "../../src/io/rnn-weights.js";

const ROOTS = [join(__dirname, "..", "..", "data", "rnn"), "/work/shared/data/rnn"];

export function readRnnJson(name: string): RnnWeightsFile {
  const dir = ROOTS.find((d) => existsSync(join(d, `${name}.json`)));
  if (!dir) throw new Error(`no ${name}.json in ${ROOTS.join(" or ")}`);
  const raw = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
  const tensors: Record<string, StoredTensor> = {};
  for (const [k, v] of Object.entries(raw.tensors as Record<string, { shape: number[]; data: number[] }>)) {
    tensors[k] = { shape: v.shape, data: Float64Array.from(v.data.flat(Infinity as 1) as number[]) };
  }
  return {
    name,
    kind: raw.kind,
    hiddenSize: raw.hidden_size,
    inputSize: raw.input_size,
    outputSize: raw.output_size,
    rank: raw.rank,
    noiseStd: raw.noise_std,
    alpha: raw.alpha,
    populationLabels: raw.population_labels_z ? Int32Array.from(raw.population_labels_z) : null,
    tensors,
  };
}
