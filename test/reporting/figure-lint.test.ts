import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { lintSpec } from "../../src/reporting/figure-lint.js";
import { heatmapSpec, scatterSpec, vectorFieldSpec } from "../../src/reporting/specs.js";
import { barSpec, lineSpec } from "../../src/reporting/chart-specs.js";
import { figureGrid, concatSpecs } from "../../src/reporting/figure-layout.js";
import { Random } from "../../src/core/random.js";
import { parameterFigure, type SeedSummary } from "../../src/sweep/summary-stats.js";

// Every figure the notebooks save, built with the same library calls and options as their
// figure cells (synthetic numbers of the same shape), must pass the style lint; the problems
// seen in earlier runs must each be caught.

const rng = new Random(3);
const xs = (n: number) => Array.from({ length: n }, () => rng.uniform(-1, 1));
const square = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.abs(i - j) / n));
const field = (f: (x: number, y: number) => [number, number]) => {
  const p = Array.from({ length: 60 }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1)]);
  return { p, v: p.map(([x, y]) => f(x, y)) };
};
const FIELDS = ["constant", "constant, reversed", "vortex at x = −1", "vortex at x = +1"];
const METHODS = ["MARBLE", "raw rates (smoothed)", "PCA (20)", "UMAP (8, cosine)", "contrastive, time (CEBRA-time)", "contrastive, behaviour (CEBRA-behaviour)"];

