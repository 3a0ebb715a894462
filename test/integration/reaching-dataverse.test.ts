// Notebook 04 on the Dataverse files: small files in their structure (test/fixtures/trials/dataverse,
// written by scripts/fixtures/trials_dataverse.py) are put in a download cache named by
// MARBLE_CACHE_DIR, and the notebook must run on them (source "dataverse", nothing labelled
// SIMULATED), print what the reader counted and left out, and compare MARBLE with the best external
// method, the label-free graph reported as a MARBLE variant. Needs the built library and Debian's
// Jupyter packages (as reproduce.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const fixtures = join(root, "test", "fixtures", "trials", "dataverse");

test("notebook 04 runs on the Dataverse files when they are in the download cache", { timeout: 1_800_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "marble-reaching-dataverse-"));
  try {
    const cache = join(dir, "cache", "macaque-reaching");
    mkdirSync(cache, { recursive: true });
    for (const f of ["conditions_spiking_data.mat", "kinematics.pkl", "trial_ids.pkl"]) copyFileSync(join(fixtures, f), join(cache, f));
    const out = join(dir, "results");
    const r = spawnSync(process.execPath, [join(root, "scripts", "reproduce.mjs"), "--only", "04", "--out", out, "--no-build"], {
      cwd: root, encoding: "utf8", env: { ...process.env, MARBLE_CACHE_DIR: join(dir, "cache"), MARBLE_REACHING_DATA: "", MARBLE_RESULTS_DIR: "" },
    });
    const summary = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    const nb = summary.notebooks.find((n: { id: string }) => n.id.startsWith("04"));
    assert.ok(nb, `no notebook 04 in the summary\n${r.stdout}\n${r.stderr}`);
    assert.notEqual(nb.status, "error", `notebook 04 failed: ${nb.error}\n${r.stdout}\n${r.stderr}`);
    const exp = summary.experiments.find((e: { notebook: string }) => e.notebook.startsWith("04"));
    assert.equal(exp.details.source, "dataverse");
    assert.equal(exp.details.simulated, false);
    assert.equal(exp.details.perSession.length, 2);
    assert.match(exp.details.data, /Dataverse recordings .*: 2 session\(s\) \(the files hold 2 of the 6 sessions asked for\)/);
    const c = exp.comparison;
    assert.ok(["raw rates", "PCA (5)", "ridge (counts + history)", "k-NN (states)"].includes(c.best.name), `best baseline ${c.best.name}`);
    assert.deepEqual(c.variants.map((v: { name: string }) => v.name), ["MARBLE label-free"]);
    assert.ok(c.baselines.every((b: { name: string }) => !/MARBLE/.test(b.name)));
    assert.notEqual(c.verdict, "not testable offline");
    const executed = readFileSync(join(out, "04-macaque-reaching.ipynb"), "utf8");
    assert.match(executed, /dataverse-reaching recording \\"session 0\\"/);
    assert.match(executed, /6 units, 28 trials, 33600 bins of 1 ms/);
    assert.match(executed, /left out: 1 kinematic trials/);
    // nothing the notebook printed or showed says SIMULATED (its prose explains the stand-in)
    const outputs = (JSON.parse(executed) as { cells: { outputs?: unknown[] }[] }).cells.flatMap((cell) => cell.outputs ?? []);
    assert.ok(outputs.length > 0);
    assert.doesNotMatch(JSON.stringify(outputs), /SIMULATED/);
    console.log(JSON.stringify({ comparison: { best: c.best, marble: c.marble, variants: c.variants, verdict: c.verdict } }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
