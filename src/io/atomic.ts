/**
 * Durable, atomic file placement. A file is written to a temporary name in its folder, flushed to
 * the disk (fsync), renamed over the target, and the folder entry is flushed too: after a crash or
 * power cut the target holds either its old content or the new content, never a torn mix.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Writes `data` to `path` (creating or truncating it) and flushes it to the disk before returning. */
export function writeFileDurable(path: string, data: Uint8Array | string, flag: "w" | "wx" = "w"): void {
  const fd = openSync(path, flag, 0o644);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (renames, new files) to the disk; a no-op where folders cannot be opened. */
export function fsyncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // some platforms and file systems refuse fsync on a folder; the rename itself is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileDurable(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncFolder(dir);
}