function notebookFigures(): Record<string, Record<string, unknown>> {
  const fs = [field(() => [1, 1]), field(() => [-1, -1]), field((x, y) => [y, -(x + 1)]), field((x, y) => [y, -(x - 1)])];
  const mus = Array.from({ length: 20 }, (_, i) => -1 + (2 * i) / 19);
  const gains = Array.from({ length: 20 }, (_, i) => 1 - i / 19);
  return {
    "00-flow-field": concatSpecs(["block 0", "block 1", "block 2"].map((name, c) => vectorFieldSpec(fs[c].p, fs[c].v, { title: name, xTitle: "PC 1", yTitle: "PC 2", scale: 1.5 })), { columns: 3 }),
    "00-loss": lineSpec([{ name: "train", x: [1, 2, 3], y: [3, 2, 1] }, { name: "validation", x: [1, 2, 3], y: [3, 2.5, 2] }], { title: "training", xTitle: "epoch", yTitle: "loss", width: 300, height: 180 }),
    "00-latent": scatterSpec(xs(50), xs(50), { color: xs(50), colorTitle: "phase", title: "latent space (first two PCs)", xTitle: "PC 1", yTitle: "PC 2" }),
    "00-condition-distances": heatmapSpec(square(3), { labels: ["block 0", "block 1", "block 2"], axisTitle: "block", title: "OT distances between conditions" }),
    "01-fields": concatSpecs(FIELDS.map((name, c) => vectorFieldSpec(fs[c].p, fs[c].v, { title: name, scale: 0.12 })), { columns: 4 }),
    "01-curved-embedding": concatSpecs([
      scatterSpec(xs(80), xs(80), { color: Array.from({ length: 80 }, (_, i) => FIELDS[i % 4]), colorOrder: FIELDS, colorTitle: "field", title: "curved: latent space (UMAP)", xTitle: "UMAP 1", yTitle: "UMAP 2" }),
      heatmapSpec(square(4), { labels: FIELDS, axisTitle: "field", title: "curved: OT distances" }),
    ]),
    "02-fields": concatSpecs([-1, 1].map((mu, c) => vectorFieldSpec(fs[c].p, fs[c].v, { title: `μ = ${mu}`, xTitle: "x (position)", yTitle: "y = dx/dt (velocity)", scale: 0.15 })), { width: "single" }),
    "02-wide": concatSpecs([
      heatmapSpec(square(20), { labels: mus.map((m) => m.toFixed(2)), title: "μ ∈ [−1, 1]: OT distances (rows/cols by μ)", axisTitle: "μ", highlight: [4] }),
      scatterSpec(xs(20), xs(20), { color: mus, colorTitle: "μ", colorMid: 0, title: "μ ∈ [−1, 1]: MDS, order ρ = 0.99", xTitle: "MDS 1", yTitle: "MDS 2", size: 24 }),
      scatterSpec(xs(20), xs(20), { color: mus, colorTitle: "μ", colorMid: 0, title: "baseline, raw (pos, vel): MDS, ρ = 1.00", xTitle: "MDS 1", yTitle: "MDS 2", size: 24 }),
    ]),
    "03-accuracy": lineSpec(["dms_rank2_500", "dms_rank2_500_2"].map((name) => ({ name, x: gains, y: gains.map((g) => 0.5 + g / 2) })),
      { title: "DMS accuracy against stimulus gain", xTitle: "input gain", yTitle: "accuracy (fraction of 100 trials)", yDomain: [0, 1], seriesTitle: "network", references: [{ value: 0.5, label: "chance" }] }),
    "03-across-networks": concatSpecs(["resampled networks (sampled_1, sampled_2)", "trained networks (net 1, net 2)", "net 1 with itself, rotated (control)"].flatMap((k) => [
      heatmapSpec(square(40), { labels: gains.flatMap((g) => [`net 1, ${g.toFixed(2)}`, `net 2, ${g.toFixed(2)}`]), axisTitle: "network, gain", title: `${k}: OT distances` }),
      scatterSpec(xs(40), xs(40), { color: [...gains, ...gains], colorTitle: "gain", title: "MDS by gain, ρ(gain, MDS 1) = 0.94", xTitle: "MDS 1", yTitle: "MDS 2", size: 20 }),
      scatterSpec(xs(40), xs(40), { color: Array.from({ length: 40 }, (_, i) => `net ${1 + Math.floor(i / 20)}`), colorTitle: "network", title: "MDS by network", xTitle: "MDS 1", yTitle: "MDS 2", size: 20 }),
    ]), { columns: 3 }),
    "04-simulated-reaching": concatSpecs([
      scatterSpec(xs(70), xs(70), { color: Array.from({ length: 70 }, (_, i) => ["Left", "UpLeft", "DownRight"][i % 3]), colorTitle: "reach direction", title: "SIMULATED session 0", xTitle: "PC 1", yTitle: "PC 2", size: 4 }),
      barSpec(["MARBLE", "PCA (5)", "raw rates"].map((m, i) => ({ method: m, value: 0.6 - 0.1 * i, low: 0.55 - 0.1 * i, high: 0.65 - 0.1 * i })), { title: "velocity", width: 170, height: 90, valueTitle: "velocity R² (5-fold CV)", errorBars: "mean ± SEM over 6 sessions" }),
      barSpec(["MARBLE", "PCA (5)", "raw rates"].map((m, i) => ({ method: m, value: 0.9 - 0.1 * i, low: 0.85 - 0.1 * i, high: 0.95 - 0.1 * i })), { title: "direction", width: 170, height: 90, valueTitle: "direction accuracy (fraction)", errorBars: "mean ± SEM over 6 sessions", references: [{ value: 1 / 8, label: "chance" }] }),
    ], { columns: 2 }),
    "05-methods": barSpec(METHODS.map((m, i) => ({ group: "achilles", method: m, value: 0.04 + 0.01 * i })), { title: "position decoding", valueTitle: "median |position error| (m)", paper: { "MARBLE": 0.047, "contrastive, time (CEBRA-time)": 0.112 } }),
    "05-methods (two rats)": barSpec(["achilles", "buddy"].flatMap((g) => METHODS.map((m, i) => ({ group: g, method: m, value: 0.04 + 0.01 * i }))), { valueTitle: "median |position error| (m)", paper: { "MARBLE": 0.047 } }),
    "05-achilles": concatSpecs([
      scatterSpec(xs(50), xs(50), { color: xs(50), colorTitle: "position (m)", title: "achilles: latent space, test part", xTitle: "PC 1", yTitle: "PC 2", size: 3 }),
      lineSpec([{ name: "true", x: [0, 1], y: [0, 1] }, { name: "decoded (MARBLE + k-NN)", x: [0, 1], y: [0.1, 0.9] }], { title: "achilles: position", xTitle: "time (s)", yTitle: "position (m)", seriesTitle: "position", points: false }),
    ]),
    "06-across-animals": concatSpecs(["achilles", "buddy"].map((r) => scatterSpec(xs(50), xs(50), { color: xs(50), colorTitle: "position (m)", title: `${r}: latent space (PCA view)`, xTitle: "PC 1", yTitle: "PC 2", size: 3 }))),
  };
}

