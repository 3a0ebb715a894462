/**
 * The MARBLE estimator: gradient features of a (diffused) vector field on a proximity graph,
 * mapped by an MLP into a latent space trained with a contrastive loss.
 *
 *   const model = new Marble(data, { epochs: 50, outChannels: 5, diffusion: false });
 *   await model.fit(data, { outdir: "runs/vdp" });
 *   const z = model.transform(data); // n × outChannels
 */
import { Matrix } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { ValidationError } from "../core/validate.js";
import type { MarbleDataset } from "../geometry/types.js";
import { marbleShape, marbleParameterCount, type MarbleParams, type MarbleShape } from "./params.js";
import { parameter, type Tensor } from "./tensor.js";
import { InnerProductFeatures } from "./inner-product.js";
import { MLP } from "./mlp.js";
import { normalizeRows, normalizeRowsBackward } from "./normalize.js";
import { contrastiveLoss } from "./loss.js";
import { createFeatureProvider, type FeatureProvider } from "./features.js";
import { clampDiffusionTime } from "./diffusion.js";
import { subsampleKernels } from "./subsample.js";
import { lazyModule } from "../core/lazy-module.js";
import { existsSync, mkdirSync, readdirSync, rmdirSync } from "node:fs";
import { checkOutputFolder, shellArg, CheckpointError } from "./checkpoint-io.js";
import { writeMarbleCheckpoint, readMarbleCheckpoint, type OptimizerState } from "./checkpoint.js";
import { lockFolder, type FolderLock } from "../io/lock.js";
import { dataFingerprint, type TrainingRun, type EpochPosition } from "./run-state.js";
import { ProgressBar } from "./progress.js";
import { checkMarbleOptions, checkFitCall, checkDataset } from "./options.js";
import type { ConstructDatasetOptions } from "../geometry/dataset.js";
import { MomentumSgd } from "./optimizer.js";

const nodeCrypto = lazyModule<typeof import("node:crypto")>("node:crypto", "run identifiers");

/** The dimensions a trained model expects of any dataset it is fitted to or embeds. */
export interface MarbleDataSignature {
  /** Signal channels D of data.x. */
  signalDim: number;
  /** Anchor dimension d. */
  dim: number;
  /** Manifold dimension m (number of derivative kernels). */
  dimMan: number;
  localGauges: boolean;
}

export interface EpochReport {
  /** 1-based epoch number (cumulative over resumed runs). */
  epoch: number;
  trainLoss: number;
  valLoss: number;
  lr: number;
  diffusionTime: number;
  /** Seconds spent in this epoch. */
  seconds: number;
}

export interface FitOptions {
  /**
   * Checkpoint folder: written during training (see checkpointEvery) and at the end with the
   * best-validation weights. It must be new, empty, or a checkpoint of this run; see `force`.
   */
  outdir?: string;
  /** Replace an existing checkpoint of another run in `outdir` (never a folder holding other files). */
  force?: boolean;
  /**
   * Continue the unfinished run this model holds (from Marble.load of a checkpoint written during
   * fit, or a fit that was interrupted) up to the epoch it aimed for, with the same random
   * streams: the result equals that of the uninterrupted run. A finished run returns at once.
   */
  resume?: boolean;
  /** With outdir: write a checkpoint every this many epochs (0: only at the end and on interruption). Default 10. */
  checkpointEvery?: number;
  /** With outdir: also write a checkpoint at each new best validation loss. Default true. */
  checkpointOnBest?: boolean;
  /** Recorded with the run in the checkpoint (the command line uses it to resume with the same inputs). */
  command?: unknown;
  /** Print one line per epoch. */
  verbose?: boolean;
  /** Called after every epoch. */
  onEpoch?: (report: EpochReport) => void;
  /**
   * Stops training at the end of the current batch; the model keeps its best weights so far and
   * the run can be resumed. With outdir the run is saved there first, and the AbortError's
   * `checkpoint` names the folder.
   */
  signal?: AbortSignal;
  /** Show a progress bar on stderr (default: when stderr is a terminal). */
  progress?: boolean;
}

