/**
 * The Slurm executor: the tasks still to do become one job array (`sbatch --array`), whose task IDs
 * are the sweep's task indices; each array task runs `marble sweep run-task SPEC INDEX`, which does
 * all the writing in its task folder. The executor writes the batch script into <sweep>/slurm/,
 * submits it with `sbatch --parsable`, records the job in <sweep>/slurm/jobs.json, and polls
 * `squeue` until every task has left the queue, reporting each start and end. With dryRun it only
 * writes the script and says how to submit it.
 *
 * Settings (options.settings, from the command line; they override the spec's "resources"):
 * partition, mem, time, cpusPerTask, sbatch (extra options, whitespace-separated) and pollSeconds.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { LOCK_FILE } from "../io/lock.js";
import type { ExecutorOptions, SweepExecutor, SweepProgress } from "./executor.js";
import { RUNNING_FILE, logTail, readTaskStatus, taskDir, type TaskState, type TaskStatus } from "./layout.js";
import type { SweepTask } from "./plan.js";
import { QUEUED_STATES, describeEnd, finalTaskStates, haveSlurm, sbatch, scancel, squeueTasks, type SlurmTaskState } from "./slurm-queue.js";
import { batchScript, slurmResources } from "./slurm-script.js";
import { sweepState, type SweepState } from "./run-sweep.js";
import type { OpenSweep } from "./sweep-dir.js";

export const SLURM_DIR = "slurm";
export const JOBS_FILE = "jobs.json";

/** One submission of the sweep, as recorded in slurm/jobs.json. */
export interface SlurmSubmission {
  jobId: string;
  script: string;
  indices: number[];
  submitted: string;
}

export function readSubmissions(sweepDir: string): SlurmSubmission[] {
  const path = join(sweepDir, SLURM_DIR, JOBS_FILE);
  if (!existsSync(path)) return [];
  try {
    return JSON.parse(readFileSync(path, "utf8")) as SlurmSubmission[];
  } catch (e) {
    throw new Error(`${path} is unreadable (${(e as Error).message}); it only records submitted job IDs, so it can be deleted`, { cause: e });
  }
}

function recordSubmission(sweepDir: string, sub: SlurmSubmission): void {
  const all = [...readSubmissions(sweepDir), sub];
  writeFileAtomic(join(sweepDir, SLURM_DIR, JOBS_FILE), JSON.stringify(all, null, 1) + "\n");
}

/** The latest submission of each task index: which job to ask about it. */
function latestJobOf(subs: SlurmSubmission[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const s of subs) for (const i of s.indices) out.set(i, s.jobId);
  return out;
}

