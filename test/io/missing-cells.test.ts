// No table reader drops a row or a column without saying so: missing and non-numeric cells are an
// error naming line, column and value unless a policy is chosen, and headers are never guessed
// from a row that is almost all numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { readCsvMatrix } from "../../src/io/csv.js";
import { loadRecording, readTable } from "../../src/io/table.js";

const dir = mkdtempSync(join(tmpdir(), "marble-missing-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const NA_CSV = "n0,n1,n2\n1,2,3\n4,NA,6\n7,8,9\n";

test("loadRecording: an NA cell is an error naming file, line, column and value, not a dropped neuron", async () => {
  const p = file("na.csv", NA_CSV);
  await assert.rejects(loadRecording(p, { binSeconds: 0.1 }), (err: Error) => {
    assert.match(err.message, new RegExp(`^loadRecording: ${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: missing cell "NA" at line 3, column 2 \\("n1"\\)`));
    assert.match(err.message, /missing: "zero".*missing: "drop-rows"/);
    return true;
  });
  const text = file("text.csv", "n0,n1,n2\n1,2,3\n4,oops,6\n7,8,9\n");
  await assert.rejects(loadRecording(text, { binSeconds: 0.1 }), /non-numeric cell "oops" at line 3, column 2 \("n1"\)/);
});

test("loadRecording: missing: \"zero\" and \"drop-rows\" keep every neuron and report what changed", async () => {
  const p = file("na2.csv", "n0,n1,n2\n1,2,3\n4,NA,6\n7,,9\n10,11,12\n");
  const zero = await loadRecording(p, { binSeconds: 0.1, missing: "zero" });
  assert.deepEqual(zero.neurons, ["n0", "n1", "n2"]);
  assert.deepEqual(Array.from(zero.activity.data), [1, 2, 3, 4, 0, 6, 7, 0, 9, 10, 11, 12]);
  assert.equal(zero.policyReport.policy, "zero");
  assert.equal(zero.policyReport.cellsReplaced, 2);
  assert.equal(zero.policyReport.rowsDropped, 0);
  assert.deepEqual(zero.policyReport.examples.map((e) => [e.row, e.column, e.columnName, e.value]), [[3, 2, "n1", "NA"], [4, 2, "n1", ""]]);

  const drop = await loadRecording(p, { binSeconds: 0.1, missing: "drop-rows" });
  assert.deepEqual(drop.neurons, ["n0", "n1", "n2"]);
  assert.deepEqual(Array.from(drop.activity.data), [1, 2, 3, 10, 11, 12]);
  assert.equal(drop.policyReport.rowsDropped, 2);
  assert.equal(drop.policyReport.cellsReplaced, 0);
  assert.deepEqual(drop.policyReport.droppedRows, [3, 4]);

  const clean = await loadRecording(file("clean.csv", "n0,n1\n1,2\n3,4\n"), { binSeconds: 0.1 });
  assert.deepEqual(clean.policyReport, { policy: "error", cellsReplaced: 0, rowsDropped: 0, droppedRows: [], examples: [] });
});

test("loadRecording: missing time with zero policy is refused; drop-rows makes uneven time visible", async () => {
  const p = file("t.csv", "time,n0\n0,1\nNA,2\n0.2,3\n0.3,4\n");
  await assert.rejects(loadRecording(p, { time: "time", missing: "zero" }), /missing cell "NA" at line 3, column 2 \("time"\) is in the time column, which cannot be filled with 0/);
  await assert.rejects(loadRecording(p, { time: "time", missing: "drop-rows" }), /unevenly spaced at line 5 .*missing: "drop-rows" left out 1 row\)/);
  const labels = file("l.csv", "time,n0,pos\n0,1,0.5\n0.1,2,x\n0.2,3,0.7\n");
  const zero = await loadRecording(labels, { time: "time", labels: ["pos"], missing: "zero" });
  assert.deepEqual(Array.from(zero.labels.pos), [0.5, 0, 0.7]);
  assert.equal(zero.policyReport.cellsReplaced, 1);
});

test("loadRecording: a headerless CSV keeps its first row and gets unique names", async () => {
  const p = file("nohdr.csv", "0,1,0,1\n2,3,2,3\n4,5,4,5\n");
  const auto = await loadRecording(p, { binSeconds: 0.1 });
  assert.deepEqual(auto.neurons, ["col0", "col1", "col2", "col3"]);
  assert.equal(auto.activity.rows, 3);
  assert.deepEqual(Array.from(auto.activity.row(0)), [0, 1, 0, 1]);
  const named = await loadRecording(p, { binSeconds: 0.1, header: false, columnNames: ["a", "b", "c", "d"] });
  assert.deepEqual(named.neurons, ["a", "b", "c", "d"]);
  assert.equal(named.activity.rows, 3);
  // header: true takes the first row as names even when numeric (numeric neuron ids); duplicates are refused
  await assert.rejects(loadRecording(p, { binSeconds: 0.1, header: true }), /columns 1 and 3 are both named "0"/);
  const ids = await loadRecording(file("ids.csv", "7,8,9\n1,2,3\n4,5,6\n"), { binSeconds: 0.1, header: true });
  assert.deepEqual(ids.neurons, ["7", "8", "9"]);
  assert.equal(ids.activity.rows, 2);
});

test("loadRecording: columns with no numbers or no name are refused, not skipped; ignore leaves them out", async () => {
  const p = file("cond.csv", "n0,cond,n1\n1,left,2\n3,right,4\n");
  await assert.rejects(loadRecording(p, { binSeconds: 0.1 }), /column "cond" \(column 2\) holds no numbers \(first value "left"\); leave it out with ignore: \["cond"\]/);
  const rec = await loadRecording(p, { binSeconds: 0.1, ignore: ["cond"] });
  assert.deepEqual(rec.neurons, ["n0", "n1"]);
  const idx = file("idx.csv", ",a,b\n0,1,2\n1,3,4\n");
  await assert.rejects(loadRecording(idx, { binSeconds: 0.1 }), /column 1 has no name in the header \(often an index column written by pandas' to_csv\); leave it out with ignore: \["col0"\]/);
  assert.deepEqual((await loadRecording(idx, { binSeconds: 0.1, ignore: ["col0"] })).neurons, ["a", "b"]);
  const empty = file("empty.csv", "a,b,c\n1,2,\n3,4,\n");
  await assert.rejects(loadRecording(empty, { binSeconds: 0.1 }), /column "c" \(column 3\) is empty in every row/);
});

test("Arrow and Parquet: null cells follow the same policy, with 1-based rows", async () => {
  const arrowPath = join(dir, "nulls.arrow");
  const t = tableFromArrays({ n0: Float64Array.from([1, 2, 3]), n1: [4, null, 6] as (number | null)[] });
  writeFileSync(arrowPath, tableToIPC(t, "file"));
  await assert.rejects(loadRecording(arrowPath, { binSeconds: 0.1 }), /missing cell \(empty\) at row 2, column 2 \("n1"\)/);
  const arrowZero = await loadRecording(arrowPath, { binSeconds: 0.1, missing: "zero" });
  assert.deepEqual(arrowZero.neurons, ["n0", "n1"]);
  assert.deepEqual(Array.from(arrowZero.activity.col(1)), [4, 0, 6]);

  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const pq = parquetWriteBuffer({
    columnData: [
      { name: "n0", data: [1, 2, 3], type: "INT32" },
      { name: "n1", data: [4, null, 6], type: "DOUBLE" },
    ],
  });
  const pqPath = join(dir, "nulls.parquet");
  writeFileSync(pqPath, new Uint8Array(pq));
  await assert.rejects(loadRecording(pqPath, { binSeconds: 0.1 }), /missing cell \(empty\) at row 2, column 2 \("n1"\)/);
  const pqDrop = await loadRecording(pqPath, { binSeconds: 0.1, missing: "drop-rows" });
  assert.deepEqual(Array.from(pqDrop.activity.data), [1, 4, 3, 6]);
  assert.deepEqual(pqDrop.policyReport.droppedRows, [2]);
});

test("Parquet int64 columns convert exactly, or fail naming the cell beyond 2^53", async () => {
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const write = (values: bigint[]) => {
    const p = join(dir, `i64-${values.length}-${String(values.at(-1))}.parquet`);
    writeFileSync(p, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "n0", data: values, type: "INT64" }] })));
    return p;
  };
  const ok = await loadRecording(write([1n, 2n, 9007199254740991n]), { binSeconds: 0.1 });
  assert.equal(ok.activity.get(2, 0), 9007199254740991);
  await assert.rejects(readTable(write([1n, 2n, 9007199254740993n])), /column "n0", row 3: the 64-bit integer 9007199254740993 is beyond ±2\^53/);
});

