import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { comparisonMarkdown, evaluateComparison, marginText, type ComparisonInput } from "../../src/reporting/comparison.js";
import { evaluateCheck, recordResults, resultsHtml, type ResultCheckInput } from "../../src/reporting/results.js";

const decoding = (marble: number, baselines: Record<string, number>): ComparisonInput => ({
  metric: "median position error",
  unit: "m",
  better: "lower",
  marble,
  baselines,
  claim: "MARBLE decodes position best: 0.047 m",
});

const withinPaper = (value: number): ResultCheckInput => ({ name: "error", value, paper: 0.047, tolerance: 0.015, unit: "m" });

test("the verdict follows the numbers: yes, partly, no and not testable offline", () => {
  const verdict = (input: ComparisonInput, checks: ResultCheckInput[]) => evaluateComparison(input, checks.map(evaluateCheck));

  // MARBLE within the paper's tolerance and ahead of every baseline
  const yes = verdict(decoding(0.045, { "raw rates": 0.05, PCA: 0.06 }), [withinPaper(0.045)]);
  assert.equal(yes.verdict, "yes");
  assert.equal(yes.best?.name, "raw rates");
  assert.ok(Math.abs((yes.margin as number) + 0.005) < 1e-12);
  assert.equal(yes.marbleLeads, true);

  // the check passes, but a baseline decodes better
  const partly = verdict(decoding(0.048, { "raw rates": 0.041, PCA: 0.044 }), [withinPaper(0.048)]);
  assert.equal(partly.verdict, "partly");
  assert.match(partly.reason, /raw rates does better/);
  assert.equal(marginText(partly), "raw rates better by 0.007 m (lower is better)");

  // the same numbers with "higher is better" make MARBLE the leader
  const higher = verdict({ ...decoding(0.048, { "raw rates": 0.041 }), better: "higher" }, [withinPaper(0.048)]);
  assert.equal(higher.verdict, "yes");
  assert.equal(marginText(higher), "MARBLE better by 0.007 m (higher is better)");

  // a presumption of the claim that does not hold
  const proviso = verdict({ ...decoding(0.045, { PCA: 0.06 }), provisos: [{ what: "the networks solve the task", holds: false }] },
    [withinPaper(0.045)]);
  assert.equal(proviso.verdict, "partly");
  assert.match(proviso.reason, /not: the networks solve the task/);

  // a failed check outranks the margin
  const no = verdict(decoding(0.07, { "raw rates": 0.09 }), [withinPaper(0.07)]);
  assert.equal(no.verdict, "no");
  assert.match(no.reason, /failed: error/);
  assert.equal(verdict(decoding(NaN, { PCA: 0.06 }), [withinPaper(NaN)]).verdict, "no");

  // simulated stand-in data: nothing about the paper's claim can be concluded
  const offline = verdict({ ...decoding(0.03, { PCA: 0.06 }), notTestable: "simulated stand-in data" }, [withinPaper(0.03)]);
  assert.equal(offline.verdict, "not testable offline");
  assert.equal(offline.reason, "simulated stand-in data");

  // no baseline run: the checks decide, and the summary says no baseline was run
  const alone = verdict(decoding(0.045, {}), [withinPaper(0.045)]);
  assert.equal(alone.verdict, "yes");
  assert.equal(alone.best, null);
  assert.match(marginText(alone), /no baseline run/);
});

test("a comparison needs a check that tests the claim, and says which field is wrong", () => {
  const reportedOnly = [evaluateCheck({ name: "n", value: 3 })];
  assert.throws(() => evaluateComparison(decoding(0.045, { PCA: 0.05 }), reportedOnly), /nothing tests the claim/);
  assert.equal(evaluateComparison({ ...decoding(0.045, {}), notTestable: "simulated" }, reportedOnly).verdict, "not testable offline");
  const ok = [evaluateCheck(withinPaper(0.045))];
  assert.throws(() => evaluateComparison({ ...decoding(0.045, {}), better: "up" as "higher" }, ok), /`better` must be "lower" or "higher"/);
  assert.throws(() => evaluateComparison({ ...decoding(0.045, {}), claim: " " }, ok), /`claim` must be a non-empty string/);
  assert.throws(() => evaluateComparison(decoding(0.045, { PCA: "0.05" as unknown as number }), ok), /baseline "PCA" must be a number/);
});

