/**
 * The paper's preprocessing of a reaching recording, for any TrialRecording: spike counts in
 * 20 ms bins, Gaussian smoothing with a 100 ms kernel over the whole trial (as rates in Hz),
 * the bins from the go cue on, every trial cropped to the shortest trial's length (counted),
 * Savitzky–Golay (9, 2) along time, PCA to 5 dimensions fitted per session on all its trials;
 * then MARBLE's inputs per condition (anchors ts[0..T−2], vectors diff(ts)).
 * Hand velocity is the recording's hand_vx / hand_vy when present, else the central difference
 * of hand_x / hand_y within each trial (trialVelocity "central"); either is cut like the rates.
 */
import { Matrix } from "../../core/matrix.js";
import { PCA } from "../../core/pca.js";
import { ValidationError, withDefaults } from "../../core/validate.js";
import { gaussianSmooth } from "../../preprocessing/gaussian-smooth.js";
import { savgolFilter } from "../../preprocessing/savgol.js";
import { trialsToConditions, type ReachingTrialStates } from "../../preprocessing/conditions.js";
import { binTrials } from "../../preprocessing/trials/bin.js";
import { trialVelocity } from "../../preprocessing/trials/velocity.js";
import { checkTrialRecording, type Exclusion, type TrialRecording } from "../../io/trials/recording.js";

export interface ReachingPreprocessOptions {
  binSeconds: number;
  sigmaSeconds: number;
  /** Event the kept bins start at ("start" = trial start). */
  startEvent: string;
  savgolWindow: number;
  savgolOrder: number;
  pcaComponents: number;
}

/** The paper's settings (method doc; the authors' macaque example). */
export const REACHING_DEFAULTS: Readonly<ReachingPreprocessOptions> = Object.freeze({
  binSeconds: 0.02, sigmaSeconds: 0.1, startEvent: "go", savgolWindow: 9, savgolOrder: 2, pcaComponents: 5,
});

/** Every per-trial matrix has the same length T. */
export interface PreparedReaching extends ReachingTrialStates {
  name: string;
  simulated: boolean;
  trialIds: number[];
  /** Condition index of each trial (into conditionNames). */
  conditionIndex: number[];
  conditionNames: string[];
  /** Per trial: binned counts. */
  counts: Matrix[];
  binSeconds: number;
  excluded: Exclusion[];
  description: string;
}

