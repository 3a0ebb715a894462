// The Dataverse reaching files (spikes, kinematics.pkl, trial_ids.pkl) on a fixture in their
// structure (test/fixtures/trials/dataverse, written by scripts/fixtures/trials_dataverse.py with
// expected.json beside it): the reader joins the hand kinematics to the spike trials through
// trial_ids and counts what it leaves out; the reaching data source picks the files from the
// download cache and the pipeline runs on them end to end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDataverseReaching, joinDataverseKinematics, type DataverseReachingFiles, type KinematicTrial } from "../../src/io/trials/dataverse-kinematics.js";
import { readConditionsSpikingMat } from "../../src/io/trials/mat-conditions.js";
import { describeRecording, checkTrialRecording } from "../../src/io/trials/recording.js";
import { loadReachingData } from "../../src/pipeline/reaching/data-source.js";
import { runReachingSessions } from "../../src/pipeline/reaching/sessions.js";
import { Matrix } from "../../src/core/matrix.js";

const fixtures = join(__dirname, "..", "fixtures", "trials", "dataverse");
const files: DataverseReachingFiles = {
  spikes: join(fixtures, "conditions_spiking_data.mat"),
  kinematics: join(fixtures, "kinematics.pkl"),
  trialIds: join(fixtures, "trial_ids.pkl"),
};
const expected = JSON.parse(readFileSync(join(fixtures, "expected.json"), "utf8")) as {
  trial_ids: Record<string, Record<string, number[]>>;
  spikes: Record<string, number>;
  first_hand: Record<string, Record<string, number[][]>>;
};

test("Dataverse reaching: spikes joined to hand kinematics through trial_ids, everything left out counted", async () => {
  const recs = await readDataverseReaching(files);
  assert.equal(recs.length, 2);
  for (const [s, rec] of recs.entries()) {
    checkTrialRecording(rec);
    assert.deepEqual(rec.behaviourNames, ["hand_x", "hand_y", "hand_vx", "hand_vy"]);
    assert.equal(rec.report.units, 6);
    assert.equal(rec.report.spikes, expected.spikes[String(s)]);
    // trials take the kinematic trial index, in the spike file's order per direction
    for (const c of rec.conditionNames) {
      assert.deepEqual(rec.trials.filter((t) => t.condition === c).map((t) => t.id), expected.trial_ids[String(s)][c], `session ${s} ${c}`);
    }
    // the first trial of each direction carries that trial's kinematics (column-major arrays read as such)
    for (const c of rec.conditionNames) {
      const t = rec.trials.find((x) => x.condition === c)!;
      const want = expected.first_hand[String(s)][c];
      assert.equal(t.behaviour.rows, 35);
      want.forEach((row, j) => row.forEach((v, k) => assert.ok(Math.abs(t.behaviour.data[j * 4 + k] - v) < 1e-12, `session ${s} ${c} sample ${j} channel ${k}`)));
      // sample j sits at the centre of the 20 ms bin go + j
      assert.ok(Math.abs(t.behaviourTime[0] - 0.51) < 1e-12 && Math.abs(t.behaviourTime[34] - (0.5 + 34.5 * 0.02)) < 1e-12);
    }
  }
  const [s0, s1] = recs;
  assert.equal(s0.report.trials, 28);
  assert.equal(s1.report.trials, 27);
  const ex0 = Object.fromEntries(s0.report.excluded.map((e) => [e.what, e.count]));
  assert.deepEqual(ex0, { "kinematic trials": 1, "kinematic rows": 28, "LFADS factor rows": 84 });
  const ex1 = Object.fromEntries(s1.report.excluded.map((e) => [e.what, e.count]));
  assert.deepEqual(ex1, { "trial cells": 1, "kinematic rows": 27, "LFADS factor rows": 81 });
  // the description a notebook prints says all of it
  const text = describeRecording(s0);
  assert.match(text, /6 units, 28 trials, 33600 bins of 1 ms/);
  assert.match(text, /left out: 1 kinematic trials \(not paired.*\); 28 kinematic rows \(beyond hand x, y, vx, vy: 1 per trial × 28 trials\); 84 LFADS factor rows/);
  assert.match(text, /hand kinematics: 980 samples of 20 ms from the go cue/);
  // firstSessions: fewer sessions when the files hold fewer
  assert.equal((await readDataverseReaching(files, { firstSessions: 1 })).length, 1);
  assert.equal((await readDataverseReaching(files, { firstSessions: 9 })).length, 2);
});

