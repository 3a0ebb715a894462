/**
 * `marble transform --model DIR --anchor A.npy --vector V.npy [...] --output Z.npy|.csv`:
 * embeds data with a trained checkpoint. The dataset is built with the options the model was
 * trained with (recorded in model.json), unless overridden on the command line.
 */
import { statSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import { Marble } from "../model/marble.js";
import { ValidationError } from "../core/validate.js";
import { parseArgs, formatOptions, descriptionColumn, runCommand, UsageError, HELP_OPTION, type OptionSpec } from "./args.js";
import { CONDITION_OPTIONS, DATASET_DEFAULTS, DATASET_OPTIONS, MODEL_OPTIONS } from "./options.js";
import { readConditions, checkPairCount, checkOutputName, writeEmbedding, describeShape, type MatrixFile } from "./matrix-files.js";
import { buildDataset } from "./fit.js";


const FILE_OPTIONS: readonly OptionSpec[] = [
  { flag: "model", kind: "string", metavar: "DIR", description: "checkpoint folder written by marble fit (required)" },
  ...CONDITION_OPTIONS,
  { flag: "output", kind: "string", metavar: "FILE", description: "where to write the embedding, .npy or .csv (required)" },
  HELP_OPTION,
];

/** The checkpoint fixes the dataset options unless they are given; show that instead of the defaults. */
const DATASET_OVERRIDES: readonly OptionSpec[] = DATASET_OPTIONS.map((s) => ({ ...s, default: undefined }));

const TRANSFORM_OPTIONS: readonly OptionSpec[] = [...FILE_OPTIONS, ...DATASET_OVERRIDES];

const REFUSED = new Map(MODEL_OPTIONS.map((s) => [s.flag, "a training option, fixed by the checkpoint; marble transform accepts only dataset options"]));

export function usage(): string {
  const column = descriptionColumn(TRANSFORM_OPTIONS);
  return `usage: marble transform --model DIR --anchor FILE --vector FILE [--anchor FILE --vector FILE ...]
                        --output FILE [options]

Embeds points with a checkpoint from marble fit; the anchors and vectors need the dimensions the
model was trained on. A .npy output holds the n × k embedding; a .csv output has a header row
z0,z1,...,condition, where condition is 0 for the points of the first --anchor/--vector pair,
1 for the second, and so on.
example: marble transform --model run1 --anchor pos.npy --vector vel.npy --output z.csv

files:
${formatOptions(FILE_OPTIONS, column)}

dataset options (default: the values recorded in the checkpoint):
${formatOptions(DATASET_OVERRIDES, column)}`;
}

function checkModelFolder(dir: string): void {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new ValidationError(`--model ${dir}: folder not found (${abs})`);
  if (!statSync(abs).isDirectory()) throw new ValidationError(`--model ${dir}: is a file, not a checkpoint folder (${abs}); pass the --out folder of marble fit`);
  // a folder without model.json is Marble.load's to judge: it recovers an interrupted save of an earlier version
}

/** The files' dimensions against the model's, before any graph is built. */
function checkAgainstModel(dir: string, model: Marble, anchors: MatrixFile[], vectors: MatrixFile[]): void {
  const { dim, signalDim } = model.signature;
  const a = anchors[0], v = vectors[0];
  if (a.matrix.cols !== dim) throw new ValidationError(`--anchor ${describeShape(a)} has ${a.matrix.cols} columns; the model in ${dir} was trained on ${dim}-dimensional anchors`);
  if (v.matrix.cols !== signalDim) throw new ValidationError(`--vector ${describeShape(v)} has ${v.matrix.cols} columns; the model in ${dir} was trained on ${signalDim}-dimensional vectors`);
}

export async function run(args: string[]): Promise<number> {
  return runCommand("marble transform", async () => {
    const parsed = parseArgs(args, TRANSFORM_OPTIONS, REFUSED);
    if (parsed.help) {
      console.log(usage());
      return 0;
    }
    const dir = parsed.strings.model, output = parsed.strings.output;
    if (!dir) throw new UsageError("--model DIR is required: the checkpoint folder written by marble fit");
    const anchorPaths = parsed.lists.anchor ?? [], vectorPaths = parsed.lists.vector ?? [];
    checkPairCount(anchorPaths, vectorPaths);
    if (!output) throw new UsageError("--output FILE is required: where to write the embedding (.npy or .csv)");
    checkOutputName("--output", output);
    checkModelFolder(dir);
    let model: Marble;
    try {
      model = Marble.load(dir);
    } catch (e) {
      // a damaged or incomplete checkpoint is a problem with the input, not a bug
      if (e instanceof Error && !(e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError)) {
        throw new ValidationError(`--model ${dir}: ${e.message}`);
      }
      throw e;
    }
    const stored = (model.dataParams ?? {}) as Record<string, unknown>;
    const datasetOptions: Record<string, unknown> = {};
    // the reference mode the model was trained in also decides how its data are built (float32
    // inputs, connectivity rule); it is a training option, not overridable here
    for (const k of [...Object.keys(DATASET_DEFAULTS), "seed", "diffusionTol", "reference"]) if (stored[k] !== undefined && stored[k] !== null) datasetOptions[k] = stored[k];
    if (datasetOptions.reference === undefined && model.params.reference !== "marblelab") datasetOptions.reference = model.params.reference;
    Object.assign(datasetOptions, parsed.dataset);
    const { anchors, vectors } = readConditions(anchorPaths, vectorPaths);
    checkAgainstModel(dir, model, anchors, vectors);
    const data = buildDataset(anchors, vectors, datasetOptions);
    writeEmbedding(output, model.transform(data), data.y);
    console.error(`embedded ${data.numNodes} points into ${model.params.outChannels} dimensions: ${output}`);
    return 0;
  });
}
