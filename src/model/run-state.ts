/**
 * The state of an unfinished training run, as a checkpoint stores it so that the run can be
 * continued: the current (not best) weights and momentum, the epoch the run aims for, the best
 * epoch so far, the random streams, the position within an interrupted epoch, the heat-kernel
 * expansion centre and a fingerprint of the data it was trained on.
 */
import { lazyModule } from "../core/lazy-module.js";
import type { RandomState } from "../core/random.js";
import type { MarbleDataset } from "../geometry/types.js";
import { CheckpointError } from "./checkpoint-io.js";
import type { NamedArray } from "./safetensors.js";

const nodeCrypto = lazyModule<typeof import("node:crypto")>("node:crypto", "data fingerprints");

export interface EpochPosition {
  /** The permutation of training nodes drawn for the interrupted epoch. */
  order: Int32Array;
  /** Offset in `order` of the next batch. */
  next: number;
  /** Sum of the batch losses so far and their count. */
  total: number;
  batches: number;
}

export interface TrainingRun {
  /** Epoch count when the fit began and the count it stops at. */
  startEpoch: number;
  targetEpoch: number;
  complete: boolean;
  bestEpoch: number;
  /** Best validation (or training) loss so far; Infinity before any. */
  bestScore: number;
  rng: RandomState | null;
  dropRng: RandomState | null;
  position: EpochPosition | null;
  /** Centres of the provider's heat-kernel expansions (NaN: not built yet). */
  expansionCentres: number[];
  dataFingerprint: string;
  /** Current weights and buffers (the checkpoint's main weights are the best ones), and momentum. */
  current: Map<string, Float64Array>;
  momentum: Map<string, Float64Array>;
  /** Whatever the caller asked to record with the run (the CLI's input files and options). */
  command: unknown;
}

const fingerprints = new WeakMap<MarbleDataset, string>();

/** sha256 of what training sees of a dataset: signal, positions, labels, splits and graph. */
export function dataFingerprint(data: MarbleDataset): string {
  let f = fingerprints.get(data);
  if (!f) {
    const h = nodeCrypto().createHash("sha256");
    const add = (a: ArrayBufferView | null | undefined) => {
      h.update(String(a ? a.byteLength : -1));
      if (a) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    };
    h.update(`${data.numNodes}:${data.x.cols}:${data.pos.cols}:${data.dimMan}:${data.localGauges}`);
    for (const a of [data.x.data, data.pos.data, data.y, data.trainMask, data.valMask, data.testMask, data.mask]) add(a);
    const adj = data.graph.adjacency;
    for (const a of [adj.rowPtr, adj.colIdx, adj.values]) add(a);
    f = h.digest("hex");
    fingerprints.set(data, f);
  }
  return f;
}

const CURRENT = "current.";
const MOMENTUM = "momentum.";
const ORDER = "epoch_order";

/** The JSON part (manifest) and the tensor part (resume file) of a run. */
export function encodeRun(run: TrainingRun): { json: Record<string, unknown>; tensors: Record<string, NamedArray> } {
  const tensors: Record<string, NamedArray> = {};
  if (!run.complete) {
    for (const [k, v] of run.current) tensors[CURRENT + k] = { shape: [v.length], data: v };
    for (const [k, v] of run.momentum) tensors[MOMENTUM + k] = { shape: [v.length], data: v };
    if (run.position) tensors[ORDER] = { shape: [run.position.order.length], data: Float64Array.from(run.position.order) };
  }
  const json = {
    startEpoch: run.startEpoch,
    targetEpoch: run.targetEpoch,
    complete: run.complete,
    bestEpoch: run.bestEpoch,
    bestScore: Number.isFinite(run.bestScore) ? run.bestScore : null,
    rng: run.complete ? null : run.rng,
    dropRng: run.complete ? null : run.dropRng,
    position: run.position && !run.complete ? { next: run.position.next, total: run.position.total, batches: run.position.batches } : null,
    expansionCentres: run.expansionCentres.map((c) => (Number.isFinite(c) ? c : null)),
    dataFingerprint: run.dataFingerprint,
    command: run.command ?? null,
  };
  return { json, tensors };
}

/** Rebuilds a run from a checkpoint; `names` are the model's tensor names, `file` names the resume file for messages. */
export function decodeRun(json: any, tensors: Record<string, NamedArray> | undefined, names: string[], file: string, where: string): TrainingRun {
  const bad = (what: string): never => {
    throw new CheckpointError(`${where}: the training run recorded in ${file} is invalid (${what}); continue from an earlier checkpoint or train again`);
  };
  if (!json || typeof json !== "object") bad("not an object");
  for (const k of ["startEpoch", "targetEpoch", "bestEpoch"]) if (!Number.isInteger(json[k]) || json[k] < 0) bad(`${k} = ${JSON.stringify(json[k])}`);
  if (typeof json.complete !== "boolean") bad("complete is not a boolean");
  const run: TrainingRun = {
    startEpoch: json.startEpoch,
    targetEpoch: json.targetEpoch,
    complete: json.complete,
    bestEpoch: json.bestEpoch,
    bestScore: typeof json.bestScore === "number" ? json.bestScore : Infinity,
    rng: json.rng ?? null,
    dropRng: json.dropRng ?? null,
    position: null,
    expansionCentres: Array.isArray(json.expansionCentres) ? json.expansionCentres.map((c: unknown) => (typeof c === "number" ? c : NaN)) : [],
    dataFingerprint: typeof json.dataFingerprint === "string" ? json.dataFingerprint : "",
    current: new Map(),
    momentum: new Map(),
    command: json.command ?? null,
  };
  if (run.complete) return run;
  if (!tensors) bad("the resume file is missing");
  if (!run.rng || !run.dropRng) bad("no random-stream state");
  for (const n of names) {
    const t = tensors![CURRENT + n];
    if (!t) bad(`no current values of tensor "${n}"`);
    run.current.set(n, Float64Array.from(t.data));
    const m = tensors![MOMENTUM + n];
    if (m) run.momentum.set(n, Float64Array.from(m.data));
  }
  if (json.position) {
    const o = tensors![ORDER];
    const p = json.position;
    if (!o || !Number.isInteger(p.next) || !Number.isInteger(p.batches) || typeof p.total !== "number") bad("incomplete epoch position");
    run.position = { order: Int32Array.from(o.data), next: p.next, total: p.total, batches: p.batches };
  }
  return run;
}
