// The raw linear-track recording (data/rat_linear_track) read by the general readers: the counts
// data/README.md states, plain-object MAT values, and clear errors on damaged copies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import {
  dataDir, readMat5, matToPlain, matVariablesToPlain, readHeaderedRecords, parseFieldList, readVideoTracking, spikeTimesFromMatClust,
  readMatClustSpikes, loadLinearTrackRecording, describeLinearTrackRecording, type MatValue, type PlainMatValue,
} from "../../src/index.js";

const dir = join(dataDir(), "rat_linear_track");
const spikesPath = join(dir, "spikes.mat");
const trackingPath = join(dir, "trajectory.videoPositionTracking");
const HEADER_BYTES = 197;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "marble-lineartrack-"));
}

test("the MatClust file gives 31 units and 28,829 spikes, counting empty tetrodes, slots and units", async () => {
  const s = await readMatClustSpikes(spikesPath);
  assert.equal(s.counts.units, 31);
  assert.equal(s.units.length, 31);
  assert.equal(s.counts.spikes, 28829);
  assert.equal(s.units.reduce((a, u) => a + u.times.length, 0), 28829);
  assert.equal(s.counts.groups + s.counts.emptyGroups, 13, "13 tetrodes");
  assert.equal(s.counts.groups, 6);
  assert.equal(s.counts.emptyUnits, 6);
  assert.equal(s.counts.unitStructs, 37);
  assert.equal(s.emptyUnitPaths.length, 6);
  assert.deepEqual(s.units[0].path, [1, 1, 1, 1]);
  assert.equal(s.units[0].times.length, 1748);
  for (const u of s.units) {
    for (let i = 1; i < u.times.length; i++) assert.ok(u.times[i] >= u.times[i - 1]);
    assert.ok(u.times[0] > 4397 && u.times[u.times.length - 1] < 6366, `${u.group}: times within the session`);
  }
});

test("the tracking file gives 118,965 frames on the 30 kHz clock", () => {
  const t = readVideoTracking(trackingPath, { expectedRecords: 118965 });
  assert.equal(t.frames, 118965);
  assert.equal(t.clockRate, 30000);
  assert.equal(t.settings["camera resolution"], "640x480");
  assert.equal(t.pixelsPerCm, null, "the header's pixel scale is 0: none given");
  assert.deepEqual([Math.min(...t.x), Math.max(...t.x)], [133, 554]);
  assert.deepEqual([Math.min(...t.y), Math.max(...t.y)], [1, 479]);
  assert.ok(t.x2!.every((v) => v === 0) && t.y2!.every((v) => v === 0), "one LED: the second reads 0");
  assert.equal(t.seconds[0], t.ticks[0] / 30000);
  assert.ok(t.seconds[0] > 4397 && t.seconds[0] < 4398);
});

test("the general record reader reads the same file from an explicit layout", () => {
  const fields = parseFieldList("<time uint32><xloc uint16><yloc uint16><xloc2 uint16><yloc2 uint16>");
  const r = readHeaderedRecords(trackingPath, { fields: fields });
  assert.equal(r.recordSize, 12);
  assert.equal(r.dataOffset, HEADER_BYTES);
  assert.equal(r.count, 118965);
  const bytes = readFileSync(trackingPath);
  assert.equal(r.columns.time[5], bytes.readUInt32LE(HEADER_BYTES + 5 * 12));
  assert.equal(r.columns.yloc[7], bytes.readUInt16LE(HEADER_BYTES + 7 * 12 + 6));
});