test("every notebook figure, built as the notebooks build it, passes the style lint", () => {
  for (const [name, spec] of Object.entries(notebookFigures())) assert.deepEqual(lintSpec(spec), [], name);
});

test("the lint catches the problems of earlier figures", () => {
  const panel = (title: string) => ({ title, width: 100, height: 100, data: { values: [{ x: 1, y: 2 }] }, mark: "point", encoding: { x: { field: "x", type: "quantitative", title: "x" }, y: { field: "y", type: "quantitative", title: "y" } } });
  // 03-across-networks: seven panels in one row, network on a continuous colour scale
  assert.match(lintSpec({ columns: 7, concat: Array.from({ length: 7 }, (_, k) => panel(`p${k}`)) }).join("\n"), /7 panels in one row/);
  assert.match(lintSpec({ concat: Array.from({ length: 5 }, (_, k) => panel(`p${k}`)) }).join("\n"), /5 panels in one row/);
  assert.match(lintSpec({ hconcat: Array.from({ length: 6 }, (_, k) => panel(`p${k}`)) }).join("\n"), /6 panels in one row/);
  assert.throws(() => figureGrid(Array.from({ length: 7 }, (_, k) => panel(`p${k}`)), { columns: 7 }), /at most 4 panels per row/);
  const byNetwork = scatterSpec([0, 1, 2, 3], [0, 1, 0, 1], { color: [1, 2, 1, 2], colorTitle: "network", xTitle: "MDS 1", yTitle: "MDS 2" });
  assert.match(lintSpec(byNetwork).join("\n"), /"network" looks categorical .* continuous scale/);
  assert.deepEqual(lintSpec(scatterSpec([0, 1, 2, 3], [0, 1, 0, 1], { color: [1, 2, 1, 2], colorType: "nominal", colorTitle: "network", xTitle: "MDS 1", yTitle: "MDS 2" })), []);
  // 05-methods as it was: vertical bars, untitled axes, method names cut at Vega's default limit
  const oldBars = {
    data: { values: METHODS.map((m) => ({ group: "achilles", method: m, value: 0.05 })) },
    mark: "bar",
    encoding: { x: { field: "method", type: "nominal", title: "" }, y: { field: "value", type: "quantitative", title: "" }, column: { field: "group", type: "nominal" } },
  };
  const problems = lintSpec(oldBars).join("\n");
  assert.match(problems, /the x axis \(field "method"\) has no title/);
  assert.match(problems, /the y axis \(field "value"\) has no title/);
  assert.match(problems, /x-axis labels are cut at 180 pt but "contrastive, behaviour \(CEBRA-behaviour\)" needs about 2\d\d pt/);
  // a heatmap whose labels do not fit its label limit; an untitled heatmap axis
  const heat = heatmapSpec(square(3), { labels: ["short", "a much longer condition name", "x"], axisTitle: "condition" });
  const cut = JSON.parse(JSON.stringify(heat).replace(/"labelLimit":\d+/g, '"labelLimit":40'));
  assert.match(lintSpec(cut).join("\n"), /labels are cut at 40 pt but "a much longer condition name"/);
  assert.match(lintSpec(heatmapSpec(square(3), { axisTitle: "" })).join("\n"), /no title/);
  // legends are checked too
  const legend = scatterSpec([0, 1], [0, 1], { color: ["one", "a very long category name indeed"], colorTitle: "kind", xTitle: "a", yTitle: "b" });
  assert.match(lintSpec(JSON.parse(JSON.stringify(legend).replace(/"labelLimit":\d+/, '"labelLimit":20'))).join("\n"), /legend labels are cut at 20 pt/);
  // error bars that do not say what they are
  const bars = barSpec([{ method: "MARBLE", value: 1, low: 0.9, high: 1.1 }], { valueTitle: "R²", errorBars: "mean ± SEM over 6 sessions" });
  assert.deepEqual(lintSpec(bars), []);
  assert.match(lintSpec({ ...bars, usermeta: {} }).join("\n"), /error bars without saying which/);
  assert.throws(() => barSpec([{ method: "MARBLE", value: 1, low: 0.9, high: 1.1 }]), /say what the error bars are/);
  assert.throws(() => lineSpec([{ name: "a", x: [0, 1], y: [0, 1], low: [0, 0], high: [1, 1] }]), /say what the error bands are/);
});

