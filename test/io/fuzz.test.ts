// Fuzzing the file readers: valid sample files of each format, cut short and with bytes changed by
// a seeded generator, must each end in a result or an Error whose message names the input — never
// a crash, a hang, an engine error (TypeError, out-of-bounds RangeError, stack overflow) or a
// thrown non-Error. Each input runs in a worker thread with a time limit; a failing input is saved
// so that it can be replayed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeSafetensors } from "../../src/model/safetensors.js";
import type { FuzzJob, FuzzOutcome, FuzzReader } from "./fuzz-worker.js";
import { mulberry32, mutate } from "./fuzz-inputs.js";

const ROOT = join(__dirname, "..", "..");
/** Per input; generous because the machine may be shared. Inputs normally take milliseconds. */
const TIME_LIMIT_MS = 5000;
/** MARBLE_FUZZ_SEED and MARBLE_FUZZ_SCALE run other or more inputs than the fixed set in CI. */
const BASE_SEED = Number(process.env.MARBLE_FUZZ_SEED ?? 0x5eed);
const SCALE = Number(process.env.MARBLE_FUZZ_SCALE ?? 1);

interface Seed {
  reader: FuzzReader;
  name: string;
  bytes: Uint8Array;
  dataset?: string;
  /** Mutated inputs made from this seed. */
  count: number;
}

function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ROOT, path)));
}

function recordingCsv(): Uint8Array {
  const lines = ["time,n0,n1,pos"];
  for (let t = 0; t < 30; t++) lines.push(`${(t * 0.1).toFixed(1)},${t % 4},${(t * 7) % 5},${Math.sin(t).toFixed(4)}`);
  return new TextEncoder().encode(lines.join("\n") + "\n");
}

function safetensorsSample(): Uint8Array {
  const f64 = Float64Array.from({ length: 12 }, (_, i) => i / 3 - 1);
  const f32 = Float32Array.from({ length: 6 }, (_, i) => i * 1.5);
  return new Uint8Array(encodeSafetensors({ "layer.weight": { shape: [3, 4], data: f64 }, "layer.bias": { shape: [6], data: f32 } }, { format: "marble", epoch: "3" }));
}

const SEEDS: Seed[] = [
  ...["f8_le_C", "f4_be_F", "i8_be_C", "u8_le_F", "b1_le_C", "i2_be_F", "f8_3d", "f8_1d"].map(
    (n): Seed => ({ reader: "npy", name: `${n}.npy`, bytes: fixture(`test/fixtures/io/npy/${n}.npy`), count: 60 }),
  ),
  { reader: "npy", name: "buddy_position_f64.npy", bytes: fixture("data/rat_hippocampus/buddy_position_f64.npy"), count: 60 },
  { reader: "csv", name: "with_header.csv", bytes: fixture("test/fixtures/io/csv/with_header.csv"), count: 150 },
  { reader: "csv", name: "plain.tsv", bytes: fixture("test/fixtures/io/csv/plain.tsv"), count: 150 },
  { reader: "recording", name: "recording.csv", bytes: recordingCsv(), count: 200 },
  { reader: "mat5", name: "v5.mat", bytes: fixture("test/fixtures/io/mat/v5.mat"), count: 300 },
  { reader: "mat5", name: "v5_compressed.mat", bytes: fixture("test/fixtures/io/mat/v5_compressed.mat"), count: 150 },
  { reader: "mat5", name: "achilles_data_matlab_export.mat", bytes: fixture("data/rat_hippocampus/achilles_data_matlab_export.mat"), count: 100 },
  { reader: "hdf5", name: "nwb_like.h5", bytes: fixture("test/fixtures/io/hdf5/nwb_like.h5"), dataset: "/acquisition/ElectricalSeries/data", count: 400 },
  { reader: "mat73", name: "v73.mat", bytes: fixture("test/fixtures/io/hdf5/v73.mat"), count: 250 },
  { reader: "safetensors", name: "sample.safetensors", bytes: safetensorsSample(), count: 400 },
  { reader: "pickle", name: "numpy_protocol2.pkl", bytes: fixture("test/fixtures/io/pickle/numpy_protocol2.pkl"), count: 200 },
  { reader: "pickle", name: "numpy_protocol4.pkl", bytes: fixture("test/fixtures/io/pickle/numpy_protocol4.pkl"), count: 200 },
  { reader: "joblib", name: "joblib_plain.jl", bytes: fixture("test/fixtures/io/pickle/joblib_plain.jl"), count: 200 },
  { reader: "joblib", name: "joblib_zlib.jl", bytes: fixture("test/fixtures/io/pickle/joblib_zlib.jl"), count: 60 },
  { reader: "joblib", name: "joblib_gzip.jl", bytes: fixture("test/fixtures/io/pickle/joblib_gzip.jl"), count: 60 },
  { reader: "torch", name: "dms_rank2_500.pt", bytes: fixture("data/rnn/dms_rank2_500.pt"), count: 300 },
  // the raw linear-track recording: the tracking file's first records and the whole MatClust file
  { reader: "tracking", name: "trajectory.videoPositionTracking (first 400 records)", bytes: fixture("data/rat_linear_track/trajectory.videoPositionTracking").slice(0, 197 + 12 * 400), count: 200 },
  { reader: "matclust", name: "spikes.mat", bytes: fixture("data/rat_linear_track/spikes.mat"), count: 150 },
];

