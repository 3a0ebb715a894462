/**
 * The MARBLE checkpoint format on top of the folder protocol of checkpoint-io.ts: which tensors go
 * into which file under which names, and the manifest fields (options, data dimensions, history,
 * the unfinished run). Marble.save and Marble.load are thin wrappers around these.
 */
import { join } from "node:path";
import { VERSION } from "../version.js";
import { encodeSafetensors, type NamedArray } from "./safetensors.js";
import { checkOutputFolder, commitCheckpoint, readCheckpoint, legacyRunId, CheckpointError, MANIFEST, type DataFile } from "./checkpoint-io.js";
import { encodeRun, decodeRun, type TrainingRun } from "./run-state.js";
import type { Tensor } from "./tensor.js";

const MOMENTUM_PREFIX = "optimizer.momentum_buffer.";

export interface OptimizerState {
  lr: number;
  plateauBest: number;
  plateauBad: number;
}

/** Everything a checkpoint holds, as the model has it. */
export interface CheckpointContent {
  runId: string;
  params: object;
  signature: object;
  epoch: number;
  trainLosses: number[];
  valLosses: number[];
  testLoss: number;
  optimizer: OptimizerState;
  parameterCount: number;
  dataParams: unknown;
  /** Trainable tensors (whose momentum is saved) and buffers, for names and shapes. */
  parameters: Tensor[];
  buffers: Tensor[];
  /** The values to save by tensor name (the best weights during training) and the momentum. */
  weights: Map<string, Float64Array>;
  momentum: Map<string, Float64Array>;
  run: TrainingRun | null;
}

function dataFile(stem: string, tensors: Record<string, NamedArray>): DataFile {
  const shapes: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(tensors)) shapes[name] = t.shape;
  return { stem, bytes: encodeSafetensors(tensors, { format: "marble", version: VERSION }), tensors: shapes };
}

/** Checks the destination (see checkOutputFolder) and commits the checkpoint atomically. */
export function writeMarbleCheckpoint(path: string, c: CheckpointContent, force: boolean, where: string): void {
  const check = () => checkOutputFolder(path, { force, runId: c.runId, where });
  check();
  const tensors: Record<string, NamedArray> = {};
  for (const t of [...c.parameters, ...c.buffers]) tensors[t.name] = { shape: t.shape, data: c.weights.get(t.name)! };
  for (const t of c.parameters) {
    const buf = c.momentum.get(t.name);
    if (buf) tensors[MOMENTUM_PREFIX + t.name] = { shape: t.shape, data: buf };
  }
  const files: DataFile[] = [dataFile("weights", tensors)];
  let runJson: Record<string, unknown> | null = null;
  if (c.run) {
    const encoded = encodeRun(c.run);
    runJson = encoded.json;
    if (Object.keys(encoded.tensors).length) files.push(dataFile("resume", encoded.tensors));
  }
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  const manifest = {
    format: "marble-checkpoint",
    version: VERSION,
    runId: c.runId,
    savedAt: new Date().toISOString(),
    params: c.params,
    signature: c.signature,
    epoch: c.epoch,
    trainLosses: c.trainLosses,
    valLosses: c.valLosses,
    testLoss: finite(c.testLoss),
    optimizer: { ...c.optimizer, plateauBest: finite(c.optimizer.plateauBest) },
    parameterCount: c.parameterCount,
    dataParams: c.dataParams ?? null,
    run: runJson,
  };
  commitCheckpoint(path, manifest, files, check);
}

/** A verified checkpoint, ready to be applied to a model built from `signature` and `params`. */
export interface ReadMarbleCheckpoint {
  manifestPath: string;
  signature: unknown;
  params: unknown;
  runId: string;
  epoch: number;
  trainLosses: number[];
  valLosses: number[];
  testLoss: number;
  optimizer: Partial<OptimizerState>;
  dataParams: unknown;
  /** Copies the saved values into `parameters` and `buffers`; returns the momentum by tensor name. */
  apply(parameters: Tensor[], buffers: Tensor[]): Map<string, Float64Array>;
  /** The run recorded with the checkpoint (null if none), for the tensors named `names`. */
  run(names: string[]): TrainingRun | null;
}

export function readMarbleCheckpoint(path: string, where: string): ReadMarbleCheckpoint {
  const ck = readCheckpoint(path, where);
  const json = ck.manifest;
  const manifestPath = join(ck.dir, MANIFEST);
  const numbers = (v: unknown) => (Array.isArray(v) ? v.map((x) => (typeof x === "number" ? x : NaN)) : []);
  return {
    manifestPath,
    signature: json.signature,
    params: json.params,
    // a checkpoint of an earlier version has no run id: its folder stands for its run
    runId: typeof json.runId === "string" ? json.runId : legacyRunId(ck.dir),
    epoch: Number.isInteger(json.epoch) ? json.epoch : 0,
    trainLosses: numbers(json.trainLosses),
    valLosses: numbers(json.valLosses),
    testLoss: typeof json.testLoss === "number" ? json.testLoss : NaN,
    optimizer: json.optimizer ?? {},
    dataParams: json.dataParams ?? null,
    apply(parameters, buffers) {
      const tensors = ck.data.weights, file = ck.fileOf.weights;
      const momentum = new Map<string, Float64Array>();
      for (const t of [...parameters, ...buffers]) {
        const stored = tensors[t.name];
        if (!stored || stored.data.length !== t.data.length) {
          throw new CheckpointError(`${where}: ${file} lacks tensor "${t.name}" of shape [${t.shape}] that the options in ${manifestPath} call for`);
        }
        t.data.set(stored.data);
        const buf = tensors[MOMENTUM_PREFIX + t.name];
        if (buf) momentum.set(t.name, Float64Array.from(buf.data));
      }
      return momentum;
    },
    run(names) {
      return json.run ? decodeRun(json.run, ck.data.resume, names, ck.fileOf.resume ?? manifestPath, where) : null;
    },
  };
}
