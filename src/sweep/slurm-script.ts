/**
 * The Slurm batch script of a sweep: one job array whose task IDs are the sweep's task indices,
 * each array task running `marble sweep run-task SPEC $SLURM_ARRAY_TASK_ID` with its output and
 * error files in its own task folder. The script is written to be read (and, with --dry-run,
 * submitted by hand), so every choice is a visible `#SBATCH` line.
 */
import { resolve, join } from "node:path";
import { ValidationError } from "../core/validate.js";
import { TASKS_DIR } from "./layout.js";
import type { SweepResources } from "./spec.js";

/** What the array asks Slurm for: the spec's resources, overridden by command-line settings. */
export interface SlurmResources {
  cpusPerTask: number;
  mem?: string;
  time?: string;
  partition?: string;
  /** Extra `#SBATCH` options, each one option ("--qos=short"). */
  sbatch: string[];
  /** Array tasks at once (the `%M` of `--array`), or none. */
  throttle?: number;
}

// Slurm's notations (sbatch(1)): memory "<size>[K|M|G|T]", time "minutes", "MM:SS", "HH:MM:SS",
// "D-HH", "D-HH:MM", "D-HH:MM:SS" or "UNLIMITED"
const MEM = /^\d+[KMGT]?$/i;
const TIME = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$/i;
const PARTITION = /^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/;
// options the executor sets itself: taking them from the spec would break the array's layout
const RESERVED = ["--array", "-a", "--output", "-o", "--error", "-e", "--parsable", "--wrap", "--cpus-per-task", "-c", "--mem", "--time", "-t", "--partition", "-p", "--job-name", "-J"];

type Settings = Record<string, string | number | boolean> | undefined;

function setting(settings: Settings, key: string): string | undefined {
  const v = settings?.[key];
  return v === undefined || v === false ? undefined : String(v);
}

/** Extra sbatch options from the command line: a JSON list (repeated --sbatch) or whitespace-separated options. */
function sbatchSetting(text: string | undefined): string[] {
  if (text === undefined) return [];
  if (text.trimStart().startsWith("[")) {
    const list: unknown = JSON.parse(text);
    if (Array.isArray(list)) return list.map(String);
  }
  return text.split(/\s+/).filter(Boolean);
}

/**
 * Resolves and checks the array's resources. Command-line settings (`partition`, `mem`, `time`,
 * `cpus-per-task`, `sbatch`) override the spec's `resources`.
 * Errors name the field and say what Slurm accepts.
 */
export function slurmResources(spec: SweepResources | undefined, settings: Settings, jobs?: number): SlurmResources {
  const problems: string[] = [];
  const cpusText = setting(settings, "cpus-per-task") ?? setting(settings, "cpusPerTask");
  const cpus = cpusText !== undefined ? Number(cpusText) : (spec?.cpusPerTask ?? 1);
  if (!Number.isInteger(cpus) || cpus < 1) problems.push(`${cpusText !== undefined ? "--cpus-per-task" : "resources.cpusPerTask"} must be a whole number of cores ≥ 1 (got ${cpusText ?? spec?.cpusPerTask})`);
  const mem = setting(settings, "mem") ?? spec?.mem;
  if (mem !== undefined && !MEM.test(mem)) problems.push(`${setting(settings, "mem") !== undefined ? "--mem" : "resources.mem"} "${mem}" is not Slurm's memory notation; write e.g. "500M" or "4G"`);
  const time = setting(settings, "time") ?? spec?.time;
  if (time !== undefined && !TIME.test(time)) problems.push(`${setting(settings, "time") !== undefined ? "--time" : "resources.time"} "${time}" is not Slurm's time notation; write minutes ("30"), "HH:MM:SS" ("01:00:00") or "D-HH:MM:SS" ("2-00:00:00")`);
  const partition = setting(settings, "partition") ?? spec?.partition;
  if (partition !== undefined && !PARTITION.test(partition)) problems.push(`${setting(settings, "partition") !== undefined ? "--partition" : "resources.partition"} "${partition}" is not a partition name (letters, digits, "_", "-", "."; several separated by commas)`);
  const fromFlags = sbatchSetting(setting(settings, "sbatch"));
  const extra = [...(spec?.sbatch ?? []).map((o, i) => [o, `resources.sbatch[${i}]`] as const), ...fromFlags.map((o) => [o, `--sbatch "${o}"`] as const)];
  for (const [opt, where] of extra) {
    if (typeof opt !== "string" || !opt.startsWith("-") || /[\n\r]/.test(opt)) {
      problems.push(`${where} must be one sbatch option on one line, such as "--qos=short" or "--account=lab"`);
      continue;
    }
    const name = opt.split("=")[0];
    if (RESERVED.includes(name)) problems.push(`${where} sets ${name}, which the sweep sets itself; use resources.cpusPerTask/mem/time/partition (or --cpus-per-task/--mem/--time/--partition) instead, and leave --array, --output and --error to the sweep`);
  }
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) problems.push(`--jobs must be a whole number ≥ 1 (got ${jobs})`);
  if (problems.length) throw new ValidationError(`invalid Slurm settings:\n  ${problems.join("\n  ")}`);
  return { cpusPerTask: cpus, mem, time, partition, sbatch: extra.map(([o]) => o), throttle: jobs };
}

