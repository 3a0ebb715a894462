// results.md of a real (fixture) run leads with the comparison with the baselines and the verdict
// on the claim, and says nothing about the checks before it. Needs the built library (npm test
// builds first) and Debian's Jupyter packages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

test("results.md opens with MARBLE against the best baseline and the verdict, then the checks", { timeout: 300_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), "marble-summary-"));
  try {
    const r = spawnSync(
      process.execPath,
      [join(root, "scripts", "reproduce.mjs"), "--notebooks-dir", join(__dirname, "fixtures", "notebooks"), "--only", "01", "--out", out, "--no-build"],
      { cwd: root, encoding: "utf8", env: { ...process.env, MARBLE_RESULTS_DIR: "" } },
    );
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const md = readFileSync(join(out, "results.md"), "utf8");
    const summary = md.indexOf("## MARBLE against the best baseline, and the paper's claims");
    const row = md.search(/^\| smoke \| slope \| 2 \| half the slope: 1 \| MARBLE better by 1 \(higher is better\) \| the slope is 2 \| \*\*yes\*\*/m);
    const checks = md.search(/Checks against the paper's numbers: \*\*every check passes\*\*/);
    assert.ok(summary > 0, `no summary section:\n${md}`);
    assert.ok(row > summary, `no comparison row for the smoke experiment:\n${md}`);
    assert.ok(checks > row, `the statement about the checks must follow the comparisons:\n${md}`);
    // nothing before the comparisons speaks of the checks
    assert.doesNotMatch(md.slice(0, summary), /check/i);
    assert.doesNotMatch(md, /all checks pass/);
    const saved = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    assert.equal(saved.experiments[0].comparison.verdict, "yes");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