test("builders fix the earlier figures' problems: arrowheads, shared ticks, legend order, reference marks", () => {
  const a = field(() => [1, 1]), b = field(() => [-3, 0.2]);
  const grid = figureGrid([vectorFieldSpec(a.p, a.v, { scale: 0.1 }), vectorFieldSpec(b.p, b.v, { scale: 0.1 })], { columns: 2 }) as any;
  const domains = grid.concat.flatMap((p: any) => p.layer.map((l: any) => JSON.stringify([l.encoding.x.scale.domain, l.encoding.y.scale.domain])));
  assert.equal(new Set(domains).size, 1, "vector-field panels share one domain");
  const [x0, x1] = grid.concat[0].layer[0].encoding.x.scale.domain, [y0, y1] = grid.concat[0].layer[0].encoding.y.scale.domain;
  assert.ok(Math.abs(x1 - x0 - (y1 - y0)) < 1e-12, "equal spans, so arrow angles are true");
  const head = grid.concat[0].layer[1];
  assert.equal(head.mark.type, "point");
  assert.equal(head.encoding.angle.field, "angle");
  assert.deepEqual([grid.concat[0].title.text, grid.concat[1].title.text], ["a", "b"]);
  // +1 before −1 no more: the legend follows the order given, as the heatmap does
  const s = scatterSpec([0, 1, 2], [0, 1, 2], { color: ["vortex at x = +1", "vortex at x = −1", "constant"], colorOrder: ["constant", "vortex at x = −1", "vortex at x = +1"], xTitle: "u", yTitle: "v" }) as any;
  assert.deepEqual(s.encoding.color.scale.domain, ["constant", "vortex at x = −1", "vortex at x = +1"]);
  assert.throws(() => scatterSpec([0], [0], { color: ["z"], colorOrder: ["a"] }), /colorOrder lacks "z"/);
  const acc = JSON.stringify(lineSpec([{ name: "n", x: [0, 1], y: [0.4, 0.9] }], { xTitle: "gain", yTitle: "accuracy", references: [{ value: 0.5, label: "chance" }] }));
  assert.match(acc, /"datum":0.5/);
  assert.match(acc, /"chance"/);
  const paper = JSON.stringify(barSpec([{ method: "MARBLE", value: 0.048 }, { method: "PCA", value: 0.044 }], { valueTitle: "error (m)", paper: { MARBLE: 0.047 } }));
  assert.match(paper, /"paper":0.047/);
  assert.match(paper, /paper's value/);
  assert.throws(() => barSpec([{ method: "MARBLE", value: 1 }], { paper: { CEBRA: 0.1 } }), /not one of the methods/);
});

test("the lint catches figures without a printed width and axis titles longer than their axes (07's sweep figures)", () => {
  // 07's sweep figures as they were: Vega's defaults, three 280-pt panels side by side (488 mm
  // printed), a 200-pt y axis under a 300-pt bold title
  const yTitle = "OT distance across μ = 0 / same side, mean ± SEM over seeds";
  const old = {
    hconcat: [0, 1, 2].map((k) => ({
      title: `metric ${k}`, width: 280, height: 200, data: { values: [{ value: 10, mean: 1, lo: 0.9, hi: 1.1 }] },
      layer: [
        { mark: { type: "line", point: true }, encoding: { x: { field: "value", type: "quantitative", title: "graph neighbours k" }, y: { field: "mean", type: "quantitative", title: yTitle } } },
        { mark: { type: "errorbar" }, encoding: { x: { field: "value", type: "quantitative", title: "graph neighbours k" }, y: { field: "lo", type: "quantitative", title: yTitle }, y2: { field: "hi" } } },
      ],
    })),
    usermeta: { marble: { errorBars: "mean ± SEM over seeds" } },
  };
  const problems = lintSpec(old).join("\n");
  assert.match(problems, /no printed width/);
  assert.match(problems, /the y axis title "OT distance across μ = 0 \/ same side, mean ± SEM over seeds" is about \d+ pt long but the axis only 200 pt/);
  // the same title wrapped into lines that fit passes that check
  const wrapped = { ...old.hconcat[0], layer: old.hconcat[0].layer.map((l) => ({ ...l, encoding: { ...l.encoding, y: { ...l.encoding.y, title: ["OT distance across μ = 0 /", "same side", "mean ± SEM over seeds"] } } })) };
  assert.doesNotMatch(lintSpec({ ...wrapped, usermeta: { marble: { width: "single", errorBars: "mean ± SEM over 2 seeds" } } }).join("\n"), /axis title/);
  // lineSpec wraps a long y title to the plot's height
  const tall = lineSpec([{ name: "a", x: [1, 2], y: [1, 2], low: [0.9, 1.9], high: [1.1, 2.1] }], { yTitle, xTitle: "k", errorBars: "mean ± SEM over 2 seeds", height: 90 });
  assert.deepEqual(lintSpec(tall), []);
  // the sweep figures now: lettered grid in the style, printed width, error bars at the settings
  const S = (metric: string, vals: [number, number, number][]): SeedSummary[] =>
    vals.map(([value, mean, sem]) => ({ parameter: "marble.k", dataset: "van-der-pol", value, metric, n: 2, mean, sd: sem, sem, base: false }));
  const fig = parameterFigure("marble.k", [...S("orderRho", [[10, 0.95, 0.01], [20, 0.93, 0.04]]), ...S("pairRho", [[10, 0.87, 0.01], [20, 0.85, 0.02]]),
    ...S("blockRatio", [[10, 1.5, 0.01], [20, 1.85, 0.02]])], "07-vdp-quick") as any;
  assert.deepEqual(lintSpec(fig), []);
  assert.equal(fig.usermeta.marble.width, "double");
  assert.equal(fig.usermeta.marble.errorBars, "mean ± SEM over 2 seeds");
  assert.deepEqual(fig.concat.map((p: any) => p.title.text), ["a", "b", "c"]);
  assert.match(JSON.stringify(fig), /"type":"errorbar"/);
  assert.match(JSON.stringify(fig), /"values":\[10,20\]/);
});

// Specs of an executed run: MARBLE_LINT_FIGURES=results/<run>/figures lints every saved spec.
test("saved specs of a run pass the lint (MARBLE_LINT_FIGURES)", { skip: !process.env.MARBLE_LINT_FIGURES && "set MARBLE_LINT_FIGURES to a run's figures folder" }, () => {
  const dir = process.env.MARBLE_LINT_FIGURES as string;
  const files = readdirSync(dir).filter((f) => f.endsWith(".vl.json"));
  assert.ok(files.length > 0, `no .vl.json files in ${dir}`);
  for (const f of files) assert.deepEqual(lintSpec(JSON.parse(readFileSync(join(dir, f), "utf8"))), [], f);
});
