// Downloads end to end against a local HTTP server on 127.0.0.1 (never an outside host):
// success, wrong checksum, a server that truncates bodies, a dropped connection resumed by Range,
// resuming only where a checksum or the server's ETag can check the result, pins for files
// without a published checksum, DANDI asset resolution, and the `marble data` command.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type IncomingMessage, type ServerResponse } from "node:http";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { fetchFile, fetchDataset, resolveDandiAsset, ChecksumError, verifyFile, verifyDataset, type DatasetManifest } from "../../src/index.js";
import { PinMismatchError } from "../../src/io/fetch.js";
import { run as dataCli } from "../../src/cli/data.js";

const PAYLOAD = readFileSync(join(__dirname, "..", "..", "data", "rat_hippocampus", "buddy_spikes_u8.npy"));
const MD5 = createHash("md5").update(PAYLOAD).digest("hex");
const SHA256 = createHash("sha256").update(PAYLOAD).digest("hex");
const HALF = Math.floor(PAYLOAD.length / 2);

let server: Server;
let base = "";
let work = "";
const hits: Record<string, { range: string | undefined; ifRange: string | undefined }[]> = {};
// What the "mut" route serves (a server-side file that can change between fetches).
let mutableBody = PAYLOAD;
// A file replaced on the server between two requests: version 1 until the first request, then version 2.
const VERSION2 = Buffer.from(PAYLOAD.map((b) => b ^ 0x5a));

