/**
 * `marble fit --anchor A.npy --vector V.npy [--anchor … --vector …] --out DIR [options]`:
 * builds the dataset (one condition per anchor/vector pair), trains MARBLE and writes the
 * checkpoint folder DIR (model.json + weights.safetensors); `--embedding FILE` also writes the
 * embedding of the training data (.npy or .csv).
 */
import { extname } from "node:path";
import { writeFileSync, renameSync, mkdirSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import { Matrix } from "../core/matrix.js";
import { ValidationError } from "../core/validate.js";
import { readNpy, npyToMatrix, writeNpy } from "../io/npy.js";
import { readCsvMatrix } from "../io/csv.js";
import { MARBLE_DEFAULTS } from "../model/params.js";
import { constructDataset } from "../geometry/dataset.js";
import { RUN_SAFETY_FLAGS, RUN_SAFETY_USAGE, FORCE_FLAG, runSafety, commandToRecord, checkOut, modelFor, fitUntilSignal } from "./run-safety.js";

// Argument handling shared with `marble transform`: kebab-case flags for every model and dataset
// parameter (typed by their defaults), and .npy/.csv matrix input/output.
/** constructDataset options the CLI exposes (defaults of the method doc). */
export const DATASET_DEFAULTS = {
  graphType: "cknn",
  k: 20,
  delta: 1.0,
  spacing: 0,
  fracGeodesicNb: 1.5,
  varExplained: 0.9,
  localGauges: false,
} as const;

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export interface ParsedArgs {
  /** Values of repeatable file flags (anchor, vector, …). */
  lists: Record<string, string[]>;
  /** Single-valued string flags (out, model, output, …). */
  strings: Record<string, string>;
  model: Record<string, unknown>;
  dataset: Record<string, unknown>;
  help: boolean;
}

function parseValue(flag: string, def: unknown, raw: string | undefined): unknown {
  if (typeof def === "boolean") {
    if (raw === undefined) return true;
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    throw new ValidationError(`--${flag}: expected true or false, got "${raw}"`);
  }
  if (raw === undefined) throw new ValidationError(`--${flag} needs a value`);
  if (Array.isArray(def)) {
    const parts = raw.split(",").filter((s) => s.trim() !== "").map(Number);
    if (parts.some((v) => !Number.isFinite(v))) throw new ValidationError(`--${flag}: expected comma-separated numbers such as 64,32, got "${raw}"`);
    return parts;
  }
  if (typeof def === "number") {
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v)) throw new ValidationError(`--${flag}: expected a number, got "${raw}"`);
    return v;
  }
  return raw;
}

export function parseArgs(args: string[], listFlags: string[], stringFlags: string[]): ParsedArgs {
  const out: ParsedArgs = { lists: {}, strings: {}, model: {}, dataset: {}, help: false };
  const modelFlags = new Map(Object.keys(MARBLE_DEFAULTS).map((k) => [kebab(k), k]));
  const dataFlags = new Map(Object.keys(DATASET_DEFAULTS).map((k) => [kebab(k), k]));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--help" || a === "-h") {
      out.help = true;
      continue;
    }
    if (!a.startsWith("--")) throw new ValidationError(`unexpected argument "${a}"; options start with --`);
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf("=");
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const negated = name.startsWith("no-") ? name.slice(3) : null;
    const takeValue = (): string => {
      if (value !== undefined) return value;
      const next = args[i + 1];
      if (next === undefined || next.startsWith("--")) throw new ValidationError(`--${name} needs a value`);
      i++;
      return next;
    };
    const modelKey = modelFlags.get(negated ?? name);
    const dataKey = dataFlags.get(negated ?? name);
    const key = modelKey ?? dataKey;
    if (key) {
      const def = modelKey ? (MARBLE_DEFAULTS as Record<string, unknown>)[modelKey] : (DATASET_DEFAULTS as Record<string, unknown>)[dataKey!];
      let v: unknown;
      if (negated) {
        if (typeof def !== "boolean") throw new ValidationError(`--no-${negated}: only boolean options can be negated`);
        v = false;
      } else if (typeof def === "boolean") {
        const next = args[i + 1];
        if (value === undefined && (next === "true" || next === "false")) {
          value = next;
          i++;
        }
        v = parseValue(name, def, value);
      } else {
        v = parseValue(name, def, takeValue());
      }
      // the seed drives both the dataset split and the network
      if (key === "seed") out.dataset.seed = v;
      if (modelKey) out.model[modelKey] = v;
      else out.dataset[dataKey!] = v;
      continue;
    }
    if (listFlags.includes(name)) {
      (out.lists[name] ??= []).push(takeValue());
      continue;
    }
    if (stringFlags.includes(name)) {
      out.strings[name] = takeValue();
      continue;
    }
    const valid = [...listFlags, ...stringFlags, ...modelFlags.keys(), ...dataFlags.keys()].map((f) => `--${f}`).join(", ");
    throw new ValidationError(`unknown option --${name}. Valid options: ${valid}`);
  }
  return out;
}

