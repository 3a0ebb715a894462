/**
 * Downloading dataset files into the cache: HTTP(S) with redirects, resume through Range requests
 * after a dropped connection or short body (only where the result can be checked), checksum
 * verification against the manifest or a local pin, and atomic placement (download to
 * `<file>.part`, verify, rename).
 */
import { lazyModule } from "../core/lazy-module.js";
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pinFilePath, readPins, repinHint, writePin, type ChecksumPin } from "./checksum-pins.js";
import { downloadToPart, partSize, request } from "./http-download.js";
import type { DatasetManifest, ManifestFile } from "./manifest.js";
import { cacheDir, dataDir } from "./paths.js";

const nodeCrypto = lazyModule<typeof import("node:crypto")>("node:crypto", "download checksums");

export interface Checksums {
  size?: number;
  md5?: string;
  sha256?: string;
}

export interface VerifyResult {
  ok: boolean;
  /** What failed, e.g. "md5 is 1a2b…, expected 3c4d…". Empty when ok. */
  problems: string[];
  size: number;
  md5: string;
  sha256: string;
}

/** md5 and sha256 of a file, streamed. */
export async function hashFile(path: string): Promise<{ size: number; md5: string; sha256: string }> {
  const md5 = nodeCrypto().createHash("md5");
  const sha256 = nodeCrypto().createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    const b = chunk as Buffer;
    size += b.length;
    md5.update(b);
    sha256.update(b);
  }
  return { size, md5: md5.digest("hex"), sha256: sha256.digest("hex") };
}

/** Checks a file against the size and checksums that are given (absent ones are not checked). */
export async function verifyFile(path: string, expected: Checksums): Promise<VerifyResult> {
  if (!existsSync(path)) return { ok: false, problems: [`${path} does not exist`], size: 0, md5: "", sha256: "" };
  const h = await hashFile(path);
  const problems: string[] = [];
  if (expected.size !== undefined && h.size !== expected.size) problems.push(`size is ${h.size} bytes, expected ${expected.size}`);
  if (expected.md5 && h.md5 !== expected.md5.toLowerCase()) problems.push(`md5 is ${h.md5}, expected ${expected.md5}`);
  if (expected.sha256 && h.sha256 !== expected.sha256.toLowerCase()) problems.push(`sha256 is ${h.sha256}, expected ${expected.sha256}`);
  return { ok: problems.length === 0, problems, ...h };
}

export class ChecksumError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
    /** Size and hashes of the rejected download. */
    readonly actual?: { size: number; md5: string; sha256: string },
  ) {
    super(message);
    this.name = "ChecksumError";
  }
}

export interface FetchOptions extends Checksums {
  url: string;
  dest: string;
  /** Called as bytes arrive: bytes on disk so far and the expected total (null when unknown). */
  onProgress?: (received: number, total: number | null) => void;
  /** Attempts after a failure that made no progress (default 3). Attempts that make progress do not count. */
  retries?: number;
  /** Delay between attempts in ms (default 500). */
  retryDelayMs?: number;
  /** Socket inactivity timeout in ms (default 60 s). */
  timeoutMs?: number;
  /** Download a fresh copy even when `dest` exists; the copy in place is replaced only by a complete (and, with checksums, verified) download. */
  replace?: boolean;
}

export interface FetchResult {
  path: string;
  /**
   * "downloaded"; "present" when a copy already in place matched the given md5 or sha256;
   * "present-unverified" when a copy was in place but no md5 or sha256 was given to check it against.
   */
  status: "downloaded" | "present" | "present-unverified";
  size: number;
  md5: string;
  sha256: string;
  /** Number of HTTP requests made (more than 1 after resuming). */
  requests: number;
  /**
   * Bytes of partial data thrown away: a leftover `.part` that no checksum could check a resume
   * against, or a resumed download that failed verification and was fetched again from the start.
   */
  discardedBytes: number;
  /** Set when a copy already in place failed its check and was replaced by this download: what was wrong with it. */
  replacedCopyProblems?: string[];
}

