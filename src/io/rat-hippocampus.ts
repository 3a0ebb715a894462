/**
 * CA1 recordings of four rats running on a 1.6 m linear track (Grosmark & Buzsáki 2016), binned at
 * 25 ms as packaged by CEBRA: spike counts (T × N) and labels [position m, right, left].
 * "achilles" and "buddy" ship in data/rat_hippocampus; "cicero" and "gatsby" come from the download
 * cache after `marble data fetch rat-hippocampus`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Matrix } from "../core/index.js";
import { matToMatrix, readMat5 } from "./mat5.js";
import { npyToMatrix, readNpy } from "./npy.js";
import { cacheDir, dataDir as defaultDataDir } from "./paths.js";
import { pickledArray, readJoblib } from "./pickle.js";

export const RAT_NAMES = ["achilles", "buddy", "cicero", "gatsby"] as const;
export type RatName = (typeof RAT_NAMES)[number];

/** Where a rat's data are read from: CEBRA's joblib file, the MAT export, or the .npy copies. */
export type RatSource = "jl" | "mat" | "npy";

export interface RatHippocampusData {
  name: RatName;
  /** Spike counts per 25 ms bin, T × N (bins × neurons). */
  spikes: Matrix;
  /** Position on the track in metres, one per bin. */
  position: Float64Array;
  /** Running direction per bin: +1 right, −1 left, 0 neither (from label columns 1–2). */
  direction: Int8Array;
  binSeconds: number;
  /** The file the spikes were read from. */
  file: string;
}

export interface RatLoadOptions {
  /** Folder holding rat_hippocampus/ (default: the repository's data/ or MARBLE_DATA_DIR). */
  dataDir?: string;
  /** File to read; default "mat" for achilles, "jl" for the others. */
  source?: RatSource;
  /** Download cache to search for fetched rats (default: MARBLE_CACHE_DIR or ~/.cache/marble-lab). */
  cacheDir?: string;
}

/** The manifest that describes the rats' upstream files (data-manifests/rat-hippocampus.json). */
export const RAT_MANIFEST = "rat-hippocampus";

function labelsToFields(labels: Matrix, where: string): { position: Float64Array; direction: Int8Array } {
  if (labels.cols !== 3) throw new Error(`${where}: expected labels with 3 columns [position, right, left], found ${labels.cols}`);
  const position = new Float64Array(labels.rows);
  const direction = new Int8Array(labels.rows);
  for (let t = 0; t < labels.rows; t++) {
    position[t] = labels.data[t * 3];
    const right = labels.data[t * 3 + 1];
    const left = labels.data[t * 3 + 2];
    direction[t] = right > 0 && !(left > 0) ? 1 : left > 0 && !(right > 0) ? -1 : 0;
  }
  return { position, direction };
}

/**
 * The MAT export stored `neuralDataMat` scrambled by a reshape: with v the stored T × N matrix
 * flattened row-major, the true counts are S[t][i] = v[i·T + t] (S = v.reshape(N, T).T).
 */
export function unscrambleAchillesSpikes(stored: Matrix): Matrix {
  const T = stored.rows;
  const N = stored.cols;
  const v = stored.data;
  const out = new Float64Array(T * N);
  for (let i = 0; i < N; i++) {
    const base = i * T;
    for (let t = 0; t < T; t++) out[t * N + i] = v[base + t];
  }
  return new Matrix(T, N, out);
}

function requireFile(path: string, name: string, hint: string): string {
  if (!existsSync(path)) throw new Error(`rat "${name}": ${path} not found. ${hint}`);
  return path;
}

function fromJoblib(path: string, name: RatName): RatHippocampusData {
  const dict = readJoblib(path);
  const spikes = npyToMatrix(pickledArray(dict, "spikes", path), `${name} spikes`);
  const labels = npyToMatrix(pickledArray(dict, "position", path), `${name} position`);
  if (labels.rows !== spikes.rows) throw new Error(`${path}: ${spikes.rows} spike bins but ${labels.rows} label rows`);
  return { name, spikes, ...labelsToFields(labels, path), binSeconds: 0.025, file: path };
}

function fromNpy(folder: string, name: RatName, hint: string): RatHippocampusData {
  const spikesPath = requireFile(join(folder, `${name}_spikes_u8.npy`), name, hint);
  const labelsPath = requireFile(join(folder, `${name}_position_f64.npy`), name, hint);
  const spikes = npyToMatrix(readNpy(spikesPath), `${name} spikes`);
  const labels = npyToMatrix(readNpy(labelsPath), `${name} position`);
  return { name, spikes, ...labelsToFields(labels, labelsPath), binSeconds: 0.025, file: spikesPath };
}

function achillesFromMat(path: string): RatHippocampusData {
  const vars = readMat5(path);
  const neural = vars.neuralDataMat;
  if (!neural || neural.kind !== "numeric") throw new Error(`${path}: no numeric variable "neuralDataMat"`);
  const spikes = unscrambleAchillesSpikes(matToMatrix(neural, "neuralDataMat"));
  const labels = matToMatrix(vars.behaviorDataMat, "behaviorDataMat");
  if (labels.rows !== spikes.rows) throw new Error(`${path}: ${spikes.rows} spike bins but ${labels.rows} label rows`);
  return { name: "achilles", spikes, ...labelsToFields(labels, path), binSeconds: 0.025, file: path };
}

/** Loads one rat's binned spikes and track labels. */
export function loadRatHippocampus(name: RatName, options: RatLoadOptions = {}): RatHippocampusData {
  if (!RAT_NAMES.includes(name)) {
    throw new Error(`loadRatHippocampus: unknown rat "${String(name)}"; choose one of ${RAT_NAMES.join(", ")}`);
  }
  const shipped = join(options.dataDir ?? defaultDataDir(), "rat_hippocampus");
  const cached = join(options.cacheDir ?? cacheDir(), RAT_MANIFEST);
  const fetchHint = `Run \`marble data fetch ${RAT_MANIFEST} --file ${name}.jl\` to download it (or pass { dataDir }).`;
  const source = options.source ?? (name === "achilles" ? "mat" : "jl");
  if (!["jl", "mat", "npy"].includes(source)) {
    throw new Error(`loadRatHippocampus: source must be "jl", "mat" or "npy", got "${String(source)}"`);
  }
  if (source === "mat") {
    if (name !== "achilles") throw new Error(`rat "${name}": only achilles has a MAT export; use source "jl"`);
    return achillesFromMat(requireFile(join(shipped, "achilles_data_matlab_export.mat"), name, "The MAT export ships in data/rat_hippocampus."));
  }
  if (source === "npy") {
    return fromNpy(shipped, name, name === "achilles" || name === "buddy" ? "The .npy copies ship in data/rat_hippocampus." : `Only achilles and buddy have .npy copies; use source "jl". ${fetchHint}`);
  }
  const candidates = [join(shipped, `${name}.jl`), join(cached, `${name}.jl`)];
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`rat "${name}": ${name}.jl is not in ${shipped} or the cache ${cached}. ${fetchHint}`);
  }
  return fromJoblib(found, name);
}
