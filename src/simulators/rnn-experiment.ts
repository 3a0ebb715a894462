import { Matrix, vstack } from "../core/matrix.js";
import { PCA } from "../core/pca.js";
import { ValidationError, checkInteger, withDefaults } from "../core/validate.js";
import { progressTask } from "../core/progress.js";
import type { LowRankRnn } from "./low-rank-rnn.js";
import { deriveSeed } from "./seeds.js";

export interface RnnGainExperimentOptions {
  /** Input gains, one per condition pair (the paper: linspace(1, 0, 20)). */
  gains: number[];
  /** Noisy trials per gain (the paper: 200). */
  trialsPerGain: number;
  /** Epoch boundaries in steps: fixation, stimulus 1, delay, stimulus 2, decision. */
  epochs: number[];
  /** Steps dropped at the start of every epoch segment (the paper: 15). */
  transient: number;
  /** PCA dimension (the paper: 3). */
  pcaComponents: number;
  /**
   * PCA is fitted on the first `pcaFitTrialsPerGain` trials of every gain (all segments after the
   * transient), then applied to all trials. The authors fit on every trial; with a 500-unit state
   * and paper scale that is 0.8 M × 500 and its covariance dominates the cost, while the leading
   * components are already pinned down by a few trials per gain. Set it to trialsPerGain for the
   * authors' exact recipe.
   */
  pcaFitTrialsPerGain: number;
  seed: number;
}

export interface RnnGainConditions {
  /** "gain 1.00, unstimulated" …, then "gain 1.00, stimulated" … (the authors' order). */
  names: string[];
  anchor: Matrix[];
  vector: Matrix[];
  /** Gain and epoch type of each condition. */
  gain: number[];
  stimulated: boolean[];
  /** For each point: its trial and its step in the trial. */
  trialIndex: Int32Array[];
  step: Int32Array[];
  pca: PCA;
  explainedVarianceRatio: Float64Array;
  simulated: true;
  description: string;
}

/** The experiment's input: channel 0 = gain during both stimulus epochs, channel 1 = 0, no input noise (the authors' Figure 3 script). */
export function rnnGainInput(gain: number, epochs: number[]): Matrix {
  const T = epochs[epochs.length - 1];
  const U = new Matrix(T, 2);
  for (const e of [1, 3]) for (let t = epochs[e]; t < epochs[e + 1]; t++) U.data[2 * t] = gain;
  return U;
}

/**
 * Simulates the paper's RNN experiment (method doc §6–7; the authors' generate_trajectories and
 * aggregate_data): for every gain, `trialsPerGain` noisy trials of the 275-step input; each trial's
 * states are cut into the five epochs, the first `transient` steps of each segment dropped, PCA'd
 * to 3 dimensions, and each segment split into pos = x[0..T−2], vel = diff(x). Unstimulated
 * epochs (fixation, delay, decision) of a gain form one condition, stimulated epochs (the two
 * stimuli) another. Each trial's noise is seeded from (seed, gain index, trial).
 */
