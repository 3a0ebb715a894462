/**
 * The sweep specification (JSON) and its validation, in one place. Every error names the field
 * (as a JSON path) and says what to change; all problems are reported together.
 *
 * {
 *   "name": "sensitivity",
 *   "output": "runs/sensitivity",          // sweep folder, relative to the spec file (optional)
 *   "datasets": ["rat:achilles", "van-der-pol"],
 *   "preprocessing": { "pcaDims": 20 },     // base values; defaults from the notebooks otherwise
 *   "marble": { "epochs": 20 },
 *   "evaluation": { "decoder": "knn-cosine" },
 *   "vary": [                               // union of grids (one-at-a-time or crossed) and lists
 *     { "marble.k": [5, 10, 15, 30] },
 *     { "marble.order": [1, 2], "marble.outChannels": [3, 8] },
 *     { "list": [ { "marble.k": 5, "marble.epochs": 3 } ] }
 *   ],
 *   "seeds": [0, 1, 2],
 *   "resources": { "cpusPerTask": 1, "mem": "4G", "time": "01:00:00", "partition": "cpu", "sbatch": ["--qos=short"] }
 * }
 */
import { readFileSync } from "node:fs";
import { ValidationError } from "../core/validate.js";
import {
  DATASETS,
  PARAMETERS,
  PARAMETER_KEYS,
  SECTIONS,
  checkParameterValue,
  datasetKind,
  parameterInfo,
  parameterKey,
  type ParamValue,
  type Section,
} from "./parameters.js";

export interface SweepResources {
  /** Cores per task: the kernel thread count locally, --cpus-per-task on Slurm. Default 1. */
  cpusPerTask?: number;
  /** Memory per task in Slurm's notation ("4G", "500M"). */
  mem?: string;
  /** Wall-time limit per task in Slurm's notation ("01:00:00", "2-00:00:00"). */
  time?: string;
  partition?: string;
  /** Extra `#SBATCH` options, e.g. ["--qos=short", "--account=lab"]. */
  sbatch?: string[];
}

export type VaryEntry = Record<string, ParamValue[]> | { list: Record<string, ParamValue>[] };

export interface SweepSpec {
  name: string;
  output?: string;
  datasets: string[];
  preprocessing?: Record<string, ParamValue>;
  marble?: Record<string, ParamValue>;
  evaluation?: Record<string, ParamValue>;
  vary?: VaryEntry[];
  seeds: number[];
  resources?: SweepResources;
}

const TOP_KEYS = ["name", "output", "datasets", "preprocessing", "marble", "evaluation", "vary", "seeds", "resources"];
const RESOURCE_KEYS = ["cpusPerTask", "mem", "time", "partition", "sbatch"];

