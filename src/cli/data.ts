/**
 * `marble data list | fetch NAME [--file F]... | verify [NAME]`: the datasets described in
 * data-manifests/, downloaded into the cache (MARBLE_CACHE_DIR, default ~/.cache/marble-lab).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { datasetCacheDir, fetchDataset, verifyDataset } from "../io/fetch.js";
import { getManifest, loadManifests, type DatasetManifest } from "../io/manifest.js";
import { cacheDir, dataDir } from "../io/paths.js";
import { UsageError, closestNames } from "./args.js";


const USAGE = `usage:
  marble data list                 datasets, where they live, and what is in the cache
  marble data fetch NAME [--file F]... [--repin]
                                   download a dataset's files (or only F) into the cache,
                                   checking published checksums; a file without one is
                                   pinned (sha256) on first download and checked later;
                                   --repin replaces a cached file and its pin on purpose
  marble data verify [NAME]        recompute checksums of cached (or shipped) files:
                                   verified, pinned, unpinned, failed or missing

environment: MARBLE_CACHE_DIR (cache, default ~/.cache/marble-lab), MARBLE_DATA_DIR (shipped data),
MARBLE_MANIFESTS_DIR (manifests), MARBLE_DATA_BASE_URL (fetch every file from BASE/FILENAME, a mirror)`;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

function fileRoot(m: DatasetManifest): string {
  return m.location === "repository" ? dataDir() : datasetCacheDir(m, cacheDir());
}

function list(): number {
  const manifests = loadManifests();
  const rows = [...manifests.values()].map((m) => {
    const root = fileRoot(m);
    const present = m.files.filter((f) => existsSync(join(root, f.filename))).length;
    const known = m.files.every((f) => f.size !== undefined) ? formatBytes(m.files.reduce((a, f) => a + (f.size ?? 0), 0)) : "?";
    const licence = m.licence.length > 28 ? `${m.licence.slice(0, 27)}…` : m.licence;
    return [m.name, m.location === "repository" ? "shipped" : "download", `${present}/${m.files.length}`, known, licence];
  });
  const header = ["name", "location", "present", "size", "licence"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  console.log(fmt(header));
  for (const r of rows) console.log(fmt(r));
  console.log(`\ncache: ${cacheDir()}`);
  return 0;
}

function progressBar(label: string, received: number, total: number | null): string {
  const width = 30;
  if (total === null || total === 0) return `\r${label} ${formatBytes(received)}`;
  const frac = Math.min(1, received / total);
  const filled = Math.round(frac * width);
  return `\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${formatBytes(received)}/${formatBytes(total)}`;
}

async function fetchCmd(args: string[]): Promise<number> {
  const files: string[] = [];
  let repin = false;
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--file") {
      const f = args[++i];
      if (!f) throw new UsageError("--file needs a file name (one of the dataset's files; see marble data list)");
      files.push(f);
    } else if (args[i] === "--repin") repin = true;
    else if (args[i].startsWith("-")) {
      const near = closestNames(args[i].replace(/^-+/, ""), ["file", "repin"]);
      throw new UsageError(`unknown option ${args[i]} for "marble data fetch"${near.length ? `; did you mean --${near[0]}?` : ""}`);
    } else if (!name) name = args[i];
    else throw new UsageError(`unexpected argument "${args[i]}": fetch one dataset at a time`);
  }
  if (!name) throw new UsageError(`fetch needs a dataset NAME; known datasets: ${[...loadManifests().keys()].join(", ")}`);
  const manifest = getManifest(name);
  const tty = Boolean(process.stderr.isTTY);
  let lastDraw = 0;
  const results = await fetchDataset(manifest, {
    files,
    repin,
    onFileStart: (f, i, n) => {
      if (!tty) process.stderr.write(`[${i + 1}/${n}] ${f.filename}\n`);
    },
    onProgress: (f, received, total) => {
      if (!tty) return;
      const now = Date.now();
      if (now - lastDraw < 100 && received !== total) return;
      lastDraw = now;
      process.stderr.write(progressBar(f.filename, received, total));
    },
  });
  if (tty) process.stderr.write("\n");
  for (const r of results) {
    const discarded = r.discardedBytes ? `; discarded ${formatBytes(r.discardedBytes)} of partial data that could not be checked` : "";
    const replaced = r.replacedCopyProblems ? `; replaced the copy in place, which failed its check: ${r.replacedCopyProblems.join("; ")}` : "";
    const check = {
      published: "checksum verified",
      pinned: "matches the sha256 pinned when first downloaded",
      "newly-pinned": `no published checksum; sha256 ${r.sha256} pinned in ${r.pinFile}`,
      none: `NOT verified: no published checksum and no pin; sha256 ${r.sha256}; to pin a fresh copy: marble data fetch ${manifest.name} --file ${r.file.filename} --repin`,
    }[r.checksum];
    console.log(`${r.status === "downloaded" ? "downloaded" : "already present"}: ${r.path} (${formatBytes(r.size)}; ${check}${discarded}${replaced})`);
  }
  return 0;
}

async function verifyCmd(args: string[]): Promise<number> {
  const option = args.find((a) => a.startsWith("-"));
  if (option) throw new UsageError(`"marble data verify" takes dataset names only, not ${option}`);
  const named = args;
  const manifests = named.length ? named.map((n) => getManifest(n)) : [...loadManifests().values()];
  let failed = 0;
  let unverified = 0;
  for (const m of manifests) {
    const entries = await verifyDataset(m);
    if (!named.length && m.location === "download" && entries.every((e) => e.status === "missing")) {
      console.log(`not fetched ${m.name} (${entries.length} file(s); marble data fetch ${m.name})`);
      continue;
    }
    for (const e of entries) {
      const label = `${m.name}/${e.file.filename}`;
      if (e.status === "verified") console.log(`verified  ${label}`);
      else if (e.status === "pinned") console.log(`pinned    ${label} (no published checksum; matches the sha256 pinned ${e.pin?.pinnedAt ?? ""} in ${e.pinFile})`);
      else if (e.status === "unpinned") {
        unverified++;
        const how = m.location === "download" ? `; to pin a fresh copy: marble data fetch ${m.name} --file ${e.file.filename} --repin` : "";
        console.log(`unpinned  ${label}: NOT verified, no published or pinned checksum; sha256 ${e.sha256} (${e.size} bytes)${how}`);
      } else if (e.status === "missing") {
        // Not fetched yet is only a failure when the dataset was asked for by name.
        console.log(`missing   ${label}${m.location === "download" ? ` (run: marble data fetch ${m.name} --file ${e.file.filename})` : ""}`);
        if (named.length || m.location === "repository") failed++;
      } else {
        console.log(`FAILED    ${label}: ${e.problems.join("; ")}`);
        failed++;
      }
    }
  }
  if (unverified) console.error(`${unverified} file(s) present but not verified (no published or pinned checksum)`);
  if (failed) console.error(`${failed} file(s) missing or failing verification`);
  return failed ? 1 : 0;
}

const SUBCOMMANDS = ["list", "fetch", "verify"];

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "help" || sub === "--help" || sub === "-h" || rest.includes("--help") || rest.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  try {
    switch (sub) {
      case undefined:
        throw new UsageError("give a subcommand: list, fetch NAME or verify [NAME]");
      case "list":
        if (rest.length) throw new UsageError(`"marble data list" takes no arguments (got ${rest.join(" ")})`);
        return list();
      case "fetch":
        return await fetchCmd(rest);
      case "verify":
        return await verifyCmd(rest);
      default: {
        const near = closestNames(sub, SUBCOMMANDS);
        throw new UsageError(`unknown subcommand "${sub}"${near.length ? `; did you mean ${near[0]}?` : `; use ${SUBCOMMANDS.join(", ")}`}`);
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`marble data: ${err.message}\nsee 'marble data --help'`);
      return 2;
    }
    console.error(`marble data ${sub}: ${(err as Error).message}`);
    return 1;
  }
}