export interface FitResult {
  trainLoss: number[];
  valLoss: number[];
  testLoss: number;
  bestEpoch: number;
  /** Seconds spent building the features before the first epoch. */
  precomputeSeconds: number;
  /** Seconds per epoch. */
  epochSeconds: number[];
}

const PLATEAU_FACTOR = 0.1;
const PLATEAU_PATIENCE = 10;
const PLATEAU_THRESHOLD = 1e-4;
const TRANSFORM_CHUNK = 4096;
/** Longest stretch of training without letting signals and timers run (ms). */
const YIELD_MS = 50;
const DEFAULT_CHECKPOINT_EVERY = 10;

/** Training stopped by an abort signal; `checkpoint` is the folder holding the resumable run (if any). */
export class TrainingInterrupted extends Error {
  readonly checkpoint: string | null;
  readonly epoch: number;
  constructor(message: string, checkpoint: string | null, epoch: number) {
    super(message);
    this.name = "AbortError";
    this.checkpoint = checkpoint;
    this.epoch = epoch;
  }
}

export function dataSignature(data: MarbleDataset): MarbleDataSignature {
  return { signalDim: data.x.cols, dim: data.pos.cols, dimMan: data.dimMan, localGauges: data.localGauges };
}

function indicesOf(mask: Uint8Array): Int32Array {
  let c = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) c++;
  const out = new Int32Array(c);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) out[k++] = i;
  return out;
}

function abortError(signal: AbortSignal): Error {
  if (signal.reason instanceof Error) return signal.reason;
  const e = new Error("Marble.fit: training was aborted");
  e.name = "AbortError";
  return e;
}

function nonFiniteMessage(what: string, epoch: number, lr: number): string {
  return (
    `Marble.fit: ${what} became non-finite at epoch ${epoch}. Likely causes: a learning rate too large ` +
    `(lr = ${lr}; try 10× smaller), unnormalised inputs (scale positions and vectors to order 1), ` +
    `or a disconnected or degenerate graph (duplicate points, isolated nodes: raise k or delta, or subsample with spacing)`
  );
}

export class Marble {
  readonly params: MarbleParams;
  readonly signature: MarbleDataSignature;
  readonly shape: MarbleShape;
  /** The learnable diffusion time (one value). */
  readonly diffusionTime: Tensor;
  readonly innerProducts: InnerProductFeatures | null;
  readonly mlp: MLP;
  /** Completed epochs (cumulative over resumed runs). */
  epoch = 0;
  trainLosses: number[] = [];
  valLosses: number[] = [];
  testLoss = NaN;
  /** Identifies this model's training lineage; a checkpoint of the same run may be updated without force. */
  runId: string = nodeCrypto().randomUUID();
  private optimizer: OptimizerState;
  /** The dataset options the model was trained with (recorded in checkpoints). */
  dataParams: unknown = null;
  /** An unfinished (or the last finished) run, for fit({ resume: true }). */
  private pendingRun: TrainingRun | null = null;
  private readonly momentum = new Map<string, Float64Array>();
  private providerCache = new WeakMap<MarbleDataset, FeatureProvider>();
  private selfLoopCache = new WeakMap<MarbleDataset, boolean>();
  private readonly sgd = new MomentumSgd();

  /**
   * Checks the options (names, types, ranges, combinations) without building anything, and
   * returns them merged over the defaults. With the dataset's inputs (constructDataset's
   * options), a built dataset or a checkpoint's signature, it also checks those and that the
   * features order × dimension give fit in memory. Call it before building the dataset:
   *
   *   Marble.validateOptions(modelOptions, { anchor, vector, k: 20 });
   *   const data = constructDataset({ anchor, vector, k: 20 });
   */
  static validateOptions(params?: Partial<MarbleParams>, data?: MarbleDataset | MarbleDataSignature | ConstructDatasetOptions): MarbleParams {
    return checkMarbleOptions(params, data, "Marble");
  }

