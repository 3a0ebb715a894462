/**
 * Checkpoint folders on disk: which folders may be written, the crash-safe commit, and reading
 * with verification.
 *
 * Layout: `model.json` (the manifest) names the data files of the checkpoint, each with its
 * sha256, size and tensor shapes. A save writes new data files under fresh names
 * (`weights.<generation>.safetensors`), then a new manifest under a temporary name, and commits
 * with one atomic rename of the manifest over `model.json`. Until that rename the folder holds the
 * previous checkpoint untouched; after it, the new one. Files the committed manifest no longer
 * names (older generations, leftovers of a killed save) are removed by the next save or load.
 * Only files matching the checkpoint's own names are ever removed; other files in the folder
 * (a user's notes, `pipeline.json`) stay.
 */
import { sha256 } from "../core/digest.js";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ValidationError } from "../core/validate.js";
import { fsyncFolder, writeFileDurable } from "../io/atomic.js";
import { lockFolder, LOCK_FILE, FolderLockedError } from "../io/lock.js";
import { decodeSafetensors, type NamedArray } from "./safetensors.js";

export const MANIFEST = "model.json";
export const CHECKPOINT_FORMAT = "marble-checkpoint";
/** 2: data files listed in the manifest with checksums; 1: a fixed `weights.safetensors` without checksums. */
export const CHECKPOINT_FORMAT_VERSION = 2;
const LEGACY_WEIGHTS = "weights.safetensors";
const DATA_FILE = /^([a-z]+)\.(\d+)\.safetensors$/;
const MANIFEST_TMP = /^\.model\.json\.tmp-/;
/** Companion files the project writes into a checkpoint folder (recording pipeline). */
const COMPANIONS = new Set(["pipeline.json"]);

/** A checkpoint problem: the message names the path and what to do. */
export class CheckpointError extends ValidationError {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

export { FolderLockedError };

/** A data file or temporary manifest that a save writes and a later save or load may remove. */
function isSaveFile(name: string): boolean {
  return name === LEGACY_WEIGHTS || DATA_FILE.test(name) || MANIFEST_TMP.test(name);
}

function isProjectFile(name: string): boolean {
  return (
    name === MANIFEST ||
    isSaveFile(name) ||
    name === LOCK_FILE ||
    name.startsWith(`${LOCK_FILE}.`) ||
    COMPANIONS.has(name)
  );
}

export type FolderState =
  | { kind: "missing" }
  | { kind: "file" }
  | { kind: "empty" }
  | { kind: "checkpoint"; manifest: Record<string, any> }
  | { kind: "foreign"; examples: string[]; count: number; reason: string };

/** What is at `path`, as far as writing a checkpoint there is concerned. */
export function inspectFolder(path: string): FolderState {
  if (!existsSync(path)) return { kind: "missing" };
  if (!statSync(path).isDirectory()) return { kind: "file" };
  const names = readdirSync(path);
  if (names.includes(MANIFEST)) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(join(path, MANIFEST), "utf8"));
    } catch {
      return { kind: "foreign", examples: [MANIFEST], count: 1, reason: `its ${MANIFEST} is not valid JSON, so it is not recognisable as a MarbleLab checkpoint` };
    }
    if (manifest && typeof manifest === "object" && (manifest as Record<string, unknown>).format === CHECKPOINT_FORMAT) {
      return { kind: "checkpoint", manifest: manifest as Record<string, any> };
    }
    return { kind: "foreign", examples: [MANIFEST], count: 1, reason: `its ${MANIFEST} is not a MarbleLab checkpoint manifest (no format "${CHECKPOINT_FORMAT}")` };
  }
  const foreign = names.filter((n) => !isProjectFile(n));
  if (foreign.length === 0) return { kind: "empty" };
  return { kind: "foreign", examples: foreign.slice(0, 4), count: foreign.length, reason: "it holds files that are not part of a MarbleLab checkpoint" };
}

