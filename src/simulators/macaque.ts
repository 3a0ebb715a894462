import { Matrix } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { PCA } from "../core/pca.js";
import { ValidationError, checkInteger, checkNumber, withDefaults } from "../core/validate.js";
import { binSpikeTimes } from "../preprocessing/binning.js";
import { gaussianSmooth } from "../preprocessing/gaussian-smooth.js";
import { savgolFilter } from "../preprocessing/savgol.js";
import { trialsToConditions, type ReachingTrialStates } from "../preprocessing/conditions.js";
import { deriveSeed } from "./seeds.js";

/** The seven reach directions of the paper's dataset, in its order, with their angles. */
export const REACH_DIRECTIONS = ["DownLeft", "Left", "UpLeft", "Up", "UpRight", "Right", "DownRight"] as const;
export const REACH_ANGLES_DEG = [225, 180, 135, 90, 45, 0, 315] as const;

export interface SimulatedReachTrial {
  session: number;
  /** Index into REACH_DIRECTIONS. */
  direction: number;
  /** Binary spikes at 1 ms, durationMs × channels, row-major (time = rows). */
  spikes: Uint8Array;
  /** Hand position (cm, from the centre) and velocity (cm/s) at 1 ms, durationMs × 2. */
  handPosition: Matrix;
  handVelocity: Matrix;
  /** Movement onset (ms from trial start). */
  movementOnsetMs: number;
}

export interface SimulatedMacaqueDataset {
  simulated: true;
  description: string;
  directionNames: string[];
  sessions: number;
  channels: number;
  durationMs: number;
  goCueMs: number;
  trials: SimulatedReachTrial[];
  /** Per session, the channels × latent readout used to generate rates (differs per session). */
  readouts: Matrix[];
}

export interface SimulatedMacaqueOptions {
  sessions: number;
  trialsPerDirection: number;
  channels: number;
  durationMs: number;
  goCueMs: number;
  /** Baseline firing rates are drawn uniformly in this range (Hz). */
  baselineHz: [number, number];
  /** Std of the readout weights: how strongly log-rates follow the latent state. */
  modulation: number;
  /** Std of the trial-to-trial latent noise (Ornstein–Uhlenbeck, 50 ms time constant). */
  latentNoise: number;
  seed: number;
}

const LATENT_DIM = 7;

/**
 * A simulated centre-out reaching dataset with the shape of the paper's (44 sessions, 7 directions,
 * 24 channels, 1200 ms trials, go cue at 500 ms). It is not recorded data.
 * Kinematics: after a reaction time of 200–260 ms the hand follows a minimum-jerk reach of
 * 9–11 cm in 350–430 ms towards the target direction. Latent state (7-D): the hand velocity and
 * acceleration along the reach direction (normalised; together they trace rotational loops),
 * a condition-independent movement-triggered signal, and a preparatory direction code that
 * rises after target onset and decays with the movement, plus Ornstein–Uhlenbeck noise.
 * Spikes: Bernoulli at 1 ms from log-linear rates λ = baseline · exp(C_s z), where the readout
 * C_s is drawn independently for each session (different neurons, same dynamics).
 */
