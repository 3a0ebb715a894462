/**
 * A synthetic population recording for trying the bring-your-own-data path: a low-dimensional
 * latent oscillation (a noisy limit cycle whose radius drifts slowly) read out by many neurons with
 * random log-linear tuning, observed as Poisson spike counts per bin.
 */
import { Matrix } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { withDefaults, checkInteger, checkNumber } from "../core/validate.js";

export interface SyntheticRecordingOptions {
  numNeurons?: number;
  numBins?: number;
  binSeconds?: number;
  /** Cycles per second of the latent oscillation. */
  frequency?: number;
  /** Mean firing rate in spikes per second. */
  meanRate?: number;
  /** Number of trials (separate stretches with their own initial phase); bins are split evenly. */
  numTrials?: number;
  seed?: number;
}

export interface SyntheticRecording {
  /** numBins × numNeurons spike counts. */
  counts: Matrix;
  /** numBins × 2 latent state. */
  latent: Matrix;
  /** Latent phase in [0, 2π) per bin: a behaviour-like label. */
  phase: Float64Array;
  /** Trial index of each bin. */
  trial: Int32Array;
  binSeconds: number;
  simulated: true;
  description: string;
}

export function simulatePopulationRecording(options: SyntheticRecordingOptions = {}): SyntheticRecording {
  const o = withDefaults<Required<SyntheticRecordingOptions>>(
    { numNeurons: 900, numBins: 3000, binSeconds: 0.02, frequency: 1, meanRate: 8, numTrials: 10, seed: 0 },
    options,
    "simulatePopulationRecording",
  );
  checkInteger(o.numNeurons, "numNeurons", 1);
  checkInteger(o.numBins, "numBins", 2);
  checkInteger(o.numTrials, "numTrials", 1, o.numBins);
  checkNumber(o.binSeconds, "binSeconds", Number.MIN_VALUE);
  checkNumber(o.meanRate, "meanRate", 0);
  const rng = new Random(o.seed);
  const T = o.numBins, N = o.numNeurons;
  // tuning: log-rate = b + w·latent; weights on the unit circle with random gains
  const w = new Float64Array(N * 2);
  const b = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const angle = rng.uniform(0, 2 * Math.PI);
    const gain = rng.uniform(0.5, 1.5);
    w[2 * i] = gain * Math.cos(angle);
    w[2 * i + 1] = gain * Math.sin(angle);
    b[i] = Math.log(o.meanRate * o.binSeconds) + rng.normal(0, 0.3) - 0.5 * gain * gain * 0.5;
  }
  const latent = new Matrix(T, 2);
  const phase = new Float64Array(T);
  const trial = new Int32Array(T);
  const perTrial = Math.floor(T / o.numTrials);
  let theta = 0;
  for (let t = 0; t < T; t++) {
    const tr = Math.min(o.numTrials - 1, Math.floor(t / perTrial));
    if (t === tr * perTrial) theta = rng.uniform(0, 2 * Math.PI);
    theta += 2 * Math.PI * o.frequency * o.binSeconds * (1 + rng.normal(0, 0.05));
    const r = 1 + 0.25 * Math.sin((2 * Math.PI * t) / (7.3 * perTrial));
    latent.data[2 * t] = r * Math.cos(theta);
    latent.data[2 * t + 1] = r * Math.sin(theta);
    phase[t] = ((theta % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
    trial[t] = tr;
  }
  const counts = new Matrix(T, N);
  for (let t = 0; t < T; t++) {
    const z0 = latent.data[2 * t], z1 = latent.data[2 * t + 1];
    for (let i = 0; i < N; i++) counts.data[t * N + i] = rng.poisson(Math.exp(b[i] + w[2 * i] * z0 + w[2 * i + 1] * z1));
  }
  return {
    counts,
    latent,
    phase,
    trial,
    binSeconds: o.binSeconds,
    simulated: true,
    description: `simulated recording: ${N} Poisson neurons tuned to a 2-D noisy limit cycle (${o.frequency} Hz), ${T} bins of ${o.binSeconds * 1000} ms, ${o.numTrials} trials`,
  };
}
