import { Matrix } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { ValidationError, checkInteger, checkNumber, withDefaults } from "../core/validate.js";
import type { LowRankRnn } from "./low-rank-rnn.js";
import { deriveSeed } from "./seeds.js";

/** Delayed match-to-sample trial types: stimulus 1 – stimulus 2. A-A and B-B are matches. */
export type DmsTrialType = "A-A" | "A-B" | "B-A" | "B-B";
export const DMS_TRIAL_TYPES: readonly DmsTrialType[] = ["A-A", "A-B", "B-A", "B-B"];

export interface DmsTrial {
  type: DmsTrialType;
  /** T × 2 input: channel 0 carries `gain` for stimulus A, channel 1 carries 1 − (that value). */
  input: Matrix;
  /** +1 for a match, −1 for a non-match. */
  target: 1 | -1;
  /** The decision window [start, end) in steps. */
  decision: [number, number];
}

export interface DmsOptions {
  /** Strength of stimulus A on channel 0 (the experiment's input gain). */
  gain: number;
  /** Std of the Gaussian noise added to both input channels at every step (the authors' 0.03). */
  inputNoise: number;
  /** Inclusive range of the fixation period in steps. See the note on dmsTrials. */
  fixationSteps: [number, number];
  /** Stimulus duration in steps (500 ms at 20 ms steps). */
  stimulusSteps: number;
  /** Inclusive range of the delay in steps (500–3000 ms → 25–149 steps). */
  delaySteps: [number, number];
  /** Decision window length in steps (1000 ms). */
  decisionSteps: number;
  /** Trial length in steps (the authors' fixed 275). */
  totalSteps: number;
  seed: number;
}

const DMS_DEFAULTS: DmsOptions = {
  gain: 1,
  inputNoise: 0.03,
  fixationSteps: [0, 1],
  stimulusSteps: 25,
  delaySteps: [25, 149],
  decisionSteps: 50,
  totalSteps: 275,
  seed: 0,
};

/**
 * Trials of the delayed match-to-sample task as in the authors' generator (examples/RNN/RNN_scripts/
 * dms.py, after Dubreuil et al. 2022), at 20 ms steps: stimulus 1 (25 steps) after a fixation
 * period, a random delay, stimulus 2 (25 steps), then the 50-step decision window in which the
 * target is +1 (match) or −1 (non-match). Stimulus A puts `gain` on channel 0 and 1 − gain on
 * channel 1; B puts 0 and 1. At gain 0, A is indistinguishable from B.
 * Note: the authors' code draws the fixation in steps and divides by dt again, so fixation is
 * 0 or 1 step in practice; that is the default here (the networks were trained on it).
 * `types` fixes each trial's type; by default types cycle A-A, A-B, B-A, B-B (balanced).
 */
export function dmsTrials(numTrials: number, options?: Partial<DmsOptions> & { types?: DmsTrialType[] }): DmsTrial[] {
  const { types, ...rest } = options ?? {};
  const o = withDefaults(DMS_DEFAULTS, rest, "dmsTrials");
  checkInteger(numTrials, "dmsTrials numTrials", 1);
  checkNumber(o.gain, "dmsTrials gain");
  checkNumber(o.inputNoise, "dmsTrials inputNoise", 0);
  if (types && types.length !== numTrials) throw new ValidationError(`dmsTrials types: ${types.length} types for ${numTrials} trials`);
  const maxLen = o.fixationSteps[1] + 2 * o.stimulusSteps + o.delaySteps[1] + o.decisionSteps;
  if (maxLen > o.totalSteps) throw new ValidationError(`dmsTrials: the longest trial needs ${maxLen} steps but totalSteps is ${o.totalSteps}`);
  const trials: DmsTrial[] = [];
  for (let i = 0; i < numTrials; i++) {
    const rng = new Random(deriveSeed(o.seed, i));
    const type = types ? types[i] : DMS_TRIAL_TYPES[i % 4];
    const first = type[0] === "A" ? o.gain : 0;
    const second = type[2] === "A" ? o.gain : 0;
    const fix = o.fixationSteps[0] + rng.int(o.fixationSteps[1] - o.fixationSteps[0] + 1);
    const delay = o.delaySteps[0] + rng.int(o.delaySteps[1] - o.delaySteps[0] + 1);
    const T = o.totalSteps;
    const input = new Matrix(T, 2);
    if (o.inputNoise > 0) for (let k = 0; k < 2 * T; k++) input.data[k] = o.inputNoise * rng.normal();
    const s1 = fix, s2 = fix + o.stimulusSteps + delay;
    for (let t = s1; t < s1 + o.stimulusSteps; t++) {
      input.data[2 * t] += first;
      input.data[2 * t + 1] += 1 - first;
    }
    for (let t = s2; t < s2 + o.stimulusSteps; t++) {
      input.data[2 * t] += second;
      input.data[2 * t + 1] += 1 - second;
    }
    const d0 = s2 + o.stimulusSteps;
    trials.push({ type, input, target: type === "A-A" || type === "B-B" ? 1 : -1, decision: [d0, d0 + o.decisionSteps] });
  }
  return trials;
}

/**
 * Fraction of DMS trials answered correctly: the decision is the sign of the mean output over the
 * decision window (the authors' accuracy_dms). Each trial's network noise is seeded from `seed`.
 */
export function dmsAccuracy(net: LowRankRnn, options?: Partial<DmsOptions> & { numTrials?: number }): { accuracy: number; correct: number; numTrials: number; byType: Record<DmsTrialType, number> } {
  const { numTrials = 400, ...rest } = options ?? {};
  const trials = dmsTrials(numTrials, rest);
  const seed = rest.seed ?? 0;
  let correct = 0;
  const hits: Record<string, number> = {}, counts: Record<string, number> = {};
  trials.forEach((trial, i) => {
    const out = net.simulateTrial(trial.input, { seed: deriveSeed(seed, i, 7919) });
    let s = 0;
    for (let t = trial.decision[0]; t < trial.decision[1]; t++) s += out.data[t * net.outputSize];
    const ok = Math.sign(s) === trial.target;
    if (ok) correct++;
    hits[trial.type] = (hits[trial.type] ?? 0) + (ok ? 1 : 0);
    counts[trial.type] = (counts[trial.type] ?? 0) + 1;
  });
  const byType = {} as Record<DmsTrialType, number>;
  for (const t of DMS_TRIAL_TYPES) byType[t] = counts[t] ? hits[t] / counts[t] : NaN;
  return { accuracy: correct / numTrials, correct, numTrials, byType };
}
