/**
 * `marble fit --anchor A.npy --vector V.npy [--anchor … --vector …] --out DIR [options]`:
 * builds the dataset (one condition per anchor/vector pair), trains MARBLE and writes the
 * checkpoint folder DIR (model.json + the weights file it names); `--embedding FILE` also writes
 * the embedding of the training data (.npy, or .csv with a header and a condition column).
 * `--resume DIR` continues an interrupted run; Ctrl-C or SIGTERM stops at the end of a batch and
 * saves (src/cli/run-safety.ts).
 */
import { ValidationError } from "../core/validate.js";
import { resolveMarbleParams, type MarbleParams } from "../model/params.js";
import { constructDataset } from "../geometry/dataset.js";
import type { MarbleDataset } from "../geometry/types.js";
import { Marble, type EpochReport } from "../model/marble.js";
import { RUN_SAFETY_OPTIONS, runSafety, commandToRecord, checkOut, modelFor, fitUntilSignal } from "./run-safety.js";
import { parseArgs, formatOptions, descriptionColumn, runCommand, UsageError, HELP_OPTION, type OptionSpec } from "./args.js";
import { CONDITION_OPTIONS, MODEL_OPTIONS, DATASET_OPTIONS, restateForFlags } from "./options.js";
import { readConditions, checkPairCount, checkOutputName, writeEmbedding, type MatrixFile } from "./matrix-files.js";
import { EpochLog } from "./epoch-log.js";


const FILE_OPTIONS: readonly OptionSpec[] = [
  ...CONDITION_OPTIONS,
  { flag: "out", kind: "string", metavar: "DIR", description: "checkpoint folder to write (required unless --resume)" },
  { flag: "embedding", kind: "string", metavar: "FILE", description: "also write the embedding: .npy, or .csv with a condition column" },
  { flag: "quiet", kind: "switch", description: "print only errors" },
  ...RUN_SAFETY_OPTIONS,
  HELP_OPTION,
];

const FIT_OPTIONS: readonly OptionSpec[] = [...FILE_OPTIONS, ...MODEL_OPTIONS, ...DATASET_OPTIONS];

export function usage(): string {
  const column = descriptionColumn(FIT_OPTIONS);
  return `usage: marble fit --anchor FILE --vector FILE [--anchor FILE --vector FILE ...] --out DIR [options]

Trains MARBLE and writes a checkpoint folder. Each --anchor/--vector pair is one condition: n points
(rows) in d dimensions and the vector at each point, for example positions and velocities.
example: marble fit --anchor pos.npy --vector vel.npy --out run1 --epochs 50
Ctrl-C stops at the end of the current batch and saves; continue with: marble fit --resume run1

files:
${formatOptions(FILE_OPTIONS, column)}

model options:
${formatOptions(MODEL_OPTIONS, column)}

dataset options (the proximity graph and the tangent frames):
${formatOptions(DATASET_OPTIONS, column)}`;
}

/** Library validation errors about an option become usage errors that name its flag. */
export function asUsage<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    const restated = e instanceof ValidationError ? restateForFlags(e.message) : null;
    if (restated !== null) throw new UsageError(restated);
    throw e;
  }
}

/**
 * Builds the dataset; errors about a condition ("anchor (condition 1)") name its file, and errors
 * about an option name its flag.
 */
export function buildDataset(anchors: MatrixFile[], vectors: MatrixFile[], options: Record<string, unknown>): MarbleDataset {
  return namingFiles(anchors, () => constructDataset({ anchor: anchors.map((f) => f.matrix), vector: vectors.map((f) => f.matrix), ...options }));
}

/**
 * Checks the model options against the inputs (feature counts, memory) before the graph is built,
 * so an impossible model fails in milliseconds rather than after the dataset construction.
 */
export function checkModelForInputs(model: Record<string, unknown>, anchors: MatrixFile[], vectors: MatrixFile[], options: Record<string, unknown>): void {
  namingFiles(anchors, () => Marble.validateOptions(model as Partial<MarbleParams>, { anchor: anchors.map((f) => f.matrix), vector: vectors.map((f) => f.matrix), ...options }));
}

function namingFiles<T>(anchors: MatrixFile[], f: () => T): T {
  try {
    return asUsage(f);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const named = e.message.replace(/\banchor \(condition (\d+)\)/g, (_, c: string) => `--anchor ${anchors[Number(c)]?.path ?? "?"} (condition ${c})`);
    throw new ValidationError(restateForFlags(named) ?? named);
  }
}

