// Notebook 04 on a real trial table: the simulator's sessions are written as a long trial table
// (docs/trial-table.md), and the notebook reads it through MARBLE_REACHING_DATA instead of
// simulating. Its results must say where the data came from and list MARBLE (both graph
// variants), raw rates, PCA, ridge on counts with history and k-NN on the states, each with its
// shuffle controls. Needs the built library and Debian's Jupyter packages (as reproduce.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulateMacaqueReaching } from "../../src/simulators/macaque.js";
import { trialRecordingsFromSimulation } from "../../src/pipeline/reaching/from-simulation.js";
import { writeTrialTableCsv } from "../../src/io/trials/long-table.js";

const root = join(__dirname, "..", "..");

test("notebook 04 reads a long trial table named by MARBLE_REACHING_DATA", { timeout: 1_800_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "marble-reaching-data-"));
  try {
    const file = join(dir, "reaching.csv");
    // a different seed from the notebook's own simulation, so the numbers cannot come from it
    writeTrialTableCsv(file, trialRecordingsFromSimulation(simulateMacaqueReaching({ sessions: 6, trialsPerDirection: 10, seed: 11 })));
    const out = join(dir, "results");
    const r = spawnSync(process.execPath, [join(root, "scripts", "reproduce.mjs"), "--only", "04", "--out", out, "--no-build"], {
      cwd: root, encoding: "utf8", env: { ...process.env, MARBLE_REACHING_DATA: file, MARBLE_RESULTS_DIR: "" },
    });
    const summary = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    const nb = summary.notebooks.find((n: { id: string }) => n.id.startsWith("04"));
    assert.ok(nb, `no notebook 04 in the summary\n${r.stdout}\n${r.stderr}`);
    assert.notEqual(nb.status, "error", `notebook 04 failed: ${nb.error}\n${r.stdout}\n${r.stderr}`);
    const exp = summary.experiments.find((e: { notebook: string }) => e.notebook.startsWith("04"));
    assert.equal(exp.details.source, "file");
    assert.equal(exp.details.simulated, false);
    assert.match(exp.details.data, /MARBLE_REACHING_DATA/);
    const methods = Object.keys(exp.details.perSession[0].r2);
    assert.deepEqual(methods, ["MARBLE", "MARBLE label-free", "raw rates", "PCA (5)", "ridge (counts + history)", "k-NN (states)"]);
    for (const m of methods) {
      for (const key of ["shuffledTrialsR2", "shuffledTimeR2"]) assert.ok(Number.isFinite(exp.details[key][m]), `${key} ${m}`);
    }
    assert.equal(exp.details.perSession.length, 6);
    // the executed notebook says which data it ran on, and labels nothing SIMULATED
    const executed = readFileSync(join(out, "04-macaque-reaching.ipynb"), "utf8");
    assert.match(executed, /data: the trial table .*reaching\.csv \(MARBLE_REACHING_DATA\): 6 session/);
    assert.doesNotMatch(executed, /SIMULATED: MARBLE velocity/);
    console.log(JSON.stringify({ r2: exp.details.perSession.map((s: { r2: unknown }) => s.r2), shuffledTrials: exp.details.shuffledTrialsR2, shuffledTime: exp.details.shuffledTimeR2 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