test("readCsvMatrix: a numeric first row with a typo is not taken as a header", () => {
  assert.throws(() => readCsvMatrix("1.0,2.O\n3,4\n5,6\n"), /line 1 is a header: 1 of its 2 cells are numbers but 1 is not \(column 2: "2\.O"\)\. Pass header: true .* or header: false/);
  const wide = "0.1,0.2,0.3,O.4,0.5\n1,2,3,4,5\n";
  assert.throws(() => readCsvMatrix(wide), /4 of its 5 cells are numbers but 1 is not \(column 4: "O\.4"\)/);
  // told it is data, the typo becomes an ordinary bad cell
  assert.throws(() => readCsvMatrix("1.0,2.O\n3,4\n", { header: false }), /non-numeric cell "2\.O" at line 1, column 2 \("col1"\); if this row names the columns, pass header: true/);
  const zero = readCsvMatrix("1.0,2.O\n3,4\n", { header: false, missing: "zero" });
  assert.deepEqual(Array.from(zero.matrix.data), [1, 0, 3, 4]);
  assert.equal(zero.policyReport.cellsReplaced, 1);
});

test("readCsvMatrix: integer column names 0, 1, 2, … as a first line are not taken as data without asking", () => {
  assert.throws(() => readCsvMatrix("0,1,2,3\n5,6,7,8\n"), /line 1 is a header: it holds the column numbers 0, 1, 2, … .*Pass header: true/);
  assert.throws(() => readCsvMatrix(",0,1,2\n0,5,6,7\n1,8,9,10\n"), /it holds the column numbers 0, 1, 2/);
  assert.deepEqual(readCsvMatrix("1,2,3\n5,6,7\n", { header: true }).columns, ["1", "2", "3"]);
  assert.equal(readCsvMatrix("0,1,2,3\n5,6,7,8\n", { header: false }).matrix.rows, 2);
  // ordinary numeric rows are data
  assert.equal(readCsvMatrix("0,1,0,1\n2,3,2,3\n").matrix.rows, 2);
  assert.equal(readCsvMatrix("0,1\n2,3\n").matrix.rows, 2);
});

