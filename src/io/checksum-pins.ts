/**
 * Local checksum pins for downloaded files that have no published checksum. The first complete
 * download of such a file is hashed and recorded in `<cache>/<dataset>/checksums.lock.json`; later
 * fetches and verifications check the file against that record, so a file that changes on the
 * server or on disk is noticed instead of being used silently. Re-pinning is always explicit
 * (`marble data fetch NAME --file F --repin`).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { writeFileAtomic } from "./atomic.js";

export const PIN_FILE_NAME = "checksums.lock.json";

export interface ChecksumPin {
  size: number;
  sha256: string;
  /** The URL the pinned copy was downloaded from. */
  url: string;
  /** When the pin was recorded (ISO 8601). */
  pinnedAt: string;
}

interface PinFile {
  version: 1;
  note: string;
  files: Record<string, ChecksumPin>;
}

const NOTE =
  "sha256 of downloaded files that have no published checksum, recorded on their first complete download. " +
  "marble data fetch and verify check the files against these entries. To accept a changed file on purpose: " +
  "marble data fetch DATASET --file FILE --repin";

/** The pin file of a dataset's cache folder. */
export function pinFilePath(datasetDir: string): string {
  return join(datasetDir, PIN_FILE_NAME);
}

function shapeProblems(name: string, pin: unknown): string[] {
  const where = `files[${JSON.stringify(name)}]`;
  if (typeof pin !== "object" || pin === null || Array.isArray(pin)) return [`${where} must be an object`];
  const p = pin as Record<string, unknown>;
  const problems: string[] = [];
  if (!Number.isSafeInteger(p.size) || (p.size as number) < 0) problems.push(`${where}.size must be a byte count, found ${JSON.stringify(p.size)}`);
  if (typeof p.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(p.sha256)) problems.push(`${where}.sha256 must be 64 lowercase hex digits, found ${JSON.stringify(p.sha256)}`);
  if (typeof p.url !== "string") problems.push(`${where}.url must be a string`);
  if (typeof p.pinnedAt !== "string") problems.push(`${where}.pinnedAt must be a date string`);
  return problems;
}

/**
 * The pins recorded in a dataset's cache folder (empty when there is no pin file). A pin file that
 * cannot be read is an error naming the file and the entry: it is never replaced silently, since
 * that would drop the record the files are checked against.
 */
export function readPins(datasetDir: string): Map<string, ChecksumPin> {
  const path = pinFilePath(datasetDir);
  if (!existsSync(path)) return new Map();
  const fix = `fix the entry, or move the file away and pin fresh downloads with \`marble data fetch ${basename(datasetDir)} --repin\``;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message}); ${fix}`, { cause: err });
  }
  const files = (parsed as { files?: unknown } | null)?.files;
  if (typeof files !== "object" || files === null || Array.isArray(files)) throw new Error(`${path}: expected an object with a "files" object; ${fix}`);
  const problems = Object.entries(files).flatMap(([name, pin]) => shapeProblems(name, pin));
  if (problems.length) throw new Error(`${path}: ${problems.join("; ")}; ${fix}`);
  return new Map(Object.entries(files as Record<string, ChecksumPin>));
}

/**
 * Records (or replaces) the pin of one file. The pin file is re-read just before writing, so pins
 * written meanwhile for other files are kept, and replaced atomically (temporary file + rename).
 */
export function writePin(datasetDir: string, filename: string, pin: ChecksumPin): void {
  const pins = readPins(datasetDir);
  pins.set(filename, pin);
  const sorted = Object.fromEntries([...pins.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const body: PinFile = { version: 1, note: NOTE, files: sorted };
  writeFileAtomic(pinFilePath(datasetDir), JSON.stringify(body, null, 2) + "\n");
}

/** How to accept a changed file on purpose, for error messages. */
export function repinHint(dataset: string, filename: string): string {
  return `if the change is expected, re-pin on purpose with \`marble data fetch ${dataset} --file ${filename} --repin\` (downloads a fresh copy and records its sha256)`;
}
