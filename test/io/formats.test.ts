// File formats checked against what NumPy, SciPy, h5py and joblib read from the same fixtures
// (written by scripts/fixtures/io.py; expected.json holds the reference tools' values).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import {
  readNpy,
  writeNpy,
  npyToMatrix,
  readCsvMatrix,
  readMat5,
  readMat,
  matToMatrix,
  readMat73,
  readHdf5Dataset,
  listHdf5,
  readJoblib,
  readPickle,
  pickledArray,
  readZipEntries,
  type NdArray,
  type MatValue,
  Matrix,
} from "../../src/index.js";

const FIX = join(__dirname, "..", "fixtures", "io");
interface Expected {
  shape: number[];
  values: (number | string)[];
  dtype?: string;
  fortranOrder?: boolean;
  imag?: number[];
}
const expected = JSON.parse(readFileSync(join(FIX, "expected.json"), "utf8")) as Record<string, Expected & Record<string, unknown>>;

/** Values of an NdArray in C (row-major) order, as strings for 64-bit integers. */
function cOrderValues(a: { shape: number[]; fortranOrder: boolean; data: NdArray["data"] }): (number | string)[] {
  const n = a.data.length;
  const flat: (number | string)[] = [];
  const big = a.data instanceof BigInt64Array || a.data instanceof BigUint64Array;
  const at = (i: number) => (big ? String(a.data[i]) : Number(a.data[i]));
  if (!a.fortranOrder || a.shape.length < 2) {
    for (let i = 0; i < n; i++) flat.push(at(i));
    return flat;
  }
  // Column-major → row-major for any rank.
  const shape = a.shape;
  const idx = new Array(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    let stride = 1;
    for (let d = 0; d < shape.length; d++) {
      off += idx[d] * stride;
      stride *= shape[d];
    }
    flat.push(at(off));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return flat;
}

function close(actual: (number | string)[], want: (number | string)[], tol = 0) {
  assert.equal(actual.length, want.length);
  for (let i = 0; i < want.length; i++) {
    if (typeof want[i] === "string") assert.equal(actual[i], want[i], `element ${i}`);
    else assert.ok(Math.abs(Number(actual[i]) - Number(want[i])) <= tol, `element ${i}: ${actual[i]} vs ${want[i]}`);
  }
}

test("readNpy reads every dtype, both byte orders and both memory orders like NumPy", () => {
  const keys = Object.keys(expected).filter((k) => k.startsWith("npy/"));
  assert.ok(keys.length >= 40);
  for (const key of keys) {
    const e = expected[key];
    const arr = readNpy(join(FIX, key));
    assert.deepEqual(arr.shape, e.shape, key);
    assert.equal(arr.dtype, e.dtype, key);
    assert.equal(arr.fortranOrder, e.fortranOrder, key);
    close(cOrderValues(arr), e.values);
  }
  const i8 = readNpy(join(FIX, "npy/i8_be_F.npy"));
  assert.ok(i8.data instanceof BigInt64Array);
});

test("npyToMatrix turns Fortran-order arrays into the same row-major Matrix", () => {
  const c = npyToMatrix(readNpy(join(FIX, "npy/f8_le_C.npy")));
  const f = npyToMatrix(readNpy(join(FIX, "npy/f8_be_F.npy")));
  assert.equal(c.rows, 3);
  assert.equal(c.cols, 4);
  assert.deepEqual(Array.from(f.data), Array.from(c.data));
  assert.equal(c.get(1, 2), expected["npy/f8_le_C.npy"].values[6]);
  assert.throws(() => npyToMatrix(readNpy(join(FIX, "npy/f8_3d.npy"))), /expected a 2-D array, got shape \(2, 3, 4\)/);
  const v = npyToMatrix(readNpy(join(FIX, "npy/f8_1d.npy")));
  assert.deepEqual([v.rows, v.cols], [3, 1]);
});

test("writeNpy round-trips and NumPy-compatible headers are 64-byte aligned", () => {
  const dir = mkdtempSync(join(tmpdir(), "npy-"));
  try {
    const m = Matrix.from([[1, 2.5], [-3, 4]]);
    const bytes = writeNpy(m, join(dir, "m.npy"));
    const headerLen = bytes[8] | (bytes[9] << 8);
    assert.equal((10 + headerLen) % 64, 0);
    const back = readNpy(join(dir, "m.npy"));
    assert.deepEqual(back.shape, [2, 2]);
    assert.deepEqual(Array.from(back.data as Float64Array), [1, 2.5, -3, 4]);
    for (const data of [new Int8Array([1, -2, 3]), new Uint16Array([1, 65535, 3]), new BigInt64Array([1n, -(2n ** 60n), 3n]), new Float32Array([0.5, 1, 2])]) {
      const r = readNpy(writeNpy({ shape: [3], data }));
      assert.deepEqual(Array.from(r.data as ArrayLike<unknown>), Array.from(data as ArrayLike<unknown>));
    }
    const f = readNpy(writeNpy({ shape: [2, 3], data: new Float64Array([1, 4, 2, 5, 3, 6]), fortranOrder: true }));
    assert.deepEqual(Array.from(npyToMatrix(f).data), [1, 2, 3, 4, 5, 6]);
    const b = readNpy(writeNpy({ shape: [2], data: new Uint8Array([1, 0]), dtype: "b1" }));
    assert.equal(b.dtype, "b1");
    assert.throws(() => writeNpy({ shape: [4], data: new Float64Array(3) }), /has 4 elements but data has 3/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("readNpy rejects non-npy input and truncated data clearly", () => {
  assert.throws(() => readNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])), /not an \.npy file/);
  const full = readFileSync(join(FIX, "npy/f8_le_C.npy"));
  assert.throws(() => readNpy(full.subarray(0, full.length - 8)), /truncated: need 96 bytes/);
});

test("readCsvMatrix reads header and headerless tables, and names bad cells", () => {
  const want = expected["csv/table"].values as number[];
  const withHeader = readCsvMatrix(join(FIX, "csv/with_header.csv"));
  assert.deepEqual(withHeader.columns, ["x", "y", "z"]);
  close(Array.from(withHeader.matrix.data), want, 1e-12);
  const tsv = readCsvMatrix(join(FIX, "csv/plain.tsv"));
  assert.equal(tsv.columns, null);
  close(Array.from(tsv.matrix.data), want, 1e-12);
  const text = readCsvMatrix("1 2\n3 4\n", { header: false });
  assert.deepEqual(Array.from(text.matrix.data), [1, 2, 3, 4]);
  assert.throws(() => readCsvMatrix("a,b\n1,2\n3\n"), /line 3 has 1 cells but the header has 2 \(ragged rows\)/);
  assert.throws(() => readCsvMatrix("a,b\n1,2\n3,x\n"), /non-numeric cell "x" at line 3, column 2 \("b"\)/);
  assert.throws(() => readCsvMatrix("a,b\n1,2\n", { header: false }), /non-numeric cell "a" at line 1, column 1 \("col0"\); if this row names the columns/);
  assert.throws(() => readCsvMatrix("/no/such/file.csv"), /file not found/);
  // NaN is a missing value: an error unless a policy is chosen (see missing-cells.test.ts)
  assert.throws(() => readCsvMatrix("1,nan\n"), /missing cell "nan" at line 1, column 2/);
  assert.equal(readCsvMatrix("1,nan\n", { missing: "zero" }).matrix.get(0, 1), 0);
});

function numeric(v: MatValue | undefined) {
  assert.ok(v && v.kind === "numeric", "expected a numeric variable");
  return v;
}

for (const file of ["v5.mat", "v5_compressed.mat"]) {
  test(`readMat5 reads ${file} like scipy.io.loadmat`, () => {
    const vars = readMat5(join(FIX, "mat", file));
    for (const key of ["A", "S", "I16", "U8", "I64", "L", "D3", "small"]) {
      const e = expected[`mat/${file}/${key}`];
      const v = numeric(vars[key]);
      assert.deepEqual(v.shape, e.shape, key);
      close(cOrderValues(v), e.values);
    }
    assert.equal(numeric(vars.L).matlabClass, "logical");
    assert.equal(numeric(vars.I64).data instanceof BigInt64Array, true);
    const z = numeric(vars.Z);
    close(cOrderValues(z), expected[`mat/${file}/Z`].values);
    assert.ok(z.imag);
    close(cOrderValues({ ...z, data: z.imag }), expected[`mat/${file}/Z`].imag as number[]);
    assert.deepEqual(vars.name, { kind: "char", shape: [1, 5], value: expected[`mat/${file}/name`].value });
    const st = vars.st;
    assert.ok(st.kind === "struct");
    close(cOrderValues(numeric(st.elements[0].x)), expected[`mat/${file}/st.x`].values);
    assert.deepEqual(st.elements[0].label, { kind: "char", shape: [1, 3], value: "abc" });
    const c = vars.C;
    assert.ok(c.kind === "cell");
    close(cOrderValues(numeric(c.items[0])), expected[`mat/${file}/C`].first as number[]);
    assert.ok(c.items[1].kind === "char" && c.items[1].value === expected[`mat/${file}/C`].second);
    const A = matToMatrix(vars.A, "A");
    close(Array.from(A.data), expected[`mat/${file}/A`].values);
  });
}

test("MAT readers reject the wrong kind of file with a pointer to the right reader", async () => {
  assert.throws(() => readMat5(join(FIX, "hdf5/v73.mat")), /v7\.3 \(HDF5\) file; read it with readMat\(\)/);
  assert.throws(() => readMat5(join(FIX, "npy/f8_le_C.npy")), /too short|not a Level 5 MAT-file/);
  const vars = readMat5(join(FIX, "mat/v5.mat"));
  assert.throws(() => matToMatrix(vars.D3, "D3"), /D3: expected a 2-D array, got shape \(2, 3, 4\)/);
  assert.throws(() => matToMatrix(vars.nope, "nope"), /nope: no such variable/);
  const compressed = readFileSync(join(FIX, "mat/v5_compressed.mat"));
  assert.throws(() => readMat5(compressed.subarray(0, 200)), /truncated MAT-file/);
});

test("readMat73 reads MATLAB v7.3 (HDF5) variables in MATLAB's shape", async () => {
  const vars = await readMat(join(FIX, "hdf5/v73.mat"));
  const A = numeric(vars.A);
  assert.deepEqual(A.shape, expected["hdf5/v73.mat/A"].shape);
  close(Array.from(matToMatrix(A).data), expected["hdf5/v73.mat/A"].values);
  const spikes = numeric(vars.spikes);
  assert.equal(spikes.matlabClass, "uint8");
  close(Array.from(matToMatrix(spikes).data), expected["hdf5/v73.mat/spikes"].values);
  const trial = vars.trial;
  assert.ok(trial.kind === "struct");
  close(Array.from(matToMatrix(trial.elements[0].t).data), expected["hdf5/v73.mat/trial/t"].values);
  const cell = vars.C;
  assert.ok(cell.kind === "cell");
  assert.deepEqual(cell.shape, [1, 3]);
  cell.items.forEach((item, i) => {
    const e = expected[`hdf5/v73.mat/C${i}`];
    assert.deepEqual(numeric(item).shape, e.shape);
    close(Array.from(matToMatrix(item).data), e.values);
  });
  assert.equal(numeric(cell.items[2]).matlabClass, "uint8");
  const empty = numeric(vars.E);
  assert.deepEqual([empty.shape, empty.data.length], [[0, 0], 0]);
  const same = await readMat73(join(FIX, "hdf5/v73.mat"));
  assert.deepEqual(Object.keys(same).sort(), ["A", "C", "E", "spikes", "trial"]);
});

test("HDF5 (NWB-like) datasets and listing", async () => {
  const file = join(FIX, "hdf5/nwb_like.h5");
  const data = await readHdf5Dataset(file, "/acquisition/ElectricalSeries/data");
  const e = expected["hdf5/nwb_like.h5/acquisition/ElectricalSeries/data"];
  assert.deepEqual(data.shape, e.shape);
  assert.equal(data.dtype, "f4");
  close(cOrderValues(data), e.values);
  const listing = await listHdf5(file);
  const paths = listing.map((x) => `${x.kind}:${x.path}`);
  assert.ok(paths.includes("group:/acquisition/ElectricalSeries"));
  assert.ok(paths.includes("dataset:/units/spike_times"));
  await assert.rejects(readHdf5Dataset(file, "/acquisition"), /is a group, not a dataset/);
  await assert.rejects(readHdf5Dataset(file, "/nope"), /no dataset/);
  await assert.rejects(readHdf5Dataset(join(FIX, "nope.h5"), "/x"), /not found/);
});

for (const file of ["joblib_plain.jl", "joblib_zlib.jl", "joblib_gzip.jl", "numpy_protocol2.pkl", "numpy_protocol4.pkl"]) {
  test(`pickle reader: ${file} gives NumPy's arrays and plain values`, () => {
    const path = join(FIX, "pickle", file);
    const value = file.endsWith(".jl") ? readJoblib(path) : readPickle(path);
    for (const key of ["spikes", "position", "labels", "fortran", "bigend"]) {
      const e = expected[`pickle/${key}`];
      const arr = pickledArray(value, key, file);
      assert.deepEqual(arr.shape, e.shape, key);
      assert.equal(arr.dtype, e.dtype, key);
      close(cOrderValues(arr), e.values);
    }
    assert.deepEqual((value as Record<string, unknown>).meta, expected["pickle/meta"]);
    assert.throws(() => pickledArray(value, "nope", file), /no key "nope" \(keys: spikes, position/);
  });
}

test("pickle reader rejects truncated streams", () => {
  const bytes = readFileSync(join(FIX, "pickle/joblib_plain.jl"));
  assert.throws(() => readJoblib(bytes.subarray(0, bytes.length - 40)), /truncated/);
  assert.throws(() => readJoblib(new Uint8Array([1, 2, 3])), /not a joblib\/pickle file/);
});

test("readZipEntries reads stored and deflated entries", () => {
  const entries = readZipEntries(readFileSync(join(FIX, "zip/mixed.zip")));
  assert.equal(new TextDecoder().decode(entries.get("stored.txt")), "plain text ".repeat(20));
  const bin = entries.get("dir/deflated.bin");
  assert.equal(bin?.length, 2048);
  assert.ok(bin?.every((b, i) => b === i % 256));
  assert.throws(() => readZipEntries(new Uint8Array(100)), /not a zip archive/);
});
