import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluateCheck, recordResults, resultsMarkdown } from "../../src/reporting/results.js";
import { renderFigure, saveFigure } from "../../src/reporting/figures.js";
import { heatmapSpec, scatterSpec } from "../../src/reporting/specs.js";
import { spearmanCorrelation } from "../../src/reporting/statistics.js";
import { runMode } from "../../src/reporting/paths.js";

test("evaluateCheck applies tolerance, bounds and explicit verdicts", () => {
  assert.equal(evaluateCheck({ name: "a", value: 0.05, paper: 0.047, tolerance: 0.01 }).passed, true);
  assert.equal(evaluateCheck({ name: "a", value: 0.07, paper: 0.047, tolerance: 0.01 }).passed, false);
  assert.equal(evaluateCheck({ name: "b", value: 0.8, atLeast: 0.9 }).passed, false);
  assert.equal(evaluateCheck({ name: "b", value: 0.95, atLeast: 0.9, atMost: 1 }).passed, true);
  assert.equal(evaluateCheck({ name: "c", value: 3 }).passed, null);
  assert.equal(evaluateCheck({ name: "d", value: NaN, atLeast: 0 }).passed, false);
  assert.equal(evaluateCheck({ name: "e", value: 1, passed: false, criterion: "blocks" }).passed, false);
  assert.throws(() => evaluateCheck({ name: "f", value: 1, tolerance: 0.1 }), /give the paper's value/);
  assert.throws(() => evaluateCheck({ name: "g", value: 1, passed: true }), /needs a `criterion`/);
  assert.throws(() => evaluateCheck({ name: "", value: 1 }), /non-empty `name`/);
});

test("recordResults writes one JSON file per experiment and fails the record on a failed check", () => {
  const dir = mkdtempSync(join(tmpdir(), "marble-report-"));
  try {
    const r = recordResults("05 rat/hippocampus", [
      { name: "error", value: 0.06, paper: 0.047, tolerance: 0.01, unit: "m" },
      { name: "n", value: 10 },
    ], { dir, details: { simulated: false } });
    assert.equal(r.passed, false);
    assert.equal(r.comparison, null, "no comparison given, none recorded");
    const files = readdirSync(join(dir, "experiments"));
    assert.deepEqual(files, ["05_rat_hippocampus.json"]);
    const saved = JSON.parse(readFileSync(join(dir, "experiments", files[0]), "utf8"));
    assert.equal(saved.checks[0].criterion, "|value − paper| ≤ 0.01");
    assert.match(resultsMarkdown([saved]), /\| 05 rat\/hippocampus \| error \| 0\.06 m \| 0\.047 m \| .* \| FAIL \|/);
    assert.throws(() => recordResults("x", [], { dir }), /at least one check/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("runMode reads MARBLE_MODE and rejects other values", () => {
  const old = process.env.MARBLE_MODE;
  try {
    delete process.env.MARBLE_MODE;
    assert.equal(runMode(), "quick");
    process.env.MARBLE_MODE = "full";
    assert.equal(runMode(), "full");
    process.env.MARBLE_MODE = "paper";
    assert.throws(() => runMode(), /"quick" or "full"/);
  } finally {
    if (old === undefined) delete process.env.MARBLE_MODE;
    else process.env.MARBLE_MODE = old;
  }
});

test("spearmanCorrelation handles monotone maps and ties", () => {
  assert.equal(spearmanCorrelation([1, 2, 3, 4], [10, 20, 30, 1000]), 1);
  assert.equal(spearmanCorrelation([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Math.abs(spearmanCorrelation([1, 2, 2, 3], [1, 2, 3, 4]) - 0.9487) < 1e-3);
  assert.throws(() => spearmanCorrelation([1, 2], [1, 2]), /at least 3/);
});

test("figures render to SVG and PNG headlessly and are saved atomically", async () => {
  const dir = mkdtempSync(join(tmpdir(), "marble-fig-"));
  try {
    const fig = await renderFigure("d", heatmapSpec([[0, 1], [1, 0]], { labels: ["a", "b"] }), { dpi: 72 });
    assert.match(fig.svg, /^<svg/);
    assert.deepEqual([...fig.png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const saved = await saveFigure("s", scatterSpec([0, 1, 2], [2, 1, 0], { color: ["a", "b", "a"] }), { dir });
    assert.deepEqual(readdirSync(dir).sort(), ["s.pdf", "s.png", "s.svg", "s.vl.json", "s@600dpi.png"]);
    assert.equal(readFileSync(saved.svgPath, "utf8"), saved.svg);
    await assert.rejects(renderFigure("bad name", {}), /file-name-safe/);
    assert.throws(() => scatterSpec([0, 1], [0]), /length 1, expected 2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
