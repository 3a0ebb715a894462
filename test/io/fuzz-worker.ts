// Worker thread for fuzz.test.ts: runs one reader on one input at a time and reports how it
// ended. Runs in a worker so that the test can stop a hung reader (terminate) and survive a
// crash or an out-of-memory death, and count each of them as a failure.
import { parentPort, workerData } from "node:worker_threads";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readNpy, npyToMatrix } from "../../src/io/npy.js";
import { readCsvMatrix } from "../../src/io/csv.js";
import { loadRecording } from "../../src/io/table.js";
import { readMat5, matToMatrix } from "../../src/io/mat5.js";
import { readHdf5Dataset, listHdf5, readMat73 } from "../../src/io/hdf5.js";
import { readPickle, readJoblib } from "../../src/io/pickle.js";
import { readTorch } from "../../src/io/torch.js";
import { decodeSafetensors } from "../../src/model/safetensors.js";
import { readVideoTracking } from "../../src/io/video-tracking.js";
import { spikeTimesFromMatClust } from "../../src/io/matclust.js";
import { matVariablesToPlain } from "../../src/io/mat-plain.js";

export type FuzzReader = "npy" | "csv" | "recording" | "mat5" | "hdf5" | "mat73" | "safetensors" | "pickle" | "joblib" | "torch" | "tracking" | "matclust";

export interface FuzzJob {
  id: number;
  reader: FuzzReader;
  bytes: Uint8Array;
  /** For hdf5: the dataset to read. */
  dataset?: string;
}

export interface FuzzOutcome {
  id: number;
  outcome: "result" | "error" | "non-error";
  name?: string;
  message?: string;
}

/**
 * The test's scratch folder, removed by the test at the end. Each input gets a file of its own,
 * and none is deleted before the end: HDF5 recognises a file it still holds open (after a failed
 * read) by its inode, so a reused path or a recycled inode would test that guard instead.
 */
const { dir, prefix } = workerData as { dir: string; prefix: string };
let fileNo = 0;

/** Readers that take a path get the input through a temporary file. */
function asFile(bytes: Uint8Array, ext: string): string {
  const p = join(dir, `${prefix}-${fileNo++}${ext}`);
  writeFileSync(p, bytes);
  return p;
}

async function run(job: FuzzJob): Promise<void> {
  const { bytes } = job;
  switch (job.reader) {
    case "npy": {
      const arr = readNpy(bytes);
      if (arr.shape.length <= 2) npyToMatrix(arr, "npy buffer");
      return;
    }
    case "csv": {
      const p = asFile(bytes, ".csv");
      readCsvMatrix(p);
      readCsvMatrix(p, { header: false, missing: "zero" });
      return;
    }
    case "recording":
      await loadRecording(asFile(bytes, ".csv"), { time: "time", labels: ["pos"], missing: "drop-rows" });
      return;
    case "mat5": {
      const vars = readMat5(bytes);
      for (const [name, v] of Object.entries(vars)) if (v.kind === "numeric" && v.shape.length === 2) matToMatrix(v, `MAT buffer: ${name}`);
      return;
    }
    case "hdf5": {
      const p = asFile(bytes, ".h5");
      await listHdf5(p);
      await readHdf5Dataset(p, job.dataset ?? "/");
      return;
    }
    case "mat73":
      await readMat73(asFile(bytes, ".mat"));
      return;
    case "safetensors":
      decodeSafetensors(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return;
    case "pickle":
      readPickle(bytes);
      return;
    case "joblib":
      readJoblib(bytes);
      return;
    case "torch":
      readTorch(bytes);
      return;
    case "tracking":
      readVideoTracking(bytes);
      readVideoTracking(bytes, { trailing: "ignore" });
      return;
    case "matclust": {
      const vars = readMat5(bytes);
      matVariablesToPlain(vars);
      if (vars.spikes) spikeTimesFromMatClust(vars.spikes, {}, "MAT buffer: spikes");
      return;
    }
  }
}

const port = parentPort;
if (!port) throw new Error("fuzz-worker.ts runs as a worker thread of fuzz.test.ts");
port.on("message", (job: FuzzJob | "close") => {
  if (job === "close") {
    port.close();
    return;
  }
  run(job).then(
    () => port.postMessage({ id: job.id, outcome: "result" } satisfies FuzzOutcome),
    (err: unknown) =>
      port.postMessage(
        err instanceof Error
          ? ({ id: job.id, outcome: "error", name: err.name, message: err.message } satisfies FuzzOutcome)
          : ({ id: job.id, outcome: "non-error", message: String(err) } satisfies FuzzOutcome),
      ),
  );
});
