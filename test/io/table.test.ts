import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { readTable, tableToRecording, loadRecording } from "../../src/io/table.js";
import { writeNpy } from "../../src/io/npy.js";

const dir = mkdtempSync(join(tmpdir(), "marble-table-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const T = 12;
const n0 = Array.from({ length: T }, (_, t) => t % 3);
const n1 = Array.from({ length: T }, (_, t) => (t * 7) % 5);
const pos = Array.from({ length: T }, (_, t) => t / 10);
const time = Array.from({ length: T }, (_, t) => 0.025 * t);

function csvText(): string {
  return ["time,n0,n1,position", ...time.map((tt, t) => `${tt},${n0[t]},${n1[t]},${pos[t]}`)].join("\n") + "\n";
}

test("CSV recording: neurons inferred, labels and time checked", async () => {
  const p = join(dir, "rec.csv");
  writeFileSync(p, csvText());
  const rec = await loadRecording(p, { labels: ["position"], time: "time" });
  assert.deepEqual(rec.neurons, ["n0", "n1"]);
  assert.equal(rec.activity.rows, T);
  assert.equal(rec.activity.get(4, 1), n1[4]);
  assert.ok(Math.abs(rec.binSeconds - 0.025) < 1e-12);
  assert.deepEqual(Array.from(rec.labels.position), pos);
});

test("Arrow IPC and Parquet files give the same recording as CSV", async () => {
  const arrowPath = join(dir, "rec.arrow");
  writeFileSync(arrowPath, tableToIPC(tableFromArrays({ time: Float64Array.from(time), n0: Float64Array.from(n0), n1: Float64Array.from(n1), position: Float64Array.from(pos) }), "file"));
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const pq = parquetWriteBuffer({
    columnData: [
      { name: "time", data: time, type: "DOUBLE" },
      { name: "n0", data: n0, type: "INT32" },
      { name: "n1", data: n1, type: "INT32" },
      { name: "position", data: pos, type: "DOUBLE" },
    ],
  });
  const pqPath = join(dir, "rec.parquet");
  writeFileSync(pqPath, new Uint8Array(pq));
  const csvPath = join(dir, "rec2.csv");
  writeFileSync(csvPath, csvText());
  const ref = await loadRecording(csvPath, { labels: ["position"], time: "time" });
  for (const p of [arrowPath, pqPath]) {
    const rec = await loadRecording(p, { labels: ["position"], time: "time" });
    assert.deepEqual(rec.neurons, ref.neurons, p);
    assert.deepEqual(Array.from(rec.activity.data), Array.from(ref.activity.data), p);
    assert.deepEqual(Array.from(rec.labels.position), Array.from(ref.labels.position), p);
  }
});

test(".npy matrix becomes named neuron columns", async () => {
  const p = join(dir, "rec.npy");
  writeFileSync(p, writeNpy({ shape: [T, 2], dtype: "u1", fortranOrder: false, data: Uint8Array.from(n0.flatMap((v, t) => [v, n1[t]])) }));
  const rec = await loadRecording(p, { binSeconds: 0.05 });
  assert.deepEqual(rec.neurons, ["n0", "n1"]);
  assert.equal(rec.activity.get(5, 0), n0[5]);
  assert.equal(rec.binSeconds, 0.05);
});

test("unit and shape checks say what to change", async () => {
  const aq = await import("arquero");
  const base = { n0: [0, 1, 2], n1: [1, 0, 1] };
  assert.throws(() => tableToRecording(aq.table(base)), /pass binSeconds/);
  assert.throws(() => tableToRecording(aq.table({ ...base, n1: [0.5, 1, 2] }), { binSeconds: 0.01 }), /non-integer value \(0.5\).*units: "rates"/);
  assert.throws(() => tableToRecording(aq.table({ ...base, x: [-1, 0, 1] }), { binSeconds: 0.01 }), /negative value.*labels/);
  assert.throws(() => tableToRecording(aq.table({ ...base, t: [0, 0.1, 0.3] }), { time: "t" }), /unevenly spaced/);
  assert.throws(() => tableToRecording(aq.table(base), { labels: ["speed"], binSeconds: 0.01 }), /no column "speed"/);
  assert.throws(() => tableToRecording(aq.table({ ...base, n0: [0, NaN, 1] }), { binSeconds: 0.01 }), /missing cell "NaN" at row 2, column 1 \("n0"\)/);
  assert.throws(() => tableToRecording(aq.table(base), { binSeconds: 0.01, unit: "counts" } as any), /unknown option "unit"/);
  const rates = tableToRecording(aq.table({ ...base, n1: [0.5, 1, 2] }), { binSeconds: 0.01, units: "rates" });
  assert.equal(rates.activity.get(0, 1), 0.5);
  await assert.rejects(readTable(join(dir, "nope.csv")), /file not found/);
  writeFileSync(join(dir, "x.weird"), "a,b\n1,2\n");
  await assert.rejects(readTable(join(dir, "x.weird")), /cannot tell the format/);
});