/** The text an error message must contain to count as naming the input. */
function inputMarker(reader: FuzzReader): RegExp {
  switch (reader) {
    case "npy":
      return /npy buffer|array/;
    case "mat5":
    case "matclust":
      return /MAT buffer/;
    case "tracking":
      return /video tracking buffer|record buffer|readHeaderedRecords/;
    case "csv":
    case "recording":
    case "hdf5":
    case "mat73":
      return /marble-fuzz-/;
    case "safetensors":
      return /safetensors/;
    case "pickle":
      return /pickle buffer/;
    case "joblib":
      return /joblib buffer/;
    case "torch":
      return /torch buffer/;
  }
}

/** Errors raised by the JavaScript engine rather than by a reader's own checks. */
const ENGINE_ERROR = /outside the bounds|Invalid typed array length|Invalid array length|Array buffer allocation failed|call stack|out of memory|should be a multiple of|Cannot convert|is not a function|is not iterable|Cannot read properties/;

/** One worker at a time; replaced after a hang or a crash. */
class ReaderPool {
  private worker: Worker | null = null;
  stderr = "";
  /** Scratch folder for inputs that readers take as a path. */
  readonly dir = mkdtempSync(join(tmpdir(), "marble-fuzz-"));
  private started = 0;

  private start(): Worker {
    // the worker loads TypeScript through tsx's CommonJS hook, as the test runner does
    const source = `require("tsx/cjs/api").register(); require(${JSON.stringify(join(__dirname, "fuzz-worker.ts"))});`;
    const w = new Worker(source, {
      eval: true,
      workerData: { dir: this.dir, prefix: `w${this.started++}` },
      resourceLimits: { maxOldGenerationSizeMb: 512 },
      stderr: true,
    });
    w.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.worker = w;
    return w;
  }

