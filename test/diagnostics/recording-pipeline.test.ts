import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.js";
import { Random } from "../../src/core/random.js";
import { spmm } from "../../src/core/sparse.js";
import { simulatePopulationRecording } from "../../src/simulators/synthetic-recording.js";
import { constructDataset } from "../../src/geometry/dataset.js";
import { connectedComponents } from "../../src/geometry/adjacency.js";
import type { MarbleDataset } from "../../src/geometry/types.js";
import { diagnoseRecording, formatDiagnostics } from "../../src/diagnostics/diagnose.js";
import { RecordingPipeline } from "../../src/pipeline/index.js";

function componentsPerCondition(data: MarbleDataset): number[] {
  const { labels } = connectedComponents(data.graph.adjacency);
  const out: number[] = [];
  for (let c = 0; c + 1 < data.slices.length; c++) {
    const seen = new Set<number>();
    for (let i = data.slices[c]; i < data.slices[c + 1]; i++) seen.add(labels[i]);
    out.push(seen.size);
  }
  return out;
}

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

test("raw 900-neuron counts as given: the graph falls apart and the diagnostics say to reduce with PCA", () => {
  const sim = simulatePopulationRecording({ numNeurons: 900, numBins: 600, numTrials: 1, seed: 5 });
  // sigma 0, no PCA: the counts exactly as recorded
  const report = new RecordingPipeline({ sigma: 0, pcaDims: null }).diagnose({ activity: sim.counts, binSeconds: sim.binSeconds }, { k: 20, pcaCandidates: [3], kCandidates: [] });
  const raw = report.problems.find((p) => p.startsWith("the cknn graph (k = 20, delta = 1) in 900 dimensions is disconnected"));
  assert.ok(raw, formatDiagnostics(report));
  const components = Number(/condition 0 has (\d+) components/.exec(raw)![1]);
  assert.ok(components > 1);
  assert.ok(report.suggestions.includes(`graph has ${components} components: reduce to ≤ 3 PCA dimensions`), report.suggestions.join("; "));
  // with the recommendation the graph is connected
  assert.equal(report.recommended.pcaDims, 3);
  assert.deepEqual(report.conditions.map((c) => c.components), [1]);
});

test("a 900-neuron recording: the diagnostics choose a PCA dimension and k that give a connected graph and finite features", () => {
  const sim = simulatePopulationRecording({ numNeurons: 900, numBins: 1200, numTrials: 4, seed: 3 });
  const condition = Array.from(sim.trial, (t) => (t < 2 ? "early" : "late"));
  const pipeline = new RecordingPipeline({
    sigma: 0.1,
    pcaDims: "auto",
    // small candidate list and no brute-force graph in 900-D keep this test fast
    diagnostics: { k: 15, pcaCandidates: [3, 5], maxBruteForceWork: 1e6 },
  });
  const prep = pipeline.fitTransform({ activity: sim.counts, binSeconds: sim.binSeconds, trial: sim.trial, condition });
  const report = pipeline.diagnostics!;
  assert.equal(report.dim, 900);
  assert.ok(report.recommended.pcaDims !== null && [3, 5].includes(report.recommended.pcaDims), formatDiagnostics(report));
  assert.equal(prep.dim, report.recommended.pcaDims);
  assert.ok(report.ok, formatDiagnostics(report));
  assert.deepEqual(report.conditions.map((c) => c.components), [1, 1]);
  assert.match(formatDiagnostics(report), /Recommended: k = \d+, delta = 1, PCA to [35] dimensions/);
  assert.ok(report.suggestions.some((s) => s.startsWith(`reduce the 900-dimensional data to ${report.recommended.pcaDims} PCA dimensions`)));

  const data = constructDataset({ anchor: prep.anchor, vector: prep.vector, k: pipeline.state!.recommended!.k, seed: 0 });
  assert.equal(data.numNodes, 1196);
  assert.deepEqual(componentsPerCondition(data), [1, 1]);
  assert.ok(allFinite(data.pos.data) && allFinite(data.x.data));
  // first-order gradient features and diffused signals: finite everywhere
  for (const K of data.kernels) assert.ok(allFinite(spmm(K, data.x).data));
  assert.ok(allFinite(data.diffusion.apply(data.x, 1).data));
  // the inputs are of order one (the pipeline's scale), so the features are too
  let ss = 0;
  for (const v of data.pos.data) ss += v * v;
  const rms = Math.sqrt(ss / data.numNodes);
  assert.ok(rms > 0.3 && rms < 3, `RMS norm of the positions ${rms}`);
});

