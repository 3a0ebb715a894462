import { classicalMds } from "../../src/postprocessing/mds.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import {
  Matrix,
  Random,
  ValidationError,
  flowFieldBundle,
  latentSpaceBundle,
  distanceMatrixBundle,
  flowField,
  showBundle,
  insideTslab,
  encodeArray,
  decodeArray,
  FLOWFIELD_MIME,
  LATENT_MIME,
  DISTANCES_MIME,
  type FlowFieldPayload,
  type LatentPayload,
  type DistancesPayload,
} from "../../src/index.js";
import { OKABE_ITO } from "../../src/reporting/palette.js";

const root = join(__dirname, "..", "..");

function circleField(n: number, phase: number): { pos: number[][]; vec: number[][] } {
  const pos: number[][] = [], vec: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n + phase;
    pos.push([Math.cos(t), Math.sin(t)]);
    vec.push([-Math.sin(t), Math.cos(t)]);
  }
  return { pos, vec };
}

test("encodeArray round-trips every dtype as little-endian base64", () => {
  const values = [0, 1, -2, 3.5, 1e6, -7];
  for (const dtype of ["float32", "float64", "int32", "int16", "int8"] as const) {
    const enc = encodeArray(values.map((v) => (dtype.startsWith("int") ? Math.trunc(v) % 100 : v)), dtype, [2, 3]);
    const dec = decodeArray(enc);
    assert.deepEqual(enc.shape, [2, 3]);
    assert.deepEqual(Array.from(dec), values.map((v) => (dtype.startsWith("int") ? Math.trunc(v) % 100 : v)));
  }
  // explicit byte order: 1.0f is 00 00 80 3f in little-endian
  assert.equal(Buffer.from(encodeArray([1], "float32").data, "base64").toString("hex"), "0000803f");
  assert.throws(() => encodeArray([1, 2, 3], "float32", [2, 2]), /shape \[2, 2\] holds 4 values but 3/);
});

test("flowFieldBundle concatenates per-condition lists and keeps every vector", () => {
  const a = circleField(50, 0), b = circleField(30, 0.1);
  const bundle = flowFieldBundle([a.pos, Matrix.from(b.pos)], [a.vec, b.vec], { conditionNames: ["rest", "task"], datasetId: "toy" });
  const p = bundle[FLOWFIELD_MIME] as FlowFieldPayload;
  assert.equal(p.kind, "flowfield");
  assert.equal(p.dim, 2);
  assert.equal(p.datasetId, "toy");
  assert.deepEqual(p.positions.shape, [80, 2]);
  const pos = decodeArray(p.positions), vec = decodeArray(p.vectors), cond = decodeArray(p.condition!);
  assert.ok(Math.abs(pos[2 * 55] - b.pos[5][0]) < 1e-6);
  assert.ok(Math.abs(vec[2 * 55 + 1] - b.vec[5][1]) < 1e-6);
  assert.equal(cond[49], 0);
  assert.equal(cond[50], 1);
  assert.deepEqual(p.conditionNames, ["rest", "task"]);
  assert.ok(p.arrowScale > 0 && Number.isFinite(p.arrowScale));
  // the SVG fallback draws one panel per condition
  const svg = bundle["image/svg+xml"];
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<path /g) ?? []).length, 2);
  assert.match(svg, />rest</);
  assert.match(bundle["text/plain"], /80 vectors in 2-D, 2 condition\(s\): rest, task/);
});