/**
 * Downloads `url` to `dest`. Partial data accumulate in `dest + ".part"` and are renamed into place
 * only after the size and checksums given match; on a mismatch the partial file is deleted and a
 * ChecksumError thrown. With an md5 or sha256 to check the result, a `.part` left by an interrupted
 * run is resumed with a Range request (and a resumed download that fails verification is fetched
 * once more from the start before giving up). Without one, a leftover `.part` is discarded: a
 * resumed tail that does not belong to the head could not be detected.
 */
export async function fetchFile(options: FetchOptions): Promise<FetchResult> {
  const { url, dest } = options;
  const expected: Checksums = { size: options.size, md5: options.md5, sha256: options.sha256 };
  const checked = Boolean(expected.md5 || expected.sha256);
  let replacedCopyProblems: string[] | undefined;

  if (!options.replace && existsSync(dest)) {
    // Recheck a placed file when we can, and replace it only if it fails. Without a checksum only
    // the size (when given) can be checked, and the result does not claim more.
    const v = await verifyFile(dest, expected);
    if (v.ok) return { path: dest, status: checked ? "present" : "present-unverified", size: v.size, md5: v.md5, sha256: v.sha256, requests: 0, discardedBytes: 0 };
    replacedCopyProblems = v.problems;
  }
  mkdirSync(join(dest, ".."), { recursive: true });
  const part = `${dest}.part`;
  let discardedBytes = 0;
  if (!checked && existsSync(part)) {
    discardedBytes += partSize(part);
    rmSync(part, { force: true });
  }

  const first = await downloadToPart(options, part, checked);
  let requests = first.requests;
  let v = await verifyFile(part, expected);
  if (!v.ok && first.resumed) {
    // The resumed head may be what is wrong (an earlier run's bytes); try once more from zero before blaming the server.
    discardedBytes += v.size;
    rmSync(part, { force: true });
    requests += (await downloadToPart(options, part, checked)).requests;
    v = await verifyFile(part, expected);
  }
  if (!v.ok) {
    rmSync(part, { force: true });
    throw new ChecksumError(
      `${url}: downloaded file failed verification (${v.problems.join("; ")}); it was deleted and not placed at ${dest}`,
      v.problems,
      { size: v.size, md5: v.md5, sha256: v.sha256 },
    );
  }
  renameSync(part, dest);
  return { path: dest, status: "downloaded", size: v.size, md5: v.md5, sha256: v.sha256, requests, discardedBytes, ...(replacedCopyProblems ? { replacedCopyProblems } : {}) };
}

/**
 * Resolves a DANDI assets query (…/dandisets/ID/versions/V/assets/?path=P) to the asset's download
 * URL (…/api/assets/ASSET_ID/download/) and its size.
 */
export async function resolveDandiAsset(queryUrl: string, filename: string, timeoutMs = 60_000): Promise<{ url: string; size?: number }> {
  const { res } = await request(queryUrl, { accept: "application/json" }, timeoutMs);
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  if (res.statusCode !== 200) throw new Error(`DANDI query ${queryUrl} answered HTTP ${res.statusCode}`);
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { results?: { asset_id: string; path: string; size?: number }[] };
  const results = body.results ?? [];
  const match = results.find((r) => r.path.endsWith(`/${filename}`) || r.path === filename) ?? results[0];
  if (!match) throw new Error(`DANDI query ${queryUrl} found no asset named ${filename}`);
  const api = queryUrl.slice(0, queryUrl.indexOf("/api/") + 5);
  return { url: `${api}assets/${match.asset_id}/download/`, size: match.size };
}

export interface FetchDatasetOptions {
  /** Cache folder (default: MARBLE_CACHE_DIR or ~/.cache/marble-lab); files go to <cache>/<dataset name>/. */
  cacheDir?: string;
  /** Only these file names (default: all files of the manifest). */
  files?: string[];
  /** Mirror: fetch every file from `${baseUrl}/${filename}` instead of its URL (tests, local mirrors). Also MARBLE_DATA_BASE_URL. */
  baseUrl?: string;
  onFileStart?: (file: ManifestFile, index: number, count: number) => void;
  onProgress?: (file: ManifestFile, received: number, total: number | null) => void;
  retries?: number;
  retryDelayMs?: number;
  /**
   * For files without a published checksum: download a fresh copy even when one is in place, and
   * record its sha256 in place of the old pin (the way to accept a file that changed on purpose).
   */
  repin?: boolean;
}

