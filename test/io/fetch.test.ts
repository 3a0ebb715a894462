// Downloads end to end against a local HTTP server on 127.0.0.1 (never an outside host):
// success, wrong checksum, a server that truncates bodies, a dropped connection resumed by Range,
// DANDI asset resolution, and the `marble data` command.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type IncomingMessage, type ServerResponse } from "node:http";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { fetchFile, fetchDataset, resolveDandiAsset, ChecksumError, verifyFile, type DatasetManifest } from "../../src/index.js";
import { run as dataCli } from "../../src/cli/data.js";

const PAYLOAD = readFileSync(join(__dirname, "..", "..", "data", "rat_hippocampus", "buddy_spikes_u8.npy"));
const MD5 = createHash("md5").update(PAYLOAD).digest("hex");
const SHA256 = createHash("sha256").update(PAYLOAD).digest("hex");
const HALF = Math.floor(PAYLOAD.length / 2);

let server: Server;
let base = "";
let work = "";
const hits: Record<string, { range: string | undefined }[]> = {};

function serveRange(req: IncomingMessage, res: ServerResponse, body: Buffer) {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  if (m) {
    const start = Number(m[1]);
    if (start >= body.length) {
      res.writeHead(416, { "content-range": `bytes */${body.length}` });
      res.end();
      return;
    }
    res.writeHead(206, { "content-length": body.length - start, "content-range": `bytes ${start}-${body.length - 1}/${body.length}` });
    res.end(body.subarray(start));
    return;
  }
  res.writeHead(200, { "content-length": body.length });
  res.end(body);
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), "marble-fetch-"));
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const route = url.pathname.split("/")[1];
    (hits[route] ??= []).push({ range: req.headers.range });
    switch (route) {
      case "ok":
        return serveRange(req, res, PAYLOAD);
      case "wrong": {
        const other = Buffer.from(PAYLOAD);
        other[other.length - 1] ^= 0xff;
        return serveRange(req, res, other);
      }
      case "drop":
        // The first full request drops the connection halfway; Range requests are served.
        if (!req.headers.range && hits.drop.length === 1) {
          res.writeHead(200, { "content-length": PAYLOAD.length });
          res.write(PAYLOAD.subarray(0, HALF), () => setTimeout(() => res.socket?.destroy(), 20));
          return;
        }
        return serveRange(req, res, PAYLOAD);
      case "truncate":
        // Promises the full length, sends half, closes; ignores Range: never completes.
        res.writeHead(200, { "content-length": PAYLOAD.length });
        res.write(PAYLOAD.subarray(0, HALF), () => res.socket?.end());
        return;
      case "redirect":
        res.writeHead(302, { location: "/ok/file.npy" });
        res.end();
        return;
      case "missing":
        res.writeHead(404);
        res.end("not found");
        return;
      case "api":
        if (url.pathname.startsWith("/api/dandisets/")) {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ count: 1, results: [{ asset_id: "abc-123", path: `sub-X/${url.searchParams.get("path")?.split("/").pop()}`, size: PAYLOAD.length }] }));
          return;
        }
        if (url.pathname === "/api/assets/abc-123/download/") {
          res.writeHead(302, { location: "/ok/asset.nwb" });
          res.end();
          return;
        }
        break;
    }
    res.writeHead(500);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.close();
  rmSync(work, { recursive: true, force: true });
});

test("a download with matching checksums is placed atomically; a second fetch finds it present", async () => {
  const dest = join(work, "ok", "buddy.npy");
  const seen: number[] = [];
  const r = await fetchFile({ url: `${base}/ok/x`, dest, md5: MD5, sha256: SHA256, size: PAYLOAD.length, onProgress: (n) => seen.push(n) });
  assert.equal(r.status, "downloaded");
  assert.equal(r.requests, 1);
  assert.ok(readFileSync(dest).equals(PAYLOAD));
  assert.equal(existsSync(`${dest}.part`), false);
  assert.equal(seen.at(-1), PAYLOAD.length);
  const again = await fetchFile({ url: `${base}/ok/x`, dest, md5: MD5 });
  assert.equal(again.status, "present");
  assert.equal(again.requests, 0);
  // Without a checksum to check against, a copy in place is reported as such, never as verified.
  const unchecked = await fetchFile({ url: `${base}/ok/x`, dest });
  assert.deepEqual([unchecked.status, unchecked.sha256, unchecked.requests], ["present-unverified", SHA256, 0]);
  const via = await fetchFile({ url: `${base}/redirect`, dest: join(work, "ok", "redirected.npy"), sha256: SHA256 });
  assert.equal(via.sha256, SHA256);
});

test("a wrong checksum leaves no file behind and says why", async () => {
  const dest = join(work, "wrong", "buddy.npy");
  await assert.rejects(
    fetchFile({ url: `${base}/wrong/x`, dest, md5: MD5, retryDelayMs: 1 }),
    (err: Error) => err instanceof ChecksumError && /failed verification \(md5 is [0-9a-f]{32}, expected [0-9a-f]{32}\); it was deleted and not placed/.test(err.message),
  );
  assert.equal(existsSync(dest), false);
  assert.equal(existsSync(`${dest}.part`), false);
});