test("flowFieldBundle accepts 3-D points with string conditions and validates input", () => {
  const rng = new Random(1);
  const pos: number[][] = [], vec: number[][] = [], cond: string[] = [];
  for (let i = 0; i < 40; i++) {
    const u = rng.uniform(-1, 1), v = rng.uniform(-1, 1);
    pos.push([u, v, u * u - v * v]);
    vec.push([1, 0, 2 * u]);
    cond.push(i % 2 ? "b" : "a");
  }
  const p = flowFieldBundle(pos, vec, { conditions: cond, colorBy: "magnitude" })[FLOWFIELD_MIME] as FlowFieldPayload;
  assert.equal(p.dim, 3);
  assert.deepEqual(p.conditionNames, ["a", "b"]);
  assert.equal(p.colorBy, "magnitude");
  assert.throws(() => flowFieldBundle([[0, 0, 0, 0]], [[1, 1, 1, 1]]), /4 coordinates; project them to 2 or 3/);
  assert.throws(() => flowFieldBundle([[0, 0], [1, 1]], [[1, 1]]), ValidationError);
  assert.throws(() => flowFieldBundle([[0, 0], [1, NaN]], [[1, 1], [0, 0]]), /positions: contains NaN at row 1, column 1/);
  assert.throws(() => flowFieldBundle([[0, 0]], [[1, 1]], { conditions: [0, 1] }), /conditions has 2 entries but there are 1 points/);
  assert.throws(() => flowFieldBundle([[0, 0]], [[1, 1]], { layout: "grid" as "panels" }), /layout/);
  assert.throws(() => flowFieldBundle([[0, 0]], [[1, 1]], { colour: "x" } as object), /colour/);
});

test("latentSpaceBundle reduces wide embeddings by PCA and picks the colouring", () => {
  const rng = new Random(2);
  const n = 200;
  const emb = new Matrix(n, 5);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i / n;
    for (let j = 0; j < 5; j++) emb.set(i, j, (j === 0 ? 10 * labels[i] : 0) + rng.normal() * 0.1);
  }
  const bundle = latentSpaceBundle(emb, { labels, labelName: "position", conditions: Array.from({ length: n }, (_, i) => i % 3), datasetId: "toy" });
  const p = bundle[LATENT_MIME] as LatentPayload;
  assert.equal(p.colorBy, "label");
  assert.equal(p.dim, 2);
  assert.equal(p.axisNote, "PCA of a 5-D embedding");
  const xy = decodeArray(p.embedding);
  // the first PCA axis follows the dominant direction, i.e. the label
  let corr = 0;
  for (let i = 0; i < n; i++) corr += (xy[2 * i] * (labels[i] - 0.5));
  assert.ok(Math.abs(corr) > 10, `first axis should follow the label, got ${corr}`);
  assert.deepEqual(p.conditionNames, ["condition 0", "condition 1", "condition 2"]);
  assert.match(bundle["image/svg+xml"], /position/);
  const clustered = latentSpaceBundle(emb, { clusters: Array.from({ length: n }, (_, i) => i % 4), dims: 3 })[LATENT_MIME] as LatentPayload;
  assert.equal(clustered.colorBy, "cluster");
  assert.equal(clustered.dim, 3);
  assert.throws(() => latentSpaceBundle(emb, { colorBy: "label" }), /colorBy "label" needs options.labels/);
  assert.throws(() => latentSpaceBundle(emb, { clusters: [0.5, ...new Array(n - 1).fill(0)] }), /clusters\[0\]/);
});

test("classical MDS (used by the distance widget) recovers planar configurations up to rigid motion", () => {
  const pts = [[0, 0], [3, 0], [0, 4], [1, 1], [-2, 5]];
  const m = pts.length;
  const d = new Matrix(m, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) d.set(i, j, Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]));
  const y = classicalMds(d, { nComponents: 2 });
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const dij = Math.hypot(y.get(i, 0) - y.get(j, 0), y.get(i, 1) - y.get(j, 1));
      assert.ok(Math.abs(dij - d.get(i, j)) < 1e-8, `distance ${i},${j}: ${dij} vs ${d.get(i, j)}`);
    }
  }
});

test("distanceMatrixBundle checks the matrix and embeds it", () => {
  const d = [[0, 1, 2], [1, 0, 1], [2, 1, 0]];
  const bundle = distanceMatrixBundle(d, { names: ["a", "b", "c"], groups: ["x", "x", "y"] });
  const p = bundle[DISTANCES_MIME] as DistancesPayload;
  assert.deepEqual(Array.from(decodeArray(p.distances)), d.flat());
  const e = decodeArray(p.embedding);
  assert.ok(Math.abs(Math.hypot(e[0] - e[4], e[1] - e[5]) - 2) < 1e-9);
  assert.equal((bundle["image/svg+xml"].match(/<rect x=/g) ?? []).length, 9);
  assert.throws(() => distanceMatrixBundle([[0, 1], [2, 0]]), /not symmetric at \[0\]\[1\]/);
  assert.throws(() => distanceMatrixBundle([[1, 1], [1, 0]]), /diagonal must be 0/);
  assert.throws(() => distanceMatrixBundle([[0, 1, 1], [1, 0, 1]]), /must be square/);
  assert.throws(() => distanceMatrixBundle([[0, 1], [1, 0]], { names: ["a"] }), /1 names for 2 conditions/);
});