/** Where a dataset's files live in the cache. */
export function datasetCacheDir(manifest: DatasetManifest, root: string = cacheDir()): string {
  return join(root, manifest.name);
}

/** Selects manifest files by name, with a clear error for unknown names. */
export function selectFiles(manifest: DatasetManifest, names?: string[]): ManifestFile[] {
  if (!names || names.length === 0) return manifest.files;
  return names.map((n) => {
    const f = manifest.files.find((x) => x.filename === n);
    if (!f) throw new Error(`dataset "${manifest.name}" has no file "${n}"; files: ${manifest.files.map((x) => x.filename).join(", ")}`);
    return f;
  });
}

/** A published checksum: the manifest gives an md5 or a sha256 (a size alone does not count). */
function hasPublishedChecksum(file: ManifestFile): boolean {
  return Boolean(file.md5 || file.sha256);
}

export interface DatasetFetchResult extends FetchResult {
  file: ManifestFile;
  /**
   * What the file was checked against: "published" (the manifest's md5/sha256), "pinned" (the sha256
   * pinned when it was first downloaded), "newly-pinned" (downloaded now; its sha256 was recorded in
   * the pin file), or "none" (a copy already in place with neither: not verified; `repin` fetches a
   * fresh copy and pins it).
   */
  checksum: "published" | "pinned" | "newly-pinned" | "none";
  /** The dataset's pin file (`<cache>/<dataset>/checksums.lock.json`). */
  pinFile: string;
}

/** A download that does not match the sha256 pinned by an earlier download of the same file. */
export class PinMismatchError extends ChecksumError {
  constructor(
    message: string,
    problems: string[],
    actual: { size: number; md5: string; sha256: string } | undefined,
    readonly pin: ChecksumPin,
  ) {
    super(message, problems, actual);
    this.name = "PinMismatchError";
  }
}

/**
 * Downloads (or confirms) the files of a manifest into the cache. A file without a published
 * checksum is pinned on its first complete download (its size and sha256 are recorded in
 * `<cache>/<dataset>/checksums.lock.json`) and checked against that pin afterwards; `repin`
 * downloads a fresh copy of such files and records its sha256 in place of the old pin.
 */
export async function fetchDataset(manifest: DatasetManifest, options: FetchDatasetOptions = {}): Promise<DatasetFetchResult[]> {
  if (manifest.location !== "download") {
    throw new Error(`dataset "${manifest.name}" ships in the repository's data/ folder; nothing to fetch (use \`marble data verify ${manifest.name}\`)`);
  }
  const dir = datasetCacheDir(manifest, options.cacheDir ?? cacheDir());
  const baseUrl = options.baseUrl ?? process.env.MARBLE_DATA_BASE_URL;
  const files = selectFiles(manifest, options.files);
  if (options.repin && options.files?.length) {
    const published = files.filter(hasPublishedChecksum).map((f) => f.filename);
    if (published.length) {
      throw new Error(`${published.join(", ")} of dataset "${manifest.name}" ${published.length > 1 ? "have" : "has a"} published checksum${published.length > 1 ? "s" : ""} in the manifest, which always decide${published.length > 1 ? "" : "s"}; --repin applies only to files without one`);
    }
  }
  const pinFile = pinFilePath(dir);
  const pins = readPins(dir);
  const results: DatasetFetchResult[] = [];
  for (const [i, file] of files.entries()) {
    options.onFileStart?.(file, i, files.length);
    let url = file.url as string;
    let size = file.size;
    if (baseUrl) url = `${baseUrl.replace(/\/+$/, "")}/${encodeURIComponent(file.filename)}`;
    else if (file.resolve === "dandi-asset") {
      const resolved = await resolveDandiAsset(url, file.filename);
      url = resolved.url;
      size ??= resolved.size;
    }
    const published = hasPublishedChecksum(file);
    const repin = Boolean(options.repin) && !published;
    const pin = published || repin ? undefined : pins.get(file.filename);
    const dest = join(dir, file.filename);
    let result: FetchResult;
    try {
      result = await fetchFile({
        url,
        dest,
        size: pin ? pin.size : size,
        md5: file.md5,
        sha256: pin ? pin.sha256 : file.sha256,
        replace: repin,
        retries: options.retries,
        retryDelayMs: options.retryDelayMs,
        onProgress: (r, t) => options.onProgress?.(file, r, t),
      });
    } catch (err) {
      if (!pin || !(err instanceof ChecksumError)) throw err;
      const got = err.actual ? `downloaded ${err.actual.sha256} (${err.actual.size} bytes)` : err.problems.join("; ");
      throw new PinMismatchError(
        `${manifest.name}/${file.filename}: the download from ${url} does not match the sha256 pinned in ${pinFile} on ${pin.pinnedAt}: ` +
          `pinned ${pin.sha256} (${pin.size} bytes), ${got}. The file on the server changed, or the transfer was corrupted; ` +
          `the download was discarded and ${existsSync(dest) ? `${dest} left as it was` : `nothing was placed at ${dest}`}; ${repinHint(manifest.name, file.filename)}`,
        err.problems,
        err.actual,
        pin,
      );
    }
    let checksum: DatasetFetchResult["checksum"] = published ? "published" : pin ? "pinned" : "none";
    if (!published && !pin && result.status === "downloaded") {
      writePin(dir, file.filename, { size: result.size, sha256: result.sha256, url, pinnedAt: new Date().toISOString() });
      checksum = "newly-pinned";
    }
    results.push({ ...result, file, checksum, pinFile });
  }
  return results;
}

