/**
 * The whole-job table of `npm run bench`: jobs run as a user runs them (a fresh `node` process on
 * the compiled dist/, see whole-job.mjs), each several times, medians, beside the reference figures
 * measured for the authors' code (agosztolai/MARBLE at 5447765, torch 1.13, one thread, same
 * machine, whole-process CPU seconds) and the targets.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const JOB = join(__dirname, "whole-job.mjs");

interface JobResult { [key: string]: number | string }

/** Runs `node whole-job.mjs name` `runs` times; null when a run fails. */
function runJob(name: string, runs: number, env: NodeJS.ProcessEnv = {}): JobResult[] | null {
  const out: JobResult[] = [];
  for (let r = 0; r < runs; r++) {
    process.stderr.write(`bench job ${name} (${r + 1}/${runs}) … `);
    const p = spawnSync(process.execPath, [JOB, name], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
    const line = (p.stdout ?? "").split("\n").find((l) => l.startsWith("@@JOB "));
    if (!line) {
      process.stderr.write(`failed\n${p.stderr}\n`);
      return null;
    }
    const res = JSON.parse(line.slice(6)) as JobResult;
    process.stderr.write(`${res.cpuS} s CPU, ${res.wallS} s wall\n`);
    out.push(res);
  }
  return out;
}

/** Runs `name` `runs` times with `envA` and with `envB` in turn (A B A B …), so a drifting machine affects both alike. */
function runPaired(name: string, runs: number, envA: NodeJS.ProcessEnv, envB: NodeJS.ProcessEnv): [JobResult[], JobResult[]] | null {
  const a: JobResult[] = [], b: JobResult[] = [];
  for (let r = 0; r < runs; r++) {
    const ra = runJob(name, 1, envA), rb = runJob(name, 1, envB);
    if (!ra || !rb) return null;
    a.push(ra[0]);
    b.push(rb[0]);
  }
  return [a, b];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

const med = (rs: JobResult[], key: string) => median(rs.map((r) => Number(r[key])));

/** Start-up of the command line: `node bin/marble.js --help`, whole process, median of `runs`. */
function startup(runs: number): { wall: number; cpu: number } {
  const walls: number[] = [], cpus: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const p = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(join(ROOT, "bin", "marble.js"))}); process.on("exit", () => { const u = process.cpuUsage(); process.stderr.write("@@CPU " + (u.user + u.system) / 1e6 + "\\n"); })`, "marble", "--help"], { encoding: "utf8" });
    walls.push((performance.now() - t0) / 1000);
    const line = (p.stderr ?? "").split("\n").find((l) => l.startsWith("@@CPU "));
    cpus.push(line ? Number(line.slice(6)) : NaN);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

/** Newest modification time under a folder (files ending in .ts), to tell a stale dist/. */
function newest(dir: string, ext: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (e.name.endsWith(ext)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : "—");

/** Prints the table; returns false when a job failed. */
export function printWholeJobTable(): boolean {
  const dist = join(ROOT, "dist", "index.js");
  if (!existsSync(dist)) {
    console.log("\nWhole jobs: dist/ is missing; run `npm run build` first (the jobs run the compiled library).");
    return false;
  }
  if (newest(join(ROOT, "src"), ".ts") > statSync(dist).mtimeMs) {
    console.log("\nWhole jobs: warning — src/ is newer than dist/; run `npm run build` for figures of the current code.");
  }
  const runs = Number(process.env.MARBLE_BENCH_JOB_RUNS ?? 3);
  const one = { MARBLE_THREADS: "1" };
  // the toy fields with one kernel thread and with the default, in turn: the small-problem thread row
  const toyPair = runPaired("toy", runs, one, { MARBLE_THREADS: "" });
  const toy = toyPair?.[0] ?? null;
  // van der Pol with one kernel thread and with the default, in turn: the thread-count row
  const vdpPair = runPaired("vdp", runs, one, { MARBLE_THREADS: "" });
  const vdp = vdpPair?.[0] ?? null;
  const ot = runJob("ot", runs, one);
  const otc = runJob("ot-clustered", runs, one);
  // the pairs split over two threads: the wall time is what changes
  const ot2 = runJob("ot", runs, { MARBLE_THREADS: "2" });
  const otc2 = runJob("ot-clustered", runs, { MARBLE_THREADS: "2" });
  const b = process.env.MARBLE_BENCH_SKIP_B ? null : runJob("b", 1);
  const start = startup(runs);
  const rows: string[] = [];
  const ratioRow = (name: string, rs: JobResult[] | null, authors: number, target: number, authorsSplit: string) => {
    if (!rs) return rows.push(`| ${name} | ${authorsSplit}, ${authors} | FAILED | — | ≥ ${target}× | — |`);
    const cpu = med(rs, "cpuS");
    const split = `${fmt(med(rs, "startupCpuS"))} / ${fmt(med(rs, "buildCpuS"))} / ${fmt(med(rs, "fitCpuS"))} / ${fmt(med(rs, "otCpuS"))}, ${fmt(cpu)}`;
    const ratio = authors / cpu;
    rows.push(`| ${name} | ${authorsSplit}, ${authors} | ${split} | ${fmt(ratio, 1)}× | ≥ ${target}× | ${ratio >= target ? "met" : "not met"} |`);
  };
  ratioRow("toy fields, 2,048 nodes, 100 epochs, + OT", toy, 25.4, 30, "— / 1.5 / 21.4 / 0.16");
  ratioRow("van der Pol, 40 μ, 50 epochs, + OT + MDS", vdp, 134, 50, "— / 73 / 57 / 3.8");
  console.log(`\nWhole jobs — fresh \`node\` processes on dist/, MARBLE_THREADS=1, median of ${runs}; CPU seconds of the whole process (every thread, start-up included)\n`);
  console.log("| job | authors: start-up / build / fit / OT, whole CPU s | ours: start-up / build / fit / OT, whole CPU s | ratio | target | |");
  console.log("|---|---|---|---:|---|---|");
  for (const r of rows) console.log(r);
  console.log("\n| measure | ours | target | |\n|---|---|---|---|");
  const otRow = (name: string, rs: JobResult[] | null) => {
    if (!rs) return console.log(`| ${name} | FAILED | ≤ 0.3 s | — |`);
    const cpu = med(rs, "otCpuS");
    console.log(`| ${name} | ${fmt(cpu)} s CPU (${fmt(med(rs, "otS"))} s wall) | ≤ 0.3 s | ${cpu <= 0.3 ? "met" : "not met"} |`);
  };
  otRow("OT distances, 40 conditions × ~200 points, 5-D (780 exact EMDs)", ot);
  if (ot2) {
    const wall = med(ot2, "otS");
    console.log(`| the same, pairs over two threads (MARBLE_THREADS=2) | ${fmt(wall)} s wall (${fmt(med(ot2, "otCpuS"))} s CPU) | ≤ 0.3 s | ${wall <= 0.3 ? "met" : "not met"} |`);
  } else {
    console.log("| the same, pairs over two threads (MARBLE_THREADS=2) | FAILED | ≤ 0.3 s | — |");
  }
  otRow("the same over 60-cluster histograms (k-means with 10 restarts + 780 EMDs)", otc);
  if (otc2) {
    const wall = med(otc2, "otS");
    console.log(`| the same, restarts over two threads (MARBLE_THREADS=2) | ${fmt(wall)} s wall (${fmt(med(otc2, "otCpuS"))} s CPU) | ≤ 0.3 s | ${wall <= 0.3 ? "met" : "not met"} |`);
  } else {
    console.log("| the same, restarts over two threads (MARBLE_THREADS=2) | FAILED | ≤ 0.3 s | — |");
  }
  if (b) {
    const wall = med(b, "wallS");
    console.log(`| bench (b): 30k points 5-D, 120 epochs, whole process (test loss ${Number(b[0].testLoss).toFixed(4)}, ${b[0].kernelThreads} kernel threads) | ${fmt(wall, 1)} s wall, ${fmt(med(b, "cpuS"), 1)} s CPU | ≤ 30 s wall | ${wall <= 30 ? "met" : "not met"} |`);
  } else {
    console.log("| bench (b): 30k points 5-D, 120 epochs | not measured (MARBLE_BENCH_SKIP_B set) | ≤ 30 s wall | — |");
  }
  const threadRow = (name: string, pair: [JobResult[], JobResult[]] | null) => {
    if (!pair) return console.log(`| default kernel threads against one, ${name} | FAILED | ≤ 1 | — |`);
    const [a, b] = pair;
    const ratio = median(a.map((r, i) => Number(b[i].wallS) / Number(r.wallS)));
    console.log(`| default kernel threads against one, ${name} (${b[0].kernelThreads} threads at the end of the last run), wall, median of pairwise ratios | ${fmt(ratio)} (${fmt(med(b, "wallS"))} s against ${fmt(med(a, "wallS"))} s; fit ${fmt(med(b, "fitS"))} s against ${fmt(med(a, "fitS"))} s) | ≤ 1 | ${ratio <= 1 ? "met" : "not met"} |`);
  };
  threadRow("toy fields job", toyPair);
  threadRow("van der Pol job", vdpPair);
  const full = process.env.MARBLE_BENCH_FULL_REPRODUCTION_S;
  console.log(`| full reproduction, \`npm run reproduce -- --full\` | ${full ? `${(Number(full) / 60).toFixed(0)} min (MARBLE_BENCH_FULL_REPRODUCTION_S)` : "not measured here (hours; run it and pass its seconds in MARBLE_BENCH_FULL_REPRODUCTION_S)"} | ≤ 60 min | ${full ? (Number(full) <= 3600 ? "met" : "not met") : "—"} |`);
  console.log(`| start-up: \`marble --help\` | ${fmt(start.cpu)} s CPU (${fmt(start.wall)} s wall) | — | — |`);
  return Boolean(toy && vdp && ot && otc && ot2 && otc2);
}