export interface OutputCheck {
  /** Replace an existing checkpoint (never anything else). */
  force?: boolean;
  /** The writing model's run id: a checkpoint of the same run (as after load or resume) is updated without force. */
  runId?: string;
  /** Who is asking, for the message ("Marble.save", "Marble.fit"). */
  where: string;
}

/**
 * Refuses a destination that is not a new folder, an empty one or a MarbleLab checkpoint, and an
 * existing checkpoint of another run unless `force`. Runs before any training.
 */
export function checkOutputFolder(path: string, opts: OutputCheck): void {
  const state = inspectFolder(path);
  const way = "pick a new folder (e.g. marble fit --out runs/run2)";
  if (state.kind === "file") {
    throw new CheckpointError(`${opts.where}: ${resolve(path)} is a file, not a folder; a checkpoint is a folder. Nothing was written: ${way}`);
  }
  if (state.kind === "foreign") {
    const more = state.count > state.examples.length ? `, … ${state.count} in all` : "";
    throw new CheckpointError(
      `${opts.where}: refusing to write a checkpoint into ${resolve(path)}: ${state.reason} (${state.examples.join(", ")}${more}). ` +
        `MarbleLab writes only into a new folder, an empty one or an existing checkpoint, and never deletes files it did not write; ` +
        `force does not override this. Nothing was written: ${way}`,
    );
  }
  const existingRun = state.kind === "checkpoint" ? (typeof state.manifest.runId === "string" ? state.manifest.runId : legacyRunId(resolve(path))) : null;
  if (state.kind === "checkpoint" && !opts.force && !(opts.runId && existingRun === opts.runId)) {
    const m = state.manifest;
    const what = `epoch ${typeof m.epoch === "number" ? m.epoch : "?"}${typeof m.savedAt === "string" ? `, saved ${m.savedAt}` : ""}`;
    throw new CheckpointError(
      `${opts.where}: ${resolve(path)} already holds a MarbleLab checkpoint of another run (${what}). ` +
        `Replace it with force: true (marble fit --force), continue it with Marble.load + fit({ resume: true }) (marble fit --resume ${shellArg(path)}), or ${way}`,
    );
  }
}

/** The run id of a checkpoint written before run ids were recorded: its folder stands for its run. */
export function legacyRunId(dir: string): string {
  return `folder:${resolve(dir)}`;
}

