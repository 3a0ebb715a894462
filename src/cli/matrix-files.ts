/**
 * The CLI's matrix files: anchors and vectors read from .npy or .csv with errors that name the flag
 * and the path, the shape checks between each anchor file and its vector file, and embeddings
 * written as .npy (a plain matrix) or .csv (a header row and the condition of every point).
 */
import { accessSync, constants, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { Matrix } from "../core/matrix.js";
import { ValidationError } from "../core/validate.js";
import { readNpy, npyToMatrix, writeNpy } from "../io/npy.js";
import { readCsvMatrix } from "../io/csv.js";
import { writeFileAtomic } from "../io/atomic.js";
import { UsageError } from "./args.js";

const READABLE = [".npy", ".csv", ".tsv", ".txt"];
const WRITABLE = [".npy", ".csv"];

/** A matrix read from a file, with what an error message needs to name it. */
export interface MatrixFile {
  /** The flag that named the file, e.g. "--anchor". */
  flag: string;
  /** The path as given on the command line. */
  path: string;
  matrix: Matrix;
  /** Set when the file held a 1-D array (read as one column). */
  oneDimensional: boolean;
}

/** "--anchor pos.npy". */
function label(flag: string, path: string): string {
  return `${flag} ${path}`;
}

/**
 * Checks that `path` names a readable file of a supported type, without reading it; throws a
 * ValidationError naming the flag, the path as given and the absolute path.
 */
export function checkInputFile(flag: string, path: string): void {
  const abs = resolve(path);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(abs).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new ValidationError(`${label(flag, path)}: file not found (${abs})`);
    if (code === "EACCES" || code === "EPERM") throw new ValidationError(`${label(flag, path)}: permission denied (${abs})`);
    throw new ValidationError(`${label(flag, path)}: cannot read (${code ?? (e as Error).message}) (${abs})`);
  }
  if (isDirectory) throw new ValidationError(`${label(flag, path)}: is a directory, not a file (${abs}); pass a .npy or .csv file`);
  if (!READABLE.includes(extname(path).toLowerCase())) {
    throw new ValidationError(`${label(flag, path)}: unsupported file type "${extname(path) || "(none)"}"; use .npy or .csv (also .tsv, .txt)`);
  }
  try {
    accessSync(abs, constants.R_OK);
  } catch {
    throw new ValidationError(`${label(flag, path)}: permission denied (${abs})`);
  }
}

/** Reads a 2-D matrix from .npy or .csv/.tsv/.txt; a 1-D array becomes one column. */
export function readMatrixFile(flag: string, path: string): MatrixFile {
  checkInputFile(flag, path);
  const abs = resolve(path);
  // the readers prefix their messages with the path; name the flag instead
  const rename = (e: unknown): never => {
    const message = (e as Error).message;
    const own = [`${abs}: `, `${path}: `].find((p) => message.startsWith(p));
    throw new ValidationError(`${label(flag, path)}: ${own ? message.slice(own.length) : message}`);
  };
  try {
    if (extname(path).toLowerCase() === ".npy") {
      const arr = readNpy(abs);
      if (arr.shape.length > 2) throw new Error(`expected a 1-D or 2-D array, got shape (${arr.shape.join(", ")})`);
      return { flag, path, matrix: npyToMatrix(arr, label(flag, path)), oneDimensional: arr.shape.length === 1 };
    }
    return { flag, path, matrix: readCsvMatrix(abs).matrix, oneDimensional: false };
  } catch (e) {
    return rename(e);
  }
}

/** "pos.npy (144 × 1, a 1-D array)". */
export function describeShape(f: MatrixFile): string {
  return `${f.path} (${f.matrix.rows} × ${f.matrix.cols}${f.oneDimensional ? ", a 1-D array" : ""})`;
}

/** Number of --anchor and --vector flags must agree; a usage error (exit 2) otherwise. */
export function checkPairCount(anchors: readonly string[], vectors: readonly string[]): void {
  if (anchors.length === 0) throw new UsageError("give at least one --anchor FILE and its --vector FILE");
  if (anchors.length !== vectors.length) {
    throw new UsageError(
      `${anchors.length} --anchor file(s) but ${vectors.length} --vector file(s); give one --vector per --anchor, in the same order`,
    );
  }
}