/** A spec with problems; `problems` lists each one ("field: what is wrong; what to do"). */
export class SweepSpecError extends ValidationError {
  readonly problems: string[];
  constructor(problems: string[], source = "sweep spec") {
    super(`${source} has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SweepSpecError";
    this.problems = problems;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** "; did you mean …?" for a close valid name (case-insensitive, or a typo of up to a third of its length), else the valid names. */
function nearest(given: string, valid: readonly string[]): string {
  const g = given.toLowerCase();
  let best = "", bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(g, v.toLowerCase());
    if (d < bestD) [best, bestD] = [v, d];
  }
  return bestD <= Math.max(1, Math.floor(given.length / 3)) ? `; did you mean "${best}"?` : `; valid: ${valid.join(", ")}`;
}

/** Checks a parsed spec and returns it typed; throws SweepSpecError listing every problem. */
export function validateSpec(raw: unknown, source = "sweep spec"): SweepSpec {
  const problems: string[] = [];
  if (!isObject(raw)) throw new SweepSpecError([`the spec must be a JSON object with at least "name", "datasets" and "seeds", got ${Array.isArray(raw) ? "an array" : typeof raw}`], source);
  for (const key of Object.keys(raw)) if (!TOP_KEYS.includes(key)) problems.push(`${key}: unknown field${nearest(key, TOP_KEYS)}`);

  if (typeof raw.name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(raw.name)) {
    problems.push(`name: give the sweep a name of letters, digits, ".", "_" or "-" (it names the output folder), got ${JSON.stringify(raw.name)}`);
  }
  if (raw.output !== undefined && (typeof raw.output !== "string" || raw.output === "")) problems.push(`output: must be a folder path (string), got ${JSON.stringify(raw.output)}`);

  const datasets: string[] = [];
  if (!Array.isArray(raw.datasets) || raw.datasets.length === 0) {
    problems.push(`datasets: list at least one dataset, from ${DATASETS.join(", ")}`);
  } else {
    raw.datasets.forEach((d, i) => {
      if (typeof d !== "string" || !DATASETS.includes(d)) problems.push(`datasets[${i}]: unknown dataset ${JSON.stringify(d)}${typeof d === "string" ? nearest(d, DATASETS) : `; valid: ${DATASETS.join(", ")}`}`);
      else if (datasets.includes(d)) problems.push(`datasets[${i}]: "${d}" is listed twice; list it once`);
      else datasets.push(d);
    });
  }
  const kinds = new Set(datasets.map(datasetKind));
  const applies = (key: string): boolean => {
    const p = parameterInfo(key);
    return p !== undefined && [...kinds].some((k) => p.defaults[k] !== undefined);
  };
  const checkParam = (where: string, key: string, value: unknown): void => {
    const p = parameterInfo(key);
    if (!p) {
      problems.push(`${where}: unknown parameter "${key}"${nearest(key, PARAMETER_KEYS)}`);
      return;
    }
    if (kinds.size > 0 && !applies(key)) {
      const users = Object.keys(p.defaults).join(" or ");
      problems.push(`${where}: "${key}" applies to ${users} data only, and the sweep's datasets are ${datasets.join(", ")}; remove it or add such a dataset`);
      return;
    }
    const why = checkParameterValue(p, value);
    if (why) problems.push(`${where}: ${why}`);
  };

  for (const section of SECTIONS) {
    const block = raw[section];
    if (block === undefined) continue;
    if (!isObject(block)) {
      problems.push(`${section}: must be an object of parameter values, e.g. ${JSON.stringify({ [PARAMETERS.find((p) => p.section === section)!.name]: 1 })}`);
      continue;
    }
    for (const [name, value] of Object.entries(block)) {
      if (!parameterInfo(`${section}.${name}`)) {
        const inSection = PARAMETERS.filter((p) => p.section === section).map((p) => p.name);
        problems.push(`${section}.${name}: unknown parameter${nearest(name, inSection)}`);
      } else checkParam(`${section}.${name}`, `${section}.${name}`, value);
    }
  }