test("records: big-endian and float fields, and a truncated trailing record is an error or a counted remainder", () => {
  const head = new TextEncoder().encode("<Start settings>\nclockrate: 1000\nFields: <t float64><v int16>\n<End settings>\n");
  const body = Buffer.alloc(3 * 10 + 4);
  for (let i = 0; i < 3; i++) {
    body.writeDoubleBE(i * 0.5, i * 10);
    body.writeInt16BE(-i, i * 10 + 8);
  }
  const bytes = new Uint8Array([...head, ...body]);
  assert.throws(() => readHeaderedRecords(bytes, { endianness: "big" }), /not a whole number of 10-byte records \(3 records and 4 bytes over/);
  const r = readHeaderedRecords(bytes, { endianness: "big", trailing: "ignore" });
  assert.equal(r.count, 3);
  assert.equal(r.trailingBytes, 4);
  assert.deepEqual(Array.from(r.columns.t), [0, 0.5, 1]);
  assert.deepEqual(Array.from(r.columns.v), [0, -1, -2]);
  assert.throws(() => readHeaderedRecords(bytes.slice(0, head.length + 30), { endianness: "big", expectedRecords: 4 }), /expected 4 records, found 3/);
});

test("damaged tracking files stop with errors that say what is wrong", () => {
  const good = readFileSync(trackingPath);
  const cut = good.subarray(0, good.length - 5);
  assert.throws(() => readVideoTracking(cut), /truncated or the layout is wrong.*trailing: "ignore"/);
  const kept = readVideoTracking(cut, { trailing: "ignore" });
  assert.equal(kept.frames, 118964, "the cut record is left out and counted, never silently");
  assert.equal(kept.trailingBytes, 12 - 5, "the cut record's remaining bytes are counted");
  assert.equal(readVideoTracking(good).trailingBytes, 0);
  // a layout with a field beyond time and the LEDs: read, and named as not read
  const head = new TextEncoder().encode("<Start settings>\nclockrate: 1000\nFields: <time uint32><xloc uint16><yloc uint16><quality uint8>\n<End settings>\n");
  const extra = readVideoTracking(new Uint8Array([...head, ...new Uint8Array(9 * 2)]));
  assert.equal(extra.frames, 2);
  assert.deepEqual(extra.unreadFields, ["quality"]);
  assert.deepEqual(readVideoTracking(good).unreadFields, []);
  assert.throws(() => readVideoTracking(good.subarray(0, 120)), /no "<End settings>" line closes the header/);
  assert.throws(() => readVideoTracking(good.subarray(10)), /does not start with the header line "<Start settings>"/);
  const text = good.subarray(0, HEADER_BYTES).toString("latin1");
  const noClock = Buffer.concat([Buffer.from(text.replace("clockrate: 30000\n", ""), "latin1"), good.subarray(HEADER_BYTES)]);
  assert.throws(() => readVideoTracking(noClock), /no clockrate; pass clockRate/);
  assert.equal(readVideoTracking(noClock, { clockRate: 30000 }).frames, 118965);
  const badType = Buffer.concat([Buffer.from(text.replace("<yloc2 uint16>", "<yloc2 uint12>"), "latin1"), good.subarray(HEADER_BYTES)]);
  assert.throws(() => readVideoTracking(badType), /unknown field type "uint12"/);
  const noFields = Buffer.concat([Buffer.from(text.replace(/Fields:[^\n]*\n/, ""), "latin1"), good.subarray(HEADER_BYTES)]);
  assert.throws(() => readVideoTracking(noFields), /no "Fields:" line; pass the record layout/);
});

test("damaged MatClust files stop with errors; a wrong field name is named", () => {
  const good = readFileSync(spikesPath);
  for (const len of [100, 200, Math.floor(good.length / 2), good.length - 1]) {
    assert.throws(() => readMat5(good.subarray(0, len)), /MAT buffer: (too short|truncated|corrupt)/, `cut at ${len}`);
  }
  const flipped = Buffer.from(good);
  for (let i = 400; i < 420; i++) flipped[i] ^= 0xff;
  assert.throws(() => readMat5(flipped), /MAT buffer/);
  const spikes = readMat5(good).spikes;
  assert.throws(() => spikeTimesFromMatClust(spikes, { field: "spiketimes" }), /a struct without a "spiketimes" field \(fields: time, timerange, meanrate\)/);
});

test("MatClust layouts: unsorted times are sorted and counted, odd leaves are refused", () => {
  const num = (values: number[], shape = [values.length, 1]): MatValue => ({ kind: "numeric", matlabClass: "double", shape: shape, dtype: "f8", fortranOrder: true, data: Float64Array.from(values), imag: null });
  const unit = (times: number[]): MatValue => ({ kind: "struct", shape: [1, 1], fieldNames: ["time"], elements: [{ time: num(times) }] });
  const cell = (items: MatValue[]): MatValue => ({ kind: "cell", shape: [1, items.length], items: items });
  const value = cell([cell([unit([3, 1, 2]), num([], [0, 0]), unit([])]), num([], [1, 0]), cell([unit([5])])]);
  const s = spikeTimesFromMatClust(value);
  assert.equal(s.counts.units, 2);
  assert.equal(s.counts.spikes, 4);
  assert.equal(s.counts.unsortedUnits, 1);
  assert.deepEqual(Array.from(s.units[0].times), [1, 2, 3]);
  assert.equal(s.counts.emptyUnits, 1);
  assert.equal(s.counts.emptySlots, 1);
  assert.equal(s.counts.emptyGroups, 1);
  assert.equal(s.counts.groups, 2);
  assert.deepEqual(s.units.map((u) => u.path), [[1, 1], [3, 1]]);
  assert.throws(() => spikeTimesFromMatClust(cell([num([1, 2])])), /expected a cell, a unit struct or an empty slot, found numeric/);
  assert.throws(() => spikeTimesFromMatClust(unit([1, NaN])), /spike 2 is NaN/);
});

test("MAT values as plain objects: nested cells of structs with typed arrays", () => {
  const plain = matVariablesToPlain(readMat5(spikesPath));
  const tetrodes = plain.spikes as PlainMatValue[];
  assert.ok(Array.isArray(tetrodes) && tetrodes.length === 13, "spikes{1}{1} unwraps to the 13 tetrodes");
  const first = tetrodes[0] as PlainMatValue[];
  assert.equal(first.length, 22);
  const unit = first[0] as Record<string, PlainMatValue>;
  assert.ok(unit.time instanceof Float64Array && unit.time.length === 1748);
  assert.ok(unit.timerange instanceof Float64Array && unit.timerange.length === 2);
  assert.equal(typeof unit.meanrate, "number");
  assert.ok(first[2] instanceof Float64Array && first[2].length === 0, "an empty slot stays an empty array");
  const raw = matToPlain(readMat5(spikesPath).spikes, { squeeze: false }) as PlainMatValue[];
  assert.equal(raw.length, 1, "without squeeze the 1 × 1 cells stay arrays");
});

test("MAT values as plain objects: matrices, chars, complex, unsupported, n-D cells", () => {
  const m: MatValue = { kind: "numeric", matlabClass: "double", shape: [2, 3], dtype: "f8", fortranOrder: true, data: Float64Array.from([1, 2, 3, 4, 5, 6]), imag: null };
  assert.deepEqual(matToPlain(m), { shape: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6]), order: "F" });
  const c: MatValue = { kind: "numeric", matlabClass: "single", shape: [1, 1], dtype: "f4", fortranOrder: true, data: Float32Array.from([1]), imag: Float32Array.from([2]) };
  assert.deepEqual(matToPlain(c), { re: 1, im: 2 });
  assert.deepEqual(matToPlain({ kind: "char", shape: [2, 3], value: "abc\ndef" }), ["abc", "def"]);
  assert.deepEqual(matToPlain({ kind: "unsupported", matlabClass: "sparse", shape: [4, 4] }), { unsupported: "sparse", shape: [4, 4] });
  const cell2d: MatValue = { kind: "cell", shape: [2, 2], items: ["a", "b", "c", "d"].map((v) => ({ kind: "char", shape: [1, 1], value: v }) as MatValue) };
  assert.deepEqual(matToPlain(cell2d), [["a", "c"], ["b", "d"]], "column-major items become rows");
  const cell3d: MatValue = { kind: "cell", shape: [1, 2, 2], items: cell2d.kind === "cell" ? cell2d.items : [] };
  assert.throws(() => matToPlain(cell3d, {}, "variable \"c\""), /variable "c": a 1 × 2 × 2 cell array has no plain form/);
});