export function rnnGainConditions(net: LowRankRnn, options?: Partial<RnnGainExperimentOptions>): RnnGainConditions {
  const defaults: RnnGainExperimentOptions = {
    gains: Array.from({ length: 20 }, (_, i) => 1 - i / 19),
    trialsPerGain: 200,
    epochs: [0, 25, 50, 200, 225, 275],
    transient: 15,
    pcaComponents: 3,
    pcaFitTrialsPerGain: 10,
    seed: 0,
  };
  const o = withDefaults(defaults, options, "rnnGainConditions");
  if (net.inputSize !== 2) throw new ValidationError(`rnnGainConditions: the network must have 2 inputs, has ${net.inputSize}`);
  if (o.gains.length < 1) throw new ValidationError("rnnGainConditions gains: pass at least one gain");
  checkInteger(o.trialsPerGain, "rnnGainConditions trialsPerGain", 1);
  checkInteger(o.transient, "rnnGainConditions transient", 0);
  checkInteger(o.pcaComponents, "rnnGainConditions pcaComponents", 1, net.hiddenSize);
  checkInteger(o.pcaFitTrialsPerGain, "rnnGainConditions pcaFitTrialsPerGain", 1);
  if (o.epochs.length !== 6 || o.epochs[0] !== 0) throw new ValidationError(`rnnGainConditions epochs: expected 6 boundaries starting at 0, got [${o.epochs}]`);
  for (let e = 0; e < 5; e++) {
    if (o.epochs[e + 1] - o.epochs[e] < o.transient + 2) {
      throw new ValidationError(`rnnGainConditions: epoch ${e} has ${o.epochs[e + 1] - o.epochs[e]} steps, too few after a transient of ${o.transient}; lower transient`);
    }
  }
  const N = net.hiddenSize;
  const T = o.epochs[5];
  const keep = (t: number) => {
    for (let e = 0; e < 5; e++) if (t >= o.epochs[e] && t < o.epochs[e + 1]) return t - o.epochs[e] >= o.transient;
    return false;
  };
  const inputs = o.gains.map((g) => rnnGainInput(g, o.epochs));
  const fitTrials = Math.min(o.pcaFitTrialsPerGain, o.trialsPerGain);

  // Pass 1: PCA on the kept states of the first trials of every gain.
  let keptPerTrial = 0;
  for (let t = 0; t < T; t++) if (keep(t)) keptPerTrial++;
  const fitRows = new Matrix(o.gains.length * fitTrials * keptPerTrial, N);
  let row = 0;
  for (let g = 0; g < o.gains.length; g++) {
    for (let j = 0; j < fitTrials; j++) {
      net.simulateTrial(inputs[g], {
        seed: deriveSeed(o.seed, g, j),
        onStep: (t, h) => {
          if (keep(t)) fitRows.data.set(h, N * row++);
        },
      });
    }
  }
  // a few components of 500-dimensional states: core PCA takes the subspace-iteration route
  const pca = new PCA({ nComponents: o.pcaComponents }).fit(fitRows);
  const comps = pca.components!.data, mean = pca.mean!, k = o.pcaComponents;

  // Pass 2: every trial, projected on the fly (states are never stored).
  const unstim = [0, 2, 4], stim = [1, 3];
  const names: string[] = [], anchor: Matrix[] = [], vector: Matrix[] = [], gainOf: number[] = [], stimulated: boolean[] = [];
  const trialIndex: Int32Array[] = [], stepIndex: Int32Array[] = [];
  const perGain: { u: Parts; s: Parts }[] = [];
  const proj = new Matrix(T, k);
  const progress = progressTask("RNN trials, gains", o.gains.length);
  for (let g = 0; g < o.gains.length; g++) {
    progress.update(g);
    const u = newParts(), s = newParts();
    // segments are appended epoch by epoch, then trial by trial (the authors' loop order)
    const segs: Matrix[][] = [[], [], [], [], []];
    for (let j = 0; j < o.trialsPerGain; j++) {
      net.simulateTrial(inputs[g], {
        seed: deriveSeed(o.seed, g, j),
        onStep: (t, h) => {
          for (let c = 0; c < k; c++) {
            let acc = 0;
            for (let q = 0; q < N; q++) acc += (h[q] - mean[q]) * comps[c * N + q];
            proj.data[t * k + c] = acc;
          }
        },
      });
      for (let e = 0; e < 5; e++) {
        const a = o.epochs[e] + o.transient, b = o.epochs[e + 1];
        segs[e].push(new Matrix(b - a, k, proj.data.slice(a * k, b * k)));
      }
    }
    for (const [epochsOf, parts] of [[unstim, u], [stim, s]] as [number[], Parts][]) {
      for (const e of epochsOf) {
        segs[e].forEach((seg, j) => addSegment(parts, seg, j, o.epochs[e] + o.transient));
      }
    }
    perGain.push({ u, s });
  }
  progress.update(o.gains.length);
  progress.end();
  const label = (g: number) => `gain ${o.gains[g].toFixed(2)}`;
  for (const kind of ["u", "s"] as const) {
    perGain.forEach((pg, g) => {
      const parts = pg[kind];
      names.push(`${label(g)}, ${kind === "u" ? "unstimulated" : "stimulated"}`);
      anchor.push(vstack(parts.a));
      vector.push(vstack(parts.v));
      trialIndex.push(Int32Array.from(parts.trial));
      stepIndex.push(Int32Array.from(parts.step));
      gainOf.push(o.gains[g]);
      stimulated.push(kind === "s");
    });
  }
  return {
    names,
    anchor,
    vector,
    gain: gainOf,
    stimulated,
    trialIndex,
    step: stepIndex,
    pca,
    explainedVarianceRatio: pca.explainedVarianceRatio!,
    simulated: true,
    description: `simulated low-rank RNN (${N} units, rank ${net.rank}): ${o.gains.length} gains × ${o.trialsPerGain} noisy trials, epochs [${o.epochs}], ${o.transient}-step transient dropped, PCA to ${k} (fitted on ${fitTrials} trials per gain); seed ${o.seed}`,
  };
}

interface Parts {
  a: Matrix[];
  v: Matrix[];
  trial: number[];
  step: number[];
}
function newParts(): Parts {
  return { a: [], v: [], trial: [], step: [] };
}
function addSegment(p: Parts, seg: Matrix, trial: number, firstStep: number): void {
  const n = seg.rows - 1, k = seg.cols;
  const a = new Matrix(n, k, seg.data.slice(0, n * k));
  const v = new Matrix(n, k);
  for (let i = 0; i < n * k; i++) v.data[i] = seg.data[i + k] - seg.data[i];
  p.a.push(a);
  p.v.push(v);
  for (let i = 0; i < n; i++) {
    p.trial.push(trial);
    p.step.push(firstStep + i);
  }
}
