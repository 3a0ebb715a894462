// Runs the fidelity tests (test/fidelity/*.test.ts: MarbleLab against values from the authors'
// package, scripts/fixtures/authors.py) and prints what they compared as one table —
// quantity | tolerance | largest difference found — then the departures they measured and the
// other agreements (correlations, shares). Exits non-zero if any of the tests fails.
//
//   node scripts/fidelity-report.mjs            all fidelity tests
//   node scripts/fidelity-report.mjs epoch      only files whose name contains "epoch"
//
// The numbers come from the tests' own output lines (test/fidelity/authors-fixtures.ts: reportDiff,
// reportDeparture, reportMeasure), so the table is what the assertions checked in this run.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dir = join(root, "test", "fidelity");
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log("usage: node scripts/fidelity-report.mjs [NAME...]   (run the fidelity tests and print their table)");
  process.exit(0);
}
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".test.ts") && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
if (files.length === 0) {
  console.error(`fidelity-report: no test file in test/fidelity matches ${only.join(", ")}`);
  process.exit(2);
}

const DIFF = /^[#\s]*(.+): largest difference (\S+) \(tolerance (\S+)\)\s*$/;
const DEPARTURE = /^[#\s]*departure: (.+)$/;
const MEASURE = /^[#\s]*measured: (.+)$/;
const rows = [], departures = [], measures = [], failed = [];
for (const file of files) {
  process.stderr.write(`running test/fidelity/${file} …\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", join(dir, file)], {
    cwd: root,
    encoding: "utf8",
    env: { MARBLE_THREADS: "1", ...process.env },
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) failed.push(file);
  for (const line of r.stdout.split("\n")) {
    let m;
    if ((m = DIFF.exec(line))) rows.push({ file, quantity: m[1].trim(), diff: Number(m[2]), tol: Number(m[3]) });
    else if ((m = DEPARTURE.exec(line))) departures.push({ file, text: m[1].trim() });
    else if ((m = MEASURE.exec(line))) measures.push({ file, text: m[1].trim() });
  }
  const failures = r.stdout.split("\n").filter((l) => /^not ok /.test(l));
  for (const l of failures) process.stderr.write(`  ${l}\n`);
}

const cell = (s) => String(s).replace(/\|/g, "\\|");
const num = (v) => (Number.isFinite(v) ? v.toExponential(2) : String(v));
console.log("| quantity | tolerance | largest difference | within |");
console.log("|---|---|---|---|");
for (const r of rows) console.log(`| ${cell(r.quantity)} | ${num(r.tol)} | ${num(r.diff)} | ${r.diff < r.tol ? "yes" : "NO"} |`);
if (departures.length) {
  console.log("\nDepartures from the authors (their size on the reference's inputs):");
  for (const d of departures) console.log(`- ${d.text}`);
}
if (measures.length) {
  console.log("\nOther agreements measured:");
  for (const m of measures) console.log(`- ${m.text}`);
}
console.log(`\n${files.length} test file${files.length === 1 ? "" : "s"}, ${rows.length} compared quantities; ${failed.length ? `FAILED: ${failed.join(", ")}` : "all tests passed"}`);
process.exit(failed.length ? 1 : 0);
