/**
 * `marble sweep plan | run | run-task | status | collect`: parameter and session sweeps, run
 * locally or by a cluster executor, each task in its own folder, collected into one table.
 */
import { executorNames, formatPlan, logTail, openSweep, runSweep, runTaskByIndex, describeVaried, type SweepProgress } from "../sweep/index.js";
import { collectSweep } from "../sweep/collect.js";
import { sweepStateWithSlurm } from "../sweep/slurm.js";
import { HELP_OPTION, UsageError, closestNames, formatOptions, parseArgs, runCommand, type OptionSpec } from "./args.js";


const OUT: OptionSpec = { flag: "out", kind: "string", metavar: "DIR", description: "the sweep folder (default: the spec's \"output\", else NAME.sweep beside the spec)" };

const RUN_OPTIONS: OptionSpec[] = [
  { flag: "executor", kind: "string", metavar: "NAME", default: "local, or MARBLE_EXECUTOR", description: `where tasks run: ${executorNames().join(", ")}` },
  { flag: "jobs", kind: "string", metavar: "N", default: "1 (local), no limit (slurm)", description: "tasks at once (local: worker processes; each gets MARBLE_THREADS = cores / N, at most the spec's cpusPerTask; slurm: the array's %N throttle)" },
  { flag: "retry-failed", kind: "switch", description: "run failed tasks again (otherwise they are reported and left)" },
  { flag: "dry-run", kind: "switch", description: "show (or write, for cluster executors) what would run, and run nothing" },
  { flag: "partition", kind: "string", metavar: "NAME", description: "cluster executors: partition (overrides the spec's resources)" },
  { flag: "time", kind: "string", metavar: "D-HH:MM:SS", description: "cluster executors: time limit per task" },
  { flag: "mem", kind: "string", metavar: "SIZE", description: "cluster executors: memory per task, e.g. 4G" },
  { flag: "cpus-per-task", kind: "string", metavar: "N", description: "cluster executors: cores per task" },
  { flag: "sbatch", kind: "list", metavar: "OPTION", description: "cluster executors: an extra #SBATCH option (repeatable)" },
  OUT,
  HELP_OPTION,
];

const USAGE = `usage:
  marble sweep plan SPEC [--out DIR]       list the tasks the spec makes
  marble sweep run SPEC [options]          run the tasks not yet done (a rerun finishes a stopped sweep)
  marble sweep run-task SPEC INDEX [--out DIR] [--retry-failed]
                                           run one task (what worker processes and array tasks run)
  marble sweep status SPEC [--out DIR]     done / running / failed / pending, with failing tasks' log tails
  marble sweep collect SPEC [--out DIR] [--partial]
                                           one table (sweep.parquet, sweep.csv), sweep.md and a
                                           Vega-Lite figure per swept parameter

SPEC is a sweep spec (JSON) or the sweep-spec.json copy in a sweep folder.

run options:
${formatOptions(RUN_OPTIONS)}`;

/** Leading arguments up to the first option. */
function splitPositional(args: string[]): [string[], string[]] {
  const i = args.findIndex((a) => a.startsWith("-"));
  return i < 0 ? [args, []] : [args.slice(0, i), args.slice(i)];
}

function specArg(positional: string[], sub: string): string {
  if (positional.length !== 1) throw new UsageError(`sweep ${sub} needs exactly one SPEC file before the options, got ${positional.length}`);
  return positional[0];
}

function progressLine(p: SweepProgress): string {
  const m = Math.floor(p.elapsedSeconds / 60), s = Math.floor(p.elapsedSeconds % 60);
  return `[${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")} ${p.finished}/${p.total}] ${p.message}`;
}

function plan(args: string[]): number {
  const [pos, rest] = splitPositional(args);
  const parsed = parseArgs(rest, [OUT, HELP_OPTION]);
  if (parsed.help) return (console.log(USAGE), 0);
  const sweep = openSweep(specArg(pos, "plan"), { out: parsed.strings.out });
  console.log(formatPlan(sweep.spec, sweep.tasks));
  console.log(`\nfolder: ${sweep.dir}`);
  return 0;
}