function blob(rng: Random, n: number, cx: number, s: number): Matrix {
  const m = new Matrix(n, 3);
  for (let i = 0; i < n; i++) {
    m.data[3 * i] = cx + rng.normal(0, s);
    m.data[3 * i + 1] = rng.normal(0, s);
    m.data[3 * i + 2] = rng.normal(0, s);
  }
  return m;
}

function stack(a: Matrix, b: Matrix): Matrix {
  const m = new Matrix(a.rows + b.rows, a.cols);
  m.data.set(a.data);
  m.data.set(b.data, a.data.length);
  return m;
}

test("too small a k: the suggested k connects the graph", () => {
  const rng = new Random(0);
  const points = stack(blob(rng, 150, 0, 1), blob(rng, 150, 3, 1));
  const report = diagnoseRecording({ anchor: points, k: 4 });
  assert.equal(report.ok, false);
  assert.ok(report.conditions[0].components > 1);
  assert.ok(report.problems.some((p) => /graph \(k = 4, delta = 1\) in 3 dimensions is disconnected/.test(p)), report.problems.join("; "));
  const suggestion = report.suggestions.find((s) => /raise k to ≥ \d+/.test(s));
  assert.ok(suggestion, report.suggestions.join("; "));
  const k = Number(/raise k to ≥ (\d+)/.exec(suggestion)![1]);
  assert.equal(report.recommended.k, k);
  const again = diagnoseRecording({ anchor: points, k });
  assert.ok(again.ok && again.conditions[0].components === 1, formatDiagnostics(again));
  const vector = new Matrix(points.rows, 3, new Float64Array(points.rows * 3).fill(1));
  const data = constructDataset({ anchor: points, vector, k, seed: 0 });
  assert.deepEqual(componentsPerCondition(data), [1]);
});

test("two far-apart clusters: reported as components with their sizes and a concrete way out", () => {
  const rng = new Random(1);
  const report = diagnoseRecording({ anchor: stack(blob(rng, 150, 0, 1), blob(rng, 150, 50, 1)), k: 10 });
  assert.equal(report.ok, false);
  // the two clusters are the two largest components (a stray point may form its own)
  const [first, second] = report.conditions[0].componentSizes;
  assert.ok(first >= 145 && first <= 150 && second >= 145 && second <= 150, report.conditions[0].componentSizes.join(", "));
  assert.ok(report.problems.some((p) => p.includes(`condition 0 has ${report.conditions[0].components} components (sizes ${first}, ${second}`)), report.problems.join("; "));
  assert.ok(report.suggestions.some((s) => s.startsWith(`graph has ${report.conditions[0].components} components: raise delta above 1 or k above`)), report.suggestions.join("; "));
});

test("too few points in a condition: lower k to what the shortest condition allows", () => {
  const rng = new Random(2);
  const report = diagnoseRecording({ anchor: [blob(rng, 200, 0, 1), blob(rng, 12, 0, 1)], k: 20 });
  assert.equal(report.ok, false);
  assert.ok(report.problems.includes("condition 1 has 12 points, fewer than k + 1 = 21"), report.problems.join("; "));
  assert.ok(report.suggestions.includes("lower k to ≤ 11, or merge short conditions"), report.suggestions.join("; "));
});