test("the summary opens with one line per experiment, the comparisons before any statement about the checks", () => {
  const dir = mkdtempSync(join(tmpdir(), "marble-comparison-"));
  try {
    const record = (name: string, comparison: ComparisonInput | undefined, checks: ResultCheckInput[]) =>
      recordResults(name, checks, { dir, comparison });
    const records = [
      record("a-yes", decoding(0.045, { "raw rates": 0.05 }), [withinPaper(0.045)]),
      record("b-partly", decoding(0.048, { "raw rates": 0.041, PCA: 0.044 }), [withinPaper(0.048), { name: "n", value: 3 }]),
      record("c-no", decoding(0.08, { "raw rates": 0.09 }), [withinPaper(0.08)]),
      record("d-offline", { ...decoding(0.03, { PCA: 0.06 }), notTestable: "simulated stand-in data" }, [withinPaper(0.03)]),
      record("e-your-data", undefined, [{ name: "components", value: 1, atMost: 1 }]),
    ];
    // the verdict is saved with the record, so the run's summary can be rebuilt from the files
    const saved = JSON.parse(readFileSync(join(dir, "experiments", "b-partly.json"), "utf8"));
    assert.equal(saved.comparison.verdict, "partly");

    const md = comparisonMarkdown(records);
    const lines = md.trimEnd().split("\n");
    assert.equal(lines[0], "## MARBLE against the best baseline, and the paper's claims");
    assert.equal(lines[2], "Claims reproduced here: 1 yes, 1 partly, 1 no, 1 not testable offline; 1 experiment without a paper claim to compare.");
    const rows = lines.filter((l) => /^\| [a-e]-/.test(l));
    assert.equal(rows.length, records.length, "one row per experiment");
    assert.match(rows[0], /^\| a-yes \| median position error \| 0\.045 m \| raw rates: 0\.05 m \| MARBLE better by 0\.005 m \(lower is better\) \| MARBLE decodes position best: 0\.047 m \| \*\*yes\*\*/);
    assert.match(rows[1], /\| 0\.048 m \| raw rates: 0\.041 m \| raw rates better by 0\.007 m \(lower is better\) \| .* \| \*\*partly\*\*: checks pass, but raw rates does better \| 1 pass, 0 fail, 1 reported only \|$/);
    assert.match(rows[2], /\*\*no\*\*: failed: error \| 0 pass, 1 FAIL, 0 reported only \|$/);
    assert.match(rows[3], /\*\*not testable offline\*\*: simulated stand-in data/);
    assert.match(rows[4], /^\| e-your-data \| — \| — \| — \| — \| no paper claim recorded \| — \| 1 pass/);
    assert.doesNotMatch(md, /all checks pass/);

    // the notebook's last cell: the comparison first, then the checks, never "all checks pass"
    const html = resultsHtml(records[1]);
    assert.ok(html.indexOf("Reproduced here") < html.indexOf("Checks ("), "the comparison comes before the checks");
    assert.match(html, /MARBLE 0\.048 m vs best baseline raw rates 0\.041 m; raw rates better by 0\.007 m/);
    assert.doesNotMatch(html, /all checks pass/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a MARBLE variant is never the best baseline: it is refused as a baseline and reported as a variant", () => {
  const checks = [withinPaper(0.045)].map(evaluateCheck);
  // the label-free graph beats MARBLE here; given as a baseline it would be named the best baseline
  for (const name of ["MARBLE label-free", "MARBLE (label-free graph)", "marble, one graph"]) {
    assert.throws(() => evaluateComparison(decoding(0.045, { "raw rates": 0.05, [name]: 0.04 }), checks), /is a MARBLE variant, not an external method.*`variants`/);
  }
  const c = evaluateComparison({ ...decoding(0.045, { "raw rates": 0.05, PCA: 0.06 }), variants: { "MARBLE label-free": 0.04 } }, checks);
  assert.equal(c.best?.name, "raw rates");
  assert.deepEqual(c.baselines.map((b) => b.name), ["raw rates", "PCA"]);
  assert.deepEqual(c.variants, [{ name: "MARBLE label-free", value: 0.04 }]);
  assert.equal(c.verdict, "yes");
  assert.match(comparisonMarkdown([{ experiment: "x", checks, comparison: c }]), /\| 0\.045 m \(MARBLE variants: MARBLE label-free 0\.04 m\) \| raw rates: 0\.05 m \|/);
  assert.throws(() => evaluateComparison({ ...decoding(0.045, { PCA: 0.06 }), variants: { PCA: 0.05 } }, checks), /"PCA" is listed both as a baseline and as a MARBLE variant/);
  assert.throws(() => evaluateComparison({ ...decoding(0.045, { PCA: 0.06 }), variants: { "MARBLE label-free": "0.04" as unknown as number } }, checks), /variant "MARBLE label-free" must be a number/);
  // external methods whose names merely contain the letters pass
  assert.equal(evaluateComparison(decoding(0.045, { "marbled UMAP": 0.05 }), checks).best?.name, "marbled UMAP");
});