/**
 * The checks between anchor and vector files, before any graph is built: in every condition the
 * same number of rows, and as many vector columns as anchor columns (a single vector column, a
 * scalar signal, is also accepted); every condition with the anchor and vector dimensions of the
 * first. Conditions are numbered from 0, as in the dataset's messages and the CSV condition column.
 */
export function checkConditionShapes(anchors: readonly MatrixFile[], vectors: readonly MatrixFile[]): void {
  anchors.forEach((a, c) => {
    const v = vectors[c];
    const which = anchors.length > 1 ? `condition ${c}: ` : "";
    if (a.matrix.rows !== v.matrix.rows) {
      throw new ValidationError(
        `${which}--anchor ${describeShape(a)} and --vector ${describeShape(v)} have different numbers of rows; ` +
          "row i of the vectors belongs to row i of the anchors",
      );
    }
    if (a.matrix.cols !== v.matrix.cols && v.matrix.cols !== 1) {
      throw new ValidationError(
        `${which}--anchor ${describeShape(a)} and --vector ${describeShape(v)} have different numbers of columns; ` +
          `the vectors need one column per anchor dimension (${a.matrix.cols}), or a single column for a scalar signal`,
      );
    }
  });
  const [a0, v0] = [anchors[0], vectors[0]];
  anchors.forEach((a, c) => {
    if (a.matrix.cols !== a0.matrix.cols) {
      throw new ValidationError(`--anchor ${describeShape(a)} has ${a.matrix.cols} columns but --anchor ${describeShape(a0)} has ${a0.matrix.cols}; all conditions need the same anchor dimension`);
    }
    const v = vectors[c];
    if (v.matrix.cols !== v0.matrix.cols) {
      throw new ValidationError(`--vector ${describeShape(v)} has ${v.matrix.cols} columns but --vector ${describeShape(v0)} has ${v0.matrix.cols}; all conditions need the same vector dimension`);
    }
  });
}

/** Reads every anchor/vector pair, checking all paths before reading any and the shapes after. */
export function readConditions(anchorPaths: readonly string[], vectorPaths: readonly string[]): { anchors: MatrixFile[]; vectors: MatrixFile[] } {
  checkPairCount(anchorPaths, vectorPaths);
  anchorPaths.forEach((p, i) => {
    checkInputFile("--anchor", p);
    checkInputFile("--vector", vectorPaths[i]);
  });
  const anchors = anchorPaths.map((p) => readMatrixFile("--anchor", p));
  const vectors = vectorPaths.map((p) => readMatrixFile("--vector", p));
  checkConditionShapes(anchors, vectors);
  return { anchors, vectors };
}

/** An output file name must end in .npy or .csv; checked before any work is done. */
export function checkOutputName(flag: string, path: string): void {
  if (!WRITABLE.includes(extname(path).toLowerCase())) {
    throw new UsageError(`${flag} ${path}: the file name must end in .npy (a plain matrix) or .csv (a header row and a condition column)`);
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // does not exist yet: it will be written
  }
  if (isDirectory) throw new UsageError(`${flag} ${path}: is a directory (${resolve(path)}); give a file name ending in .npy or .csv`);
}

/**
 * Writes an embedding atomically. .npy: the n × k matrix alone. .csv: a header
 * `z0,…,z{k-1},condition` and, per point, its coordinates and the 0-based index of the
 * --anchor/--vector pair it came from.
 */
export function writeEmbedding(path: string, z: Matrix, condition: ArrayLike<number>): void {
  const ext = extname(path).toLowerCase();
  if (ext === ".npy") {
    writeFileAtomic(path, writeNpy(z));
    return;
  }
  if (ext !== ".csv") throw new ValidationError(`${path}: the file name must end in .npy or .csv`);
  if (condition.length !== z.rows) throw new Error(`internal: ${condition.length} condition labels for ${z.rows} embedded points`);
  const header = [...Array.from({ length: z.cols }, (_, j) => `z${j}`), "condition"].join(",");
  const lines = [header];
  for (let i = 0; i < z.rows; i++) lines.push(`${Array.from(z.row(i), (v) => String(v)).join(",")},${condition[i]}`);
  writeFileAtomic(path, lines.join("\n") + "\n");
}