export interface VerifyDatasetEntry {
  file: ManifestFile;
  path: string;
  /**
   * "verified": matches the manifest's published md5/sha256; "pinned": no published checksum, matches
   * the sha256 pinned when it was first downloaded; "unpinned": present, but there is no checksum to
   * check it against (neither published nor pinned), so it is NOT verified; "failed"; "missing".
   */
  status: "verified" | "pinned" | "unpinned" | "failed" | "missing";
  /** What failed (for "failed", ending with how to re-pin when a pin was not matched). */
  problems: string[];
  size?: number;
  sha256?: string;
  /** The pin the file was checked against ("pinned", or "failed" against a pin). */
  pin?: ChecksumPin;
  /** The dataset's pin file (downloaded datasets only). */
  pinFile?: string;
}

/** Verifies a dataset's files: the cache for downloads (against the manifest or the local pins), data/ for shipped files. */
export async function verifyDataset(manifest: DatasetManifest, options: { cacheDir?: string; dataDir?: string } = {}): Promise<VerifyDatasetEntry[]> {
  const downloaded = manifest.location === "download";
  const root = downloaded ? datasetCacheDir(manifest, options.cacheDir ?? cacheDir()) : (options.dataDir ?? dataDir());
  const pins = downloaded ? readPins(root) : new Map<string, ChecksumPin>();
  const pinFile = downloaded ? pinFilePath(root) : undefined;
  const out: VerifyDatasetEntry[] = [];
  for (const file of manifest.files) {
    const path = join(root, file.filename);
    if (!existsSync(path)) {
      out.push({ file, path, status: "missing", problems: [`${path} not found`], pinFile });
      continue;
    }
    if (hasPublishedChecksum(file)) {
      const v = await verifyFile(path, file);
      out.push({ file, path, status: v.ok ? "verified" : "failed", problems: v.problems, size: v.size, sha256: v.sha256, pinFile });
      continue;
    }
    const pin = pins.get(file.filename);
    if (!pin) {
      // Only a published size (if any) can be checked; passing it does not make the file verified.
      const v = await verifyFile(path, { size: file.size });
      out.push({ file, path, status: v.ok ? "unpinned" : "failed", problems: v.problems, size: v.size, sha256: v.sha256, pinFile });
      continue;
    }
    const h = await hashFile(path);
    const problems: string[] = [];
    if (h.sha256 !== pin.sha256) problems.push(`sha256 is ${h.sha256}, pinned ${pin.sha256} in ${pinFile} on ${pin.pinnedAt}`);
    if (h.size !== pin.size) problems.push(`size is ${h.size} bytes, pinned ${pin.size}`);
    if (problems.length) problems.push(repinHint(manifest.name, file.filename));
    out.push({ file, path, status: problems.length ? "failed" : "pinned", problems, size: h.size, sha256: h.sha256, pin, pinFile });
  }
  return out;
}