export function simulateMacaqueReaching(options?: Partial<SimulatedMacaqueOptions>): SimulatedMacaqueDataset {
  const o = withDefaults<SimulatedMacaqueOptions>(
    { sessions: 44, trialsPerDirection: 10, channels: 24, durationMs: 1200, goCueMs: 500, baselineHz: [5, 25], modulation: 0.6, latentNoise: 0.15, seed: 0 },
    options,
    "simulateMacaqueReaching",
  );
  checkInteger(o.sessions, "simulateMacaqueReaching sessions", 1);
  checkInteger(o.trialsPerDirection, "simulateMacaqueReaching trialsPerDirection", 1);
  checkInteger(o.channels, "simulateMacaqueReaching channels", 1);
  checkInteger(o.durationMs, "simulateMacaqueReaching durationMs", 100);
  checkInteger(o.goCueMs, "simulateMacaqueReaching goCueMs", 0, o.durationMs - 1);
  checkNumber(o.modulation, "simulateMacaqueReaching modulation", 0);
  checkNumber(o.latentNoise, "simulateMacaqueReaching latentNoise", 0);
  if (o.goCueMs + 260 + 430 > o.durationMs) throw new ValidationError(`simulateMacaqueReaching: the reach (up to 690 ms after the go cue) does not fit in ${o.durationMs} ms`);
  const T = o.durationMs, Cn = o.channels;
  const readouts: Matrix[] = [], baselines: Float64Array[] = [];
  for (let s = 0; s < o.sessions; s++) {
    const rng = new Random(deriveSeed(o.seed, s, 1));
    readouts.push(new Matrix(Cn, LATENT_DIM, Float64Array.from({ length: Cn * LATENT_DIM }, () => o.modulation * rng.normal())));
    baselines.push(Float64Array.from({ length: Cn }, () => rng.uniform(o.baselineHz[0], o.baselineHz[1])));
  }
  const trials: SimulatedReachTrial[] = [];
  const z = new Float64Array(LATENT_DIM), ou = new Float64Array(LATENT_DIM);
  const ouDecay = Math.exp(-1 / 50), ouKick = o.latentNoise * Math.sqrt(1 - ouDecay * ouDecay);
  for (let s = 0; s < o.sessions; s++) {
    const C = readouts[s].data, base = baselines[s];
    for (let d = 0; d < REACH_DIRECTIONS.length; d++) {
      const th = (REACH_ANGLES_DEG[d] * Math.PI) / 180, cx = Math.cos(th), cy = Math.sin(th);
      for (let r = 0; r < o.trialsPerDirection; r++) {
        const rng = new Random(deriveSeed(o.seed, s, d, r, 2));
        const rt = 200 + 60 * rng.random(), dur = 350 + 80 * rng.random(), dist = 9 + 2 * rng.random();
        const onset = o.goCueMs + rt;
        const vPeak = (1.875 * dist) / (dur / 1000), aPeak = (5.7735 * dist) / (dur / 1000) ** 2;
        const pos = new Matrix(T, 2), vel = new Matrix(T, 2);
        const spikes = new Uint8Array(T * Cn);
        for (let q = 0; q < LATENT_DIM; q++) ou[q] = o.latentNoise * rng.normal();
        for (let t = 0; t < T; t++) {
          const tau = Math.min(Math.max((t - onset) / dur, 0), 1);
          const moving = t > onset && t < onset + dur;
          const p = dist * (10 * tau ** 3 - 15 * tau ** 4 + 6 * tau ** 5);
          const v = moving ? ((dist / (dur / 1000)) * (30 * tau ** 2 - 60 * tau ** 3 + 30 * tau ** 4)) : 0;
          const acc = moving ? ((dist / (dur / 1000) ** 2) * (60 * tau - 180 * tau ** 2 + 120 * tau ** 3)) : 0;
          pos.data[2 * t] = p * cx;
          pos.data[2 * t + 1] = p * cy;
          vel.data[2 * t] = v * cx;
          vel.data[2 * t + 1] = v * cy;
          // latent state
          const sp = v / vPeak, ac = acc / aPeak;
          const trig = t > onset - 100 ? Math.exp(-0.5 * ((t - (onset + 0.4 * dur)) / (0.35 * dur)) ** 2) : 0;
          const prep = (1 - Math.exp(-t / 150)) * (t < onset ? 1 : Math.exp(-(t - onset) / 150));
          z[0] = sp * cx;
          z[1] = sp * cy;
          z[2] = ac * cx;
          z[3] = ac * cy;
          z[4] = trig;
          z[5] = prep * cx;
          z[6] = prep * cy;
          for (let q = 0; q < LATENT_DIM; q++) {
            ou[q] = ouDecay * ou[q] + ouKick * rng.normal();
            z[q] += ou[q];
          }
          for (let c = 0; c < Cn; c++) {
            let lin = 0;
            for (let q = 0; q < LATENT_DIM; q++) lin += C[c * LATENT_DIM + q] * z[q];
            const lambda = base[c] * Math.exp(lin);
            if (rng.random() < Math.min(1, lambda * 0.001)) spikes[t * Cn + c] = 1;
          }
        }
        trials.push({ session: s, direction: d, spikes, handPosition: pos, handVelocity: vel, movementOnsetMs: onset });
      }
    }
  }
  return {
    simulated: true,
    description: `simulated centre-out reaching (not recorded data): ${o.sessions} sessions × ${REACH_DIRECTIONS.length} directions × ${o.trialsPerDirection} trials, ${Cn} channels of Bernoulli spikes at 1 ms from a 7-D latent reach dynamics with a different readout per session, ${T} ms trials with the go cue at ${o.goCueMs} ms; seed ${o.seed}`,
    directionNames: [...REACH_DIRECTIONS],
    sessions: o.sessions,
    channels: Cn,
    durationMs: T,
    goCueMs: o.goCueMs,
    trials,
    readouts,
  };
}

export interface ReachPreprocessOptions {
  /** Bin width (ms). */
  binMs: number;
  /** Gaussian kernel std (ms); smoothing runs over the whole trial (scipy's reflect mode at the ends). */
  sigmaMs: number;
  /** Keep bins from this time on (ms; default: the go cue). */
  startMs?: number;
  /** Savitzky–Golay window and order applied to the rates along time. */
  savgolWindow: number;
  savgolOrder: number;
  /** PCA dimension; PCA is fitted per session on all of its trials. */
  pcaComponents: number;
  /** Sessions to process (default: all). */
  sessions?: number[];
}