/** Sorted indices as Slurm's array list: [0,1,2,3,5,7,8] → "0-3,5,7-8". */
export function arrayRanges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** A word for the shell in single quotes. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command an array task runs: this installation's node and bin/marble.js, by absolute path. */
export function marbleCommand(): string[] {
  return [process.execPath, resolve(__dirname, "..", "..", "bin", "marble.js")];
}

export interface BatchScriptInput {
  sweepName: string;
  sweepDir: string;
  specPath: string;
  indices: readonly number[];
  total: number;
  resources: SlurmResources;
  retryFailed?: boolean;
  /** Where the script will be written (named in its header for submitting by hand). */
  scriptPath: string;
  command?: string[];
}

/** The batch script's text. */
export function batchScript(input: BatchScriptInput): string {
  const { resources: r } = input;
  // sbatch reads #SBATCH paths without a shell: no whitespace; "%" is its pattern character
  if (/\s/.test(input.sweepDir)) throw new ValidationError(`the sweep folder "${input.sweepDir}" contains whitespace, which #SBATCH --output cannot hold; choose an output folder without spaces (--out)`);
  const tasksDir = join(input.sweepDir, TASKS_DIR).replace(/%/g, "%%");
  const array = arrayRanges(input.indices) + (r.throttle ? `%${r.throttle}` : "");
  const jobName = `marble-${input.sweepName}`.replace(/[^A-Za-z0-9_.-]/g, "_");
  const command = [...(input.command ?? marbleCommand()), "sweep", "run-task", input.specPath].map(shellQuote).join(" ");
  const lines = [
    "#!/bin/bash",
    `# MarbleLab sweep "${input.sweepName}": ${input.indices.length} of its ${input.total} tasks as one Slurm job array.`,
    `# Written ${new Date().toISOString()}. To submit it by hand:`,
    `#   sbatch ${shellQuote(input.scriptPath)}`,
    "# then `marble sweep status` shows progress and `marble sweep collect` gathers the results.",
    "# Array task N runs task N of the sweep and writes only its folder tasks/NNNN (log.txt, result.json,",
    "# and Slurm's slurm-JOB_N.out/.err); a task finished earlier is skipped, so resubmitting is safe.",
    `#SBATCH --job-name=${jobName}`,
    `#SBATCH --array=${array}`,
    `#SBATCH --cpus-per-task=${r.cpusPerTask}`,
    ...(r.mem ? [`#SBATCH --mem=${r.mem}`] : []),
    ...(r.time ? [`#SBATCH --time=${r.time}`] : []),
    ...(r.partition ? [`#SBATCH --partition=${r.partition}`] : []),
    ...r.sbatch.map((o) => `#SBATCH ${o}`),
    `#SBATCH --output=${tasksDir}/%4a/slurm-%A_%a.out`,
    `#SBATCH --error=${tasksDir}/%4a/slurm-%A_%a.err`,
    "set -euo pipefail",
    "# the kernels use the cores Slurm gave this task",
    `export MARBLE_THREADS="\${SLURM_CPUS_PER_TASK:-${r.cpusPerTask}}"`,
    `exec ${command} "$SLURM_ARRAY_TASK_ID"${input.retryFailed ? " --retry-failed" : ""}`,
    "",
  ];
  return lines.join("\n");
}