test("loadLinearTrackRecording reads a folder given by path and refuses ambiguous or missing files", async () => {
  const tmp = scratch();
  try {
    copyFileSync(spikesPath, join(tmp, "day1.mat"));
    copyFileSync(trackingPath, join(tmp, "day1.videoPositionTracking"));
    const rec = await loadLinearTrackRecording(tmp);
    assert.equal(rec.spikes.counts.spikes, 28829);
    assert.equal(rec.tracking.frames, 118965);
    assert.equal(rec.spikesOutsideTracking, 4, "4 spikes fall after the last frame");
    const described = describeLinearTrackRecording(rec);
    assert.match(described[0], /31 units with 28829 spikes in 6 tetrodes; left out: 7 empty tetrodes, \d+ empty unit slots, \d+ units without spikes; 0 units' spike times were out of order and sorted; 4 spikes fall outside the video's time span/);
    assert.match(described[1], /118965 frames at clockrate 30000; not read: no field$/);
    copyFileSync(spikesPath, join(tmp, "other.mat"));
    await assert.rejects(loadLinearTrackRecording(tmp), /2 \*\.mat files \(day1\.mat, other\.mat\); choose one with spikeFile/);
    assert.equal((await loadLinearTrackRecording(tmp, { spikeFile: "other.mat" })).spikes.counts.units, 31);
    rmSync(join(tmp, "day1.videoPositionTracking"));
    await assert.rejects(loadLinearTrackRecording(tmp, { spikeFile: "day1.mat" }), /no \*\.videoPositionTracking file/);
    // a tracking file on another clock: no spike falls within the video
    const bytes = readFileSync(trackingPath);
    const fast = Buffer.concat([Buffer.from(bytes.subarray(0, HEADER_BYTES).toString("latin1").replace("clockrate: 30000", "clockrate: 3000"), "latin1"), bytes.subarray(HEADER_BYTES)]);
    writeFileSync(join(tmp, "day1.videoPositionTracking"), fast);
    await assert.rejects(loadLinearTrackRecording(tmp, { spikeFile: "day1.mat" }), /not on one clock/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
