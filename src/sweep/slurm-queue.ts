/**
 * Slurm's command-line tools, which every cluster has: `sbatch --parsable` to submit, `squeue` for
 * array tasks still queued or running, `scontrol show job` (recent jobs) and `sacct` (accounting,
 * when the cluster keeps it) for how finished tasks ended, `scancel` to stop. Client commands find
 * the cluster through SLURM_CONF or /etc/slurm, as usual.
 */
import { lazyModule } from "../core/lazy-module.js";

const childProcess = lazyModule<typeof import("node:child_process")>("node:child_process", "Slurm's commands");

export interface SlurmTaskState {
  /** Array task ID (= the sweep's task index). */
  index: number;
  /** Slurm's job state: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, … */
  state: string;
  /** squeue's reason for a pending task, or the exit code "code:signal" of a finished one. */
  detail?: string;
}

export class SlurmCommandError extends Error {}

interface Output { status: number | null; stdout: string; stderr: string; missing: boolean }

function runAsync(cmd: string, args: string[], timeoutMs = 60_000): Promise<Output> {
  return new Promise((resolve) => {
    const child = childProcess().spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e: NodeJS.ErrnoException) => resolve({ status: null, stdout, stderr: e.message, missing: e.code === "ENOENT" }));
    child.on("close", (status) => resolve({ status, stdout, stderr, missing: false }));
  });
}

/** Whether Slurm's client commands are installed here. */
export function haveSlurm(): boolean {
  return !childProcess().spawnSync("sbatch", ["--version"], { stdio: "ignore" }).error;
}

/** Submits a batch script and returns its job ID. */
export async function sbatch(scriptPath: string): Promise<string> {
  const r = await runAsync("sbatch", ["--parsable", scriptPath]);
  if (r.missing) throw new SlurmCommandError("sbatch not found: run this on a Slurm login node, write the script with --dry-run and submit it there, or start the single-node cluster with `node scripts/slurm-cluster.mjs start` and export the SLURM_CONF it prints");
  if (r.status !== 0) {
    // installed client tools with no cluster behind them (a workstation): say how to get one
    const noCluster = /configuration source|Unable to contact slurm controller/i.test(r.stderr)
      ? "\nNo Slurm cluster answers here: run this on a cluster's login node (with its SLURM_CONF, if it needs one), or start the single-node cluster with `node scripts/slurm-cluster.mjs start` and export the SLURM_CONF it prints"
      : "";
    throw new SlurmCommandError(`sbatch refused ${scriptPath}: ${r.stderr.trim() || `exit ${r.status}`}${noCluster}`);
  }
  // --parsable prints "jobid" or "jobid;cluster"
  const id = r.stdout.trim().split(";")[0];
  if (!/^\d+$/.test(id)) throw new SlurmCommandError(`sbatch answered "${r.stdout.trim()}" instead of a job ID`);
  return id;
}

/**
 * The array tasks of a job still in the queue (pending, running, completing), or null when squeue
 * could not answer (the caller asks again rather than taking the tasks for finished).
 */
export async function squeueTasks(jobId: string): Promise<SlurmTaskState[] | null> {
  const r = await runAsync("squeue", ["-h", "-r", "-j", jobId, "-o", "%K|%T|%r"]);
  if (r.status !== 0) {
    // a job that left the controller's memory is "invalid" to squeue: none of its tasks is queued
    return /Invalid job id/i.test(r.stderr) ? [] : null;
  }
  const out: SlurmTaskState[] = [];
  for (const line of r.stdout.split("\n")) {
    const [k, state, reason] = line.trim().split("|");
    if (k && /^\d+$/.test(k)) out.push({ index: Number(k), state, detail: reason && reason !== "None" ? reason : undefined });
  }
  return out;
}

function parseScontrol(text: string): SlurmTaskState[] {
  const out: SlurmTaskState[] = [];
  for (const line of text.split("\n")) {
    const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(line)?.[1];
    const k = field("ArrayTaskId");
    const state = field("JobState");
    if (k && /^\d+$/.test(k) && state) out.push({ index: Number(k), state, detail: field("ExitCode") });
  }
  return out;
}

function parseSacct(text: string, jobId: string): SlurmTaskState[] {
  const out: SlurmTaskState[] = [];
  for (const line of text.split("\n")) {
    const [id, state, exit] = line.trim().split("|");
    const m = new RegExp(`^${jobId}_(\\d+)$`).exec(id ?? "");
    if (m && state) out.push({ index: Number(m[1]), state: state.split(" ")[0], detail: exit });
  }
  return out;
}

/**
 * How a job's array tasks ended (and the state of the others): `scontrol show job`, which knows
 * recent jobs on every cluster, then `sacct` for older ones where accounting is kept.
 */
export async function finalTaskStates(jobId: string): Promise<Map<number, SlurmTaskState>> {
  const states = new Map<number, SlurmTaskState>();
  const sc = await runAsync("scontrol", ["show", "job", "-o", jobId]);
  if (sc.status === 0) for (const s of parseScontrol(sc.stdout)) states.set(s.index, s);
  if (states.size === 0) {
    const sa = await runAsync("sacct", ["-j", jobId, "-X", "-n", "-P", "-o", "JobID,State,ExitCode"]);
    if (sa.status === 0) for (const s of parseSacct(sa.stdout, jobId)) states.set(s.index, s);
  }
  return states;
}

/** Cancels a whole job, or the listed array tasks of it. */
export async function scancel(jobId: string, indices?: readonly number[]): Promise<void> {
  const ids = indices ? indices.map((i) => `${jobId}_${i}`) : [jobId];
  const r = await runAsync("scancel", ids);
  if (r.status !== 0) throw new SlurmCommandError(`scancel ${ids.join(" ")} failed: ${r.stderr.trim() || `exit ${r.status}`}`);
}

/** States in which an array task still holds (or waits for) a place in the queue. */
export const QUEUED_STATES = new Set(["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT"]);

/** A sentence on how a task that Slurm ended but that did not finish went, with what to change. */
export function describeEnd(s: SlurmTaskState | undefined): string {
  if (!s) return "Slurm no longer knows the task";
  switch (s.state) {
    case "CANCELLED": return "cancelled in Slurm (scancel)";
    case "TIMEOUT": return "stopped by Slurm at its time limit; raise resources.time (--time)";
    case "OUT_OF_MEMORY": return "stopped by Slurm for exceeding its memory; raise resources.mem (--mem)";
    case "NODE_FAIL": return "its node failed";
    case "PREEMPTED": return "preempted by Slurm";
    case "BOOT_FAIL": return "its node did not boot";
    case "DEADLINE": return "missed its deadline";
    default: return `Slurm state ${s.state}${s.detail ? ` (exit ${s.detail})` : ""}`;
  }
}