export function prepareReaching(recording: TrialRecording, options: Partial<ReachingPreprocessOptions> = {}): PreparedReaching {
  const o = withDefaults<ReachingPreprocessOptions>({ ...REACHING_DEFAULTS }, options, "prepareReaching");
  checkTrialRecording(recording, `prepareReaching: ${recording.session?.name ?? "recording"}`);
  const rec = recording.binSeconds !== null && Math.abs(recording.binSeconds - o.binSeconds) < 1e-9 ? recording : binTrials(recording, o.binSeconds);
  const hasVel = rec.behaviourNames.includes("hand_vx") && rec.behaviourNames.includes("hand_vy");
  const ix = rec.behaviourNames.indexOf("hand_x"), iy = rec.behaviourNames.indexOf("hand_y");
  if (ix < 0 || iy < 0) throw new ValidationError(`prepareReaching: ${rec.session.name} has no hand_x / hand_y behaviour (it has ${rec.behaviourNames.join(", ") || "none"})`);
  const ivx = rec.behaviourNames.indexOf("hand_vx"), ivy = rec.behaviourNames.indexOf("hand_vy");
  const hz = 1 / o.binSeconds;
  const cut: { id: number; cond: number; counts: Matrix; rates: Matrix; pos: Matrix; vel: Matrix }[] = [];
  for (const t of rec.trials) {
    const first = o.startEvent === "start" ? 0 : Math.round((eventTime(t.events, o.startEvent, t.id) - t.binStart![0]) / o.binSeconds);
    if (first < 0 || first >= t.counts!.rows - 1) throw new ValidationError(`prepareReaching: trial ${t.id}: event "${o.startEvent}" lies outside its bins; check the event times (s, the same clock as time)`);
    const smooth = gaussianSmooth(t.counts!, { sigma: o.sigmaSeconds, binSize: o.binSeconds });
    const pos = pick(t.behaviour, [ix, iy]);
    const vel = hasVel ? pick(t.behaviour, [ivx, ivy]) : trialVelocity(pos, o.binSeconds, "central");
    const from = (m: Matrix, scale = 1) => new Matrix(m.rows - first, m.cols, m.data.slice(first * m.cols).map((v) => v * scale));
    cut.push({ id: t.id, cond: rec.conditionNames.indexOf(t.condition), counts: from(t.counts!), rates: from(smooth, hz), pos: from(pos), vel: from(vel) });
  }
  const T = Math.min(...cut.map((c) => c.rates.rows));
  if (T < o.savgolWindow) throw new ValidationError(`prepareReaching: the shortest trial keeps ${T} bins after "${o.startEvent}", fewer than the Savitzky–Golay window ${o.savgolWindow}`);
  const cropped = cut.filter((c) => c.rates.rows > T).length;
  const excluded: Exclusion[] = [...rec.report.excluded];
  const croppedBins = cut.reduce((a, c) => a + c.rates.rows - T, 0);
  if (cropped) excluded.push({ what: "bins", count: croppedBins, reason: `${cropped} trials cropped to the shortest trial's ${T} bins after ${o.startEvent}` });
  const crop = (m: Matrix) => (m.rows === T ? m : new Matrix(T, m.cols, m.data.slice(0, T * m.cols)));
  const rates = cut.map((c) => savgolFilter(crop(c.rates), { window: o.savgolWindow, order: o.savgolOrder }));
  const stacked = new Matrix(rates.length * T, rec.units.length);
  rates.forEach((r, i) => stacked.data.set(r.data, i * r.data.length));
  const pca = new PCA({ nComponents: o.pcaComponents }).fit(stacked);
  const states = rates.map((r) => pca.transform(r));
  const conditionIndex = cut.map((c) => c.cond);
  const conditions = trialsToConditions(states, conditionIndex.map((c) => rec.conditionNames[c]), { order: rec.conditionNames.filter((n) => conditionIndex.some((c) => rec.conditionNames[c] === n)) });
  return {
    name: rec.session.name, simulated: rec.session.simulated, trialIds: cut.map((c) => c.id), conditionIndex, conditionNames: conditions.names,
    counts: cut.map((c) => crop(c.counts)), rates, states, handVelocity: cut.map((c) => crop(c.vel)), handPosition: cut.map((c) => crop(c.pos)),
    conditions, pca, binSeconds: o.binSeconds, excluded,
    description: `${rec.session.simulated ? "SIMULATED " : ""}${rec.session.name}: ${cut.length} trials × ${T} bins of ${o.binSeconds * 1000} ms from "${o.startEvent}", ${rec.units.length} units; ${o.sigmaSeconds * 1000} ms Gaussian kernel, Savitzky–Golay (${o.savgolWindow}, ${o.savgolOrder}), PCA to ${o.pcaComponents}; velocity ${hasVel ? "from hand_vx / hand_vy" : "by central differences of hand_x / hand_y"}`,
  };
}

function eventTime(events: Record<string, number>, name: string, id: number): number {
  const v = events[name];
  if (v === undefined) throw new ValidationError(`prepareReaching: trial ${id} has no event "${name}" (events: ${Object.keys(events).join(", ") || "none"}); pass startEvent: "start" to keep whole trials, or add an event_${name} column`);
  return v;
}

function pick(m: Matrix, cols: number[]): Matrix {
  const out = new Matrix(m.rows, cols.length);
  for (let r = 0; r < m.rows; r++) cols.forEach((c, k) => (out.data[r * cols.length + k] = m.data[r * m.cols + c]));
  return out;
}
