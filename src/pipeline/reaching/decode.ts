/**
 * One reaching session from prepared data to its decoding table: MARBLE fitted with one graph per
 * condition (the paper's set-up) and with one graph for all conditions (label-free), the
 * baselines (raw rates, PCA states, ridge on binned counts with history, k-NN on the PCA states),
 * each decoded for hand velocity with trial-grouped CV, scored for reach direction, and each
 * beside its two shuffle controls.
 *
 * The label leak: with one graph per condition, points of different conditions are never
 * neighbours, so the embedding is built knowing each point's condition; decoding that embedding
 * can profit from the label rather than from the dynamics. The label-free variant builds one
 * graph over all points and is the fair comparison with the baselines, none of which see labels.
 */
import { Matrix } from "../../core/matrix.js";
import { withDefaults } from "../../core/validate.js";
import { constructDataset } from "../../geometry/dataset.js";
import { Marble } from "../../model/marble.js";
import { crossValidateDecoder, type DecoderMethod } from "../../decoding/cross-validate.js";
import { directionAccuracy } from "../../decoding/direction.js";
import { shuffleTargets } from "../../decoding/shuffle.js";
import { RIDGE_LAMBDAS } from "../../decoding/ridge.js";
import { trialsToConditions } from "../../preprocessing/conditions.js";
import { gatherPointRows, pointTrials, withHistory } from "./gather.js";
import type { PreparedReaching } from "./prepare.js";

export interface ReachingDecodeOptions {
  k: number;
  delta: number;
  epochs: number;
  order: number;
  hiddenChannels: number[];
  outChannels: number;
  diffusion: boolean;
  folds: number;
  seed: number;
  /** Bins of history for the ridge decoder on counts (5 × 20 ms = the last 100 ms). */
  history: number;
  /** Neighbours of the k-NN decoder on the states. */
  knnK: number;
  lambdas: readonly number[];
  /** Which MARBLE variants to fit. */
  variants: ("per-condition" | "label-free")[];
  /** Which shuffle controls to run beside every decoding number. */
  controls: boolean;
}

/** The paper's settings (k = 30, δ = 1.5, order 2, hidden 100, 20 outputs, diffusion; 5-fold CV). */
export const REACHING_DECODE_DEFAULTS: Readonly<ReachingDecodeOptions> = Object.freeze<ReachingDecodeOptions>({
  k: 30, delta: 1.5, epochs: 120, order: 2, hiddenChannels: [100], outChannels: 20, diffusion: true,
  folds: 5, seed: 0, history: 5, knnK: 10, lambdas: RIDGE_LAMBDAS, variants: ["per-condition", "label-free"], controls: true,
});

export interface DecodingRow {
  method: string;
  input: string;
  decoder: DecoderMethod;
  /** Cross-validated velocity R² (pooled held-out predictions). */
  r2: number;
  /** Reach-direction accuracy from the decoded trajectories. */
  accuracy: number;
  /** R² with targets shuffled across trials / within trials (controls). */
  r2ShuffledTrials: number | null;
  r2ShuffledTime: number | null;
  chosen: string;
  seconds: number;
}

export interface SessionDecoding {
  name: string;
  simulated: boolean;
  rows: DecodingRow[];
  /** MARBLE embeddings (per-condition variant first), for figures. */
  embeddings: { variant: string; z: Matrix; condition: Int32Array }[];
  notes: string[];
  seconds: number;
}

/** k for a graph whose smallest condition has `smallest` points: k itself, or smallest − 1 (counted). */
export function graphK(sizes: number[], k: number): { k: number; lowered: number } {
  const smallest = Math.min(...sizes);
  return smallest >= k + 1 ? { k, lowered: 0 } : { k: Math.max(1, smallest - 1), lowered: sizes.filter((s) => s < k + 1).length };
}