  if (raw.vary !== undefined) {
    if (!Array.isArray(raw.vary)) problems.push(`vary: must be a list of grids ({"marble.k": [5, 10]}) or lists ({"list": [{"marble.k": 5}]})`);
    else {
      raw.vary.forEach((entry, i) => {
        const where = `vary[${i}]`;
        if (!isObject(entry) || Object.keys(entry).length === 0) {
          problems.push(`${where}: must be a grid object like {"marble.k": [5, 10]} or {"list": [{"marble.k": 5}]}`);
          return;
        }
        if ("list" in entry) {
          if (Object.keys(entry).length > 1) problems.push(`${where}: a "list" entry holds nothing else; put the other parameters in a separate entry`);
          if (!Array.isArray(entry.list) || entry.list.length === 0) problems.push(`${where}.list: must be a non-empty list of {parameter: value} objects`);
          else entry.list.forEach((point, j) => {
            if (!isObject(point)) problems.push(`${where}.list[${j}]: must be an object like {"marble.k": 5}`);
            else for (const [key, value] of Object.entries(point)) checkParam(`${where}.list[${j}].${key}`, key, value);
          });
          return;
        }
        for (const [key, values] of Object.entries(entry)) {
          if (!Array.isArray(values) || values.length === 0) {
            problems.push(`${where}.${key}: give a non-empty list of values, e.g. [${JSON.stringify(parameterInfo(key)?.defaults[[...kinds][0] ?? "rat"] ?? 1)}]`);
            continue;
          }
          if (!parameterInfo(key) || (kinds.size > 0 && !applies(key))) checkParam(`${where}.${key}`, key, values[0]);
          else values.forEach((v, j) => checkParam(`${where}.${key}[${j}]`, key, v));
          if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) problems.push(`${where}.${key}: lists a value twice; list each value once`);
        }
      });
    }
  }

  if (!Array.isArray(raw.seeds) || raw.seeds.length === 0) problems.push(`seeds: list at least one seed, e.g. [0, 1, 2]`);
  else {
    raw.seeds.forEach((s, i) => {
      if (typeof s !== "number" || !Number.isInteger(s) || s < 0 || s > 2 ** 31 - 1) problems.push(`seeds[${i}]: must be a whole number in [0, 2^31), got ${JSON.stringify(s)}`);
    });
    if (new Set(raw.seeds).size !== raw.seeds.length) problems.push(`seeds: lists a seed twice; list each seed once`);
  }

  if (raw.resources !== undefined) {
    const r = raw.resources;
    if (!isObject(r)) problems.push(`resources: must be an object with ${RESOURCE_KEYS.join(", ")}`);
    else {
      for (const key of Object.keys(r)) if (!RESOURCE_KEYS.includes(key)) problems.push(`resources.${key}: unknown field${nearest(key, RESOURCE_KEYS)}`);
      if (r.cpusPerTask !== undefined && (typeof r.cpusPerTask !== "number" || !Number.isInteger(r.cpusPerTask) || r.cpusPerTask < 1)) {
        problems.push(`resources.cpusPerTask: must be a whole number of cores ≥ 1, got ${JSON.stringify(r.cpusPerTask)}`);
      }
      if (r.mem !== undefined && (typeof r.mem !== "string" || !/^\d+[KMGT]?$/i.test(r.mem))) problems.push(`resources.mem: use Slurm's notation, e.g. "4G" or "500M", got ${JSON.stringify(r.mem)}`);
      if (r.time !== undefined && (typeof r.time !== "string" || !/^(\d+-)?\d+(:\d{2}){0,2}$/.test(r.time))) problems.push(`resources.time: use Slurm's notation, e.g. "01:30:00" or "2-00:00:00", got ${JSON.stringify(r.time)}`);
      if (r.partition !== undefined && (typeof r.partition !== "string" || !/^[A-Za-z0-9_.,-]+$/.test(r.partition))) problems.push(`resources.partition: must be a partition name, got ${JSON.stringify(r.partition)}`);
      if (r.sbatch !== undefined && (!Array.isArray(r.sbatch) || r.sbatch.some((s) => typeof s !== "string" || !s.startsWith("-") || /[\n\r]/.test(s)))) {
        problems.push(`resources.sbatch: must be a list of sbatch options such as ["--qos=short"] (each starting with "-", one line each)`);
      }
    }
  }

  if (problems.length) throw new SweepSpecError(problems, source);
  return raw as unknown as SweepSpec;
}

/** Reads and validates a spec file; JSON syntax errors name the file. */
export function readSpecFile(path: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ValidationError(`cannot read the sweep spec ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`sweep spec ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return validateSpec(raw, `sweep spec ${path}`);
}

/** The base value of a parameter for a dataset: the spec's section value, else the default. */
export function baseValue(spec: SweepSpec, dataset: string, key: string): ParamValue | undefined {
  const p = parameterInfo(key)!;
  const def = p.defaults[datasetKind(dataset)];
  if (def === undefined) return undefined;
  const block = spec[p.section as Section] as Record<string, ParamValue> | undefined;
  return block?.[p.name] ?? def;
}

export { parameterKey };
