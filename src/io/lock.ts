/**
 * An exclusive lock on a folder for one writing process: a lock file created with O_EXCL that
 * records the holder's pid, host and process start time. A lock left by a process that no longer
 * exists (killed, power cut) is taken over; a live holder makes the second writer fail with a
 * message naming the holder. Locks are re-entrant within a process.
 */
import { readFileSync, renameSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { ValidationError } from "../core/validate.js";
import { writeFileDurable } from "./atomic.js";

export const LOCK_FILE = ".marble-lock";

/** A folder is locked by another live process. */
export class FolderLockedError extends ValidationError {
  readonly holderPid: number;
  constructor(message: string, holderPid: number) {
    super(message);
    this.name = "FolderLockedError";
    this.holderPid = holderPid;
  }
}

interface LockRecord {
  pid: number;
  host: string;
  /** The holder's start time in clock ticks after boot (Linux), so a reused pid is not mistaken for the holder. */
  started: string | null;
  since: string;
}

export interface FolderLock {
  readonly path: string;
  release(): void;
}

const held = new Map<string, { count: number; text: string }>();

function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces and parentheses: count fields after its closing ")"
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(rec: LockRecord): boolean {
  if (rec.host !== hostname()) return true; // cannot check a process on another machine
  try {
    process.kill(rec.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  if (rec.started !== null) {
    const now = processStartTime(rec.pid);
    if (now !== null && now !== rec.started) return false; // the pid now belongs to another process
  }
  return true;
}

function parseRecord(text: string): LockRecord | null {
  try {
    const r = JSON.parse(text);
    return Number.isInteger(r.pid) && typeof r.host === "string" ? (r as LockRecord) : null;
  } catch {
    return null;
  }
}

/** This process's lock record, as written to a lock file. */
function lockRecordText(): string {
  return JSON.stringify({ pid: process.pid, host: hostname(), started: processStartTime(process.pid), since: new Date().toISOString() } satisfies LockRecord) + "\n";
}

/** Creates `file` holding `text` (O_EXCL, written whole and flushed); false when it exists. */
function tryCreate(file: string, text: string): boolean {
  try {
    writeFileDurable(file, text, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  return true;
}

/**
 * Removes `file` only if it still holds `text`. A second O_EXCL file serialises the take-over, so
 * two processes that both found the same stale lock cannot both remove a lock the other just made.
 */
function removeIfUnchanged(file: string, text: string): void {
  const guard = `${file}.takeover`;
  const mine = lockRecordText();
  if (!tryCreate(guard, mine)) {
    const other = parseRecord(readText(guard) ?? "");
    if (other && isAlive(other)) return; // someone else is taking over right now
    rmSync(guard, { force: true });
    if (!tryCreate(guard, mine)) return;
  }
  try {
    if (readText(file) === text) {
      // rename first: a rename of a path that changed under us moves the new lock, which we then put back
      const aside = `${file}.stale-${process.pid}`;
      renameSync(file, aside);
      if (readText(aside) === text) rmSync(aside, { force: true });
      else renameSync(aside, file);
    }
  } finally {
    rmSync(guard, { force: true });
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** Takes the lock on `dir` (which must exist) or throws FolderLockedError naming the holder. */
export function lockFolder(dir: string, what = "folder"): FolderLock {
  const path = resolve(dir);
  const file = join(path, LOCK_FILE);
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return makeHandle(path, file);
  }
  const text = lockRecordText();
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file, text)) {
      held.set(path, { count: 1, text });
      return makeHandle(path, file);
    }
    const existing = readText(file);
    if (existing === null) continue; // released between our two calls
    const rec = parseRecord(existing);
    // our own pid in a lock we do not hold: left by an earlier process that had this pid
    const ours = rec !== null && rec.pid === process.pid && rec.host === hostname();
    if (rec && !ours && isAlive(rec)) {
      throw new FolderLockedError(
        `${what} ${path} is being written by process ${rec.pid}${rec.host !== hostname() ? ` on ${rec.host}` : ""} (since ${rec.since}). ` +
          `Wait for it to finish or stop it, or write to another folder. If that process no longer exists, delete ${file}`,
        rec.pid,
      );
    }
    if (!rec && attempt === 0) {
      // a lock file torn by a crash between create and write: give its writer a moment
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      continue;
    }
    removeIfUnchanged(file, existing);
  }
  throw new FolderLockedError(`${what} ${path}: could not take the lock ${file} (it keeps changing); another process is writing there`, -1);
}

function makeHandle(path: string, file: string): FolderLock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      const h = held.get(path);
      if (!h) return;
      if (--h.count > 0) return;
      held.delete(path);
      if (readText(file) === h.text) rmSync(file, { force: true });
    },
  };
}

/** Whether this process holds the lock on `dir`. */
export function holdsLock(dir: string): boolean {
  return held.has(resolve(dir));
}
