/**
 * The simulated reaching stand-in as trial recordings (one per session), binned the way the long
 * trial table holds data: spike counts per bin, hand position and velocity averaged over each bin,
 * the go cue and movement onset as events. Writing these with writeTrialTableCsv gives a format
 * (a) file that any reader of real data takes.
 */
import { Matrix } from "../../core/matrix.js";
import { ValidationError } from "../../core/validate.js";
import { REACH_DIRECTIONS, type SimulatedMacaqueDataset } from "../../simulators/macaque.js";
import type { RecordedTrial, TrialRecording } from "../../io/trials/recording.js";

export function trialRecordingsFromSimulation(sim: SimulatedMacaqueDataset, options: { binMs?: number } = {}): TrialRecording[] {
  const binMs = options.binMs ?? 20;
  if (!Number.isInteger(binMs) || binMs < 1) throw new ValidationError(`trialRecordingsFromSimulation binMs: ${binMs} must be a whole number of ms`);
  const nBins = Math.floor(sim.durationMs / binMs), C = sim.channels;
  const units = Array.from({ length: C }, (_, c) => `unit_${c}`);
  const out: TrialRecording[] = [];
  for (let s = 0; s < sim.sessions; s++) {
    const trials: RecordedTrial[] = [];
    sim.trials.forEach((tr, id) => {
      if (tr.session !== s) return;
      const counts = new Matrix(nBins, C), behaviour = new Matrix(nBins, 4);
      for (let b = 0; b < nBins; b++) {
        for (let t = b * binMs; t < (b + 1) * binMs; t++) {
          for (let c = 0; c < C; c++) counts.data[b * C + c] += tr.spikes[t * C + c];
          behaviour.data[b * 4] += tr.handPosition.data[2 * t] / binMs;
          behaviour.data[b * 4 + 1] += tr.handPosition.data[2 * t + 1] / binMs;
          behaviour.data[b * 4 + 2] += tr.handVelocity.data[2 * t] / binMs;
          behaviour.data[b * 4 + 3] += tr.handVelocity.data[2 * t + 1] / binMs;
        }
      }
      const binStart = Float64Array.from({ length: nBins }, (_, b) => (b * binMs) / 1000);
      trials.push({
        id, condition: REACH_DIRECTIONS[tr.direction], start: 0, end: (nBins * binMs) / 1000,
        events: { go: sim.goCueMs / 1000, movement: tr.movementOnsetMs / 1000 },
        counts, binStart, spikeTimes: null, behaviour, behaviourTime: binStart.slice(),
      });
    });
    let spikes = 0;
    for (const t of trials) for (const v of t.counts!.data) spikes += v;
    out.push({
      session: { name: `simulated session ${s}`, source: "simulateMacaqueReaching", format: "simulation", simulated: true, notes: [sim.description] },
      units, behaviourNames: ["hand_x", "hand_y", "hand_vx", "hand_vy"], binSeconds: binMs / 1000, conditionNames: [...REACH_DIRECTIONS], trials,
      report: { units: C, trials: trials.length, bins: trials.length * nBins, spikes, excluded: [] },
    });
  }
  return out;
}
