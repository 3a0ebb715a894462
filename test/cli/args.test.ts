import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs, closestNames, editDistance, formatOptions, UsageError, type OptionSpec } from "../../src/cli/args.js";
import { MODEL_OPTIONS, DATASET_OPTIONS, DATASET_DEFAULTS, CONDITION_OPTIONS, restateForFlags } from "../../src/cli/options.js";
import { MARBLE_DEFAULTS } from "../../src/model/params.js";

const SPECS: OptionSpec[] = [
  ...CONDITION_OPTIONS,
  { flag: "out", kind: "string", metavar: "DIR", description: "folder" },
  { flag: "quiet", kind: "switch", description: "quiet" },
  ...MODEL_OPTIONS,
  ...DATASET_OPTIONS,
];

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
    return e.message;
  }
  assert.fail("expected a UsageError");
}

test("kebab-case model and dataset options, typed by their defaults; one seed for the split and the network", () => {
  const p = parseArgs(
    ["--anchor", "a.npy", "--hidden-channels", "64,32", "--no-batch-norm", "--inner-product-features", "--k", "15", "--seed=3", "--out", "d", "--quiet", "--frac-sampled-nb", "-1", "--precision", "float64"],
    SPECS,
  );
  assert.deepEqual(p.model, { hiddenChannels: [64, 32], batchNorm: false, innerProductFeatures: true, seed: 3, fracSampledNb: -1, precision: "float64" });
  assert.deepEqual(p.dataset, { k: 15, seed: 3 });
  assert.deepEqual(p.lists.anchor, ["a.npy"]);
  assert.equal(p.strings.out, "d");
  assert.ok(p.switches.has("quiet"));
  assert.deepEqual(parseArgs(["--diffusion", "false", "--bias=true"], SPECS).model, { diffusion: false, bias: true });
  assert.equal(parseArgs(["--epoch", "3", "--help"], SPECS).help, true, "--help wins over a mistake elsewhere");
});

test("edit distance counts a swap of neighbours as one step", () => {
  assert.equal(editDistance("epochs", "epochs"), 0);
  assert.equal(editDistance("epoch", "epochs"), 1);
  assert.equal(editDistance("epcohs", "epochs"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("", "abc"), 3);
});

test("a misspelled option suggests the closest valid one, never the whole list", () => {
  const flags = SPECS.map((s) => s.flag);
  assert.deepEqual(closestNames("epoch", flags), ["epochs"]);
  assert.deepEqual(closestNames("batchSize", flags), ["batch-size"]);
  assert.deepEqual(closestNames("hidden", flags), ["hidden-channels"]);
  assert.deepEqual(closestNames("vectors", flags), ["vector"]);
  assert.deepEqual(closestNames("xyzzy-plugh", flags), []);
  const message = usageError(() => parseArgs(["--epoch", "3"], SPECS));
  assert.equal(message, "unknown option --epoch; did you mean --epochs?");
  assert.equal(usageError(() => parseArgs(["--no-batchnorm"], SPECS)), "unknown option --no-batchnorm; did you mean --no-batch-norm?");
  assert.match(usageError(() => parseArgs(["-epochs", "3"], SPECS)), /two dashes; did you mean --epochs\?/);
  assert.equal(usageError(() => parseArgs(["--wibble"], SPECS)), "unknown option --wibble");
  assert.match(usageError(() => parseArgs(["--graph-type", "knnn"], SPECS)), /expected one of cknn, knn, radius, got "knnn"; did you mean knn\?/);
});

test("usage mistakes name the flag: bad values, missing values, repeats, stray arguments", () => {
  assert.equal(usageError(() => parseArgs(["--lr", "fast"], SPECS)), '--lr: expected a number, got "fast"');
  assert.match(usageError(() => parseArgs(["--hidden-channels", "64,,32"], SPECS)), /--hidden-channels: expected comma-separated numbers/);
  assert.match(usageError(() => parseArgs(["--epochs"], SPECS)), /^--epochs needs a value \(N; default 100\)$/);
  assert.match(usageError(() => parseArgs(["--epochs", "--lr", "1"], SPECS)), /^--epochs needs a value/);
  assert.match(usageError(() => parseArgs(["--out", "a", "--out", "b"], SPECS)), /--out is given twice/);
  assert.match(usageError(() => parseArgs(["--anchor", "a.npy", "b.npy"], SPECS)), /--anchor a\.npy --anchor b\.npy/);
  assert.match(usageError(() => parseArgs(["--quiet=yes"], SPECS)), /--quiet takes no value/);
  assert.equal(usageError(() => parseArgs(["--epochs", "3"], [], new Map([["epochs", "fixed by the checkpoint"]]))), "--epochs: fixed by the checkpoint");
});

test("library messages about a parameter are restated with its flag", () => {
  assert.equal(restateForFlags("Marble: dropout must be < 1, got 1.5"), "--dropout must be < 1, got 1.5");
  assert.equal(
    restateForFlags("Marble: order 0 with includeSelf false leaves no features; set order ≥ 1 or includeSelf true"),
    "--order 0 with --include-self false leaves no features; set --order ≥ 1 or --include-self true",
  );
  assert.equal(restateForFlags("k must be an integer ≥ 1, got 0"), "--k must be an integer ≥ 1, got 0");
  assert.equal(restateForFlags("anchor (condition 0): has 15 points, fewer than k + 1 = 21"), null);
});

test("every model and dataset option has a description and shows its default", () => {
  const text = formatOptions([...MODEL_OPTIONS, ...DATASET_OPTIONS]);
  for (const [key, def] of [...Object.entries(MARBLE_DEFAULTS), ...Object.entries(DATASET_DEFAULTS)]) {
    const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (def === null) continue; // --radius has no default
    const shown = typeof def === "boolean" ? (def ? "on" : "off") : Array.isArray(def) ? def.join(",") : String(def);
    const line = text.split("\n").find((l) => new RegExp(`^  --(\\[no-\\])?${flag}\\b`).test(l));
    assert.ok(line, `no help line for --${flag}`);
    const entry = text.slice(text.indexOf(line)).split(/\n(?= {2}-)/)[0];
    assert.match(entry, new RegExp(`\\(default ${shown.replace(/[.]/g, "\\.")}\\)$`), `--${flag}: ${entry}`);
    const description = entry.replace(/^\s*\S+( \S+)?\s+/, "").replace(/\(default .*\)$/, "").trim();
    assert.ok(description.split(/\s+/).length >= 3, `--${flag} has no description: ${entry}`);
  }
});