function count(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) n += v ? 1 : 0;
  return n;
}

function describeDataset(data: MarbleDataset, conditions: number): string {
  const graph = data.params.graphType === "radius" ? `radius graph, radius ${String(data.params.radius)}` : `${String(data.params.graphType)} graph, k = ${String(data.params.k)}`;
  return `dataset: ${data.numNodes} points in ${conditions} condition${conditions === 1 ? "" : "s"} (${graph}), manifold dimension ${data.dimMan}${data.localGauges ? " (local gauges)" : ""}`;
}

export async function run(args: string[]): Promise<number> {
  return runCommand("marble fit", async () => {
    const parsed = parseArgs(args, FIT_OPTIONS);
    if (parsed.help) {
      console.log(usage());
      return 0;
    }
    const safety = runSafety(parsed);
    const recorded = safety.recorded;
    const quiet = parsed.switches.has("quiet");
    // with --resume, the inputs and options are those the run was started with
    const anchorPaths = parsed.lists.anchor ?? recorded?.anchors ?? [], vectorPaths = parsed.lists.vector ?? recorded?.vectors ?? [];
    checkPairCount(anchorPaths, vectorPaths);
    const out = parsed.strings.out ?? safety.resume ?? undefined;
    if (!out) throw new UsageError("--out DIR is required: the checkpoint folder to write");
    const embeddingPath = parsed.strings.embedding ?? recorded?.embedding ?? undefined;
    if (embeddingPath) checkOutputName("--embedding", embeddingPath);
    // every option, and the output folder, are checked before any file is read
    asUsage(() => resolveMarbleParams(parsed.model as Partial<MarbleParams>));
    checkOut(out, safety);
    const { anchors, vectors } = readConditions(anchorPaths, vectorPaths);
    // --reference applies to the dataset too (float32 inputs, connectivity rule, block kernels)
    const reference = (parsed.model as Partial<MarbleParams>).reference;
    const datasetOptions = { ...recorded?.dataset, ...parsed.dataset, ...(reference !== undefined ? { reference } : {}) };
    if (!safety.resume) checkModelForInputs(parsed.model, anchors, vectors, datasetOptions);
    const data = buildDataset(anchors, vectors, datasetOptions);
    const say = (line: string) => {
      if (!quiet) process.stderr.write(`${line}\n`);
    };
    say(describeDataset(data, anchors.length));
    const model = modelFor(data, parsed.model, safety);
    const epochs = model.params.epochs;
    say(
      `model: ${model.parameterCount} parameters; ${safety.resume ? `continuing at epoch ${model.epoch + 1} of ${epochs}` : `${epochs} epochs`} on ${count(data.trainMask)} training points ` +
        `(${count(data.valMask)} for validation, ${count(data.testMask)} for the test loss)\n`,
    );
    const terminal = Boolean(process.stderr.isTTY);
    const log = quiet
      ? null
      : new EpochLog({
          lastEpoch: safety.resume ? epochs : model.epoch + epochs,
          diffusion: model.params.diffusion,
          terminal,
          write: (text) => process.stderr.write(text),
          bestSoFar: model.valLosses.length ? Math.min(...model.valLosses.filter(Number.isFinite)) : undefined,
        });
    log?.header();
    // the per-epoch lines and the summary come from this command, not from Marble.fit's own
    // verbose output (which repeated the summary line)
    const onEpoch = (report: EpochReport) => log?.row(report);
    const command = commandToRecord(anchorPaths, vectorPaths, datasetOptions, embeddingPath);
    const outcome = await fitUntilSignal(model, data, { outdir: out, onEpoch, command, progress: terminal && !quiet }, safety, quiet);
    if (outcome.stopped) {
      process.stderr.write(`${outcome.message}\n`);
      return outcome.code;
    }
    const result = outcome.result;
    const valLoss = result.valLoss[result.bestEpoch - 1];
    const val = Number.isFinite(valLoss) ? ` (validation loss ${valLoss.toFixed(4)})` : "";
    say(`\nbest epoch ${result.bestEpoch}${val}, test loss ${result.testLoss.toFixed(4)}; checkpoint written to ${out}`);
    if (embeddingPath) {
      writeEmbedding(embeddingPath, model.transform(data), data.y);
      say(`embedding of ${data.numNodes} points in ${model.params.outChannels} dimensions written to ${embeddingPath}`);
    }
    return 0;
  });
}
