/**
 * Opening a user's input file with errors that name the path and say what is wrong with it
 * (Node's own EISDIR message names neither the path nor the fix).
 */
import { readFileSync, statSync } from "node:fs";

/** Throws a clear error unless `path` is an existing regular file; `what` names the reader. */
export function checkInputFile(path: string, what: string): void {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    throw inputError(err, path, what);
  }
  if (stat.isDirectory()) throw new Error(`${what}: ${path} is a folder, not a file; pass the path of a file inside it`);
  if (!stat.isFile()) throw new Error(`${what}: ${path} is not a regular file`);
}

/** Reads a whole input file; errors name the path (missing file, folder, no permission). */
export function readInputFile(path: string, what: string): Buffer {
  checkInputFile(path, what);
  try {
    return readFileSync(path);
  } catch (err) {
    throw inputError(err, path, what);
  }
}

function inputError(err: unknown, path: string, what: string): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT":
      return new Error(`${what}: file not found: ${path}`, { cause: err });
    case "ENOTDIR":
      return new Error(`${what}: file not found: ${path} (a part of the path is a file, not a folder)`, { cause: err });
    case "EISDIR":
      return new Error(`${what}: ${path} is a folder, not a file; pass the path of a file inside it`, { cause: err });
    case "EACCES":
    case "EPERM":
      return new Error(`${what}: no permission to read ${path}`, { cause: err });
    default:
      return new Error(`${what}: cannot read ${path}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}