/** A path as one shell word, for the commands messages suggest. */
export function shellArg(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * Test hook: with MARBLE_FAULT_PAUSE=<stage> the writer announces the stage on stderr and blocks
 * there, so fault-injection tests can kill it at an exact point of the commit.
 */
function faultPoint(stage: string): void {
  if (process.env.MARBLE_FAULT_PAUSE !== stage) return;
  process.stderr.write(`fault-pause ${stage}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
}

export interface DataFile {
  /** File name stem: "weights", "resume". */
  stem: string;
  bytes: Buffer;
  /** Tensor name → shape, recorded in the manifest and checked on load. */
  tensors: Record<string, number[]>;
}

interface FileEntry {
  sha256: string;
  bytes: number;
  tensors: Record<string, number[]>;
}

const nonFiniteToNull = (_k: string, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v);

/** The manifest text with its own checksum (over the same text without the checksum field). */
function manifestText(body: Record<string, unknown>): string {
  const normal = JSON.parse(JSON.stringify(body, nonFiniteToNull)) as Record<string, unknown>;
  delete normal.manifestSha256;
  const digest = sha256(JSON.stringify(normal, null, 2));
  return JSON.stringify({ ...normal, manifestSha256: digest }, null, 2) + "\n";
}

function generationOf(name: string): number {
  const m = DATA_FILE.exec(name);
  return m ? Number(m[2]) : 0;
}

/**
 * Writes a checkpoint into `dir` (created if missing) with one atomic commit. `check` (the
 * caller's checkOutputFolder) runs with the folder's lock held, which is kept for the duration.
 */
export function commitCheckpoint(dir: string, manifest: Record<string, unknown>, files: DataFile[], check?: () => void): void {
  mkdirSync(dir, { recursive: true });
  const lock = lockFolder(dir, "checkpoint folder");
  try {
    check?.(); // again with the lock held: another process may have written there meanwhile
    faultPoint("locked");
    const names = readdirSync(dir);
    let previous = 0;
    const current = inspectFolder(dir);
    if (current.kind === "checkpoint" && Number.isInteger(current.manifest.generation)) previous = current.manifest.generation;
    const generation = Math.max(previous, ...names.map(generationOf)) + 1;
    const entries: Record<string, FileEntry> = {};
    for (const f of files) {
      const name = `${f.stem}.${generation}.safetensors`;
      writeFileDurable(join(dir, name), f.bytes);
      entries[name] = { sha256: sha256(f.bytes), bytes: f.bytes.length, tensors: f.tensors };
      faultPoint(`wrote-${f.stem}`);
    }
    const text = manifestText({ ...manifest, format: CHECKPOINT_FORMAT, formatVersion: CHECKPOINT_FORMAT_VERSION, generation, files: entries });
    const tmp = join(dir, `.${MANIFEST}.tmp-${process.pid}`);
    writeFileDurable(tmp, text);
    faultPoint("manifest-written");
    renameSync(tmp, join(dir, MANIFEST));
    fsyncFolder(dir);
    faultPoint("committed");
    removeUnreferenced(dir, new Set(Object.keys(entries)));
    faultPoint("cleaned");
  } finally {
    lock.release();
  }
}

/** Removes the checkpoint's own files that the committed manifest does not name. */
function removeUnreferenced(dir: string, keep: Set<string>): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (keep.has(name)) continue;
    if (isSaveFile(name)) {
      rmSync(join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

export interface LoadedCheckpoint {
  dir: string;
  manifest: Record<string, any>;
  /** Decoded data files by stem ("weights", "resume"). */
  data: Record<string, Record<string, NamedArray>>;
  /** The file each stem was read from, for messages. */
  fileOf: Record<string, string>;
}

function fail(where: string, message: string): never {
  throw new CheckpointError(`${where}: ${message}`);
}

function parseManifest(dir: string, where: string): Record<string, any> {
  const file = join(dir, MANIFEST);
  const text = readFileSync(file, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(where, `${file} is not valid JSON (${(e as Error).message}); the file is damaged: restore the folder from a copy or train again`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) fail(where, `${file} does not hold a JSON object; it is not a MarbleLab checkpoint manifest`);
  const m = json as Record<string, any>;
  if (m.format !== CHECKPOINT_FORMAT) fail(where, `${file} is not a MarbleLab checkpoint manifest (its "format" is ${JSON.stringify(m.format)}, expected "${CHECKPOINT_FORMAT}")`);
  const version = m.formatVersion ?? 1;
  if (!(version === 1 || version === CHECKPOINT_FORMAT_VERSION)) {
    fail(where, `${file} has checkpoint format version ${JSON.stringify(version)}; this MarbleLab reads versions 1 and ${CHECKPOINT_FORMAT_VERSION}: update MarbleLab`);
  }
  // the fields every version has, named before the checksum so an incomplete manifest says what it lacks
  if (!m.signature || typeof m.signature !== "object") {
    fail(where, `${file} lacks its "signature" field (the data dimensions the model was trained on); the manifest is incomplete: restore the folder from a copy or train again`);
  }
  if (!m.params || typeof m.params !== "object") fail(where, `${file} lacks its "params" field (the model options); restore the folder from a copy or train again`);
  if (version >= 2) {
    const recorded = m.manifestSha256;
    const rest = { ...m };
    delete rest.manifestSha256;
    if (typeof recorded !== "string" || sha256(JSON.stringify(rest, null, 2)) !== recorded) {
      fail(where, `${file} was changed after it was written (its checksum does not match its content): the file is damaged or was edited; restore the folder from a copy or train again`);
    }
  }
  return m;
}

function checkFinite(where: string, file: string, tensors: Record<string, NamedArray>): void {
  for (const [name, t] of Object.entries(tensors)) {
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i])) {
        fail(where, `tensor "${name}" in ${file} holds ${t.data[i]} at index ${i}; a checkpoint's parameters must be finite. The file is damaged or was written by a diverged run: use an earlier checkpoint or train again`);
      }
    }
  }
}