// Honours Range; with an ETag, also If-Range (a stale validator gets the whole current body).
function serveRange(req: IncomingMessage, res: ServerResponse, body: Buffer, etag?: string) {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  const ifRange = req.headers["if-range"];
  if (etag) res.setHeader("etag", etag);
  if (m && (ifRange === undefined || ifRange === etag)) {
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
    (hits[route] ??= []).push({ range: req.headers.range, ifRange: req.headers["if-range"] as string | undefined });
    switch (route) {
      case "ok":
        return serveRange(req, res, PAYLOAD);
      case "wrong": {
        const other = Buffer.from(PAYLOAD);
        other[other.length - 1] ^= 0xff;
        return serveRange(req, res, other);
      }
      case "drop":
      case "drop-unchecked":
      case "drop-etag":
        // The first full request drops the connection halfway; Range requests are served
        // ("drop-etag" names its version with an ETag, the others give no validator).
        if (!req.headers.range && hits[route].length === 1) {
          res.writeHead(200, { "content-length": PAYLOAD.length, ...(route === "drop-etag" ? { etag: '"v1"' } : {}) });
          res.write(PAYLOAD.subarray(0, HALF), () => setTimeout(() => res.socket?.destroy(), 20));
          return;
        }
        return serveRange(req, res, PAYLOAD, route === "drop-etag" ? '"v1"' : undefined);
      case "replaced":
        // Version 1 drops halfway; by the next request the file was replaced by version 2.
        if (hits.replaced.length === 1) {
          res.writeHead(200, { "content-length": PAYLOAD.length, etag: '"v1"' });
          res.write(PAYLOAD.subarray(0, HALF), () => setTimeout(() => res.socket?.destroy(), 20));
          return;
        }
        return serveRange(req, res, VERSION2, '"v2"');
      case "misrange":
        // Drops the first transfer halfway (naming its version), then answers every Range request
        // with 206 but from byte 0 (a broken proxy).
        if (req.headers.range) {
          res.writeHead(206, { "content-length": PAYLOAD.length, "content-range": `bytes 0-${PAYLOAD.length - 1}/${PAYLOAD.length}`, etag: '"v1"' });
          res.end(PAYLOAD);
          return;
        }
        if (hits.misrange.length === 1) {
          res.writeHead(200, { "content-length": PAYLOAD.length, etag: '"v1"' });
          res.write(PAYLOAD.subarray(0, HALF), () => setTimeout(() => res.socket?.destroy(), 20));
          return;
        }
        return serveRange(req, res, PAYLOAD, '"v1"');
      case "mut":
        return serveRange(req, res, mutableBody);
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

// --- Resuming only when the result can be checked -------------------------------------------

/** A `.part` as an interrupted earlier run might leave it: the right length of prefix, wrong bytes. */
function garbagePart(dest: string, length: number): void {
  mkdirSync(join(dest, ".."), { recursive: true });
  writeFileSync(`${dest}.part`, Buffer.alloc(length, 0xee));
}

test("without a checksum a leftover .part is discarded and the download starts from zero", async () => {
  const dest = join(work, "garbage-unchecked", "buddy.npy");
  garbagePart(dest, 1000);
  const before = (hits.ok ?? []).length;
  const r = await fetchFile({ url: `${base}/ok/x`, dest });
  assert.equal(hits.ok[before].range, undefined, "a Range request resumed a part file nothing could check");
  assert.ok(readFileSync(dest).equals(PAYLOAD));
  assert.deepEqual([r.status, r.discardedBytes, r.sha256], ["downloaded", 1000, SHA256]);
  assert.equal(existsSync(`${dest}.part`), false);
});

test("with a checksum a leftover .part is resumed; a bad resumed head is fetched again from zero, never placed", async () => {
  const dest = join(work, "garbage-checked", "buddy.npy");
  garbagePart(dest, 1000);
  const before = (hits.ok ?? []).length;
  const r = await fetchFile({ url: `${base}/ok/x`, dest, sha256: SHA256 });
  assert.deepEqual(
    hits.ok.slice(before).map((h) => h.range),
    ["bytes=1000-", undefined],
  );
  assert.ok(readFileSync(dest).equals(PAYLOAD));
  assert.deepEqual([r.status, r.requests, r.discardedBytes], ["downloaded", 2, PAYLOAD.length]);
  // A server whose file does not match the checksum fails from zero too: the error stands, nothing is placed.
  const wrong = join(work, "garbage-checked", "wrong.npy");
  garbagePart(wrong, 1000);
  await assert.rejects(fetchFile({ url: `${base}/wrong/x`, dest: wrong, sha256: SHA256, retryDelayMs: 1 }), ChecksumError);
  assert.equal(existsSync(wrong), false);
  assert.equal(existsSync(`${wrong}.part`), false);
});

test("a dropped transfer without a checksum resumes only when the server names its version (If-Range)", async () => {
  // No validator: the second request starts over.
  const plain = join(work, "drop-unchecked", "buddy.npy");
  await fetchFile({ url: `${base}/drop-unchecked/x`, dest: plain, retryDelayMs: 1 });
  assert.ok(readFileSync(plain).equals(PAYLOAD));
  assert.deepEqual(
    hits["drop-unchecked"].map((h) => h.range),
    [undefined, undefined],
  );
  // A strong ETag: the second request resumes with Range and If-Range.
  const tagged = join(work, "drop-etag", "buddy.npy");
  await fetchFile({ url: `${base}/drop-etag/x`, dest: tagged, retryDelayMs: 1 });
  assert.ok(readFileSync(tagged).equals(PAYLOAD));
  assert.equal(hits["drop-etag"].length, 2);
  assert.match(hits["drop-etag"][1].range ?? "", /^bytes=\d+-$/);
  assert.equal(hits["drop-etag"][1].ifRange, '"v1"');
  // The file changed on the server between the two requests: the whole new version, never a mix.
  const replaced = join(work, "replaced", "file.bin");
  await fetchFile({ url: `${base}/replaced/x`, dest: replaced, retryDelayMs: 1 });
  assert.equal(hits.replaced[1].ifRange, '"v1"');
  assert.ok(readFileSync(replaced).equals(VERSION2));
});

test("a Range answer that starts elsewhere than asked is not appended", async () => {
  // No checksum would catch a doubled head here: the byte count alone would look right.
  const dest = join(work, "misrange", "buddy.npy");
  const r = await fetchFile({ url: `${base}/misrange/x`, dest, retryDelayMs: 1 });
  assert.deepEqual(
    hits.misrange.map((h) => h.range !== undefined),
    [false, true, false],
  );
  assert.ok(readFileSync(dest).equals(PAYLOAD));
  assert.equal(r.status, "downloaded");
});

test("a failed download without a checksum keeps no partial data that a later run could not check", async () => {
  const dest = join(work, "truncate-unchecked", "buddy.npy");
  await assert.rejects(
    fetchFile({ url: `${base}/truncate/y`, dest, retries: 1, retryDelayMs: 1 }),
    /failed after \d+ request\(s\): .*the partial data were discarded \(no checksum is known for this file, so a later run starts over\)/,
  );
  assert.equal(existsSync(`${dest}.part`), false);
  assert.equal(existsSync(dest), false);
});

// --- Pins for files without a published checksum -------------------------------------------

const PINNED_MANIFEST: DatasetManifest = {
  name: "pins",
  description: "a test dataset with one published checksum and two files without",
  licence: "CC0",
  citation: ["Nobody, A. A test dataset. (2026)."],
  format: "npy",
  loader: "readNpy(path)",
  location: "download",
  files: [
    { filename: "published.npy", url: "https://example.invalid/published.npy", sha256: SHA256 },
    { filename: "weights.pt", url: "https://example.invalid/weights.pt" },
    { filename: "sized.pt", url: "https://example.invalid/sized.pt", size: PAYLOAD.length },
  ],
};

function readLock(dir: string): { files: Record<string, { size: number; sha256: string; url: string; pinnedAt: string }> } {
  return JSON.parse(readFileSync(join(dir, "checksums.lock.json"), "utf8"));
}

const sha256Of = (b: Buffer) => createHash("sha256").update(b).digest("hex");

test("a file without a published checksum is pinned on its first complete download and checked against the pin", async () => {
  const cache = join(work, "pin-cache");
  const dir = join(cache, "pins");
  const opts = { cacheDir: cache, baseUrl: `${base}/mut`, retryDelayMs: 1 };
  mutableBody = PAYLOAD;
  const startedAt = Date.now();
  const first = await fetchDataset(PINNED_MANIFEST, opts);
  assert.deepEqual(
    first.map((r) => [r.file.filename, r.status, r.checksum]),
    [
      ["published.npy", "downloaded", "published"],
      ["weights.pt", "downloaded", "newly-pinned"],
      ["sized.pt", "downloaded", "newly-pinned"],
    ],
  );
  const lock = readLock(dir);
  assert.deepEqual(Object.keys(lock.files), ["sized.pt", "weights.pt"]); // never the published file
  const pin = lock.files["weights.pt"];
  assert.deepEqual([pin.size, pin.sha256, pin.url], [PAYLOAD.length, SHA256, `${base}/mut/weights.pt`]);
  assert.ok(Date.parse(pin.pinnedAt) >= startedAt - 1000 && Date.parse(pin.pinnedAt) <= Date.now(), pin.pinnedAt);
  // Written atomically: no temporary file is left next to it.
  assert.deepEqual(readdirSync(dir).sort(), ["checksums.lock.json", "published.npy", "sized.pt", "weights.pt"]);

  const again = await fetchDataset(PINNED_MANIFEST, opts);
  assert.deepEqual(
    again.map((r) => [r.status, r.checksum, r.requests]),
    [
      ["present", "published", 0],
      ["present", "pinned", 0],
      ["present", "pinned", 0],
    ],
  );
  const verified = await verifyDataset(PINNED_MANIFEST, { cacheDir: cache });
  assert.deepEqual(
    verified.map((e) => e.status),
    ["verified", "pinned", "pinned"],
  );

  // A pinned file is known by its checksum, so a leftover .part resumes (and a bad head is fetched again).
  rmSync(join(dir, "weights.pt"));
  garbagePart(join(dir, "weights.pt"), 1000);
  const before = (hits.mut ?? []).length;
  const resumed = await fetchDataset(PINNED_MANIFEST, { ...opts, files: ["weights.pt"] });
  assert.deepEqual(
    hits.mut.slice(before).map((h) => h.range),
    ["bytes=1000-", undefined],
  );
  assert.deepEqual([resumed[0].status, resumed[0].checksum], ["downloaded", "pinned"]);
  assert.ok(readFileSync(join(dir, "weights.pt")).equals(PAYLOAD));
  assert.equal(readLock(dir).files["weights.pt"].pinnedAt, pin.pinnedAt, "a matching download must not re-pin");
});

test("a pinned file that changed, on disk or on the server, is an error naming the file, both sha256 and --repin", async () => {
  const cache = join(work, "pin-change");
  const dir = join(cache, "pins");
  const opts = { cacheDir: cache, baseUrl: `${base}/mut`, retryDelayMs: 1, files: ["weights.pt"] };
  mutableBody = PAYLOAD;
  await fetchDataset(PINNED_MANIFEST, opts);
  const lockBefore = readFileSync(join(dir, "checksums.lock.json"), "utf8");

  // Changed on disk: verify fails, naming the pinned and the actual sha256 and the way to re-pin.
  const flipped = Buffer.from(PAYLOAD);
  flipped[100] ^= 1;
  writeFileSync(join(dir, "weights.pt"), flipped);
  const [, weights] = await verifyDataset(PINNED_MANIFEST, { cacheDir: cache });
  assert.equal(weights.status, "failed");
  const problems = weights.problems.join("; ");
  assert.ok(problems.includes(`sha256 is ${sha256Of(flipped)}, pinned ${SHA256} in ${join(dir, "checksums.lock.json")}`), problems);
  assert.match(problems, /marble data fetch pins --file weights\.pt --repin/);

  // fetch replaces the changed copy only with a download that matches the pin, and says what was wrong.
  const [restored] = await fetchDataset(PINNED_MANIFEST, opts);
  assert.deepEqual([restored.status, restored.checksum], ["downloaded", "pinned"]);
  assert.deepEqual(restored.replacedCopyProblems, [`sha256 is ${sha256Of(flipped)}, expected ${SHA256}`]);
  assert.ok(readFileSync(join(dir, "weights.pt")).equals(PAYLOAD));
  writeFileSync(join(dir, "weights.pt"), flipped);

  // Changed on the server too: fetch refuses, leaves the local copy and the pin alone.
  mutableBody = VERSION2;
  await assert.rejects(fetchDataset(PINNED_MANIFEST, opts), (err: Error) => {
    assert.ok(err instanceof PinMismatchError, err.message);
    assert.ok(err.message.startsWith("pins/weights.pt: "), err.message);
    assert.ok(err.message.includes(`pinned ${SHA256} (${PAYLOAD.length} bytes), downloaded ${sha256Of(VERSION2)}`), err.message);
    assert.match(err.message, /left as it was; if the change is expected, re-pin on purpose with `marble data fetch pins --file weights\.pt --repin`/);
    return true;
  });
  assert.ok(readFileSync(join(dir, "weights.pt")).equals(flipped));
  assert.equal(existsSync(join(dir, "weights.pt.part")), false);
  assert.equal(readFileSync(join(dir, "checksums.lock.json"), "utf8"), lockBefore);

  // Re-pinning on purpose downloads a fresh copy and records its sha256; the other pins stay.
  const [repinned] = await fetchDataset(PINNED_MANIFEST, { ...opts, repin: true });
  assert.deepEqual([repinned.status, repinned.checksum, repinned.sha256], ["downloaded", "newly-pinned", sha256Of(VERSION2)]);
  assert.ok(readFileSync(join(dir, "weights.pt")).equals(VERSION2));
  assert.equal(readLock(dir).files["weights.pt"].sha256, sha256Of(VERSION2));
  assert.equal((await verifyDataset(PINNED_MANIFEST, { cacheDir: cache }))[1].status, "pinned");
  await assert.rejects(
    fetchDataset(PINNED_MANIFEST, { ...opts, files: ["published.npy"], repin: true }),
    /published\.npy of dataset "pins" has a published checksum in the manifest, which always decides; --repin applies only to files without one/,
  );
});

test("verify tells verified, pinned, unpinned, failed and missing apart; an unpinned copy is never called verified", async () => {
  const cache = join(work, "pin-status");
  const dir = join(cache, "pins");
  mkdirSync(dir, { recursive: true });
  // Files placed by something other than a pinning fetch (an older version, a copy by hand).
  writeFileSync(join(dir, "published.npy"), PAYLOAD);
  writeFileSync(join(dir, "weights.pt"), PAYLOAD);
  const statuses = await verifyDataset(PINNED_MANIFEST, { cacheDir: cache });
  assert.deepEqual(
    statuses.map((e) => [e.status, e.sha256]),
    [
      ["verified", SHA256],
      ["unpinned", SHA256],
      ["missing", undefined],
    ],
  );
  // A published size alone is checked, but passing it is not verification.
  writeFileSync(join(dir, "sized.pt"), PAYLOAD);
  assert.equal((await verifyDataset(PINNED_MANIFEST, { cacheDir: cache }))[2].status, "unpinned");
  writeFileSync(join(dir, "sized.pt"), PAYLOAD.subarray(1));
  const sized = (await verifyDataset(PINNED_MANIFEST, { cacheDir: cache }))[2];
  assert.deepEqual([sized.status, sized.problems], ["failed", [`size is ${PAYLOAD.length - 1} bytes, expected ${PAYLOAD.length}`]]);
  // fetch does not pin a copy it did not download itself, and does not claim to have checked it.
  const [unpinned] = await fetchDataset(PINNED_MANIFEST, { cacheDir: cache, baseUrl: `${base}/mut`, files: ["weights.pt"] });
  assert.deepEqual([unpinned.status, unpinned.checksum], ["present-unverified", "none"]);
  assert.equal(existsSync(join(dir, "checksums.lock.json")), false);
});

test("an unreadable pin file is an error naming it, never silently replaced", async () => {
  const cache = join(work, "pin-broken");
  const dir = join(cache, "pins");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "checksums.lock.json"), '{"files": {"weights.pt": {"size": 3, "sha256": "abc", "url": "u", "pinnedAt": "d"}}}');
  const expected = new RegExp(`checksums\\.lock\\.json: files\\["weights\\.pt"\\]\\.sha256 must be 64 lowercase hex digits, found "abc"; fix the entry, or move the file away`);
  await assert.rejects(verifyDataset(PINNED_MANIFEST, { cacheDir: cache }), expected);
  await assert.rejects(fetchDataset(PINNED_MANIFEST, { cacheDir: cache, baseUrl: `${base}/mut` }), expected);
  writeFileSync(join(dir, "checksums.lock.json"), "{not json");
  await assert.rejects(verifyDataset(PINNED_MANIFEST, { cacheDir: cache }), /checksums\.lock\.json: not valid JSON/);
  assert.equal(readFileSync(join(dir, "checksums.lock.json"), "utf8"), "{not json");
});

test("`marble data fetch` and `verify` print pinned, unpinned and re-pinned files distinctly", async () => {
  const manifests = join(work, "pin-manifests");
  mkdirSync(manifests, { recursive: true });
  copyFileSync(join(__dirname, "..", "..", "data-manifests", "schema.json"), join(manifests, "schema.json"));
  writeFileSync(join(manifests, "pins.json"), JSON.stringify(PINNED_MANIFEST));
  const cache = join(work, "pin-cli");
  const dir = join(cache, "pins");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "sized.pt"), PAYLOAD); // placed by hand: unpinned
  mutableBody = PAYLOAD;
  const { log, codes } = await runDataCli({ MARBLE_MANIFESTS_DIR: manifests, MARBLE_CACHE_DIR: cache, MARBLE_DATA_BASE_URL: `${base}/mut` }, [
    ["fetch", "pins"],
    ["verify", "pins"],
    ["fetch", "pins", "--file", "sized.pt", "--repin"],
    ["verify", "pins"],
  ]);
  assert.deepEqual(codes, [0, 0, 0, 0]);
  const [fetch1, verify1, fetch2, verify2] = log;
  writeFileSync(join(dir, "weights.pt"), "changed");
  const after = await runDataCli({ MARBLE_MANIFESTS_DIR: manifests, MARBLE_CACHE_DIR: cache, MARBLE_DATA_BASE_URL: `${base}/mut` }, [
    ["verify", "pins"],
    ["fetch", "pins", "--file", "weights.pt"],
  ]);
  assert.deepEqual(after.codes, [1, 0]);
  assert.match(after.log[0], new RegExp(`FAILED {4}pins/weights\\.pt: sha256 is [0-9a-f]{64}, pinned ${SHA256} in .*; size is 7 bytes, pinned ${PAYLOAD.length}; if the change is expected, re-pin on purpose with \`marble data fetch pins --file weights\\.pt --repin\``));
  assert.match(after.log[1], /downloaded: .*pins\/weights\.pt \(.*; matches the sha256 pinned when first downloaded; replaced the copy in place, which failed its check: size is 7 bytes, expected \d+; sha256 is [0-9a-f]{64}, expected [0-9a-f]{64}\)/);
  assert.match(fetch1, /downloaded: .*pins\/published\.npy \(308\.\d+ kB; checksum verified\)/);
  assert.match(fetch1, new RegExp(`downloaded: .*pins/weights\\.pt \\(.*; no published checksum; sha256 ${SHA256} pinned in .*checksums\\.lock\\.json\\)`));
  assert.match(fetch1, /already present: .*pins\/sized\.pt \(.*; NOT verified: no published checksum and no pin; sha256 [0-9a-f]{64}; to pin a fresh copy: marble data fetch pins --file sized\.pt --repin\)/);
  assert.match(verify1, /verified {2}pins\/published\.npy/);
  assert.match(verify1, /pinned {4}pins\/weights\.pt \(no published checksum; matches the sha256 pinned \d{4}-\d\d-\d\dT.* in .*checksums\.lock\.json\)/);
  assert.match(verify1, new RegExp(`unpinned {2}pins/sized\\.pt: NOT verified, no published or pinned checksum; sha256 ${SHA256} \\(${PAYLOAD.length} bytes\\); to pin a fresh copy: marble data fetch pins --file sized\\.pt --repin`));
  assert.match(verify1, /1 file\(s\) present but not verified/);
  assert.match(fetch2, /downloaded: .*pins\/sized\.pt \(.*; no published checksum; sha256 [0-9a-f]{64} pinned in/);
  assert.match(verify2, /pinned {4}pins\/sized\.pt/);
  assert.doesNotMatch(verify2, /unpinned|not verified/);
});

/** Runs `marble data` commands with the given environment; returns each command's output and exit code. */
async function runDataCli(env: Record<string, string>, commands: string[][]): Promise<{ log: string[]; codes: number[] }> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const origLog = console.log;
  const origErr = console.error;
  const log: string[] = [];
  const codes: number[] = [];
  let current: string[] = [];
  console.log = (...a: unknown[]) => current.push(a.join(" "));
  console.error = (...a: unknown[]) => current.push(a.join(" "));
  try {
    for (const args of commands) {
      current = [];
      codes.push(await dataCli(args));
      log.push(current.join("\n"));
    }
  } finally {
    console.log = origLog;
    console.error = origErr;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { log, codes };
}