  run(job: FuzzJob): Promise<{ outcome: FuzzOutcome["outcome"] | "hang" | "crash"; name?: string; message?: string; ms: number }> {
    const w = this.worker ?? this.start();
    const t0 = Date.now();
    return new Promise((resolve) => {
      const done = (r: { outcome: FuzzOutcome["outcome"] | "hang" | "crash"; name?: string; message?: string }) => {
        clearTimeout(timer);
        w.off("message", onMessage);
        w.off("error", onError);
        w.off("exit", onExit);
        resolve({ ...r, ms: Date.now() - t0 });
      };
      const onMessage = (m: FuzzOutcome) => {
        if (m.id === job.id) done(m);
      };
      const onError = (err: Error) => {
        this.worker = null;
        done({ outcome: "crash", name: err.name, message: err.message });
      };
      const onExit = (code: number) => {
        this.worker = null;
        done({ outcome: "crash", message: `worker exited with code ${code}` });
      };
      const timer = setTimeout(() => {
        this.worker = null;
        void w.terminate();
        done({ outcome: "hang", message: `no answer within ${TIME_LIMIT_MS} ms` });
      }, TIME_LIMIT_MS);
      w.on("message", onMessage);
      w.on("error", onError);
      w.on("exit", onExit);
      w.postMessage(job);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) {
      w.postMessage("close");
      await w.terminate();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

test("readers survive truncated and corrupted inputs (seeded fuzzing)", { timeout: 240_000 }, async (t) => {
  const pool = new ReaderPool();
  let saveDir = "";
  const failures: string[] = [];
  const tally = new Map<FuzzReader, { inputs: number; results: number; errors: number; slowestMs: number }>();
  let id = 0;
  const t0 = Date.now();
  try {
    for (const [s, seed] of SEEDS.entries()) {
      // the unmutated file must read, or the fuzzing of this reader would prove nothing
      const base = await pool.run({ id: id++, reader: seed.reader, bytes: seed.bytes, dataset: seed.dataset });
      assert.equal(base.outcome, "result", `${seed.name} does not read as a valid ${seed.reader} file: ${base.message}`);
      const rand = mulberry32(BASE_SEED + 7919 * s);
      const row = tally.get(seed.reader) ?? { inputs: 0, results: 0, errors: 0, slowestMs: 0 };
      tally.set(seed.reader, row);
      for (let k = 0; k < Math.round(seed.count * SCALE); k++) {
        const { bytes, how } = mutate(seed.bytes, rand);
        const r = await pool.run({ id: id++, reader: seed.reader, bytes, dataset: seed.dataset });
        row.inputs++;
        row.slowestMs = Math.max(row.slowestMs, r.ms);
        let problem = "";
        if (r.outcome === "result") row.results++;
        else if (r.outcome === "error") {
          row.errors++;
          const message = r.message ?? "";
          if (!message.trim()) problem = `${r.name} without a message`;
          else if (r.name === "TypeError" || r.name === "ReferenceError" || ENGINE_ERROR.test(message)) problem = `engine error ${r.name}: ${message}`;
          else if (!inputMarker(seed.reader).test(message)) problem = `message does not name the input: ${r.name}: ${message}`;
        } else problem = `${r.outcome}: ${r.name ?? ""} ${r.message ?? ""}`;
        if (problem) {
          saveDir ||= mkdtempSync(join(tmpdir(), "marble-fuzz-failures-"));
          const saved = join(saveDir, `${seed.name}.${k}`);
          writeFileSync(saved, bytes);
          failures.push(`${seed.reader} ${seed.name} #${k} (${how}) → ${problem.slice(0, 300)} [saved ${saved}]`);
        }
      }
    }
  } finally {
    await pool.close();
  }
  const seconds = (Date.now() - t0) / 1000;
  let total = 0;
  for (const [reader, row] of tally) {
    total += row.inputs;
    t.diagnostic(`${reader}: ${row.inputs} inputs, ${row.results} read, ${row.errors} clear errors, slowest ${row.slowestMs} ms`);
  }
  t.diagnostic(`${total} inputs in ${seconds.toFixed(1)} s (seed ${BASE_SEED}, scale ${SCALE})`);
  if (failures.length) writeFileSync(join(saveDir, "failures.txt"), failures.join("\n") + "\n");
  assert.equal(failures.length, 0, `${failures.length} inputs failed (all listed in ${join(saveDir, "failures.txt")}):\n${failures.slice(0, 30).join("\n")}`);
  assert.doesNotMatch(pool.stderr, /HDF5-DIAG/, "HDF5 diagnostics were printed instead of being summarised in the error");
});
