// Reader errors name the file (and the dataset inside it) and say what is wrong in one line: a
// folder passed as a file, a missing file, HDF5 failures, 64-bit integers beyond 2^53.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readNpy, writeNpy, npyToMatrix } from "../../src/io/npy.js";
import { readCsvMatrix } from "../../src/io/csv.js";
import { readMat5 } from "../../src/io/mat5.js";
import { readPickle, readJoblib } from "../../src/io/pickle.js";
import { readTorch } from "../../src/io/torch.js";
import { readHdf5Dataset, listHdf5, readMat73 } from "../../src/io/hdf5.js";
import { readMat } from "../../src/io/mat.js";
import { readTable, loadRecording } from "../../src/io/table.js";

const FIX = join(__dirname, "..", "fixtures", "io");
const NWB = join(FIX, "hdf5", "nwb_like.h5");
const DATA = "/acquisition/ElectricalSeries/data";
const dir = mkdtempSync(join(tmpdir(), "marble-reader-errors-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `fn` with stderr and console.error captured; returns what was printed. */
async function captureStderr(fn: () => Promise<unknown>): Promise<string> {
  let printed = "";
  const write = process.stderr.write.bind(process.stderr);
  const error = console.error;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    printed += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  console.error = (...args: unknown[]) => {
    printed += args.join(" ") + "\n";
  };
  try {
    await fn().catch(() => undefined);
  } finally {
    process.stderr.write = write;
    console.error = error;
  }
  return printed;
}

test("a folder passed as a file is named, for every reader", async () => {
  const folder = join(dir, "recording.npy");
  mkdirSync(folder);
  const isFolder = (reader: string) => new RegExp(`${reader}: ${folder.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is a folder, not a file`);
  assert.throws(() => readNpy(folder), isFolder("readNpy"));
  assert.throws(() => readCsvMatrix(folder), isFolder("readCsvMatrix"));
  assert.throws(() => readMat5(folder), isFolder("readMat5"));
  assert.throws(() => readPickle(folder), isFolder("readPickle"));
  assert.throws(() => readJoblib(folder), isFolder("readJoblib"));
  assert.throws(() => readTorch(folder), isFolder("readTorch"));
  await assert.rejects(readHdf5Dataset(folder, DATA), isFolder("HDF5"));
  await assert.rejects(readTable(folder), isFolder("readTable"));
  await assert.rejects(loadRecording(folder, { binSeconds: 0.1 }), isFolder("readTable"));
});

test("a missing file is named, for every reader", async () => {
  const missing = join(dir, "nope", "x.npy");
  for (const [name, read] of [
    ["readNpy", () => readNpy(missing)],
    ["readCsvMatrix", () => readCsvMatrix(missing)],
    ["readMat5", () => readMat5(missing)],
    ["readPickle", () => readPickle(missing)],
    ["readTorch", () => readTorch(missing)],
  ] as const) {
    assert.throws(read, new RegExp(`${name}: file not found: .*nope/x\\.npy`), name);
  }
  await assert.rejects(readHdf5Dataset(missing, DATA), /HDF5: file not found: .*nope\/x\.npy/);
  await assert.rejects(readTable(missing), /readTable: file not found: .*nope\/x\.npy/);
});

test("HDF5 failures are one line naming the file and the object, with no HDF5-DIAG listing", async () => {
  const notHdf5 = join(FIX, "npy", "f8_le_C.npy");
  let message = "";
  const printed = await captureStderr(async () => {
    try {
      await readHdf5Dataset(notHdf5, DATA);
    } catch (err) {
      message = (err as Error).message;
    }
  });
  assert.equal(message, `${notHdf5}: cannot open as HDF5: file signature not found (Not an HDF5 file)`);
  assert.doesNotMatch(printed, /HDF5-DIAG/);

  const truncated = join(dir, "truncated.h5");
  writeFileSync(truncated, readFileSync(NWB).subarray(0, 4000));
  await assert.rejects(readHdf5Dataset(truncated, DATA), /truncated\.h5: cannot open as HDF5: truncated file: eof = 4000.*\(File has been truncated\)$/);
  await assert.rejects(listHdf5(truncated), /truncated\.h5: cannot open as HDF5: truncated file/);

  // a corrupted object header: the file opens, reading the dataset fails
  const corrupt = join(dir, "corrupt.h5");
  const bytes = Buffer.from(readFileSync(NWB));
  bytes[112] ^= 0xff;
  writeFileSync(corrupt, bytes);
  const failure = await captureStderr(async () => {
    await assert.rejects(readHdf5Dataset(corrupt, DATA), (err: Error) => {
      assert.equal(err.message.split("\n").length, 1, err.message);
      assert.match(err.message, new RegExp(`^${corrupt.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${DATA}: cannot read: `));
      assert.doesNotMatch(err.message, /name not defined|HDF5-DIAG|#00/);
      return true;
    });
  });
  assert.doesNotMatch(failure, /HDF5-DIAG/);
  await assert.rejects(readHdf5Dataset(NWB, "/nope/data"), new RegExp(`nwb_like\\.h5: no dataset "/nope/data"`));
  await assert.rejects(readMat(notHdf5), /not a Level 5 MAT-file|too short/);
  await assert.rejects(readMat73(notHdf5), /cannot open as HDF5: file signature not found/);
});

test("a MATLAB v7.3 empty array whose stored dimensions are corrupt is a clear error (found by fuzzing)", async () => {
  const p = join(dir, "empty-dims.mat");
  const bytes = Buffer.from(readFileSync(join(FIX, "hdf5", "v73.mat")));
  bytes.fill(0xff, 10461, 10465); // inside the stored dimensions of the empty variable E
  writeFileSync(p, bytes);
  await assert.rejects(readMat73(p), (err: Error) => {
    assert.ok(!(err.cause instanceof TypeError), err.message);
    assert.match(err.message, /empty-dims\.mat:E: empty array without its stored dimensions/);
    return true;
  });
});

test("an HDF5 file rewritten in place after a failed read is refused, not read stale", async () => {
  const p = join(dir, "rewritten.h5");
  const bytes = Buffer.from(readFileSync(NWB));
  bytes[112] ^= 0xff;
  writeFileSync(p, bytes);
  await assert.rejects(readHdf5Dataset(p, DATA), /cannot read/);
  writeFileSync(p, readFileSync(NWB)); // same inode, new contents
  await assert.rejects(readHdf5Dataset(p, DATA), /was rewritten \(or replaced by one reusing its inode\) after an earlier read of it failed.*restart the process/);
  // the same contents under a new name read normally
  const fresh = join(dir, "fresh.h5");
  writeFileSync(fresh, readFileSync(NWB));
  assert.deepEqual((await readHdf5Dataset(fresh, DATA)).shape, [10, 3]);
});

test("int64/uint64 arrays convert exactly up to 2^53 and fail clearly beyond, never with a TypeError", () => {
  const exact = readNpy(writeNpy({ shape: [2, 2], data: BigInt64Array.from([1n, -2n, 9007199254740991n, -9007199254740991n]) }));
  assert.deepEqual(Array.from(npyToMatrix(exact, "a.npy").data), [1, -2, 9007199254740991, -9007199254740991]);
  const u64 = readNpy(writeNpy({ shape: [3], data: BigUint64Array.from([0n, 5n, 18446744073709551615n]) }));
  assert.throws(() => npyToMatrix(u64, "big.npy"), (err: Error) => {
    assert.ok(!(err instanceof TypeError));
    assert.match(err.message, /^big\.npy: the 64-bit integer 18446744073709551615 at index 2 is beyond ±2\^53/);
    return true;
  });
});

test("pickle and joblib: corrupt input is a clear error naming the input", () => {
  assert.throws(() => readJoblib(new Uint8Array([0x80])), /joblib buffer: 1 bytes is too short/);
  const gz = readFileSync(join(FIX, "pickle", "joblib_gzip.jl"));
  assert.throws(() => readJoblib(gz.subarray(0, gz.length - 20)), /joblib buffer: corrupt gzip-compressed joblib file/);
  // APPEND onto something that is not a list
  assert.throws(() => readPickle(new Uint8Array([0x80, 0x02, 0x4b, 0x01, 0x4b, 0x02, 0x61, 0x2e])), /pickle buffer: corrupt pickle \(APPEND on a non-list/);
});
