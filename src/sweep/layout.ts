/**
 * The sweep folder and its task folders, and a task's state read from its files alone (so any
 * executor, or none, can tell what is done):
 *
 *   <sweep>/sweep-spec.json        the spec the tasks were planned from ("output": ".")
 *   <sweep>/tasks/0007/task.json   what task 7 computes (dataset, seed, parameters)
 *                     /log.txt     its log, appended by every attempt
 *                     /running.json  pid, host and start of the attempt in progress
 *                     /checkpoint/ the MARBLE checkpoint of the attempt
 *                     /result.json the metrics
 *                     /failed.json the error of a failed attempt
 *                     /complete.json written LAST: the result's size and SHA-256
 *
 * A task is done only when complete.json exists and matches result.json; a killed attempt leaves
 * running.json with a dead pid and no complete.json, and is redone.
 */
import { sha256 } from "../core/digest.js";
import { existsSync, readFileSync, readSync, openSync, closeSync, fstatSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

export const SPEC_COPY = "sweep-spec.json";
export const TASKS_DIR = "tasks";
export const TASK_FILE = "task.json";
export const LOG_FILE = "log.txt";
export const RUNNING_FILE = "running.json";
export const CHECKPOINT_DIR = "checkpoint";
export const RESULT_FILE = "result.json";
export const FAILED_FILE = "failed.json";
export const COMPLETE_FILE = "complete.json";

export type TaskState = "done" | "running" | "failed" | "pending" | "interrupted" | "corrupt";

export interface TaskStatus {
  index: number;
  state: TaskState;
  /** Why the task is failed, interrupted or corrupt. */
  detail?: string;
  /** Seconds the completed attempt took. */
  seconds?: number;
}

export interface RunningRecord {
  pid: number;
  host: string;
  /** The process's start time in clock ticks after boot (Linux), so a reused pid is not taken for it. */
  started: string | null;
  since: string;
}

export interface CompleteRecord {
  resultBytes: number;
  resultSha256: string;
  seconds: number;
  finished: string;
}

export function taskDir(sweepDir: string, index: number): string {
  return join(sweepDir, TASKS_DIR, String(index).padStart(4, "0"));
}

export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

export function runningRecord(): RunningRecord {
  return { pid: process.pid, host: hostname(), started: processStartTime(process.pid), since: new Date().toISOString() };
}

/** Whether the process of a running record still runs (always true for another host: it cannot be checked from here). */
export function isRunning(rec: RunningRecord): boolean {
  if (rec.host !== hostname()) return true;
  try {
    process.kill(rec.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const now = processStartTime(rec.pid);
  return !(rec.started !== null && now !== null && now !== rec.started);
}

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return null;
  }
}

/**
 * Checks a completed task's result against its completion record. Returns the result text, or
 * throws naming the file when it is missing, truncated or altered.
 */
export function readVerifiedResult(dir: string): string {
  const complete = readJson<CompleteRecord>(join(dir, COMPLETE_FILE));
  if (!complete || typeof complete.resultSha256 !== "string") throw new Error(`${join(dir, COMPLETE_FILE)} is unreadable; delete it to redo the task`);
  const path = join(dir, RESULT_FILE);
  if (!existsSync(path)) throw new Error(`${path} is missing although the task is marked complete; delete ${COMPLETE_FILE} to redo the task`);
  const bytes = readFileSync(path);
  if (bytes.length !== complete.resultBytes || sha256(bytes) !== complete.resultSha256) {
    throw new Error(`${path} does not match its completion record (${bytes.length} bytes, expected ${complete.resultBytes}; checksum differs): it was truncated or altered. Delete ${join(dir, COMPLETE_FILE)} to redo the task`);
  }
  const text = bytes.toString("utf8");
  try {
    JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${(e as Error).message}); delete ${join(dir, COMPLETE_FILE)} to redo the task`, { cause: e });
  }
  return text;
}

/** The state of one task from its folder. */
export function readTaskStatus(sweepDir: string, index: number): TaskStatus {
  const dir = taskDir(sweepDir, index);
  if (existsSync(join(dir, COMPLETE_FILE))) {
    try {
      readVerifiedResult(dir);
      const complete = readJson<CompleteRecord>(join(dir, COMPLETE_FILE))!;
      return { index, state: "done", seconds: complete.seconds };
    } catch (e) {
      return { index, state: "corrupt", detail: (e as Error).message };
    }
  }
  const running = readJson<RunningRecord>(join(dir, RUNNING_FILE));
  if (running) {
    if (isRunning(running)) return { index, state: "running", detail: `pid ${running.pid} on ${running.host} since ${running.since}` };
    return { index, state: "interrupted", detail: `process ${running.pid} on ${running.host} stopped without finishing (started ${running.since}); a rerun redoes it` };
  }
  if (existsSync(join(dir, FAILED_FILE))) {
    const failed = readJson<{ message?: string }>(join(dir, FAILED_FILE));
    return { index, state: "failed", detail: failed?.message ?? "failed (failed.json unreadable)" };
  }
  return { index, state: "pending" };
}

/** The last `lines` lines of a task's log ("" when it has none). */
export function logTail(sweepDir: string, index: number, lines = 15): string {
  const path = join(taskDir(sweepDir, index), LOG_FILE);
  if (!existsSync(path)) return "";
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf.toString("utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } finally {
    closeSync(fd);
  }
}
