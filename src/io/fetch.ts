/**
 * Downloading dataset files into the cache: HTTP(S) with redirects, resume through Range requests
 * after a dropped connection or short body, checksum verification, and atomic placement
 * (download to `<file>.part`, verify, rename).
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { get as httpGet, type IncomingMessage } from "node:http";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import type { DatasetManifest, ManifestFile } from "./manifest.js";
import { cacheDir, dataDir } from "./paths.js";

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
  const md5 = createHash("md5");
  const sha256 = createHash("sha256");
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
}

export interface FetchResult {
  path: string;
  /** "downloaded", or "present" when a verified copy was already in place. */
  status: "downloaded" | "present";
  size: number;
  md5: string;
  sha256: string;
  /** Number of HTTP requests made (more than 1 after resuming). */
  requests: number;
}

function request(url: string, headers: Record<string, string>, timeoutMs: number, redirects = 0): Promise<{ res: IncomingMessage; url: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const getter = u.protocol === "https:" ? httpsGet : u.protocol === "http:" ? httpGet : null;
    if (!getter) {
      reject(new Error(`unsupported URL scheme in ${url}`));
      return;
    }
    const req = getter(u, { headers: { "user-agent": "marble-lab", ...headers } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= 10) {
          reject(new Error(`too many redirects fetching ${url}`));
          return;
        }
        resolve(request(new URL(res.headers.location, u).toString(), headers, timeoutMs, redirects + 1));
        return;
      }
      resolve({ res, url });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no data for ${timeoutMs} ms from ${u.host}`)));
    req.on("error", reject);
  });
}

/** Streams a response body onto the end of `path`; resolves with the bytes written, rejects (after flushing) on a dropped connection. */
function appendBody(res: IncomingMessage, path: string, truncate: boolean, onData: (n: number) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path, { flags: truncate ? "w" : "a" });
    let written = 0;
    let failure: Error | null = null;
    res.on("data", (chunk: Buffer) => {
      written += chunk.length;
      onData(chunk.length);
      if (!out.write(chunk)) {
        res.pause();
        out.once("drain", () => res.resume());
      }
    });
    res.on("aborted", () => {
      failure ??= new Error("connection dropped mid-transfer");
    });
    res.on("error", (err) => {
      failure ??= err;
      out.end();
    });
    res.on("close", () => {
      if (!res.complete) failure ??= new Error("connection closed before the body was complete");
      out.end();
    });
    out.on("finish", () => (failure ? reject(failure) : resolve(written)));
    out.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Downloads `url` to `dest`. Partial data accumulate in `dest + ".part"` and resume with a Range
 * request after a dropped connection or short body. The file is renamed into place only after its
 * size and checksums match; on a mismatch the partial file is deleted and a ChecksumError thrown.
 */
export async function fetchFile(options: FetchOptions): Promise<FetchResult> {
  const { url, dest } = options;
  const retries = options.retries ?? 3;
  const delay = options.retryDelayMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const expected: Checksums = { size: options.size, md5: options.md5, sha256: options.sha256 };

  if (existsSync(dest)) {
    // A placed file passed verification when it was downloaded; recheck it when we can, and
    // replace it only if it fails. Without published checksums there is nothing to recheck.
    const v = await verifyFile(dest, expected);
    if (v.ok) return { path: dest, status: "present", size: v.size, md5: v.md5, sha256: v.sha256, requests: 0 };
  }
  mkdirSync(join(dest, ".."), { recursive: true });
  const part = `${dest}.part`;
  let total: number | null = expected.size ?? null;
  let requests = 0;
  let failuresWithoutProgress = 0;

  for (;;) {
    const have = existsSync(part) ? statSync(part).size : 0;
    if (total !== null && have === total) break;
    if (total !== null && have > total) {
      rmSync(part, { force: true });
      continue;
    }
    let progressed = false;
    try {
      requests++;
      const { res } = await request(url, have > 0 ? { range: `bytes=${have}-` } : {}, timeoutMs);
      const status = res.statusCode ?? 0;
      if (status === 416 && have > 0) {
        // The server has nothing past what we hold: the part file is complete.
        res.resume();
        break;
      }
      if (status !== 200 && status !== 206) {
        res.resume();
        throw new Error(`HTTP ${status} ${res.statusMessage ?? ""} from ${url}`.trim());
      }
      const restart = status === 200; // server ignored the Range request: start over
      const length = Number(res.headers["content-length"]);
      // The manifest's size, when given, is authoritative; otherwise trust Content-Length.
      if (Number.isFinite(length) && expected.size === undefined) total = restart ? length : have + length;
      let received = restart ? 0 : have;
      options.onProgress?.(received, total);
      await appendBody(res, part, restart, (n) => {
        received += n;
        // Progress means holding more than before this attempt (a restarted body must overtake it).
        if (received > have) progressed = true;
        options.onProgress?.(received, total);
      });
      const now = statSync(part).size;
      if (total !== null && now < total) throw new Error(`body ended early: ${now} of ${total} bytes`);
      break;
    } catch (err) {
      const error = err as Error;
      failuresWithoutProgress = progressed ? 0 : failuresWithoutProgress + 1;
      if (failuresWithoutProgress > retries) {
        const have2 = existsSync(part) ? statSync(part).size : 0;
        throw new Error(
          `download of ${url} failed after ${requests} request(s): ${error.message}` +
            (have2 > 0 ? `; ${have2} bytes kept in ${part} — rerun to resume` : ""),
          { cause: err },
        );
      }
      await sleep(delay);
    }
  }

  const v = await verifyFile(part, expected);
  if (!v.ok) {
    rmSync(part, { force: true });
    throw new ChecksumError(`${url}: downloaded file failed verification (${v.problems.join("; ")}); it was deleted and not placed at ${dest}`, v.problems);
  }
  renameSync(part, dest);
  return { path: dest, status: "downloaded", size: v.size, md5: v.md5, sha256: v.sha256, requests };
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

/** Downloads (or confirms) the files of a manifest into the cache. */
export async function fetchDataset(manifest: DatasetManifest, options: FetchDatasetOptions = {}): Promise<FetchResult[]> {
  if (manifest.location !== "download") {
    throw new Error(`dataset "${manifest.name}" ships in the repository's data/ folder; nothing to fetch (use \`marble data verify ${manifest.name}\`)`);
  }
  const dir = datasetCacheDir(manifest, options.cacheDir ?? cacheDir());
  const baseUrl = options.baseUrl ?? process.env.MARBLE_DATA_BASE_URL;
  const files = selectFiles(manifest, options.files);
  const results: FetchResult[] = [];
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
    results.push(
      await fetchFile({
        url,
        dest: join(dir, file.filename),
        size,
        md5: file.md5,
        sha256: file.sha256,
        retries: options.retries,
        retryDelayMs: options.retryDelayMs,
        onProgress: (r, t) => options.onProgress?.(file, r, t),
      }),
    );
  }
  return results;
}

export interface VerifyDatasetEntry {
  file: ManifestFile;
  path: string;
  /** "ok", "missing", "failed", or "unchecked" (present, but the manifest gives no size or checksum). */
  status: "ok" | "missing" | "failed" | "unchecked";
  problems: string[];
  sha256?: string;
}

/** Verifies a dataset's files: the cache for downloads, data/ for shipped files. */
export async function verifyDataset(manifest: DatasetManifest, options: { cacheDir?: string; dataDir?: string } = {}): Promise<VerifyDatasetEntry[]> {
  const root = manifest.location === "repository" ? (options.dataDir ?? dataDir()) : datasetCacheDir(manifest, options.cacheDir ?? cacheDir());
  const out: VerifyDatasetEntry[] = [];
  for (const file of manifest.files) {
    const path = join(root, file.filename);
    if (!existsSync(path)) {
      out.push({ file, path, status: "missing", problems: [`${path} not found`] });
      continue;
    }
    const v = await verifyFile(path, file);
    const checked = file.size !== undefined || !!file.md5 || !!file.sha256;
    out.push({ file, path, status: !v.ok ? "failed" : checked ? "ok" : "unchecked", problems: v.problems, sha256: v.sha256 });
  }
  return out;
}
