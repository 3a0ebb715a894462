/**
 * Atomic checkpoint folders: everything is written into a temporary folder beside the target
 * and renamed into place, so a crash leaves either the previous checkpoint or the new one,
 * never a half-written folder.
 */
import { mkdirSync, writeFileSync, renameSync, rmSync, existsSync, readFileSync, openSync, fsyncSync, closeSync } from "node:fs";
import { dirname, basename, join, resolve } from "node:path";

export function writeFolderAtomic(path: string, files: Record<string, Buffer | string>): void {
  const target = resolve(path);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const suffix = `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  const tmp = join(parent, `.${basename(target)}.tmp-${suffix}`);
  mkdirSync(tmp);
  try {
    for (const [name, content] of Object.entries(files)) {
      const file = join(tmp, name);
      writeFileSync(file, content);
      const fd = openSync(file, "r");
      fsyncSync(fd);
      closeSync(fd);
    }
    if (existsSync(target)) {
      // a directory cannot be renamed over a non-empty one: move the old one aside first
      const old = join(parent, `.${basename(target)}.old-${suffix}`);
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, target);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

export function readFolderFile(path: string, name: string): Buffer {
  const file = join(path, name);
  if (!existsSync(file)) throw new Error(`checkpoint ${path}: missing ${name}; pass the folder written by Marble.save or fit({ outdir })`);
  return readFileSync(file);
}