test("readCsvMatrix: headers, names, quotes and the missing policy", () => {
  const headerless = readCsvMatrix("0,1\n2,3\n");
  assert.equal(headerless.columns, null);
  assert.deepEqual(headerless.names, ["col0", "col1"]);
  assert.equal(headerless.matrix.rows, 2);
  const mostlyText = readCsvMatrix("time,x,y,1\n0,1,2,3\n");
  assert.deepEqual(mostlyText.columns, ["time", "x", "y", "1"]);
  assert.equal(mostlyText.matrix.rows, 1);
  const quoted = readCsvMatrix('"a, first","b ""2"""\n1,"2"\n');
  assert.deepEqual(quoted.columns, ["a, first", 'b "2"']);
  assert.deepEqual(Array.from(quoted.matrix.data), [1, 2]);
  assert.throws(() => readCsvMatrix('a,"b\n1,2\n'), /line 1 has an unterminated quote/);
  assert.throws(() => readCsvMatrix("1,nan\n"), /missing cell "nan" at line 1, column 2 \("col1"\)/);
  assert.throws(() => readCsvMatrix("a,b\n1,2\n,4\n3,\n"), /missing cell "" at line 3, column 1 \("a"\); in all 2 cells in 2 rows are missing or not numbers/);
  const dropped = readCsvMatrix("a,b\n1,2\n,4\n5,6\n", { missing: "drop-rows" });
  assert.deepEqual(Array.from(dropped.matrix.data), [1, 2, 5, 6]);
  assert.deepEqual(dropped.policyReport.droppedRows, [3]);
  assert.throws(() => readCsvMatrix("a,b\n1,NA\n", { missing: "drop-rows" }), /every row has a missing or non-numeric cell/);
  assert.throws(() => readCsvMatrix("a,b\n1,2\n", { missing: "skip" as never }), /missing must be one of "error", "zero", "drop-rows"/);
  assert.throws(() => readCsvMatrix("a,b\n1,2\n", { headers: true } as never), /unknown option "headers"/);
  assert.deepEqual(Array.from(readCsvMatrix("1,inf\n").matrix.data), [1, Infinity]);
});
