// End to end: `scripts/reproduce.mjs` runs fixture notebooks on the real tslab kernel through
// Debian's nbclient, and its summary reflects a passing notebook, a failing check and a throwing
// cell. Needs the built library (npm test builds first) and Debian's Jupyter packages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

/** Process ids whose environment holds MARBLE_RESULTS_DIR=dir (the kernels a run started). */
function processesOfRun(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, "latin1").split("\0").includes(`MARBLE_RESULTS_DIR=${dir}`)) pids.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

test("reproduce runs notebooks headless and reports checks and errors", { timeout: 300_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), "marble-reproduce-"));
  try {
    const r = spawnSync(
      process.execPath,
      [join(root, "scripts", "reproduce.mjs"), "--notebooks-dir", join(__dirname, "fixtures", "notebooks"), "--out", out, "--no-build"],
      { cwd: root, encoding: "utf8", env: { ...process.env, MARBLE_RESULTS_DIR: "" } },
    );
    assert.equal(r.status, 1, `expected exit 1 (one failing check, one throwing cell)\n${r.stdout}\n${r.stderr}`);
    const summary = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    const status = Object.fromEntries(summary.notebooks.map((n: { id: string; status: string }) => [n.id, n.status]));
    assert.deepEqual(status, { "01-smoke": "passed", "02-failing-check": "check failed", "03-throws": "error" });
    assert.equal(summary.passed, false);
    const thrown = summary.notebooks.find((n: { id: string }) => n.id === "03-throws");
    assert.match(thrown.error, /cell 2\/3/);
    assert.match(thrown.error, /deliberate failure 1/);

    const smoke = summary.experiments.find((e: { experiment: string }) => e.experiment === "smoke");
    assert.equal(smoke.notebook, "01-smoke");
    assert.equal(smoke.mode, "quick");
    assert.deepEqual(smoke.checks.map((c: { passed: boolean | null }) => c.passed), [true, true, null]);

    // executed notebooks keep their outputs, including the inline figure; the figure files exist
    const executed = JSON.parse(readFileSync(join(out, "01-smoke.ipynb"), "utf8"));
    const outputs = executed.cells.flatMap((c: { outputs?: { data?: Record<string, unknown> }[] }) => c.outputs ?? []);
    assert.ok(outputs.some((o: { data?: Record<string, unknown> }) => o.data && "image/svg+xml" in o.data), "no inline SVG figure");
    for (const ext of ["svg", "pdf", "png", "vl.json"]) assert.ok(existsSync(join(out, "figures", `smoke-scatter.${ext}`)), ext);
    const png = readFileSync(join(out, "figures", "smoke-scatter.png"));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.ok(existsSync(join(out, "03-throws.ipynb")), "a failed notebook is still saved");

    assert.ok(!existsSync(join(out, "INCOMPLETE")), "a finished run has no INCOMPLETE marker");
    const md = readFileSync(join(out, "results.md"), "utf8");
    assert.match(md, /\| 02-failing-check \| check failed \|/);
    assert.match(md, /\| failing-check \| value far from paper \| 1 \| 2 \| .* \| FAIL \|/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("reproduce rejects an unknown --only selection", () => {
  const r = spawnSync(
    process.execPath,
    [join(root, "scripts", "reproduce.mjs"), "--notebooks-dir", join(__dirname, "fixtures", "notebooks"), "--only", "99", "--no-build"],
    { cwd: root, encoding: "utf8" },
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no notebook matches 99; available: 01-smoke, 02-failing-check, 03-throws/);
});

test("reproduce shows progress from inside a cell and marks an interrupted run incomplete", { timeout: 300_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), "marble-reproduce-"));
  try {
    const child = spawn(
      process.execPath,
      [join(root, "scripts", "reproduce.mjs"), "--notebooks-dir", join(__dirname, "fixtures", "long-notebooks"), "--out", out, "--no-build", "--progress-every", "1"],
      { cwd: root, env: { ...process.env, MARBLE_RESULTS_DIR: "" } },
    );
    let stdout = "";
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the second notebook never started:\n${stdout}`)), 240_000);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/\[2\/2\] 02-waits\s+cell 1\/1/.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // the first notebook's cell reported its loop through the progress channel while it ran
    assert.match(stdout, /\[1\/2\] 01-progress\s+cell 2\/2 \(const task = progressTask[^\n]*· counting sheep [1-5]\/6, ~\d+ s left/);
    assert.ok(existsSync(join(out, "INCOMPLETE")), "a running reproduction is marked incomplete");
    assert.ok(processesOfRun(out).length > 0, "the run's kernel is found while it runs");
    child.kill("SIGINT");
    assert.equal(await exited, 130);
    assert.deepEqual(processesOfRun(out), [], "an interrupted run leaves no kernel running");
    assert.ok(existsSync(join(out, "INCOMPLETE")), "an interrupted run keeps its INCOMPLETE marker");
    const md = readFileSync(join(out, "results.md"), "utf8");
    assert.match(md, /Incomplete run \(interrupted\):\*\* 1 of 2 notebooks ran; not run: 02-waits/);
    assert.doesNotMatch(md, /all checks pass/);
    const summary = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    assert.equal(summary.run.state, "interrupted");
    assert.equal(summary.passed, false);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