/** Reads a 2-D matrix from .npy or .csv/.tsv/.txt (a 1-D array becomes one column). */
export function readMatrixFile(path: string, name: string): Matrix {
  const ext = extname(path).toLowerCase();
  if (ext === ".npy") return npyToMatrix(readNpy(path), `${name} (${path})`);
  if (ext === ".csv" || ext === ".tsv" || ext === ".txt") return readCsvMatrix(path).matrix;
  throw new ValidationError(`${name}: ${path} has an unsupported extension; use .npy or .csv`);
}

/** Writes a matrix to .npy or .csv, atomically (temporary file in the same folder, then rename). */
export function writeMatrixFile(path: string, m: Matrix): void {
  const ext = extname(path).toLowerCase();
  if (ext === ".npy") {
    mkdirSync(dirname(path) || ".", { recursive: true });
    writeNpy(m, path);
    return;
  }
  if (ext !== ".csv") throw new ValidationError(`--output: ${path} must end in .npy or .csv`);
  const lines: string[] = [];
  for (let i = 0; i < m.rows; i++) lines.push(Array.from(m.row(i), (v) => String(v)).join(","));
  const dir = dirname(path) || ".";
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}`);
  writeFileSync(tmp, lines.join("\n") + "\n");
  renameSync(tmp, path);
}

export function modelOptionsHelp(): string {
  return Object.entries(MARBLE_DEFAULTS)
    .map(([k, v]) => `  --${kebab(k).padEnd(26)} default ${Array.isArray(v) ? v.join(",") : String(v)}`)
    .join("\n");
}

export function datasetOptionsHelp(): string {
  return Object.entries(DATASET_DEFAULTS)
    .map(([k, v]) => `  --${kebab(k).padEnd(26)} default ${String(v)}`)
    .join("\n");
}

export const summary = "train MARBLE on .npy/.csv anchors and vectors, write a checkpoint folder";

const USAGE = `usage: marble fit --anchor A.npy --vector V.npy [--anchor A2.npy --vector V2.npy ...] --out DIR
                  [--embedding Z.npy] [--quiet] [--force] [--checkpoint-every N] [options]
       marble fit --resume DIR

${RUN_SAFETY_USAGE}

Each --anchor/--vector pair is one condition (n × d positions and n × D vectors, .npy or .csv).

model options:
${modelOptionsHelp()}

dataset options (constructDataset):
${datasetOptionsHelp()}`;

export async function run(args: string[]): Promise<number> {
  let parsed, safety;
  try {
    parsed = parseArgs(args.filter((a) => a !== "--quiet" && a !== FORCE_FLAG), ["anchor", "vector"], ["out", "embedding", ...RUN_SAFETY_FLAGS]);
    safety = runSafety(args, parsed.strings, parsed.model);
  } catch (e) {
    if (e instanceof ValidationError) {
      console.error(`marble fit: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  const quiet = args.includes("--quiet");
  const recorded = safety.recorded;
  const anchors = parsed.lists.anchor ?? recorded?.anchors ?? [], vectors = parsed.lists.vector ?? recorded?.vectors ?? [];
  if (anchors.length === 0 || anchors.length !== vectors.length) {
    console.error(`marble fit: give one --vector per --anchor (got ${anchors.length} anchors, ${vectors.length} vectors)\n\n${USAGE}`);
    return 2;
  }
  const out = parsed.strings.out ?? safety.resume;
  const embedding = parsed.strings.embedding ?? recorded?.embedding ?? undefined;
  if (!out) {
    console.error(`marble fit: --out DIR (the checkpoint folder) is required\n\n${USAGE}`);
    return 2;
  }
  try {
    checkOut(out, safety);
    const anchor = anchors.map((p, i) => readMatrixFile(p, `--anchor #${i + 1}`));
    const vector = vectors.map((p, i) => readMatrixFile(p, `--vector #${i + 1}`));
    const datasetOptions = { ...recorded?.dataset, ...parsed.dataset };
    const data = constructDataset({ anchor, vector, ...datasetOptions });
    if (!quiet) console.error(`dataset: ${data.numNodes} nodes in ${anchors.length} condition(s), manifold dimension ${data.dimMan}${data.localGauges ? " (local gauges)" : ""}`);
    const model = modelFor(data, parsed.model, safety);
    if (!quiet) console.error(`model: ${model.parameterCount} parameters`);
    const command = commandToRecord(anchors, vectors, datasetOptions, embedding);
    const outcome = await fitUntilSignal(model, data, { outdir: out, verbose: !quiet && !process.stderr.isTTY, command }, safety, quiet);
    if (outcome.stopped) {
      console.error(outcome.message);
      return outcome.code;
    }
    if (!quiet) console.error(`best epoch ${outcome.result.bestEpoch}, test loss ${outcome.result.testLoss.toFixed(4)}; checkpoint written to ${out}`);
    if (embedding) writeMatrixFile(embedding, model.transform(data));
    return 0;
  } catch (e) {
    if (e instanceof ValidationError || (e instanceof Error && e.name === "AbortError")) {
      console.error(`marble fit: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