export interface ReachSession extends ReachingTrialStates {
  session: number;
  /** Indices into dataset.trials. */
  trialIds: number[];
  directions: number[];
  simulated: boolean;
  description: string;
}

/**
 * The paper's preprocessing of the reaching data, built from src/preprocessing: spike counts in
 * 20 ms bins, Gaussian smoothing with a 100 ms kernel (as rates in Hz), bins after the go cue,
 * Savitzky–Golay (9, 2) along time, PCA to 5 dimensions fitted per session; then positions and
 * velocities per direction for MARBLE. (The authors smoothed at 1 ms before sampling at 20 ms;
 * here counts are binned first — the difference is below the kernel's resolution.)
 */
export function preprocessReaching(data: SimulatedMacaqueDataset, options?: Partial<ReachPreprocessOptions>): ReachSession[] {
  const o = withDefaults<ReachPreprocessOptions>({ binMs: 20, sigmaMs: 100, startMs: undefined, savgolWindow: 9, savgolOrder: 2, pcaComponents: 5, sessions: undefined }, options, "preprocessReaching");
  checkNumber(o.binMs, "preprocessReaching binMs", 1);
  checkNumber(o.sigmaMs, "preprocessReaching sigmaMs", Number.MIN_VALUE);
  const start = o.startMs ?? data.goCueMs;
  const nBins = Math.round(data.durationMs / o.binMs);
  const firstBin = Math.floor(start / o.binMs);
  if (firstBin >= nBins) throw new ValidationError(`preprocessReaching startMs (${start}) is past the end of the trial (${data.durationMs} ms)`);
  const sessions = o.sessions ?? Array.from({ length: data.sessions }, (_, s) => s);
  const out: ReachSession[] = [];
  for (const s of sessions) {
    const ids: number[] = [];
    data.trials.forEach((tr, i) => {
      if (tr.session === s) ids.push(i);
    });
    if (ids.length === 0) throw new ValidationError(`preprocessReaching: session ${s} has no trials`);
    const rates: Matrix[] = [], hv: Matrix[] = [], hp: Matrix[] = [];
    for (const id of ids) {
      const tr = data.trials[id];
      const times: number[][] = Array.from({ length: data.channels }, () => []);
      for (let t = 0; t < data.durationMs; t++) {
        for (let c = 0; c < data.channels; c++) if (tr.spikes[t * data.channels + c]) times[c].push(t + 0.5);
      }
      const counts = binSpikeTimes(times, { binSize: o.binMs, start: 0, end: nBins * o.binMs });
      const smooth = gaussianSmooth(counts, { sigma: o.sigmaMs, binSize: o.binMs });
      const hz = 1000 / o.binMs;
      const cut = new Matrix(nBins - firstBin, data.channels, smooth.data.slice(firstBin * data.channels).map((v) => v * hz));
      rates.push(savgolFilter(cut, { window: o.savgolWindow, order: o.savgolOrder }));
      hv.push(binMean(tr.handVelocity, o.binMs, firstBin, nBins));
      hp.push(binMean(tr.handPosition, o.binMs, firstBin, nBins));
    }
    const stacked = new Matrix(rates.reduce((a, m) => a + m.rows, 0), data.channels);
    let off = 0;
    for (const r of rates) {
      stacked.data.set(r.data, off);
      off += r.data.length;
    }
    const pca = new PCA({ nComponents: o.pcaComponents }).fit(stacked);
    const states = rates.map((r) => pca.transform(r));
    const directions = ids.map((id) => data.trials[id].direction);
    const conditions = trialsToConditions(states, directions.map((d) => data.directionNames[d]), { order: data.directionNames });
    out.push({
      session: s,
      trialIds: ids,
      directions,
      rates,
      states,
      handVelocity: hv,
      handPosition: hp,
      conditions,
      pca,
      simulated: data.simulated,
      description: `${data.simulated ? "simulated " : ""}session ${s}: ${o.binMs} ms bins, ${o.sigmaMs} ms Gaussian kernel, bins from ${start} ms, Savitzky–Golay (${o.savgolWindow}, ${o.savgolOrder}), PCA to ${o.pcaComponents}`,
    });
  }
  return out;
}

function binMean(x: Matrix, binMs: number, firstBin: number, nBins: number): Matrix {
  const out = new Matrix(nBins - firstBin, x.cols);
  for (let b = firstBin; b < nBins; b++) {
    const t0 = b * binMs, t1 = Math.min((b + 1) * binMs, x.rows);
    for (let t = t0; t < t1; t++) for (let c = 0; c < x.cols; c++) out.data[(b - firstBin) * x.cols + c] += x.data[t * x.cols + c] / (t1 - t0);
  }
  return out;
}