function readDataFile(dir: string, name: string, entry: FileEntry | null, where: string): Record<string, NamedArray> {
  const file = join(dir, name);
  if (!existsSync(file)) {
    const err = new CheckpointError(`${where}: ${file} is missing (named in ${join(dir, MANIFEST)}); the checkpoint is incomplete: restore the folder from a copy or train again`);
    (err as CheckpointError & { missingFile?: boolean }).missingFile = true;
    throw err;
  }
  const bytes = readFileSync(file);
  if (entry) {
    if (bytes.length !== entry.bytes) fail(where, `${file} is ${bytes.length} bytes, the manifest records ${entry.bytes}: the file is ${bytes.length < entry.bytes ? "truncated" : "damaged"}; restore the folder from a copy or train again`);
    if (sha256(bytes) !== entry.sha256) fail(where, `${file} does not match its sha256 in the manifest: the file is damaged; restore the folder from a copy or train again`);
  }
  let tensors: Record<string, NamedArray>;
  try {
    tensors = decodeSafetensors(bytes).tensors;
  } catch (e) {
    fail(where, `${file} is not a readable safetensors file (${(e as Error).message})`);
  }
  if (entry) {
    const want = Object.keys(entry.tensors).sort(), got = Object.keys(tensors).sort();
    if (want.join("\n") !== got.join("\n")) fail(where, `${file} holds tensors [${got.join(", ")}], the manifest records [${want.join(", ")}]`);
    for (const n of want) {
      if (JSON.stringify(entry.tensors[n]) !== JSON.stringify(tensors[n].shape)) fail(where, `tensor "${n}" in ${file} has shape [${tensors[n].shape}], the manifest records [${entry.tensors[n]}]`);
    }
  }
  checkFinite(where, file, tensors);
  return tensors;
}

/**
 * Reads and verifies a checkpoint folder: manifest checksum, each file's size and sha256, tensor
 * names and shapes, finite values. Recovers a folder left by a save of an earlier MarbleLab that
 * was killed between its renames, and removes leftovers of killed saves when no writer is active.
 */
export function readCheckpoint(path: string, where: string): LoadedCheckpoint {
  const dir = resolve(path);
  if (existsSync(dir) && !statSync(dir).isDirectory()) fail(where, `${dir} is a file; pass the checkpoint folder written by Marble.save or fit({ outdir })`);
  if (!existsSync(join(dir, MANIFEST))) {
    if (!recoverLegacy(dir)) {
      const state = existsSync(dir) ? inspectFolder(dir) : { kind: "missing" as const };
      if (state.kind === "empty" && readdirSync(dir).some((n) => DATA_FILE.test(n))) {
        fail(where, `${dir} holds only the beginning of a first save that was interrupted (no ${MANIFEST}); there is no checkpoint to load. Train again (the folder may be reused)`);
      }
      fail(where, `no checkpoint at ${dir} (missing ${MANIFEST}); pass the folder written by Marble.save or fit({ outdir })`);
    }
  }
  // a writer may commit a newer generation between reading the manifest and its files: read again
  for (let attempt = 0; ; attempt++) {
    const manifest = parseManifest(dir, where);
    try {
      const data: LoadedCheckpoint["data"] = {}, fileOf: LoadedCheckpoint["fileOf"] = {};
      if ((manifest.formatVersion ?? 1) === 1) {
        data.weights = readDataFile(dir, LEGACY_WEIGHTS, null, where);
        fileOf.weights = join(dir, LEGACY_WEIGHTS);
      } else {
        const files = manifest.files;
        if (!files || typeof files !== "object") fail(where, `${join(dir, MANIFEST)} lacks its "files" list; restore the folder from a copy or train again`);
        for (const [name, entry] of Object.entries(files as Record<string, FileEntry>)) {
          const m = DATA_FILE.exec(name);
          if (!m || !entry || typeof entry.sha256 !== "string" || !Number.isInteger(entry.bytes) || typeof entry.tensors !== "object") {
            fail(where, `${join(dir, MANIFEST)} has an invalid entry for file "${name}"; restore the folder from a copy or train again`);
          }
          data[m[1]] = readDataFile(dir, name, entry, where);
          fileOf[m[1]] = join(dir, name);
        }
        if (!data.weights) fail(where, `${join(dir, MANIFEST)} names no weights file; restore the folder from a copy or train again`);
        tidy(dir, new Set(Object.keys(files)));
      }
      return { dir, manifest, data, fileOf };
    } catch (e) {
      if (attempt < 3 && (e as { missingFile?: boolean }).missingFile) continue;
      throw e;
    }
  }
}