/** Array tasks of this sweep's recorded jobs that are still queued or running, by task index. */
export async function queuedTasks(sweepDir: string): Promise<Map<number, SlurmTaskState & { jobId: string }>> {
  const latest = latestJobOf(readSubmissions(sweepDir));
  const out = new Map<number, SlurmTaskState & { jobId: string }>();
  for (const jobId of new Set(latest.values())) {
    for (const t of (await squeueTasks(jobId)) ?? []) if (latest.get(t.index) === jobId) out.set(t.index, { ...t, jobId });
  }
  return out;
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** The tail of Slurm's error file of a task's array task (for tasks that failed before run-task wrote its log). */
function slurmErrTail(sweepDir: string, jobId: string, index: number, lines = 10): string {
  const path = join(taskDir(sweepDir, index), `slurm-${jobId}_${index}.err`);
  if (!existsSync(path)) return "";
  return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((ok) => {
  const t = setTimeout(ok, ms);
  signal?.addEventListener("abort", () => { clearTimeout(t); ok(); }, { once: true });
});

/** Writes the batch script for `todo` and returns its path. */
export function writeBatchScript(sweep: OpenSweep, todo: readonly SweepTask[], options: ExecutorOptions): string {
  const resources = slurmResources(sweep.spec.resources, options.settings, options.jobs);
  mkdirSync(join(sweep.dir, SLURM_DIR), { recursive: true });
  // Slurm opens each task's output file in its folder before the task runs: the folders must exist
  for (const t of todo) mkdirSync(taskDir(sweep.dir, t.index), { recursive: true });
  const scriptPath = join(sweep.dir, SLURM_DIR, `array-${stamp()}.sh`);
  writeFileAtomic(scriptPath, batchScript({
    sweepName: sweep.spec.name, sweepDir: sweep.dir, specPath: sweep.specPath, indices: todo.map((t) => t.index),
    total: sweep.tasks.length, resources, retryFailed: options.retryFailed, scriptPath,
  }));
  return scriptPath;
}

export const slurmExecutor: SweepExecutor = {
  name: "slurm",
  state: (dir, tasks) => sweepStateWithSlurm(dir, tasks),
  async run(sweep: OpenSweep, todo: SweepTask[], options: ExecutorOptions): Promise<void> {
    const t0 = performance.now();
    let finished = 0;
    let total = todo.length;
    const emit = (kind: SweepProgress["kind"], message: string, index?: number) =>
      options.onProgress?.({ kind, index, message, finished, total, elapsedSeconds: (performance.now() - t0) / 1000 });

    // tasks an earlier submission still has in the queue are left to it, never submitted twice
    const queued = options.dryRun ? new Map() : await queuedTasks(sweep.dir);
    const already = todo.filter((t) => queued.has(t.index));
    if (already.length) emit("note", `${already.length} task(s) already queued or running in Slurm, not submitted again: ${already.map((t) => `${t.index} (job ${queued.get(t.index)!.jobId}, ${queued.get(t.index)!.state})`).join(", ")}`);
    const submit = todo.filter((t) => !queued.has(t.index));
    total = submit.length;
    if (submit.length === 0) return;

    if (!options.dryRun) {
      const latest = latestJobOf(readSubmissions(sweep.dir));
      for (const t of submit) {
        const hosts = latest.has(t.index) ? clearEndedAttempt(sweep.dir, t.index) : [];
        if (hosts.length) emit("note", `task ${t.index}: its attempt on ${hosts.join(", ")} was ended by Slurm (job ${latest.get(t.index)}); its running record and folder lock are cleared`, t.index);
      }
    }
    const script = writeBatchScript(sweep, submit, options);
    if (options.dryRun) {
      emit("note", `dry run: wrote ${script} (${submit.length} array task(s)); submit it with\n  sbatch ${script}\n` +
        "then follow it with `marble sweep status` and gather the results with `marble sweep collect`");
      return;
    }
    const jobId = await sbatch(script);
    recordSubmission(sweep.dir, { jobId, script, indices: submit.map((t) => t.index), submitted: new Date().toISOString() });
    emit("note", `submitted job array ${jobId} (${submit.length} task(s)) from ${script}`);

    const pollMs = Math.max(0.2, Number(options.settings?.pollSeconds ?? 5)) * 1000;
    let cancelled = false;
    const onAbort = () => {
      cancelled = true;
      void scancel(jobId).then(() => emit("note", `cancelled job ${jobId}`), (e: Error) => emit("note", e.message));
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const open = new Set(submit.map((t) => t.index));
      const started = new Set<number>();
      while (open.size > 0) {
        const inQueue = await squeueTasks(jobId);
        if (inQueue) {
          const byIndex = new Map(inQueue.map((s) => [s.index, s]));
          for (const i of [...open]) {
            const s = byIndex.get(i);
            if (s && QUEUED_STATES.has(s.state)) {
              if (s.state === "RUNNING" && !started.has(i)) {
                started.add(i);
                emit("start", `task ${i} running (job ${jobId}_${i})`, i);
              }
              continue;
            }
            open.delete(i);
            finished++;
            await reportEnd(sweep.dir, jobId, i, cancelled, emit);
          }
        }
        if (open.size > 0) await sleep(pollMs, cancelled ? undefined : options.signal);
      }
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
  },
};

/**
 * Removes the running record and folder lock that an attempt on another node left when it was
 * killed (out of memory, node failure): this host cannot check that node's pid, so they would
 * block the task for ever. Called only for tasks whose latest array task Slurm no longer has in
 * its queue, which means every process of that attempt has ended. Returns the hosts cleared.
 */
function clearEndedAttempt(sweepDir: string, index: number): string[] {
  const hosts: string[] = [];
  for (const f of [RUNNING_FILE, LOCK_FILE]) {
    const path = join(taskDir(sweepDir, index), f);
    let host: unknown;
    try {
      host = (JSON.parse(readFileSync(path, "utf8")) as { host?: unknown }).host;
    } catch {
      continue;
    }
    if (typeof host === "string" && host !== hostname()) {
      rmSync(path, { force: true });
      if (!hosts.includes(host)) hosts.push(host);
    }
  }
  return hosts;
}

async function reportEnd(sweepDir: string, jobId: string, index: number, cancelled: boolean, emit: (k: SweepProgress["kind"], m: string, i?: number) => void): Promise<void> {
  const status = readTaskStatus(sweepDir, index);
  if (status.state === "done") return emit("done", `task ${index} done${status.seconds !== undefined ? ` in ${status.seconds.toFixed(1)} s` : ""}`, index);
  if (status.state === "failed") return emit("failed", `task ${index} FAILED: ${status.detail}\n${indent(logTail(sweepDir, index, 8))}`, index);
  const slurm = (await finalTaskStates(jobId)).get(index);
  const why = describeEnd(slurm);
  if (cancelled || slurm?.state === "CANCELLED") return emit("stopped", `task ${index} ${why}; a rerun redoes it`, index);
  const err = slurmErrTail(sweepDir, jobId, index);
  emit("interrupted", `task ${index} ended without finishing: ${why}; a rerun redoes it${err ? `\n${indent(err)}` : ""}`, index);
}

function indent(text: string): string {
  return text ? text.split("\n").map((l) => `    ${l}`).join("\n") : "";
}

/** A task's state from its folder, with what Slurm says about it when it has been submitted. */
export interface SlurmTaskStatus extends TaskStatus {
  jobId?: string;
  slurmState?: string;
  /** The last lines of the task's log (failed tasks) or of Slurm's error file (tasks Slurm ended). */
  logTail?: string;
}

/**
 * The state of every task, from the task folders merged with squeue/scontrol/sacct for the jobs
 * this sweep submitted: a task in the queue is "pending" (waiting in Slurm) or "running"; a task
 * Slurm ended without a result says why (cancelled, time limit, memory).
 */
export async function slurmSweepStatus(sweepDir: string, tasks: readonly SweepTask[]): Promise<SlurmTaskStatus[]> {
  const latest = latestJobOf(readSubmissions(sweepDir));
  const queued = await queuedTasks(sweepDir);
  const finals = new Map<string, Map<number, SlurmTaskState>>();
  const out: SlurmTaskStatus[] = [];
  for (const t of tasks) {
    const folder: SlurmTaskStatus = { ...readTaskStatus(sweepDir, t.index) };
    const jobId = latest.get(t.index);
    if (!jobId) {
      out.push(folder);
      continue;
    }
    folder.jobId = jobId;
    const q = queued.get(t.index);
    if (q) {
      folder.slurmState = q.state;
      if (folder.state !== "done") {
        folder.state = q.state === "PENDING" ? "pending" : "running";
        folder.detail = `${q.state.toLowerCase()} in Slurm as ${jobId}_${t.index}${q.detail ? ` (${q.detail})` : ""}`;
      }
    } else if (folder.state !== "done") {
      if (!finals.has(jobId)) finals.set(jobId, await finalTaskStates(jobId));
      const s = finals.get(jobId)!.get(t.index);
      folder.slurmState = s?.state;
      if (folder.state === "failed") folder.logTail = logTail(sweepDir, t.index, 15);
      else if (s && s.state !== "COMPLETED") {
        // the folder may still hold the running record of an attempt Slurm has ended (another host's pid cannot be checked)
        folder.state = "interrupted";
        folder.detail = `${describeEnd(s)}; a rerun redoes it`;
        folder.logTail = slurmErrTail(sweepDir, jobId, t.index) || logTail(sweepDir, t.index, 15);
      }
    }
    out.push(folder);
  }
  return out;
}

/**
 * The sweep's state for `marble sweep status`: from the task folders, merged with Slurm's view
 * when the sweep was submitted to Slurm (it has slurm/jobs.json) and Slurm's tools are here.
 */
export async function sweepStateWithSlurm(dir: string, tasks: SweepTask[]): Promise<SweepState> {
  if (!existsSync(join(dir, SLURM_DIR, JOBS_FILE)) || !haveSlurm()) return sweepState(dir, tasks);
  const statuses = await slurmSweepStatus(dir, tasks);
  const counts: Record<TaskState, number> = { done: 0, running: 0, failed: 0, pending: 0, interrupted: 0, corrupt: 0 };
  for (const st of statuses) counts[st.state]++;
  return { dir, tasks, statuses, counts };
}
