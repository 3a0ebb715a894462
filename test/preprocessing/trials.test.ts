// Trial tools: binning spike times and coarsening counts, alignment to an event, common length,
// per-trial velocity, stratified trial splits; and graphK's fallback for small conditions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.js";
import { binTrials } from "../../src/preprocessing/trials/bin.js";
import { alignTrials } from "../../src/preprocessing/trials/align.js";
import { fitLength, resampleRows } from "../../src/preprocessing/trials/length.js";
import { trialVelocity } from "../../src/preprocessing/trials/velocity.js";
import { splitTrials } from "../../src/preprocessing/trials/splits.js";
import { graphK } from "../../src/pipeline/reaching/decode.js";
import type { RecordedTrial, TrialRecording } from "../../src/io/trials/recording.js";

function recording(trials: RecordedTrial[], binSeconds: number | null, units = 2): TrialRecording {
  return {
    session: { name: "t", source: "test", format: "test", simulated: false, notes: [] }, units: Array.from({ length: units }, (_, u) => `unit_${u}`),
    behaviourNames: ["hand_x"], binSeconds, conditionNames: [...new Set(trials.map((t) => t.condition))], trials,
    report: { units, trials: trials.length, bins: 0, spikes: null, excluded: [] },
  };
}

test("binTrials counts spike times from each trial's start and averages behaviour per bin", () => {
  const t: RecordedTrial = {
    id: 0, condition: "a", start: 1, end: 1.1, events: {}, counts: null, binStart: null,
    spikeTimes: [Float64Array.from([1.01, 1.03, 1.07, 1.2]), Float64Array.from([1.055])],
    behaviour: Matrix.from([[0], [1], [2], [3]]), behaviourTime: Float64Array.from([1.0, 1.02, 1.06, 1.08]),
  };
  const b = binTrials(recording([t], null), 0.05);
  assert.deepEqual(Array.from(b.trials[0].counts!.data), [2, 0, 1, 1]);
  assert.deepEqual(Array.from(b.trials[0].behaviour.data), [0.5, 2.5]);
  assert.equal(b.binSeconds, 0.05);
});

test("binTrials sums counts into whole multiples and counts the leftover bins", () => {
  const counts = Matrix.from([[1, 0], [2, 1], [0, 0], [3, 1], [1, 1]]);
  const t: RecordedTrial = { id: 0, condition: "a", start: 0, end: 0.005, events: {}, counts, binStart: Float64Array.from([0, 0.001, 0.002, 0.003, 0.004]), spikeTimes: null, behaviour: Matrix.from([[0], [1], [2], [3], [4]]), behaviourTime: Float64Array.from([0, 0.001, 0.002, 0.003, 0.004]) };
  const b = binTrials(recording([t], 0.001), 0.002);
  assert.deepEqual(Array.from(b.trials[0].counts!.data), [3, 1, 3, 1]);
  assert.deepEqual(b.report.excluded, [{ what: "source bins", count: 1, reason: "trailing bins that do not fill a whole 0.002 s bin" }]);
  assert.throws(() => binTrials(recording([t], 0.001), 0.0015), /not a whole multiple/);
});

test("alignTrials cuts a window around an event; drop counts the trials it leaves out", () => {
  const mk = (id: number, go: number): RecordedTrial => {
    const counts = Matrix.from(Array.from({ length: 10 }, (_, k) => [k, 0]));
    const binStart = Float64Array.from({ length: 10 }, (_, k) => k * 0.1);
    return { id, condition: "a", start: 0, end: 1, events: { go }, counts, binStart, spikeTimes: null, behaviour: Matrix.from(Array.from({ length: 10 }, (_, k) => [k])), behaviourTime: binStart.slice() };
  };
  const rec = recording([mk(0, 0.3), mk(1, 0.8)], 0.1);
  assert.throws(() => alignTrials(rec, { event: "go", before: 0.2, after: 0.3 }), /trial 1: the window .* leaves its 10 bins; .*outOfRange/);
  const a = alignTrials(rec, { event: "go", before: 0.2, after: 0.3, outOfRange: "drop" });
  assert.equal(a.trials.length, 1);
  assert.deepEqual(Array.from(a.trials[0].counts!.col(0)), [1, 2, 3, 4, 5]);
  assert.deepEqual(a.report.excluded, [{ what: "trials", count: 1, reason: "window around go leaves the trial" }]);
  const p = alignTrials(rec, { event: "go", before: 0.2, after: 0.3, outOfRange: "pad" });
  assert.deepEqual(Array.from(p.trials[1].counts!.col(0)), [6, 7, 8, 9, 9]);
  assert.throws(() => alignTrials(rec, { event: "move", before: 0, after: 0.1 }), /no event "move"; its events: go/);
});

test("common length: crop, pad and linear resampling", () => {
  const x = Matrix.from([[0], [1], [2], [3]]);
  assert.deepEqual(Array.from(fitLength(x, 2, "crop").data), [0, 1]);
  assert.deepEqual(Array.from(fitLength(x, 6, "pad").data), [0, 1, 2, 3, 3, 3]);
  assert.throws(() => fitLength(x, 6, "crop"), /fewer than 6; use mode "crop-or-pad"/);
  assert.deepEqual(Array.from(resampleRows(x, 7).data), [0, 0.5, 1, 1.5, 2, 2.5, 3]);
});

test("trialVelocity: central differences are exact for a quadratic inside the trial", () => {
  const dt = 0.02;
  const x = Matrix.from(Array.from({ length: 6 }, (_, t) => [(t * dt) ** 2]));
  const v = trialVelocity(x, dt, "central");
  for (let t = 1; t < 5; t++) assert.ok(Math.abs(v.get(t, 0) - 2 * t * dt) < 1e-12);
  assert.ok(Math.abs(v.get(0, 0) - dt) < 1e-12); // one-sided at the start: (x1 − x0)/dt
  assert.equal(trialVelocity(x, dt, "forward").rows, 5);
});

test("splitTrials keeps trials whole and every condition in every fold when it has enough trials", () => {
  const trials: RecordedTrial[] = [];
  ["a", "b", "c"].forEach((c, ci) => { for (let i = 0; i < (ci === 2 ? 2 : 10); i++) trials.push({ id: trials.length, condition: c, start: 0, end: 1, events: {}, counts: new Matrix(1, 2), binStart: Float64Array.of(0), spikeTimes: null, behaviour: new Matrix(1, 1), behaviourTime: Float64Array.of(0) }); });
  const s = splitTrials(recording(trials, 1), 5, 0);
  assert.deepEqual(s.testTrials.flat().sort((a, b) => a - b), trials.map((t) => t.id));
  for (const fold of s.testTrials) for (const c of ["a", "b"]) assert.equal(fold.filter((id) => trials[id].condition === c).length, 2);
  assert.deepEqual(s.smallConditions, ["c"]);
});

test("graphK lowers k for a small condition instead of failing, and counts it", () => {
  assert.deepEqual(graphK([100, 80], 30), { k: 30, lowered: 0 });
  assert.deepEqual(graphK([100, 12, 20], 30), { k: 11, lowered: 2 });
});