/** Removes leftovers of killed saves if no other process is writing (best effort: a read-only folder stays as it is). */
function tidy(dir: string, keep: Set<string>): void {
  const names = readdirSync(dir);
  if (!names.some((n) => !keep.has(n) && isSaveFile(n))) return;
  try {
    const lock = lockFolder(dir, "checkpoint folder");
    try {
      // the manifest may have moved on while we read; keep whatever the current one names
      const now = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8"));
      const current = new Set(Object.keys(now.files ?? {}));
      removeUnreferenced(dir, current);
    } finally {
      lock.release();
    }
  } catch {
    // locked by a writer, or no permission: leave the leftovers for a later save
  }
}

/**
 * Earlier MarbleLab versions saved by renaming the folder aside (`.NAME.old-*`) and a new copy
 * in (`.NAME.tmp-*`); a kill between the two renames left no folder at all. Puts the newest
 * complete copy back in place. Returns whether a checkpoint is now at `dir`.
 */
function recoverLegacy(dir: string): boolean {
  const parent = dirname(dir), name = basename(dir);
  if (!existsSync(parent)) return false;
  if (existsSync(dir) && readdirSync(dir).length > 0) return false;
  const prefix = `.${name}.`;
  const candidates = readdirSync(parent)
    .filter((n) => n.startsWith(prefix) && /^(tmp|old)-/.test(n.slice(prefix.length)))
    .map((n) => join(parent, n))
    .filter((p) => isCompleteLegacy(p));
  if (candidates.length === 0) return false;
  // the new copy (tmp) is complete once the old one was moved aside; prefer it, then the newest
  candidates.sort((a, b) => Number(/\.tmp-/.test(basename(b))) - Number(/\.tmp-/.test(basename(a))) || statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (existsSync(dir)) rmdirSync(dir); // empty (checked above)
  renameSync(candidates[0], dir);
  fsyncFolder(parent);
  process.emitWarning(`recovered the checkpoint ${dir} from ${basename(candidates[0])}, left by a save that was interrupted`);
  for (const other of candidates.slice(1)) {
    if (readdirSync(other).every((n) => n === MANIFEST || n === LEGACY_WEIGHTS)) rmSync(other, { recursive: true, force: true });
  }
  return true;
}

function isCompleteLegacy(folder: string): boolean {
  try {
    if (!statSync(folder).isDirectory()) return false;
    const m = JSON.parse(readFileSync(join(folder, MANIFEST), "utf8"));
    if (m.format !== CHECKPOINT_FORMAT) return false;
    decodeSafetensors(readFileSync(join(folder, LEGACY_WEIGHTS)));
    return true;
  } catch {
    return false;
  }
}
