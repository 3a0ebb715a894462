import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Matrix } from "../../src/core/matrix.js";
import { ValidationError } from "../../src/core/validate.js";
import { gaussianSmooth } from "../../src/preprocessing/gaussian-smooth.js";
import { simulatePopulationRecording } from "../../src/simulators/synthetic-recording.js";
import { constructDataset } from "../../src/geometry/dataset.js";
import { Marble } from "../../src/model/marble.js";
import {
  RecordingPipeline,
  assertSamePreprocessing,
  preprocessingDifferences,
  preparedPointValues,
  PIPELINE_FILE,
  type PipelineRecording,
} from "../../src/pipeline/index.js";

function recording(seed: number, numBins = 600, numNeurons = 40): PipelineRecording & { phase: Float64Array } {
  const sim = simulatePopulationRecording({ numNeurons, numBins, numTrials: 4, seed });
  return {
    activity: sim.counts,
    binSeconds: sim.binSeconds,
    trial: sim.trial,
    condition: Array.from(sim.trial, (t) => (t < 2 ? "early" : "late")),
    phase: sim.phase,
  };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "marble-pipeline-"));
}

test("fit/transform: per trial, positions are ts[0..T−2] and velocities diff(ts), grouped by condition", () => {
  const rec = recording(1);
  const p = new RecordingPipeline({ sigma: 0.04, pcaDims: 3 });
  const prep = p.fitTransform(rec);
  assert.deepEqual(prep.conditionNames, ["early", "late"]);
  assert.equal(prep.dim, 3);
  assert.equal(prep.trajectories.length, 4);
  assert.deepEqual(prep.trialIds, [0, 1, 2, 3]);
  // 600 bins in 4 trials of 150: each trial gives 149 points
  assert.deepEqual(prep.anchor.map((a) => a.rows), [298, 298]);
  assert.deepEqual(prep.vector.map((v) => v.rows), [298, 298]);
  const ts = prep.trajectories[2]; // first trial of "late"
  for (let t = 0; t < 149; t++) {
    for (let j = 0; j < 3; j++) {
      assert.equal(prep.anchor[1].get(t, j), ts.get(t, j));
      assert.ok(Math.abs(prep.vector[1].get(t, j) - (ts.get(t + 1, j) - ts.get(t, j))) < 1e-12);
    }
    assert.equal(prep.binIndex[1][t], 300 + t);
    assert.equal(prep.trialId[1][t], 2);
  }
  // σ in seconds is converted with the bin width: 0.04 s / 0.02 s = 2 bins
  assert.equal(p.state!.sigmaBins, 2);
  // per-bin labels land on the right points
  const phase = preparedPointValues(prep, rec.phase);
  assert.equal(phase.length, 596);
  assert.equal(phase[298], rec.phase[300]);
});

test("smoothing stays within each trial: a trial alone gives the same trajectory", () => {
  const rec = recording(2);
  const p = new RecordingPipeline({ sigma: 3, sigmaUnit: "bins", pcaDims: 4 }).fit(rec);
  const full = p.transform(rec);
  const X = rec.activity as Matrix;
  const alone = p.transform({ activity: X.sliceRows(150, 300), binSeconds: rec.binSeconds });
  assert.equal(alone.trajectories.length, 1);
  const a = alone.trajectories[0].data, b = full.trajectories[1].data;
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-9, `entry ${i}: ${a[i]} vs ${b[i]}`);
});

test("new data are projected with the stored PCA basis and scale, not a refitted one", () => {
  const train = recording(3), fresh = recording(4);
  const p = new RecordingPipeline({ sigma: 0.06, pcaDims: 3 }).fit(train);
  const st = p.state!;
  const prep = p.transform(fresh);
  // by hand: smooth the first trial, centre with the training mean, project on the training axes
  const X = (fresh.activity as Matrix).sliceRows(0, 150);
  const S = gaussianSmooth(X, { sigma: st.sigmaBins });
  for (const t of [0, 50, 149]) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let j = 0; j < st.inputDim; j++) s += (S.get(t, j) - st.pcaMean![j]) * st.pcaComponents!.get(c, j);
      assert.ok(Math.abs(prep.trajectories[0].get(t, c) - s / st.scale) < 1e-9);
    }
  }
  // a pipeline refitted on the new data has another basis: the check names it
  const refit = new RecordingPipeline({ sigma: 0.06, pcaDims: 3 }).fit(fresh);
  const diffs = preprocessingDifferences(p, refit);
  assert.ok(diffs.some((d) => d.startsWith("PCA basis")), diffs.join("; "));
  assert.throws(() => assertSamePreprocessing(p, refit), /prepared differently.*PCA basis/);
});