export async function decodeReachingSession(prep: PreparedReaching, options: Partial<ReachingDecodeOptions> = {}): Promise<SessionDecoding> {
  const o = withDefaults<ReachingDecodeOptions>({ ...REACHING_DECODE_DEFAULTS, variants: [...REACHING_DECODE_DEFAULTS.variants] }, options, "decodeReachingSession");
  const t0 = Date.now();
  const notes: string[] = [];
  const cond = prep.conditions;
  const trials = pointTrials(cond);
  const labels = Int32Array.from(trials, (t) => prep.conditionIndex[t]);
  const velocity = gatherPointRows(prep.handVelocity, cond);
  const inputs: { method: string; input: string; decoder: DecoderMethod; x: () => Promise<Matrix> }[] = [];
  const embeddings: SessionDecoding["embeddings"] = [];
  const fit = async (variant: string, anchor: Matrix[], vector: Matrix[]) => {
    const kk = graphK(anchor.map((a) => a.rows), o.k);
    if (kk.lowered) notes.push(`${variant}: ${kk.lowered} condition(s) have fewer than k + 1 = ${o.k + 1} points; k lowered to ${kk.k} for this graph`);
    const data = constructDataset({ anchor, vector, k: kk.k, delta: o.delta, seed: o.seed });
    const model = new Marble(data, { epochs: o.epochs, order: o.order, hiddenChannels: o.hiddenChannels, outChannels: o.outChannels, diffusion: o.diffusion, seed: o.seed });
    await model.fit(data, { progress: false });
    return model.transform(data);
  };
  if (o.variants.includes("per-condition")) {
    inputs.push({ method: "MARBLE (graph per condition)", input: "MARBLE embedding", decoder: "linear", x: async () => {
      const z = await fit("per-condition", cond.anchor, cond.vector);
      embeddings.push({ variant: "per-condition", z, condition: labels });
      return z;
    } });
  }
  if (o.variants.includes("label-free")) {
    inputs.push({ method: "MARBLE (label-free graph)", input: "MARBLE embedding", decoder: "linear", x: async () => {
      const all = trialsToConditions(prep.states, prep.states.map(() => "all"));
      const z = await fit("label-free", all.anchor, all.vector);
      // rows into the per-condition order, so every method is scored on the same rows and folds
      const T = prep.states[0].rows - 1;
      const order = Int32Array.from({ length: z.rows }, (_, p) => {
        let c = 0, i = p;
        while (i >= cond.trialIndex[c].length) i -= cond.trialIndex[c++].length;
        return cond.trialIndex[c][i] * T + cond.timeIndex[c][i];
      });
      const zr = z.selectRows(order);
      embeddings.push({ variant: "label-free", z: zr, condition: labels });
      return zr;
    } });
  }
  inputs.push(
    { method: "raw rates", input: "smoothed rates", decoder: "linear", x: async () => gatherPointRows(prep.rates, cond) },
    { method: `PCA (${prep.states[0].cols})`, input: "PCA states", decoder: "linear", x: async () => gatherPointRows(prep.states, cond) },
    { method: `ridge on counts (${o.history} bins history)`, input: "binned counts with history", decoder: "ridge", x: async () => gatherPointRows(prep.counts.map((c) => withHistory(c, o.history)), cond) },
    { method: `k-NN on PCA states (k = ${o.knnK})`, input: "PCA states", decoder: "knn", x: async () => gatherPointRows(prep.states, cond) },
  );
  const shuffledTrials = o.controls ? shuffleTargets(velocity, trials, "trials", o.seed) : null;
  const shuffledTime = o.controls ? shuffleTargets(velocity, trials, "time", o.seed) : null;
  if (shuffledTrials && shuffledTrials.unshuffledTrials) notes.push(`trial shuffle: ${shuffledTrials.unshuffledTrials} trials kept their targets (no other trial of their length)`);
  const rows: DecodingRow[] = [];
  for (const inp of inputs) {
    const t1 = Date.now();
    const x = await inp.x();
    const cvOpts = { method: inp.decoder, folds: o.folds, seed: o.seed, k: o.knnK, lambdas: o.lambdas };
    const cv = crossValidateDecoder(x, velocity, trials, cvOpts);
    for (const n of cv.notes) notes.push(`${inp.method}: ${n}`);
    const accuracy = directionAccuracy(cv.predictions, velocity, trials, labels, { dt: prep.binSeconds });
    const r2T = shuffledTrials ? crossValidateDecoder(x, shuffledTrials.y, trials, cvOpts).r2 : null;
    const r2t = shuffledTime ? crossValidateDecoder(x, shuffledTime.y, trials, cvOpts).r2 : null;
    rows.push({ method: inp.method, input: inp.input, decoder: inp.decoder, r2: cv.r2, accuracy, r2ShuffledTrials: r2T, r2ShuffledTime: r2t, chosen: cv.chosen, seconds: (Date.now() - t1) / 1000 });
  }
  return { name: prep.name, simulated: prep.simulated, rows, embeddings, notes, seconds: (Date.now() - t0) / 1000 };
}
