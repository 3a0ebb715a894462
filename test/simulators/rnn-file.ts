// The simulator tests read the networks through src/io's loader (data/rnn/*.json), falling back to
// the shared data folder when the repository copy is absent.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadLowRankRnn, type RnnWeightsFile } from "../../src/index.js";

export function readRnnJson(name: string): RnnWeightsFile {
  const local = join(__dirname, "..", "..", "data");
  const dataDir = existsSync(join(local, "rnn", `${name}.json`)) ? local : "/work/shared/data";
  return loadLowRankRnn(name, { dataDir });
}
