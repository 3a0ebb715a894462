/**
 * `marble transform --model DIR --anchor A.npy --vector V.npy [...] --output Z.npy|.csv`:
 * embeds data with a trained checkpoint. The dataset is built with the options the model was
 * trained with (recorded in model.json), unless overridden on the command line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { constructDataset } from "../geometry/dataset.js";
import { Marble } from "../model/marble.js";
import { ValidationError } from "../core/validate.js";
import { parseArgs, readMatrixFile, writeMatrixFile, datasetOptionsHelp, DATASET_DEFAULTS } from "./fit.js";

export const summary = "embed .npy/.csv anchors and vectors with a trained checkpoint";

const USAGE = `usage: marble transform --model DIR --anchor A.npy --vector V.npy [--anchor ... --vector ...] --output Z.npy|Z.csv

dataset options (default: those recorded in the checkpoint):
${datasetOptionsHelp()}`;

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args, ["anchor", "vector"], ["model", "output"]);
  } catch (e) {
    if (e instanceof ValidationError) {
      console.error(`marble transform: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  if (Object.keys(parsed.model).some((k) => k !== "seed")) {
    console.error(`marble transform: model options (${Object.keys(parsed.model).join(", ")}) come from the checkpoint; pass only dataset options`);
    return 2;
  }
  const anchors = parsed.lists.anchor ?? [], vectors = parsed.lists.vector ?? [];
  const { model: dir, output } = parsed.strings;
  if (!dir || !output || anchors.length === 0 || anchors.length !== vectors.length) {
    console.error(`marble transform: need --model, --output and matching --anchor/--vector pairs\n\n${USAGE}`);
    return 2;
  }
  try {
    const model = Marble.load(dir);
    const stored = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")).dataParams ?? {};
    const datasetOptions: Record<string, unknown> = {};
    for (const k of [...Object.keys(DATASET_DEFAULTS), "seed", "radius", "diffusionTol"]) if (stored[k] !== undefined && stored[k] !== null) datasetOptions[k] = stored[k];
    Object.assign(datasetOptions, parsed.dataset);
    const anchor = anchors.map((p, i) => readMatrixFile(p, `--anchor #${i + 1}`));
    const vector = vectors.map((p, i) => readMatrixFile(p, `--vector #${i + 1}`));
    const data = constructDataset({ anchor, vector, ...datasetOptions });
    writeMatrixFile(output, model.transform(data));
    console.error(`embedded ${data.numNodes} nodes into ${model.params.outChannels} dimensions: ${output}`);
    return 0;
  } catch (e) {
    if (e instanceof ValidationError) {
      console.error(`marble transform: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
