// Readers of trial-structured recordings: the long trial table (CSV, Arrow, Parquet; written from
// the simulator), NWB (a fixture written by scripts/fixtures/trials-nwb.mjs) and the Dataverse
// conditions_spiking_data.mat layout (test/fixtures/trials, written by scripts/fixtures/trials_mat.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { simulateMacaqueReaching } from "../../src/simulators/macaque.js";
import { trialRecordingsFromSimulation } from "../../src/pipeline/reaching/from-simulation.js";
import { readTrialTable, readTrialTableSessions, writeTrialTableCsv } from "../../src/io/trials/long-table.js";
import { readNwbTrials } from "../../src/io/trials/nwb.js";
import { readConditionsSpikingMat } from "../../src/io/trials/mat-conditions.js";
import { describeRecording, recordingCounts } from "../../src/io/trials/recording.js";

const dir = mkdtempSync(join(tmpdir(), "marble-trials-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const fixtures = join(__dirname, "..", "fixtures", "trials");

const sim = simulateMacaqueReaching({ sessions: 2, trialsPerDirection: 2, seed: 3 });
const recs = trialRecordingsFromSimulation(sim);

test("long table: simulator → CSV → reader keeps every count, sample, trial and event", async () => {
  const path = join(dir, "sim.csv");
  const w = writeTrialTableCsv(path, recs);
  assert.equal(w.rows, 2 * 14 * 60);
  const back = await readTrialTableSessions(path);
  assert.equal(back.length, 2);
  for (let s = 0; s < 2; s++) {
    const a = recs[s], b = back[s];
    assert.deepEqual(b.units, a.units);
    assert.equal(b.binSeconds, 0.02);
    assert.deepEqual(b.report.excluded, []);
    assert.equal(b.report.trials, 14);
    assert.equal(b.report.bins, 14 * 60);
    assert.equal(b.report.spikes, a.report.spikes);
    b.trials.forEach((t, i) => {
      assert.equal(t.id, a.trials[i].id);
      assert.equal(t.condition, a.trials[i].condition);
      assert.deepEqual(Array.from(t.counts!.data), Array.from(a.trials[i].counts!.data));
      t.behaviour.data.forEach((v, k) => assert.ok(Math.abs(v - a.trials[i].behaviour.data[k]) <= 1e-8 * Math.max(1, Math.abs(v))));
      assert.ok(Math.abs(t.events.go - 0.5) < 1e-12);
    });
  }
  assert.match(describeRecording(back[0]), /24 units, 14 trials, 840 bins of 20 ms/);
  await assert.rejects(readTrialTable(path), /holds 2 sessions; pass \{ session \}/);
  const one = await readTrialTable(path, { session: 1 });
  assert.equal(one.trials[0].id, recs[1].trials[0].id);
  // the other session's rows are left out on request, and counted
  assert.deepEqual(one.report.excluded, [{ what: "rows", count: 14 * 60, reason: "of the other 1 session(s); session 1 chosen" }]);
  assert.equal(recordingCounts(one), `session 1: ${one.report.units} units, 14 trials, ${14 * 60} bins, ${one.report.spikes} spikes; left out: ${14 * 60} rows`);
});

function smallCsv(lines: string[]): string {
  const p = join(dir, `t${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(p, lines.join("\n") + "\n");
  return p;
}
const header = "trial,time,direction,hand_x,hand_y,unit_a,unit_b";
const good = [header, "1,0,Left,0,0,1,0", "1,0.02,Left,0.1,0,0,2", "2,0,Up,0,0,0,0", "2,0.02,Up,0,0.1,3,1"];

test("long table: bad input is an error that says what to change", async () => {
  const ok = await readTrialTable(smallCsv(good));
  assert.equal(ok.trials.length, 2);
  assert.deepEqual(ok.conditionNames, ["Left", "Up"]);
  await assert.rejects(readTrialTable(smallCsv([header + ",notes", ...good.slice(1).map((l) => l + ",x")])), /unknown column notes; .*ignore: \["notes"\]/);
  const ignored = await readTrialTable(smallCsv([header + ",notes", ...good.slice(1).map((l) => l + ",x")]), { ignore: ["notes"] });
  assert.deepEqual(ignored.report.excluded, [{ what: "columns", count: 1, reason: "ignored on request: notes" }]);
  await assert.rejects(readTrialTable(smallCsv([header, "1,0,Left,0,0,1,", "1,0.02,Left,0,0,1,1"])), /column "unit_b", data row 1: .* is not a number/);
  await assert.rejects(readTrialTable(smallCsv([header, good[1], good[3], good[2]])), /rows of trial 1 are not contiguous.*sort the table/);
  await assert.rejects(readTrialTable(smallCsv([header, good[1], "1,0.02,Up,0,0,0,0"])), /trial 1 changes direction/);
  await assert.rejects(readTrialTable(smallCsv([header, good[1], good[2], "1,0.05,Left,0,0,0,0"])), /differs from the bin width/);
  await assert.rejects(readTrialTable(smallCsv([header, good[1], "1,0.02,Left,0,0,0.5,0"])), /0.5 is not a spike count/);
  await assert.rejects(readTrialTable(smallCsv(["trial,time,hand_x,hand_y,unit_a", "1,0,0,0,1", "1,0.02,0,0,1"])), /no "direction" or "condition" column; .*trials: "trials.csv"/);
});

test("long table: conditions and events from a second file; trials it lists without bins are counted", async () => {
  const data = smallCsv(["trial,time,hand_x,hand_y,unit_a", "1,0,0,0,1", "1,0.02,0,0,1", "2,0,0,0,0", "2,0.02,0,0,2"]);
  const trialsFile = smallCsv(["trial,condition,event_go", "1,A,0.02", "2,B,0", "3,A,0"]);
  const rec = await readTrialTable(data, { trials: trialsFile });
  assert.deepEqual(rec.trials.map((t) => [t.condition, t.events.go]), [["A", 0.02], ["B", 0]]);
  assert.equal(rec.report.excluded[0].count, 1);
  assert.match(rec.report.excluded[0].reason, /no bins in the table \(ids 3\)/);
  const missing = smallCsv(["trial,condition", "1,A"]);
  await assert.rejects(readTrialTable(data, { trials: missing }), /trial 2 is not in the trials file/);
});

test("long table: Arrow and Parquet give the same recording as CSV", async () => {
  const cols = { trial: Int32Array.from([1, 1, 2, 2]), time: Float64Array.from([0, 0.02, 0, 0.02]), direction: ["Left", "Left", "Up", "Up"], hand_x: Float64Array.from([0, 0.1, 0, 0]), hand_y: Float64Array.from([0, 0, 0, 0.1]), unit_a: Float64Array.from([1, 0, 0, 3]), unit_b: Float64Array.from([0, 2, 0, 1]) };
  const arrowPath = join(dir, "t.arrow");
  writeFileSync(arrowPath, tableToIPC(tableFromArrays(cols), "file"));
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const pqPath = join(dir, "t.parquet");
  writeFileSync(pqPath, Buffer.from(parquetWriteBuffer({ columnData: Object.entries(cols).map(([name, data]) => ({ name, data: Array.from(data as ArrayLike<unknown>) as never })) })));
  const csv = await readTrialTable(smallCsv(good));
  for (const p of [arrowPath, pqPath]) {
    const r = await readTrialTable(p);
    assert.deepEqual(r.trials.map((t) => [t.id, t.condition, Array.from(t.counts!.data), Array.from(t.behaviour.data)]), csv.trials.map((t) => [t.id, t.condition, Array.from(t.counts!.data), Array.from(t.behaviour.data)]), p);
  }
});

test("NWB: spike times cut by the trials table, events and behaviour; spikes outside trials counted", async () => {
  const script = join(__dirname, "..", "..", "scripts", "fixtures", "trials-nwb.mjs");
  const { writeNwbTrialsFixture, NWB_FIXTURE: fx } = (await import(script)) as {
    writeNwbTrialsFixture: (path: string) => Promise<void>;
    NWB_FIXTURE: { spikes: number[][]; start: number[]; stop: number[]; direction: string[]; go: number[]; sampleSeconds: number };
  };
  const path = join(dir, "fx.nwb");
  await writeNwbTrialsFixture(path);
  const rec = await readNwbTrials(path);
  assert.deepEqual(rec.units, ["unit_10", "unit_11", "unit_12"]);
  assert.deepEqual(rec.trials.map((t) => t.condition), fx.direction);
  let inside = 0;
  rec.trials.forEach((t, i) => {
    assert.ok(Math.abs(t.events.go_cue - fx.go[i]) < 1e-12);
    fx.spikes.forEach((train: number[], u: number) => {
      const expected = train.filter((s) => s >= fx.start[i] && s < fx.stop[i]);
      inside += expected.length;
      assert.deepEqual(Array.from(t.spikeTimes![u]), expected);
    });
    assert.equal(t.behaviour.rows, t.behaviourTime.length);
    assert.ok(t.behaviourTime.every((s) => s >= fx.start[i] && s < fx.stop[i]));
  });
  const total = fx.spikes.flat().length;
  assert.equal(rec.report.spikes, inside);
  const samples = Array.from({ length: Math.round(0.85 / fx.sampleSeconds) }, (_, i) => i * fx.sampleSeconds);
  const samplesOutside = samples.filter((t) => !fx.start.some((a, i) => t >= a && t < fx.stop[i])).length;
  assert.ok(samplesOutside >= 4, "the fixture has samples between and after the trials");
  assert.deepEqual(rec.report.excluded, [
    { what: "spikes", count: total - inside, reason: "outside every trial interval" },
    { what: "behaviour samples", count: samplesOutside, reason: "outside every trial interval" },
  ]);
  assert.deepEqual(rec.behaviourNames, ["hand_x", "hand_y", "hand_vx", "hand_vy"]);
  await assert.rejects(readNwbTrials(path, { conditionColumn: "target" }), /no condition column "target"; its columns: .*direction/);
});

test("NWB: a file without a trials table says so", async () => {
  const h5wasm = (await import("h5wasm/node")).default;
  await h5wasm.ready;
  const path = join(dir, "units-only.nwb");
  const f = new h5wasm.File(path, "w");
  f.create_group("units").create_dataset({ name: "spike_times", data: Float64Array.from([0.1]) });
  f.close();
  await assert.rejects(readNwbTrials(path), /no trials table \(\/intervals\/trials\)/);
});

test("Dataverse MAT layout: sessions × conditions × trials, empty trial cells left out and counted", async () => {
  const path = join(fixtures, "conditions_spiking_small.mat");
  const recs = await readConditionsSpikingMat(path);
  assert.equal(recs.length, 2);
  assert.equal(recs[0].trials.length, 21);
  assert.equal(recs[1].trials.length, 20);
  assert.deepEqual(recs[0].report.excluded, []);
  assert.deepEqual(recs[1].report.excluded, [{ what: "trial cells", count: 1, reason: "empty (no trial recorded)" }]);
  for (const r of recs) {
    assert.equal(r.units.length, 4);
    let spikes = 0;
    for (const t of r.trials) {
      assert.equal(t.counts!.rows, 60);
      for (const v of t.counts!.data) spikes += v;
    }
    assert.equal(r.report.spikes, spikes);
    assert.ok(spikes > 0);
  }
  // condition c fires at 0.05·(1 + c) per ms: the later conditions hold more spikes
  const per = (c: string) => recs[0].trials.filter((t) => t.condition === c).reduce((a, t) => a + t.counts!.data.reduce((x, y) => x + y, 0), 0);
  assert.ok(per("DownRight") > per("DownLeft"));
  await assert.rejects(readConditionsSpikingMat(path, { variable: "data" }), /has no variable "data"; it has all_results/);
  await assert.rejects(readConditionsSpikingMat(path, { conditionNames: ["a", "b"] }), /holds 7 conditions but 2 condition names/);
  assert.ok(readFileSync(path).length > 0);
});