  /** `data` is a dataset from constructDataset, or the dimensions a checkpoint recorded. */
  constructor(data: MarbleDataset | MarbleDataSignature, params?: Partial<MarbleParams>) {
    // every option and the memory the features need are checked before the network is allocated
    this.params = checkMarbleOptions(params, data ?? null, "Marble");
    this.signature = "kernels" in data ? dataSignature(data) : { ...data };
    const sig = this.signature;
    const s = sig.localGauges ? sig.dimMan : sig.signalDim;
    this.shape = marbleShape(this.params, s, sig.dimMan, sig.dim);
    const rng = new Random(this.params.seed);
    this.diffusionTime = parameter("diffusion.t", [1]);
    const p = this.params;
    if (p.innerProductFeatures) {
      const blocks: number[] = [];
      for (let j = p.includeSelf ? 0 : 1; j <= p.order; j++) blocks.push(sig.dimMan ** j);
      this.innerProducts = new InnerProductFeatures(s, blocks);
    } else {
      this.innerProducts = null;
    }
    this.mlp = new MLP(this.shape.mlpInput, p.hiddenChannels, p.outChannels, { bias: p.bias, batchNorm: p.batchNorm, dropout: p.dropout, precision: p.precision }, rng);
    this.optimizer = { lr: p.lr, plateauBest: Infinity, plateauBad: 0 };
  }

  /** Trainable tensors, in a fixed order. */
  get parameters(): Tensor[] {
    return [this.diffusionTime, ...(this.innerProducts ? [this.innerProducts.weight] : []), ...this.mlp.parameters];
  }

  /** Trainable values: the diffusion time (always), O matrices (with inner products) and the MLP. */
  get parameterCount(): number {
    const counted = this.parameters.reduce((a, t) => a + t.data.length, 0);
    const expected = marbleParameterCount(this.params, this.shape);
    if (counted !== expected) throw new Error(`internal: parameter count ${counted} differs from the formula ${expected}`);
    return counted;
  }

  /** Current learning rate (after plateau reductions). */
  get learningRate(): number {
    return this.optimizer.lr;
  }

  private checkCompatible(data: MarbleDataset, where: string): void {
    checkDataset(data, where);
    const got = dataSignature(data);
    const want = this.signature;
    const diffs: string[] = [];
    if (got.signalDim !== want.signalDim) diffs.push(`signal channels ${got.signalDim} (model: ${want.signalDim})`);
    if (got.dim !== want.dim) diffs.push(`anchor dimension ${got.dim} (model: ${want.dim})`);
    if (got.dimMan !== want.dimMan) diffs.push(`manifold dimension ${got.dimMan} (model: ${want.dimMan})`);
    if (got.localGauges !== want.localGauges) diffs.push(`localGauges ${got.localGauges} (model: ${want.localGauges})`);
    if (diffs.length) {
      throw new ValidationError(`${where}: the data does not match the model: ${diffs.join("; ")}. Build the dataset with the same dimensions and gauges as the training data`);
    }
  }

  private provider(data: MarbleDataset): FeatureProvider {
    let p = this.providerCache.get(data);
    if (!p) {
      const kernels = subsampleKernels(data.kernels, data.numNodes, this.params.fracSampledNb, new Random(this.params.seed + 7919));
      p = createFeatureProvider(data, { order: this.params.order, includeSelf: this.params.includeSelf, vecNorm: this.params.vecNorm, diffusion: this.params.diffusion }, kernels);
      if (p.channels !== this.shape.featureChannels) throw new Error(`internal: features have ${p.channels} channels, expected ${this.shape.featureChannels}`);
      this.providerCache.set(data, p);
    }
    return p;
  }

