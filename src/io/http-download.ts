/**
 * The HTTP side of downloads: GET with redirects and an inactivity timeout, and bringing a
 * `.part` file to the server's complete file with Range requests where resuming is safe.
 */
import { createWriteStream, existsSync, rmSync, statSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { lazyModule } from "../core/lazy-module.js";

// the HTTP stack (http, https, tls, net) is loaded by the first download, not by every import
const http = lazyModule<typeof import("node:http")>("node:http", "downloads");
const https = lazyModule<typeof import("node:https")>("node:https", "downloads");

/** What a download needs to know (a subset of fetchFile's options). */
export interface DownloadOptions {
  url: string;
  /** Expected size in bytes: authoritative when given (otherwise Content-Length is trusted). */
  size?: number;
  onProgress?: (received: number, total: number | null) => void;
  retries?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
}

export function request(url: string, headers: Record<string, string>, timeoutMs: number, redirects = 0): Promise<{ res: IncomingMessage; url: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const getter = u.protocol === "https:" ? https().get : u.protocol === "http:" ? http().get : null;
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

export const partSize = (part: string) => (existsSync(part) ? statSync(part).size : 0);

/**
 * A validator naming one version of the server's file, sent as If-Range so that a resumed request
 * gets the rest of the same version or the whole new one: a strong ETag, else Last-Modified.
 */
function validatorOf(res: IncomingMessage): string | null {
  const etag = res.headers.etag;
  if (etag && !etag.startsWith("W/")) return etag;
  return res.headers["last-modified"] ?? null;
}

/**
 * Brings `part` to the server's full file: resumes the bytes already in `part` with a Range request
 * when `resumable`, starts over otherwise. Within one call, bytes received earlier are resumed only
 * when a checksum will check the result or the server named its version (If-Range); otherwise a
 * dropped transfer starts over. Returns the requests made and whether any bytes were resumed.
 */
export async function downloadToPart(options: DownloadOptions, part: string, checked: boolean): Promise<{ requests: number; resumed: boolean }> {
  const { url } = options;
  const retries = options.retries ?? 3;
  const delay = options.retryDelayMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let total: number | null = options.size ?? null;
  let requests = 0;
  // Bytes already in `part` (left by an earlier run) count as resumed: the caller checks them.
  let resumed = partSize(part) > 0;
  let failuresWithoutProgress = 0;
  let validator: string | null = null;
  let best = partSize(part);

  for (;;) {
    let have = partSize(part);
    if (have > 0 && !checked && validator === null) {
      // Nothing could tell whether the bytes held and the bytes still to come are one file.
      rmSync(part, { force: true });
      have = 0;
    }
    if (total !== null && have === total) break;
    if (total !== null && have > total) {
      rmSync(part, { force: true });
      continue;
    }
    let progressed = false;
    try {
      requests++;
      const headers: Record<string, string> = have > 0 ? { range: `bytes=${have}-`, ...(validator ? { "if-range": validator } : {}) } : {};
      const { res } = await request(url, headers, timeoutMs);
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
      if (status === 206) {
        const range = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(res.headers["content-range"] ?? "");
        if (!range || Number(range[1]) !== have) {
          res.resume();
          rmSync(part, { force: true });
          throw new Error(`asked for bytes ${have}- and the server sent ${res.headers["content-range"] ?? "no Content-Range"}; starting over`);
        }
        resumed = true;
        validator ??= validatorOf(res);
      } else {
        validator = validatorOf(res);
      }
      const restart = status === 200; // server ignored the Range request (or the file changed): start over
      const length = Number(res.headers["content-length"]);
      // The manifest's size, when given, is authoritative; otherwise trust Content-Length.
      if (Number.isFinite(length) && options.size === undefined) total = restart ? length : have + length;
      let received = restart ? 0 : have;
      const before = best;
      options.onProgress?.(received, total);
      await appendBody(res, part, restart, (n) => {
        received += n;
        // Progress means holding more than ever before in this call (a restarted body must overtake it).
        if (received > before) progressed = true;
        best = Math.max(best, received);
        options.onProgress?.(received, total);
      });
      const now = partSize(part);
      if (total !== null && now < total) throw new Error(`body ended early: ${now} of ${total} bytes`);
      break;
    } catch (err) {
      const error = err as Error;
      failuresWithoutProgress = progressed ? 0 : failuresWithoutProgress + 1;
      if (failuresWithoutProgress > retries) {
        let kept = "";
        if (checked && partSize(part) > 0) kept = `; ${partSize(part)} bytes kept in ${part} — rerun to resume`;
        else if (partSize(part) > 0) {
          // Without a checksum a later run could not check a resume, so the partial data are of no use.
          rmSync(part, { force: true });
          kept = "; the partial data were discarded (no checksum is known for this file, so a later run starts over)";
        }
        throw new Error(`download of ${url} failed after ${requests} request(s): ${error.message}${kept}`, { cause: err });
      }
      await sleep(delay);
    }
  }
  return { requests, resumed };
}