test("fit on the training trials only: the PCA basis is the one of those trials, all trials are embedded", () => {
  const rec = recording(11);
  const X = rec.activity as Matrix;
  const p = new RecordingPipeline({ sigma: 0.05, pcaDims: 3 }).fit(rec, { trials: [0, 1] });
  const alone = new RecordingPipeline({ sigma: 0.05, pcaDims: 3 }).fit({ activity: X.sliceRows(0, 300), binSeconds: 0.02, trial: Array.from(rec.trial!).slice(0, 300) });
  assert.deepEqual(preprocessingDifferences(p, alone), []);
  assert.deepEqual(Array.from(p.state!.pcaComponents!.data), Array.from(alone.state!.pcaComponents!.data));
  assert.deepEqual(p.transform(rec).trialIds, [0, 1, 2, 3]);
  assert.throws(() => new RecordingPipeline({ pcaDims: 3 }).fit(rec, { trials: [0, 9] }), /trial\(s\) 9 that the recording does not have/);
});

test("save/load: pipeline.json round-trips the whole state and embeds new data identically", () => {
  const dir = tmp();
  try {
    const rec = recording(5);
    const p = new RecordingPipeline({ sigma: 0.05, pcaDims: 4, savgol: { window: 7, order: 2 } }).fit(rec);
    const path = p.save(dir);
    assert.equal(path, join(dir, PIPELINE_FILE));
    assert.deepEqual(readdirSync(dir), [PIPELINE_FILE]); // no temporary file left behind
    const q = RecordingPipeline.load(dir);
    assert.deepEqual(q.params, p.params);
    assert.deepEqual(q.toJSON(), p.toJSON());
    assert.doesNotThrow(() => assertSamePreprocessing(p, q, { tolerance: 0 }));
    const fresh = recording(6);
    const a = p.transform(fresh), b = q.transform(fresh);
    assert.deepEqual(Array.from(b.anchor[0].data), Array.from(a.anchor[0].data));
    assert.deepEqual(Array.from(b.vector[1].data), Array.from(a.vector[1].data));
    // a path to the file works too; a folder without one says what to do
    assert.deepEqual(RecordingPipeline.load(path).toJSON(), p.toJSON());
    assert.throws(() => RecordingPipeline.load(join(dir, "missing")), /no pipeline\.json.*pipeline\.save/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the checkpoint convention: Marble.load(dir) and RecordingPipeline.load(dir) from one folder", () => {
  const dir = join(tmp(), "checkpoint");
  try {
    const rec = recording(7, 400, 30);
    const p = new RecordingPipeline({ sigma: 0.05, pcaDims: 3 });
    const prep = p.fitTransform(rec);
    const data = constructDataset({ anchor: prep.anchor, vector: prep.vector, k: 10, seed: 0 });
    const model = new Marble(data, { epochs: 0, seed: 0 });
    p.save(dir);
    model.save(dir); // a checkpoint save keeps the pipeline beside it, in either order
    model.save(dir);
    const weights = Object.keys(JSON.parse(readFileSync(join(dir, "model.json"), "utf8")).files);
    assert.deepEqual(readdirSync(dir).sort(), ["model.json", PIPELINE_FILE, ...weights].sort());
    const loaded = RecordingPipeline.load(dir);
    const again = loaded.transform(rec);
    const data2 = constructDataset({ anchor: again.anchor, vector: again.vector, k: 10, seed: 0 });
    const z1 = model.transform(data), z2 = Marble.load(dir).transform(data2);
    assert.deepEqual(Array.from(z2.data), Array.from(z1.data));
  } finally {
    rmSync(join(dir, ".."), { recursive: true, force: true });
  }
});

test("mismatches are named: neurons, bin width, σ, Savitzky–Golay, PCA dimensions", () => {
  const rec = recording(8);
  const p = new RecordingPipeline({ sigma: 0.05, pcaDims: 3 }).fit(rec);
  const X = rec.activity as Matrix;
  assert.throws(() => p.transform({ activity: X.sliceCols(0, 39), binSeconds: 0.02 }), (e: Error) => {
    assert.ok(e instanceof ValidationError);
    assert.match(e.message, /39 neurons, the pipeline was fitted on 40/);
    return true;
  });
  assert.throws(() => p.transform({ activity: X, binSeconds: 0.01 }), /bin width is 0\.01 s, the pipeline was fitted on 0\.02 s/);
  const names = Array.from({ length: 40 }, (_, j) => `n${j}`);
  const named = new RecordingPipeline({ sigma: 0.05, pcaDims: 3 }).fit({ ...rec, neurons: names });
  const swapped = [...names];
  [swapped[5], swapped[6]] = [swapped[6], swapped[5]];
  assert.throws(() => named.transform({ activity: X, binSeconds: 0.02, neurons: swapped }), /column 5 is "n6", expected "n5"/);

  const only = (other: RecordingPipeline) => preprocessingDifferences(p, other);
  assert.deepEqual(only(new RecordingPipeline({ sigma: 0.05, pcaDims: 3 }).fit(rec)), []);
  const sigma = only(new RecordingPipeline({ sigma: 0.1, pcaDims: 3 }).fit(rec));
  assert.ok(sigma.some((d) => /^smoothing σ: 0\.05000 s \(2\.500 bins\) vs 0\.1000 s \(5\.000 bins\)/.test(d)), sigma.join("; "));
  const dims = only(new RecordingPipeline({ sigma: 0.05, pcaDims: 4 }).fit(rec));
  assert.ok(dims.includes("PCA dimensions: 3 vs 4"), dims.join("; "));
  const sg = only(new RecordingPipeline({ sigma: 0.05, pcaDims: 3, savgol: { window: 9, order: 3 } }).fit(rec));
  assert.ok(sg.includes("Savitzky–Golay: none vs window 9, order 3"), sg.join("; "));
  const narrow = only(new RecordingPipeline({ sigma: 0.05, pcaDims: 3 }).fit({ ...rec, activity: X.sliceCols(0, 39) }));
  assert.ok(narrow.includes("input neurons: 40 vs 39"), narrow.join("; "));
  const rebinned = only(new RecordingPipeline({ sigma: 0.05, pcaDims: 3 }).fit({ ...rec, binSeconds: 0.025 }));
  assert.ok(rebinned.some((d) => d === "bin width: 0.02 s vs 0.025 s"), rebinned.join("; "));
  assert.throws(() => assertSamePreprocessing(p, new RecordingPipeline({ sigma: 0.1, pcaDims: 4 }).fit(rec)), /smoothing σ.*PCA dimensions: 3 vs 4/);
});

test("bad input gets a message naming the argument", () => {
  const rec = recording(9, 300, 20);
  assert.throws(() => new RecordingPipeline({ sigmas: 1 } as never), /sigmas/);
  assert.throws(() => new RecordingPipeline({ savgol: { window: 8, order: 2 } }), /savgol\.window must be odd/);
  assert.throws(() => new RecordingPipeline({ pcaDims: 0 }), /pcaDims/);
  assert.throws(() => new RecordingPipeline({ pcaDims: 50 }).fit(rec), /pcaDims = 50 exceeds the number of neurons \(20\)/);
  assert.throws(() => new RecordingPipeline().transform(rec), /call fit\(\) first/);
  const trial = Int32Array.from(rec.trial!);
  trial.fill(3, 10, 13); // a stretch of trial 3 inside trial 0
  assert.throws(() => new RecordingPipeline({ pcaDims: 3 }).fit({ ...rec, trial }), /trial 0 appears in two separate stretches/);
  const condition = Array.from(rec.condition!);
  condition[5] = "late";
  assert.throws(() => new RecordingPipeline({ pcaDims: 3 }).fit({ ...rec, condition }), /trial 0 changes condition at bin 5/);
  assert.throws(() => new RecordingPipeline({ pcaDims: 3 }).fit({ ...rec, trial: Array.from(rec.trial!).slice(0, 10) }), /trial: has 10 values, the activity has 300 rows/);
  const nan = (rec.activity as Matrix).sliceRows(0, 300);
  nan.data[7] = NaN;
  assert.throws(() => new RecordingPipeline({ pcaDims: 3 }).fit({ ...rec, activity: nan }), /recording\.activity/);
});

test('pcaDims "auto" applies the diagnostics\' recommendation and keeps their k', () => {
  // 60 neurons > maxGraphDim (30): the diagnostics evaluate the graph after PCA
  const rec = recording(10, 800, 60);
  const p = new RecordingPipeline({ sigma: 0.05, pcaDims: "auto", diagnostics: { k: 15, pcaCandidates: [3, 5, 10] } }).fit(rec);
  const report = p.diagnostics!;
  assert.ok(report, "the diagnostics report is kept");
  assert.equal(p.state!.pcaDims, report.recommended.pcaDims);
  assert.deepEqual(p.state!.recommended, { k: report.recommended.k, delta: report.recommended.delta });
  assert.ok([3, 5, 10].includes(p.state!.pcaDims!));
  assert.match(p.describe(), new RegExp(`PCA 60 → ${p.state!.pcaDims} dimensions`));
});