  /** Forward pass for a set of nodes. Returns the embedding and what the backward pass needs. */
  private forward(data: MarbleDataset, provider: FeatureProvider, nodes: ArrayLike<number>, training: boolean, rng: Random | null, wantTangent: boolean) {
    const rows = nodes.length;
    const t = this.diffusionTime.data[0];
    const feats = provider.gather(nodes, t, wantTangent);
    let body = feats.value;
    let ipOut: Float64Array | null = null;
    if (this.innerProducts) {
      ipOut = this.innerProducts.forward(feats.value, rows);
      body = ipOut;
    }
    let input = body;
    const d = this.shape.dim;
    if (this.params.includePositions) {
      const w = this.shape.mlpInput, bw = w - d;
      input = new Float64Array(rows * w);
      const P = data.pos.data;
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < d; k++) input[r * w + k] = P[nodes[r] * d + k];
        input.set(body.subarray(r * bw, (r + 1) * bw), r * w + d);
      }
    }
    const { y, cache } = this.mlp.forward(input, rows, training, rng);
    const out = this.params.embNorm ? normalizeRows(y, this.params.outChannels) : y;
    return { out, y, cache, feats, ipOut };
  }

  private batchLoss(data: MarbleDataset, provider: FeatureProvider, nodes: Int32Array, training: boolean, rng: Random | null): number {
    const wantTangent = training && this.params.diffusion && provider.dependsOnTime;
    const { out, y, cache, feats, ipOut } = this.forward(data, provider, nodes, training, rng, wantTangent);
    let masked: Uint8Array | null = null;
    if (data.mask) {
      masked = new Uint8Array(nodes.length);
      for (let r = 0; r < nodes.length; r++) masked[r] = data.mask[nodes[r]];
    }
    const oc = this.params.outChannels;
    const { loss, grad } = contrastiveLoss(out, oc, masked);
    if (!Number.isFinite(loss)) throw new Error(nonFiniteMessage(`the loss (${loss})`, this.epoch + 1, this.optimizer.lr));
    if (!training) return loss;
    const rows = nodes.length;
    const gy = this.params.embNorm ? normalizeRowsBackward(y, grad, oc) : grad;
    const needInput = wantTangent || this.innerProducts !== null;
    const gIn = this.mlp.backward(cache, gy, needInput);
    if (needInput && gIn) {
      const w = this.shape.mlpInput;
      const d = this.params.includePositions ? this.shape.dim : 0;
      const bw = w - d;
      let gBody = gIn;
      if (d > 0) {
        gBody = new Float64Array(rows * bw);
        for (let r = 0; r < rows; r++) gBody.set(gIn.subarray(r * w + d, (r + 1) * w), r * bw);
      }
      const gFeat = this.innerProducts ? this.innerProducts.backward(feats.value, ipOut!, gBody, rows) : gBody;
      if (wantTangent && feats.tangent) {
        let gt = 0;
        const T = feats.tangent;
        for (let i = 0; i < T.length; i++) gt += gFeat[i] * T[i];
        this.diffusionTime.grad![0] += gt;
      }
    }
    return loss;
  }

  private step(): void {
    const { lr } = this.optimizer;
    const mu = this.params.momentum;
    for (const p of this.parameters) {
      let buf = this.momentum.get(p.name);
      const first = !buf;
      if (!buf) {
        buf = new Float64Array(p.data.length);
        this.momentum.set(p.name, buf);
      }
      if (!this.sgd.update(p.data, p.grad!, buf, mu, lr, first)) throw new Error(nonFiniteMessage(`parameter ${p.name}`, this.epoch + 1, lr));
    }
    this.diffusionTime.data[0] = clampDiffusionTime(this.diffusionTime.data[0]);
  }

  /** Whether the graph stores any self loop (scanned once per dataset). */
  private selfLoops(data: MarbleDataset): boolean {
    let has = this.selfLoopCache.get(data);
    if (has === undefined) {
      const { rowPtr, colIdx, rows } = data.graph.adjacency;
      has = false;
      for (let i = 0; i < rows && !has; i++) for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) if (colIdx[p] === i) has = true;
      this.selfLoopCache.set(data, has);
    }
    return has;
  }

  /** Builds the batch node list: anchors, one true neighbour of each, uniform negatives. */
  private sampleBatch(data: MarbleDataset, anchors: Int32Array, rng: Random): Int32Array {
    const B = anchors.length, n = data.numNodes;
    const { rowPtr, colIdx } = data.graph.adjacency;
    const nodes = new Int32Array(3 * B);
    nodes.set(anchors, 0);
    const loops = this.selfLoops(data);
    const withSelf = this.params.reference === "authors";
    for (let b = 0; b < B; b++) {
      const i = anchors[b];
      const start = rowPtr[i], deg = rowPtr[i + 1] - start;
      if (withSelf && !loops) {
        // the reference's positive: one random-walk step on a graph that keeps self loops
        const pick = rng.int(deg + 1);
        nodes[B + b] = pick === deg ? i : colIdx[start + pick];
        nodes[2 * B + b] = rng.int(n);
        continue;
      }
      if (!loops && deg > 0) {
        // no self loops anywhere (the usual graph): the pick-th neighbour is the pick-th entry
        nodes[B + b] = colIdx[start + rng.int(deg)];
        nodes[2 * B + b] = rng.int(n);
        continue;
      }
      let selfLoops = 0;
      for (let p = start; p < start + deg; p++) if (colIdx[p] === i) selfLoops++;
      if (deg - selfLoops <= 0) {
        throw new ValidationError(`Marble.fit: node ${i} has no neighbours in the graph; the graph is disconnected — raise k or delta when building the dataset`);
      }
      let pick = rng.int(deg - selfLoops);
      let j = -1;
      for (let p = start; p < start + deg; p++) {
        if (colIdx[p] === i) continue;
        if (pick-- === 0) {
          j = colIdx[p];
          break;
        }
      }
      nodes[B + b] = j;
      nodes[2 * B + b] = rng.int(n);
    }
    return nodes;
  }

  private snapshot(): Map<string, Float64Array> {
    const s = new Map<string, Float64Array>();
    for (const t of [...this.parameters, ...this.mlp.buffers]) s.set(t.name, t.data.slice());
    return s;
  }

  private restore(s: Map<string, Float64Array>): void {
    for (const t of [...this.parameters, ...this.mlp.buffers]) t.data.set(s.get(t.name)!);
  }

  /** Mean loss over batches anchored at `anchors` in evaluation mode, with a fixed sampling seed. */
  private evaluate(data: MarbleDataset, provider: FeatureProvider, anchors: Int32Array, seed: number): number {
    if (anchors.length === 0) return NaN;
    const rng = new Random(seed);
    const B = this.params.batchSize;
    let total = 0, count = 0;
    for (let s = 0; s < anchors.length; s += B) {
      const nodes = this.sampleBatch(data, anchors.subarray(s, Math.min(anchors.length, s + B)), rng);
      total += this.batchLoss(data, provider, nodes, false, null);
      count++;
    }
    return total / count;
  }

  /**
   * Trains for `params.epochs` epochs on the training split. The validation loss selects the
   * best epoch, whose weights are restored at the end; the test loss is reported. Each call runs
   * `params.epochs` more epochs: a model from `Marble.load` continues its epoch count, loss
   * history, learning rate and momentum. With `resume: true` it instead finishes the run the
   * model holds (see FitOptions.resume).
   */
  async fit(data: MarbleDataset, options: FitOptions = {}): Promise<FitResult> {
    this.checkCompatible(data, "Marble.fit");
    checkFitCall(this.params, this.shape, data, options);
    const { outdir, verbose = false, onEpoch, signal, progress, force = false, resume = false, command } = options;
    const every = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    if (!Number.isInteger(every) || every < 0) throw new ValidationError(`Marble.fit: checkpointEvery must be an integer ≥ 0 (0: checkpoints only at the end and on interruption), got ${every}`);
    const onBest = options.checkpointOnBest ?? true;
    if (signal?.aborted) throw abortError(signal);
    const pending = resume ? this.runToResume(dataFingerprint(data)) : null;
    if (pending?.complete) {
      if (verbose) console.log(`the run is complete (epoch ${this.epoch} of ${pending.targetEpoch}); nothing to resume`);
      return { trainLoss: this.trainLosses.slice(), valLoss: this.valLosses.slice(), testLoss: this.testLoss, bestEpoch: pending.bestEpoch, precomputeSeconds: 0, epochSeconds: [] };
    }
    // the output folder is checked and locked before any training
    let lock: FolderLock | null = null;
    let created = false;
    if (outdir) {
      checkOutputFolder(outdir, { force, runId: this.runId, where: "Marble.fit" });
      created = !existsSync(outdir);
      mkdirSync(outdir, { recursive: true });
      lock = lockFolder(outdir, "checkpoint folder");
    }
    try {
      if (outdir) checkOutputFolder(outdir, { force, runId: this.runId, where: "Marble.fit" });
      this.dataParams = data.params ?? null;
      return await this.train(data, { outdir, force, verbose, onEpoch, signal, progress, every, onBest, command, pending });
    } finally {
      lock?.release();
      // a folder this call created and never wrote to is not left behind
      if (created && outdir && existsSync(outdir) && readdirSync(outdir).length === 0) rmdirSync(outdir);
    }
  }

  /** The run fit({ resume: true }) continues, checked against the data. */
  private runToResume(fingerprint: string): TrainingRun {
    const run = this.pendingRun;
    if (!run) {
      throw new ValidationError(
        "Marble.fit: resume: true, but this model holds no training run to continue (it is new, or its checkpoint was written by save outside fit). Call fit without resume to train params.epochs more epochs",
      );
    }
    if (run.dataFingerprint && run.dataFingerprint !== fingerprint) {
      throw new ValidationError(
        "Marble.fit: resume: the data differs from the data the run was trained on (signal, positions, splits or graph); build the dataset from the same files with the same options and seed",
      );
    }
    return run;
  }

  private async train(
    data: MarbleDataset,
    o: { outdir?: string; force: boolean; verbose: boolean; onEpoch?: (r: EpochReport) => void; signal?: AbortSignal; progress?: boolean; every: number; onBest: boolean; command: unknown; pending: TrainingRun | null },
  ): Promise<FitResult> {
    const { outdir, verbose, onEpoch, signal, pending } = o;
    const p = this.params;
    const t0 = performance.now();
    const provider = this.provider(data);
    if (pending) provider.restoreExpansionCentres?.(pending.expansionCentres);
    // touch the features once so their cost is reported separately from the epochs
    provider.gather([0], this.diffusionTime.data[0], false);
    const precomputeSeconds = (performance.now() - t0) / 1000;
    const train = indicesOf(data.trainMask), val = indicesOf(data.valMask), test = indicesOf(data.testMask);
    if (train.length < 2) throw new ValidationError(`Marble.fit: the training split has ${train.length} nodes; need at least 2`);
    const B = p.batchSize;
    const copyMomentum = () => new Map(Array.from(this.momentum, ([k, v]) => [k, v.slice()]));
    // the model's live weights are the best so far; a resumed run restores where training stood
    let bestState = this.snapshot();
    let bestMomentum = copyMomentum();
    let rng: Random, dropRng: Random, best: number, bestEpoch: number, position: EpochPosition | null, startEpoch: number, target: number;
    if (pending) {
      bestEpoch = pending.bestEpoch;
      best = pending.bestScore;
      this.restore(pending.current);
      this.momentum.clear();
      for (const [k, v] of pending.momentum) this.momentum.set(k, v.slice());
      rng = Random.fromState(pending.rng!);
      dropRng = Random.fromState(pending.dropRng!);
      position = pending.position;
      startEpoch = pending.startEpoch;
      target = pending.targetEpoch;
    } else {
      rng = new Random(p.seed * 2654435761 + 1 + this.epoch);
      dropRng = rng.fork();
      best = this.valLosses.length ? Math.min(...this.valLosses.filter(Number.isFinite)) : Infinity;
      bestEpoch = this.epoch;
      position = null;
      startEpoch = this.epoch;
      target = this.epoch + p.epochs;
    }
    this.pendingRun = null;
    const capture = (pos: EpochPosition | null, complete: boolean): TrainingRun => ({
      startEpoch,
      targetEpoch: target,
      complete,
      bestEpoch,
      bestScore: best,
      rng: rng.getState(),
      dropRng: dropRng.getState(),
      position: pos,
      expansionCentres: provider.expansionCentres?.() ?? [],
      dataFingerprint: dataFingerprint(data), // cached per dataset
      current: complete ? new Map() : this.snapshot(),
      momentum: complete ? new Map() : copyMomentum(),
      command: o.command,
    });
    const bar = new ProgressBar(target - startEpoch, process.stderr, o.progress ?? Boolean(process.stderr.isTTY));
    const epochSeconds: number[] = [];
    let lastYield = performance.now();
    const pause = async () => {
      // let signal handlers, abort events and timers run
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    };
    let interrupted: TrainingRun | null = null;
    try {
      epochs: while (this.epoch < target) {
        if (signal?.aborted && !position) {
          interrupted = capture(null, false);
          break;
        }
        const te = performance.now();
        let order: Int32Array, first = 0, total = 0, batches = 0;
        if (position) ({ order, next: first, total, batches } = position);
        else order = rng.permutation(train.length);
        position = null;
        for (let s = first; s < order.length; s += B) {
          if (performance.now() - lastYield > YIELD_MS) await pause();
          if (signal?.aborted) {
            interrupted = capture({ order, next: s, total, batches }, false);
            break epochs;
          }
          const size = Math.min(B, order.length - s);
          if (size < 2 && p.batchNorm) continue; // batch statistics need two rows
          const anchors = new Int32Array(size);
          for (let k = 0; k < size; k++) anchors[k] = train[order[s + k]];
          const nodes = this.sampleBatch(data, anchors, rng);
          total += this.batchLoss(data, provider, nodes, true, dropRng);
          batches++;
          this.step();
        }
        const trainLoss = total / Math.max(1, batches);
        const valLoss = this.evaluate(data, provider, val, p.seed + 104729);
        this.epoch++;
        this.trainLosses.push(trainLoss);
        this.valLosses.push(valLoss);
        // reduce the learning rate on a plateau of the training loss
        const opt = this.optimizer;
        if (trainLoss < opt.plateauBest * (1 - PLATEAU_THRESHOLD)) {
          opt.plateauBest = trainLoss;
          opt.plateauBad = 0;
        } else if (++opt.plateauBad > PLATEAU_PATIENCE) {
          opt.lr *= PLATEAU_FACTOR;
          opt.plateauBad = 0;
        }
        const score = Number.isFinite(valLoss) ? valLoss : trainLoss;
        const improved = score < best;
        if (improved) {
          best = score;
          bestState = this.snapshot();
          bestEpoch = this.epoch;
          bestMomentum = copyMomentum();
        }
        const seconds = (performance.now() - te) / 1000;
        epochSeconds.push(seconds);
        const report: EpochReport = { epoch: this.epoch, trainLoss, valLoss, lr: opt.lr, diffusionTime: this.diffusionTime.data[0], seconds };
        onEpoch?.(report);
        if (verbose) {
          console.log(`epoch ${this.epoch}: train loss ${trainLoss.toFixed(4)}, validation loss ${valLoss.toFixed(4)}, lr ${opt.lr.toPrecision(3)}, t ${report.diffusionTime.toPrecision(3)}`);
        }
        bar.update(this.epoch - startEpoch, `loss ${trainLoss.toFixed(4)}`);
        const periodic = o.every > 0 && this.epoch % o.every === 0;
        if (outdir && this.epoch < target && (periodic || (o.onBest && improved))) {
          this.writeCheckpoint(outdir, data, bestState, bestMomentum, capture(null, false), o.force, "Marble.fit");
        }
        await pause();
      }
    } finally {
      bar.finish();
      this.restore(bestState);
      this.momentum.clear();
      for (const [k, v] of bestMomentum) this.momentum.set(k, v);
    }
    if (interrupted) {
      this.pendingRun = interrupted;
      if (outdir) this.writeCheckpoint(outdir, data, bestState, bestMomentum, interrupted, o.force, "Marble.fit");
      const pos = interrupted.position;
      const where = `after epoch ${this.epoch}${pos ? ` and ${pos.batches} batch${pos.batches === 1 ? "" : "es"} of epoch ${this.epoch + 1}` : ""}`;
      const next = outdir
        ? `the run is saved in ${outdir}: continue it with Marble.load(${JSON.stringify(outdir)}) and fit(data, { resume: true, outdir: ${JSON.stringify(outdir)} }), or marble fit --resume ${shellArg(outdir)}`
        : "the model keeps its best weights so far; continue the run with fit(data, { resume: true })";
      throw new TrainingInterrupted(`Marble.fit: training was interrupted ${where}; ${next}`, outdir ?? null, this.epoch);
    }
    this.testLoss = this.evaluate(data, provider, test, p.seed + 130363);
    if (verbose) console.log(`best epoch ${bestEpoch}; test loss ${this.testLoss.toFixed(4)}`);
    this.pendingRun = capture(null, true);
    if (outdir) this.writeCheckpoint(outdir, data, this.snapshot(), this.momentum, this.pendingRun, o.force, "Marble.fit");
    return { trainLoss: this.trainLosses.slice(), valLoss: this.valLosses.slice(), testLoss: this.testLoss, bestEpoch, precomputeSeconds, epochSeconds };
  }

  /** Embeds every node of `data` (evaluation mode: batch-norm running statistics, no dropout). */
  transform(data: MarbleDataset): Matrix {
    this.checkCompatible(data, "Marble.transform");
    const provider = this.provider(data);
    provider.settle?.(this.diffusionTime.data[0]);
    const n = data.numNodes, oc = this.params.outChannels;
    const out = new Matrix(n, oc);
    for (let s = 0; s < n; s += TRANSFORM_CHUNK) {
      const e = Math.min(n, s + TRANSFORM_CHUNK);
      const nodes = new Int32Array(e - s);
      for (let i = s; i < e; i++) nodes[i - s] = i;
      const { out: z } = this.forward(data, provider, nodes, false, null, false);
      out.data.set(z, s * oc);
    }
    return out;
  }

  /**
   * Writes the checkpoint folder: `model.json` (options, dimensions, history, and the sha256 and
   * tensor shapes of each data file) and the weights in safetensors. The folder must be new,
   * empty, or a checkpoint of this model's run; `force` replaces another run's checkpoint (never
   * a folder holding other files). The commit is one atomic rename: a crash leaves the previous
   * checkpoint or the new one. An unfinished run the model holds is saved with it (resumable).
   */
  save(path: string, data?: MarbleDataset, options: { force?: boolean } = {}): void {
    if (data) this.dataParams = data.params ?? null;
    this.writeCheckpoint(path, data, this.snapshot(), this.momentum, this.pendingRun, options.force ?? false, "Marble.save");
  }

  private writeCheckpoint(path: string, data: MarbleDataset | undefined, weights: Map<string, Float64Array>, momentum: Map<string, Float64Array>, run: TrainingRun | null, force: boolean, where: string): void {
    const { runId, params, signature, epoch, trainLosses, valLosses, testLoss, optimizer, parameterCount } = this;
    const content = { runId, params, signature, epoch, trainLosses, valLosses, testLoss, optimizer, parameterCount, dataParams: data?.params ?? this.dataParams };
    writeMarbleCheckpoint(path, { ...content, parameters: this.parameters, buffers: this.mlp.buffers, weights, momentum, run }, force, where);
  }

  /**
   * Reads a checkpoint folder, verifying each file's checksum, the tensors' shapes and that every
   * value is finite: embed new data with `transform`, train more with `fit`, or finish an
   * interrupted run with `fit(data, { resume: true })`.
   */
  static load(path: string): Marble {
    const where = "Marble.load";
    const ck = readMarbleCheckpoint(path, where);
    let model: Marble;
    try {
      model = new Marble(ck.signature as MarbleDataSignature, ck.params as MarbleParams);
    } catch (e) {
      throw new CheckpointError(`${where}: ${ck.manifestPath} holds model options or data dimensions this version cannot build (${(e as Error).message})`);
    }
    for (const [k, v] of ck.apply(model.parameters, model.mlp.buffers)) model.momentum.set(k, v);
    model.epoch = ck.epoch;
    model.trainLosses = ck.trainLosses;
    model.valLosses = ck.valLosses;
    model.testLoss = ck.testLoss;
    const opt = ck.optimizer;
    model.optimizer = { lr: opt.lr ?? model.params.lr, plateauBest: opt.plateauBest ?? Infinity, plateauBad: opt.plateauBad ?? 0 };
    model.dataParams = ck.dataParams;
    model.runId = ck.runId;
    model.pendingRun = ck.run([...model.parameters, ...model.mlp.buffers].map((t) => t.name));
    return model;
  }
}