test("Dataverse reaching: files that do not belong together are an error, not a silent drop", async () => {
  const [rec] = await readConditionsSpikingMat(files.spikes, { sessions: [0] });
  const hand = new Matrix(35, 4);
  const kin = new Map<number, KinematicTrial>();
  const ids = new Map<string, number[]>();
  rec.trials.forEach((t, i) => {
    kin.set(100 + i, { condition: t.condition, hand, extraRows: 0, factors: 0 });
    ids.set(t.condition, [...(ids.get(t.condition) ?? []), 100 + i]);
  });
  const o = { kinematicSeconds: 0.02, goSeconds: 0.5 };
  assert.equal(joinDataverseKinematics(rec, kin, ids, o).trials.length, rec.trials.length);
  const fewer = new Map(ids);
  fewer.set("Up", fewer.get("Up")!.slice(1));
  assert.throws(() => joinDataverseKinematics(rec, kin, fewer, o), /holds more Up trials than trial_ids.pkl lists \(3\)/);
  const more = new Map(ids);
  more.set("Up", [...more.get("Up")!, 999]);
  assert.throws(() => joinDataverseKinematics(rec, kin, more, o), /lists 5 Up trials but the spike file holds 4/);
  const wrong = new Map(kin);
  wrong.set(ids.get("Up")![0], { condition: "Left", hand, extraRows: 0, factors: 0 });
  assert.throws(() => joinDataverseKinematics(rec, wrong, ids, o), /is a Left reach but trial_ids.pkl pairs it with a Up spike trial/);
  const gone = new Map(kin);
  gone.delete(ids.get("Right")![1]);
  assert.throws(() => joinDataverseKinematics(rec, gone, ids, o), /which kinematics.pkl does not hold/);
  assert.throws(() => joinDataverseKinematics(rec, kin, ids, { ...o, kinematicSeconds: 0.05 }), /beyond the spike trial's end/);
});

test("reaching data source: the Dataverse files in the cache are read and run end to end", { timeout: 600_000 }, async () => {
  const cache = mkdtempSync(join(tmpdir(), "marble-dataverse-cache-"));
  try {
    const dir = join(cache, "macaque-reaching");
    mkdirSync(dir);
    copyFileSync(files.spikes, join(dir, "conditions_spiking_data.mat"));
    // the spike file alone: an error naming what is missing
    await assert.rejects(loadReachingData({ sessions: 6, cacheDir: cache }), /present but not .*kinematics\.pkl nor .*trial_ids\.pkl.*marble data fetch macaque-reaching/);
    copyFileSync(files.kinematics, join(dir, "kinematics.pkl"));
    copyFileSync(files.trialIds, join(dir, "trial_ids.pkl"));
    const data = await loadReachingData({ sessions: 6, cacheDir: cache, env: { MARBLE_REACHING_DATA: "/nonexistent.csv" } });
    assert.equal(data.source, "dataverse");
    assert.equal(data.recordings.length, 2);
    assert.match(data.description, /Dataverse recordings .* 2 session\(s\) \(the files hold 2 of the 6 sessions asked for\)/);
    assert.ok(data.recordings.every((r) => !r.session.simulated));
    const run = await runReachingSessions(data.recordings, { decode: { epochs: 2, seed: 0 } });
    assert.equal(run.sessions.length, 2);
    assert.deepEqual(run.methods.slice(0, 2), ["MARBLE (graph per condition)", "MARBLE (label-free graph)"]);
    for (const s of run.sessions) {
      for (const row of s.rows) assert.ok(Number.isFinite(row.r2) && Number.isFinite(row.accuracy), `${s.name} ${row.method}`);
    }
    // the fixture's rates are tuned to hand velocity: the linear decoder on the rates finds it
    assert.ok(run.meanR2["raw rates"] > 0.2, `raw-rates R² ${run.meanR2["raw rates"]}`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