test("figures without a datasetId get distinct ids and link to nothing", () => {
  const a = circleField(10, 0);
  const p1 = flowFieldBundle(a.pos, a.vec)[FLOWFIELD_MIME] as FlowFieldPayload;
  const p2 = latentSpaceBundle(a.pos)[LATENT_MIME] as LatentPayload;
  assert.match(p1.datasetId, /^figure-\d+$/);
  assert.notEqual(p1.datasetId, p2.datasetId);
  assert.throws(() => flowFieldBundle(a.pos, a.vec, { datasetId: "" }), /datasetId must be a non-empty string/);
});

test("outside tslab the display helpers return the bundle", () => {
  const a = circleField(10, 0);
  assert.equal(insideTslab(), false);
  const out = flowField(a.pos, a.vec);
  assert.ok(out && FLOWFIELD_MIME in out);
  assert.equal(showBundle(out), out);
});

test("inside a tslab kernel the helpers emit one display_data with every MIME type", (t) => {
  let jupyter: { lastWriteDisplayData: unknown };
  try {
    jupyter = createRequire(join(root, "package.json"))("tslab/dist/jupyter");
  } catch {
    t.skip("tslab is not installed");
    return;
  }
  const sent: { data: Record<string, unknown>; update: boolean }[] = [];
  const saved = jupyter.lastWriteDisplayData;
  jupyter.lastWriteDisplayData = (msg: { data: Record<string, unknown> }, update: boolean) => sent.push({ data: msg.data, update });
  try {
    const a = circleField(10, 0);
    assert.equal(insideTslab(), true);
    assert.equal(flowField(a.pos, a.vec), undefined);
    assert.equal(sent.length, 1);
    assert.deepEqual(Object.keys(sent[0].data).sort(), [FLOWFIELD_MIME, "image/svg+xml", "text/plain"].sort());
    assert.equal(sent[0].update, false);
  } finally {
    jupyter.lastWriteDisplayData = saved;
  }
});

test("the extension's copies of the payload schema and the palette are identical to the library's", () => {
  for (const [from, to] of [["src/display/payload.ts", "payload.ts"], ["src/reporting/palette.ts", "palette.ts"]]) {
    const copy = join(root, "extension", "src", to);
    assert.ok(existsSync(copy), `extension/src/${to} is missing; run node scripts/build-extension.mjs --lib`);
    assert.equal(readFileSync(copy, "utf8"), readFileSync(join(root, from), "utf8"), `run node scripts/build-extension.mjs --lib to copy ${from}`);
  }
});

test("the static fallbacks colour conditions, clusters and groups with the colour-blind-safe palette", () => {
  const a = circleField(40, 0), b = circleField(40, 0.1), c = circleField(40, 0.2);
  const flow = flowFieldBundle([a.pos, b.pos, c.pos], [a.vec, b.vec, c.vec], { conditionNames: ["a", "b", "c"] })["image/svg+xml"];
  const latent = latentSpaceBundle([...a.pos, ...b.pos], { clusters: [...a.pos.map(() => 0), ...b.pos.map(() => 1)] })["image/svg+xml"];
  const dist = distanceMatrixBundle([[0, 1, 2], [1, 0, 1], [2, 1, 0]], { names: ["p", "q", "r"] })["image/svg+xml"];
  for (const [svg, k] of [[flow, 3], [latent, 2], [dist, 3]] as const) {
    const used = new Set((svg.match(/#[0-9a-f]{6}\b/gi) ?? []).map((h) => h.toUpperCase()));
    for (const colour of OKABE_ITO.slice(0, k)) assert.ok(used.has(colour), `${colour} missing from ${[...used].join(" ")}`);
    // none of d3's category10, which the fallbacks used before
    for (const old of ["#1F77B4", "#FF7F0E", "#2CA02C", "#D62728"]) assert.ok(!used.has(old), `${old} is not in the palette`);
  }
});