test("a dropped connection mid-transfer resumes with a Range request and completes", async () => {
  const dest = join(work, "drop", "buddy.npy");
  const r = await fetchFile({ url: `${base}/drop/x`, dest, md5: MD5, retryDelayMs: 1 });
  assert.equal(r.status, "downloaded");
  assert.ok(r.requests >= 2);
  assert.ok(readFileSync(dest).equals(PAYLOAD));
  const ranges = hits.drop.map((h) => h.range).filter(Boolean);
  assert.ok(ranges.length >= 1, "no Range request was made");
  const resumedFrom = Number(/bytes=(\d+)-/.exec(ranges[0] as string)?.[1]);
  assert.ok(resumedFrom > 0 && resumedFrom <= HALF, `resumed from ${resumedFrom}`);
});

test("a body that always ends early fails clearly after retries, keeps the partial data, places nothing", async () => {
  const dest = join(work, "truncate", "buddy.npy");
  await assert.rejects(
    fetchFile({ url: `${base}/truncate/x`, dest, md5: MD5, retries: 2, retryDelayMs: 1 }),
    /download of .*truncate\/x failed after \d+ request\(s\): .*(closed before the body was complete|dropped|ended early).*bytes kept in .*\.part — rerun to resume/,
  );
  assert.equal(existsSync(dest), false);
  // Whatever arrived before the connection closed is kept for a later resume (at most what was sent).
  const kept = statSync(`${dest}.part`).size;
  assert.ok(kept > 0 && kept <= HALF, `kept ${kept} bytes`);
  await assert.rejects(fetchFile({ url: `${base}/missing/x`, dest: join(work, "m", "x"), retries: 0 }), /HTTP 404/);
});

test("a part file from an interrupted run is resumed, not restarted", async () => {
  const dest = join(work, "resume", "buddy.npy");
  mkdirSync(join(work, "resume"), { recursive: true });
  writeFileSync(`${dest}.part`, PAYLOAD.subarray(0, 1000));
  const before = (hits.ok ?? []).length;
  await fetchFile({ url: `${base}/ok/x`, dest, sha256: SHA256 });
  assert.equal(hits.ok[before].range, "bytes=1000-");
  assert.ok((await verifyFile(dest, { sha256: SHA256 })).ok);
});

test("DANDI assets resolve through the API to a download URL", async () => {
  const r = await resolveDandiAsset(`${base}/api/dandisets/000140/versions/draft/assets/?path=sub-X/file.nwb`, "file.nwb");
  assert.equal(r.url, `${base}/api/assets/abc-123/download/`);
  assert.equal(r.size, PAYLOAD.length);
  const f = await fetchFile({ url: r.url, dest: join(work, "dandi", "file.nwb"), size: r.size, sha256: SHA256 });
  assert.equal(f.status, "downloaded");
});

test("fetchDataset and `marble data` fetch into the cache from a mirror, then verify", async () => {
  const manifests = join(work, "manifests");
  mkdirSync(manifests, { recursive: true });
  copyFileSync(join(__dirname, "..", "..", "data-manifests", "schema.json"), join(manifests, "schema.json"));
  const manifest: DatasetManifest = {
    name: "toy",
    description: "a test dataset served locally",
    licence: "CC0",
    citation: ["Nobody, A. A test dataset. (2026)."],
    format: "npy",
    loader: "readNpy(path)",
    location: "download",
    files: [
      { filename: "a.npy", url: "https://example.invalid/a.npy", md5: MD5 },
      { filename: "b.npy", url: "https://example.invalid/b.npy", sha256: SHA256, size: PAYLOAD.length },
    ],
  };
  writeFileSync(join(manifests, "toy.json"), JSON.stringify(manifest));
  const cache = join(work, "cache");
  const results = await fetchDataset(manifest, { cacheDir: cache, baseUrl: `${base}/ok`, files: ["b.npy"] });
  assert.deepEqual(results.map((r) => r.path), [join(cache, "toy", "b.npy")]);
  await assert.rejects(fetchDataset(manifest, { cacheDir: cache, baseUrl: `${base}/ok`, files: ["c.npy"] }), /no file "c.npy"; files: a.npy, b.npy/);

  const env = { MARBLE_MANIFESTS_DIR: manifests, MARBLE_CACHE_DIR: cache, MARBLE_DATA_BASE_URL: `${base}/ok` };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const log: string[] = [];
  const origLog = console.log;
  const origErr = console.error;
  console.log = (...a: unknown[]) => log.push(a.join(" "));
  console.error = (...a: unknown[]) => log.push(a.join(" "));
  try {
    assert.equal(await dataCli(["verify", "toy"]), 1); // a.npy not fetched yet
    assert.equal(await dataCli(["fetch", "toy"]), 0);
    assert.ok(readFileSync(join(cache, "toy", "a.npy")).equals(PAYLOAD));
    assert.equal(await dataCli(["verify", "toy"]), 0);
    assert.equal(await dataCli(["list"]), 0);
    writeFileSync(join(cache, "toy", "a.npy"), "corrupted");
    assert.equal(await dataCli(["verify"]), 1);
    assert.equal(await dataCli(["fetch", "nope"]), 1);
  } finally {
    console.log = origLog;
    console.error = origErr;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const text = log.join("\n");
  assert.match(text, /missing {3}toy\/a\.npy \(run: marble data fetch toy --file a\.npy\)/);
  assert.match(text, /downloaded: .*toy\/a\.npy/);
  assert.match(text, /already present: .*toy\/b\.npy/);
  assert.match(text, /verified {2}toy\/b\.npy/);
  assert.match(text, /toy\s+download\s+2\/2/);
  assert.match(text, /FAILED {4}toy\/a\.npy: size is 9 bytes|FAILED {4}toy\/a\.npy: md5 is/);
  assert.match(text, /unknown dataset "nope"; known datasets: toy/);
});