async function run(args: string[]): Promise<number> {
  const [pos, rest] = splitPositional(args);
  const parsed = parseArgs(rest, RUN_OPTIONS);
  if (parsed.help) return (console.log(USAGE), 0);
  // unset means the executor's default: 1 worker locally, no throttle on a Slurm array
  const jobs = parsed.strings.jobs !== undefined ? Number(parsed.strings.jobs) : undefined;
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError(`--jobs must be a whole number ≥ 1, got ${parsed.strings.jobs}`);
  const settings: Record<string, string | number | boolean> = {};
  for (const key of ["partition", "time", "mem", "cpus-per-task"]) if (parsed.strings[key] !== undefined) settings[key] = parsed.strings[key];
  if (parsed.lists.sbatch?.length) settings.sbatch = JSON.stringify(parsed.lists.sbatch);
  const controller = new AbortController();
  let stops = 0;
  const onSignal = () => {
    stops++;
    if (stops === 1) console.error("\nstopping: the running tasks stop cleanly and stay pending; run the same command again to finish the sweep (Ctrl-C again to leave at once)");
    else process.exit(130);
    controller.abort(new Error("interrupted"));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const result = await runSweep(specArg(pos, "run"), {
      executor: parsed.strings.executor, jobs, out: parsed.strings.out, retryFailed: parsed.switches.has("retry-failed"),
      dryRun: parsed.switches.has("dry-run"), signal: controller.signal, settings, onProgress: (p) => console.log(progressLine(p)),
    });
    const c = result.counts;
    console.log(`sweep: ${c.done} done, ${c.failed} failed, ${c.running} running, ${c.pending + c.interrupted} pending, ${c.corrupt} corrupt ` +
      `of ${result.tasks.length} (${result.ran.length} run now, ${result.wallSeconds.toFixed(1)} s wall)`);
    if (controller.signal.aborted) return 130;
    if (c.failed > 0) console.log(`failed tasks: ${result.statuses.filter((s) => s.state === "failed").map((s) => s.index).join(", ")}; 'marble sweep status' shows their logs, --retry-failed runs them again`);
    return c.failed > 0 || c.corrupt > 0 ? 1 : 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function status(args: string[]): Promise<number> {
  const [pos, rest] = splitPositional(args);
  const parsed = parseArgs(rest, [OUT, { flag: "lines", kind: "string", metavar: "N", default: "15", description: "log lines shown per failed task" }, HELP_OPTION]);
  if (parsed.help) return (console.log(USAGE), 0);
  const sweep = openSweep(specArg(pos, "status"), { out: parsed.strings.out });
  // a sweep submitted to Slurm: the task folders merged with squeue/scontrol/sacct
  const state = await sweepStateWithSlurm(sweep.dir, sweep.tasks);
  const c = state.counts;
  console.log(`sweep "${sweep.spec.name}" in ${sweep.dir}: ${sweep.tasks.length} tasks — ${c.done} done, ${c.running} running, ${c.failed} failed, ` +
    `${c.pending + c.interrupted} pending${c.interrupted ? ` (${c.interrupted} interrupted)` : ""}${c.corrupt ? `, ${c.corrupt} CORRUPT` : ""}`);
  for (const s of state.statuses) {
    const t = sweep.tasks[s.index];
    const secs = s.seconds !== undefined ? ` ${s.seconds.toFixed(1)} s` : "";
    console.log(`  ${String(s.index).padStart(4)}  ${s.state.padEnd(11)} ${t.dataset} seed ${t.seed} ${describeVaried(t)}${secs}${s.detail && s.state !== "failed" ? `  (${s.detail})` : ""}`);
  }
  const lines = parsed.strings.lines !== undefined ? Number(parsed.strings.lines) : 15;
  for (const s of state.statuses.filter((x) => x.state === "failed" || x.state === "corrupt")) {
    console.log(`\ntask ${s.index} ${s.state}: ${s.detail}\n--- last lines of its log ---\n${logTail(sweep.dir, s.index, lines) || "(empty log)"}`);
  }
  return c.failed > 0 || c.corrupt > 0 ? 1 : 0;
}

async function collect(args: string[]): Promise<number> {
  const [pos, rest] = splitPositional(args);
  const parsed = parseArgs(rest, [OUT, { flag: "partial", kind: "switch", description: "collect the done tasks even if others are not done (they are listed)" }, HELP_OPTION]);
  if (parsed.help) return (console.log(USAGE), 0);
  const sweep = openSweep(specArg(pos, "collect"), { out: parsed.strings.out });
  const c = await collectSweep(sweep.dir, { partial: parsed.switches.has("partial") });
  console.log(`collected ${c.table.rows.length} of ${c.taskCount} tasks${c.missing.length ? ` (not done: ${c.missing.join(", ")})` : ""}`);
  for (const f of [c.parquetPath, c.csvPath, c.summaryPath, ...c.figures.map((x) => x.path)]) console.log(`  ${f}`);
  return 0;
}

const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number> | number> = { plan, run, "run-task": runTaskByIndex, status, collect };

export async function run_(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === "--help" || sub === "-h") {
    (sub ? console.log : console.error)(USAGE);
    return sub ? 0 : 2;
  }
  const body = SUBCOMMANDS[sub];
  if (!body) {
    const near = closestNames(sub, Object.keys(SUBCOMMANDS));
    console.error(`marble sweep: unknown subcommand "${sub}"${near.length ? `; did you mean ${near[0]}?` : ""}\n${USAGE}`);
    return 2;
  }
  return runCommand(`marble sweep ${sub}`, () => body(rest));
}

export { run_ as run };
