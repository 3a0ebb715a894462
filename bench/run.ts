/**
 * `npm run bench [-- filter…]`: runs every case exported as `cases` from bench/*.bench.ts, each in a
 * fresh Node process (so peak memory is per case), and prints one table: wall time, peak RSS, extras;
 * then the whole-job table (bench/jobs/table.ts; alone with the filter "jobs").
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import os from "node:os";
import type { BenchCase } from "./types.js";
import { printWholeJobTable } from "./jobs/table.js";

interface Row { file: string; name: string; seconds: number | null; peakMB: number | null; target: string; extra: string }

async function child(file: string, name: string): Promise<void> {
  const mod = (await import(join(__dirname, file))) as { cases: BenchCase[] };
  const c = mod.cases.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name} in ${file}`);
  const t0 = performance.now();
  const extra = (await c.run()) ?? {};
  const seconds = (performance.now() - t0) / 1000;
  const peakMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write("\n@@RESULT " + JSON.stringify({ seconds, peakMB, extra }) + "\n");
}

async function parent(filters: string[]): Promise<void> {
  const files = readdirSync(__dirname).filter((f) => f.endsWith(".bench.ts")).sort();
  const rows: Row[] = [];
  for (const file of files) {
    const mod = (await import(join(__dirname, file))) as { cases: BenchCase[] };
    for (const c of mod.cases) {
      const id = `${file.replace(".bench.ts", "")}/${c.name}`;
      if (filters.length && !filters.some((f) => id.includes(f))) continue;
      process.stderr.write(`bench ${id} … `);
      const r = spawnSync(process.execPath, ["--import", "tsx", "--max-old-space-size=16384", join(__dirname, "run.ts"), "--child", file, c.name], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
      const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith("@@RESULT "));
      if (!line) {
        process.stderr.write(`failed\n${r.stderr}\n`);
        rows.push({ file, name: c.name, seconds: null, peakMB: null, target: c.target ?? "", extra: "FAILED" });
        continue;
      }
      const res = JSON.parse(line.slice(9)) as { seconds: number; peakMB: number; extra: Record<string, unknown> };
      process.stderr.write(`${res.seconds.toFixed(2)} s\n`);
      rows.push({
        file,
        name: c.name,
        seconds: res.seconds,
        peakMB: res.peakMB,
        target: c.target ?? "",
        extra: Object.entries(res.extra).map(([k, v]) => `${k}=${typeof v === "number" ? +v.toPrecision(4) : v}`).join(" "),
      });
    }
  }
  console.log(`\nMarbleLab benchmarks — ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
  console.log("| bench | case | time (s) | peak RSS (MB) | target | details |");
  console.log("|---|---|---:|---:|---|---|");
  for (const r of rows) {
    console.log(`| ${r.file.replace(".bench.ts", "")} | ${r.name} | ${r.seconds === null ? "—" : r.seconds.toFixed(2)} | ${r.peakMB === null ? "—" : r.peakMB.toFixed(0)} | ${r.target} | ${r.extra} |`);
  }
  if (rows.some((r) => r.seconds === null)) process.exitCode = 1;
  // The whole-job table: with no filter, or with the filter "jobs".
  if (!filters.length || filters.includes("jobs")) {
    if (!printWholeJobTable()) process.exitCode = 1;
  }
}

const args = process.argv.slice(2);
if (args[0] === "--child") void child(args[1], args[2]).catch((e) => { console.error(e); process.exit(1); });
else void parent(args);
