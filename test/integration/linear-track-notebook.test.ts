// notebooks/08-linear-track.ipynb runs headless (quick mode) through `scripts/reproduce.mjs` on the
// real tslab kernel: on the shipped raw recording, and on another recording in the same two formats
// named by MARBLE_RECORDING_DIR (here: the shipped files with the video cut after 60,000 frames).
// Needs the built library (npm test builds first) and Debian's Jupyter packages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const shippedDir = join(root, "data", "rat_linear_track");

interface Check { name: string; value: number; passed: boolean | null }
interface Experiment { experiment: string; passed: boolean; checks: Check[]; details: { recording: string; results: Record<string, { error: number; shuffled: number; shifted: number }> } }

function runNotebook(out: string, env: Record<string, string>): { status: number | null; output: string; experiment: Experiment } {
  const r = spawnSync(process.execPath, [join(root, "scripts", "reproduce.mjs"), "--only", "08", "--out", out, "--no-build"],
    { cwd: root, encoding: "utf8", env: { ...process.env, MARBLE_RESULTS_DIR: "", MARBLE_MODE: "quick", ...env } });
  const output = `${r.stdout}\n${r.stderr}`;
  const experiment = JSON.parse(readFileSync(join(out, "experiments", "08-linear-track.json"), "utf8")) as Experiment;
  return { status: r.status, output, experiment };
}

const check = (e: Experiment, name: string): Check => {
  const c = e.checks.find((x) => x.name.startsWith(name));
  assert.ok(c, `no check "${name}"`);
  return c;
};

test("notebook 08 goes from the shipped raw files to position decoding in cm, with controls", { timeout: 600_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), "marble-nb08-"));
  try {
    const { status, output, experiment: e } = runNotebook(out, { MARBLE_RECORDING_DIR: "" });
    assert.equal(status, 0, output);
    assert.equal(e.passed, true);
    assert.equal(check(e, "reader: units with spikes").value, 31);
    assert.equal(check(e, "reader: spikes").value, 28829);
    assert.equal(check(e, "reader: video frames").value, 118965);
    assert.equal(check(e, "MARBLE error ÷ shuffled").passed, true);
    assert.equal(check(e, "MARBLE error ÷ time-shifted").passed, true);
    for (const [method, r] of Object.entries(e.details.results)) {
      assert.ok(r.error > 0 && r.error < 0.5 * Math.min(r.shuffled, r.shifted), `${method}: ${r.error} cm vs controls ${r.shuffled}, ${r.shifted}`);
    }
    assert.deepEqual(Object.keys(e.details.results), ["MARBLE", "raw rates (smoothed)", "PCA (10)"]);
    const md = readFileSync(join(out, "results.md"), "utf8");
    assert.match(md, /\| 08-linear-track \| median position error over running bins/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("notebook 08 takes another recording in the same formats from MARBLE_RECORDING_DIR", { timeout: 600_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), "marble-nb08-"));
  const rec = join(out, "recording");
  try {
    mkdirSync(rec);
    copyFileSync(join(shippedDir, "spikes.mat"), join(rec, "session2.mat"));
    const bytes = readFileSync(join(shippedDir, "trajectory.videoPositionTracking"));
    writeFileSync(join(rec, "session2.videoPositionTracking"), bytes.subarray(0, 197 + 12 * 60000));
    const { status, output, experiment: e } = runNotebook(join(out, "results"), { MARBLE_RECORDING_DIR: rec });
    assert.equal(status, 0, output);
    assert.equal(e.details.recording, rec);
    const frames = check(e, "reader: video frames");
    assert.equal(frames.value, 60000);
    assert.equal(frames.passed, null, "another recording's counts are reported, not checked against the shipped file's");
    assert.equal(check(e, "MARBLE error ÷ time-shifted").passed, true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
