/**
 * Fitted contrastive encoders cached on disk by content: the key is a SHA-256 of everything the
 * fit's result depends on (training data, labels when they are used, every training setting, the
 * seed and the arithmetic path), so a second fit of the same model reads the weights back instead
 * of training again, and any change to the inputs misses the cache.
 *
 * An entry is one file, written atomically, ending in a SHA-256 of its own bytes: a torn, truncated
 * or edited entry fails that check (or the key/shape check) and is refitted and replaced, never used.
 */
import { lazyModule } from "../../core/lazy-module.js";
import { readFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic.js";
import { cacheDir } from "../../io/paths.js";
import type { Matrix } from "../../core/index.js";

const nodeCrypto = lazyModule<typeof import("node:crypto")>("node:crypto", "the fit cache's digests");

/** Part of every key and file (the format's version; the training code's digest is in the key too). */
const MAGIC = "marble-lab contrastive fit 1\n";
const DIGEST_BYTES = 32;

/** The default folder for cached fits: `fits/` in the project's cache (MARBLE_CACHE_DIR or ~/.cache/marble-lab). */
export function fitCacheDir(): string {
  return join(cacheDir(), "fits");
}

/** What a cached fit restores. */
export interface CachedFit {
  /** The encoder's parameter arrays, in initEncoder's order. */
  params: Float64Array[];
  lossHistory: Float64Array;
}

/**
 * Folders whose code decides what a fit produces (this one: encoder, sampling, training loop; the
 * losses and optimiser; the SIMD kernels). Their source is part of every key, so an entry written
 * by other training code is never read back as if it were this code's.
 */
const CODE_FOLDERS = [__dirname, join(__dirname, "..", "nn"), join(__dirname, "..", "..", "kernels")];
let codeDigestCache: string | null = null;

function codeDigest(): string {
  if (codeDigestCache !== null) return codeDigestCache;
  const h = nodeCrypto().createHash("sha256");
  for (const dir of CODE_FOLDERS) {
    const files = readdirSync(dir).filter((f) => /\.(js|ts|wasm)$/.test(f) && !f.endsWith(".d.ts")).sort();
    for (const f of files) {
      h.update(`|${f}|`);
      h.update(readFileSync(join(dir, f)));
    }
  }
  return (codeDigestCache = h.digest("hex"));
}

/** The content key of a fit: the training code, settings (canonical JSON), then data and label bytes. */
export function fitKey(settings: Record<string, unknown>, data: Matrix, labels: Matrix | null): string {
  const h = nodeCrypto().createHash("sha256");
  h.update(MAGIC);
  h.update(codeDigest());
  h.update(JSON.stringify(Object.keys(settings).sort().map((k) => [k, settings[k]])));
  for (const m of labels ? [data, labels] : [data]) {
    h.update(`|${m.rows}x${m.cols}|`);
    h.update(new Uint8Array(m.data.buffer, m.data.byteOffset, m.rows * m.cols * 8));
  }
  return h.digest("hex");
}

export function fitCachePath(dir: string, key: string): string {
  return join(dir, `contrastive-${key}.bin`);
}

/**
 * Reads the entry for `key`: null when there is none; a `corrupt` reason when a file is there but
 * fails its checksum, its key or the expected parameter sizes (the caller refits and overwrites it).
 */
export function readCachedFit(dir: string, key: string, sizes: number[]): CachedFit | null | { corrupt: string } {
  const path = fitCachePath(dir, key);
  if (!existsSync(path)) return null;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { corrupt: `unreadable (${(e as Error).message})` };
  }
  if (bytes.length < MAGIC.length + DIGEST_BYTES) return { corrupt: "truncated" };
  const body = bytes.subarray(0, bytes.length - DIGEST_BYTES);
  const digest = nodeCrypto().createHash("sha256").update(body).digest();
  if (!digest.equals(bytes.subarray(bytes.length - DIGEST_BYTES))) return { corrupt: "checksum mismatch" };
  if (body.subarray(0, MAGIC.length).toString("utf8") !== MAGIC) return { corrupt: "not a fit cache entry" };
  const headerEnd = body.indexOf(10, MAGIC.length);
  if (headerEnd < 0) return { corrupt: "no header" };
  let header: { key: string; sizes: number[]; lossLength: number };
  try {
    header = JSON.parse(body.subarray(MAGIC.length, headerEnd).toString("utf8"));
  } catch {
    return { corrupt: "unreadable header" };
  }
  if (header.key !== key) return { corrupt: "written for another fit" };
  if (header.sizes.length !== sizes.length || header.sizes.some((s, i) => s !== sizes[i])) return { corrupt: "parameter sizes differ" };
  const start = headerEnd + 1;
  const total = sizes.reduce((a, b) => a + b, 0) + header.lossLength;
  if (body.length - start !== total * 8) return { corrupt: "payload length differs" };
  // Copied out so the arrays are 8-byte aligned whatever the header's length.
  const values = new Float64Array(total);
  new Uint8Array(values.buffer).set(body.subarray(start));
  const params: Float64Array[] = [];
  let off = 0;
  for (const s of sizes) {
    params.push(values.slice(off, off + s));
    off += s;
  }
  return { params, lossHistory: values.slice(off) };
}

/** Writes the entry for `key` atomically (a crash leaves the old entry or none, never a torn one). */
export function writeCachedFit(dir: string, key: string, fit: CachedFit): void {
  const sizes = fit.params.map((p) => p.length);
  const head = Buffer.from(MAGIC + JSON.stringify({ key, sizes, lossLength: fit.lossHistory.length }) + "\n", "utf8");
  const values = new Float64Array(sizes.reduce((a, b) => a + b, 0) + fit.lossHistory.length);
  let off = 0;
  for (const p of fit.params) {
    values.set(p, off);
    off += p.length;
  }
  values.set(fit.lossHistory, off);
  const body = Buffer.concat([head, new Uint8Array(values.buffer)]);
  const digest = nodeCrypto().createHash("sha256").update(body).digest();
  writeFileAtomic(fitCachePath(dir, key), Buffer.concat([body, digest]));
}
