// Light browser test: executed-notebook outputs with the three MARBLE MIME types rendered by
// JupyterLab's RenderMimeRegistry + OutputArea and the extension, in Debian's Chromium.
// Checks plot elements, hover labels, linked selection both ways, clearing, and export.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { distanceMatrixBundle, flowFieldBundle, latentSpaceBundle, type MarbleBundle } from "../../src/index.js";
import { RESULTS, ROOT, boxSelect, buildExtension, chromiumMissing, dataToPage, hoverText, launchBrowser, screenshot, serveStatic } from "./support.js";

const G = 20; // grid points per side
const grid = (k: number) => -1 + (2 * k) / (G - 1);
const mid = (k: number) => -1 + (2 * (k + 0.5)) / (G - 1); // halfway between grid lines k and k+1

/** Two conditions on a 20 × 20 grid: a rotation and a saddle; node id = condition × 400 + row. */
function toyDataset() {
  const pos: number[][][] = [[], []], vec: number[][][] = [[], []];
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) {
      const x = grid(b), y = grid(a);
      pos[0].push([x, y]);
      vec[0].push([-y, x]);
      pos[1].push([x, y]);
      vec[1].push([x, -y]);
    }
  }
  // latent: condition A on the left, B on the right, same grid layout
  const embedding = [...pos[0].map(([x, y]) => [x - 1.5, y]), ...pos[1].map(([x, y]) => [x + 1.5, y])];
  return { pos, vec, embedding };
}

function sphereField(n: number) {
  const pos: number[][] = [], vec: number[][] = [];
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < n; i++) {
    const z = 1 - (2 * (i + 0.5)) / n, r = Math.sqrt(1 - z * z), t = golden * i;
    const p = [r * Math.cos(t), r * Math.sin(t), z];
    pos.push(p);
    vec.push([-p[1], p[0], 0]); // rotation about the z axis: tangent to the sphere
  }
  return { pos, vec };
}

function displayOutput(bundle: MarbleBundle) {
  return { output_type: "display_data", data: bundle, metadata: {} };
}

const BIG = 100_000;

function writeFixture(): string {
  const toy = toyDataset();
  const cond = [...new Array(G * G).fill(0), ...new Array(G * G).fill(1)];
  const sphere = sphereField(1500);
  const bigEmb: number[][] = [];
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < BIG; i++) {
    const t = rnd() * 2 * Math.PI, r = 1 + 0.1 * rnd();
    bigEmb.push([r * Math.cos(t), r * Math.sin(t) * 0.5 + (i % 2)]);
  }
  const cells = [
    [flowFieldBundle(toy.pos, toy.vec, { conditionNames: ["rotation", "saddle"], datasetId: "toy", title: "Toy vector fields" })],
    [latentSpaceBundle(toy.embedding, { conditions: cond, conditionNames: ["rotation", "saddle"], datasetId: "toy", title: "Toy latent space" })],
    [distanceMatrixBundle([[0, 1, 2, 3], [1, 0, 1.5, 2.5], [2, 1.5, 0, 1], [3, 2.5, 1, 0]], { names: ["gain 0.2", "gain 0.4", "gain 0.6", "gain 0.8"], title: "Distances between conditions" })],
    [flowFieldBundle(sphere.pos, sphere.vec, { colorBy: "magnitude", datasetId: "sphere", title: "Rotation on a sphere" })],
    [latentSpaceBundle(bigEmb, { labels: Array.from({ length: BIG }, (_, i) => i % 100), labelName: "phase", datasetId: "big", title: "100k points" })],
  ];
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: cells.map((outputs, k) => ({ cell_type: "code", id: `cell-${k}`, execution_count: k + 1, metadata: {}, source: [`// figure ${k}`], outputs: outputs.map(displayOutput) })),
  };
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, "harness-fixture.ipynb");
  writeFileSync(file + ".tmp", JSON.stringify(notebook));
  renameSync(file + ".tmp", file);
  return file;
}

const FLOW = '.marble-figure[data-kind="flowfield"][data-dataset-id="toy"]';
const LATENT = '.marble-figure[data-kind="latent"][data-dataset-id="toy"]';
const DIST = '.marble-figure[data-kind="distances"]';
const SPHERE = '.marble-figure[data-kind="flowfield"][data-dataset-id="sphere"]';
const BIGFIG = '.marble-figure[data-kind="latent"][data-dataset-id="big"]';

const skip = chromiumMissing();

describe("MARBLE renderers in a RenderMimeRegistry + OutputArea page", { skip: skip ?? false, timeout: 300_000 }, () => {
  let browser: Browser;
  let page: Page;
  let server: { url: string; close: () => Promise<void> };
  let renderSeconds = 0;

  before(async () => {
    buildExtension("--harness");
    writeFixture();
    server = await serveStatic({ "/harness/": join(ROOT, "extension", "build", "harness"), "/results/": RESULTS });
    browser = await launchBrowser();
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.on("pageerror", (e) => console.log(`# page error: ${e.message}`));
    const t0 = Date.now();
    await page.goto(`${server.url}/harness/index.html?notebook=/results/harness-fixture.ipynb`);
    await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
    const state = (await page.evaluate("window.harness")) as { ready: boolean; error?: string };
    assert.ok(state.ready, `harness failed: ${state.error}`);
    await page.waitForFunction("document.querySelectorAll('.marble-figure[data-rendered=\"true\"]').length === 5", undefined, { timeout: 120_000 });
    renderSeconds = (Date.now() - t0) / 1000;
    console.log(`# harness: page load to 5 rendered figures (one of 100k points): ${renderSeconds.toFixed(1)} s`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("every output is drawn by the MARBLE renderer, not the SVG fallback", async () => {
    assert.equal(await page.locator(".marble-figure").count(), 5);
    assert.equal(await page.locator(".jp-RenderedSVG").count(), 0, "the static SVG fallback should lose to the interactive renderer");
    assert.equal(await page.locator(".marble-error").count(), 0);
  });

  test("flow fields: one panel per condition, 7 vertices per arrow, WebGL canvas", async () => {
    const info = (await page.evaluate(`(() => {
      const gd = document.querySelector(${JSON.stringify(FLOW)} + " .js-plotly-plot");
      const arrows = gd.data.filter((t) => t.meta === "arrows");
      const nodes = gd.data.filter((t) => t.meta === "nodes");
      return {
        arrowVertices: arrows.reduce((s, t) => s + t.x.length, 0),
        nodes: nodes.map((t) => t.x.length),
        panels: Object.keys(gd._fullLayout).filter((k) => /^xaxis\\d*$/.test(k)).length,
        canvases: document.querySelectorAll(${JSON.stringify(FLOW)} + " canvas").length,
        titles: [...document.querySelectorAll(${JSON.stringify(FLOW)} + " .annotation-text")].map((e) => e.textContent),
      };
    })()`)) as { arrowVertices: number; nodes: number[]; panels: number; canvases: number; titles: string[] };
    assert.equal(info.arrowVertices, 7 * 2 * G * G);
    assert.deepEqual(info.nodes, [G * G, G * G]);
    assert.equal(info.panels, 2);
    assert.ok(info.canvases > 0, "scattergl should draw into a canvas");
    assert.deepEqual(info.titles, ["rotation", "saddle"]);
  });

  test("3-D flow field draws cones in a WebGL scene", async () => {
    const info = (await page.evaluate(`(() => {
      const gd = document.querySelector(${JSON.stringify(SPHERE)} + " .js-plotly-plot");
      return { types: gd.data.map((t) => t.type), cones: gd.data.filter((t) => t.type === "cone").reduce((s, t) => s + t.x.length, 0), gl: !!gd.querySelector(".gl-container canvas") };
    })()`)) as { types: string[]; cones: number; gl: boolean };
    assert.ok(info.types.includes("cone"));
    assert.equal(info.cones, 1500);
    assert.ok(info.gl);
  });

  test("distance heatmap and MDS: hover shows the condition", async () => {
    assert.equal(await page.locator(`${DIST} .hm`).count() + (await page.locator(`${DIST} .heatmaplayer image`).count()) > 0, true);
    const emb = (await page.evaluate(`document.querySelector(${JSON.stringify(DIST)} + " .js-plotly-plot").data[1]`)) as { x: number[]; y: number[] };
    const text = await hoverText(page, DIST, emb.x[2], emb.y[2], "2");
    assert.match(text, /gain 0\.6/);
  });

  test("latent scatter: hover shows node id and condition", async () => {
    // node 400 + (row 3, column 4) of condition "saddle"
    const node = 400 + 3 * G + 4;
    const text = await hoverText(page, LATENT, grid(4) + 1.5, grid(3));
    assert.match(text, new RegExp(`node ${node}`));
    assert.match(text, /saddle/);
  });

  test("box selection in the latent space highlights the same nodes in the flow field", async () => {
    // columns 10..13 and rows 6..9 of condition "rotation" (shifted by -1.5 in the latent space)
    await boxSelect(page, LATENT, mid(9) - 1.5, mid(13) - 1.5, mid(5), mid(9));
    await page.waitForFunction(`document.querySelector(${JSON.stringify(FLOW)}).dataset.highlighted === "16"`, undefined, { timeout: 10_000 });
    const expected: number[] = [];
    for (let a = 6; a <= 9; a++) for (let b = 10; b <= 13; b++) expected.push(a * G + b);
    const hl = (await page.evaluate(`(() => {
      const gd = document.querySelector(${JSON.stringify(FLOW)} + " .js-plotly-plot");
      return gd.data.filter((t) => t.meta === "highlight").map((t) => ({ x: Array.from(t.x), y: Array.from(t.y) }));
    })()`)) as { x: number[]; y: number[] }[];
    assert.equal(hl[0].x.length, 16, "all 16 nodes sit in the rotation panel");
    assert.equal(hl[1].x.length, 0);
    const got = hl[0].x.map((x, i) => Math.round((hl[0].y[i] + 1) * (G - 1) / 2) * G + Math.round((x + 1) * (G - 1) / 2)).sort((a, b) => a - b);
    assert.deepEqual(got, expected);
    assert.match((await page.locator(`${LATENT} .marble-status`).textContent()) ?? "", /16 nodes selected/);
    assert.match((await page.locator(`${FLOW} .marble-status`).textContent()) ?? "", /16 linked nodes highlighted/);
    await screenshot(page, "harness-linked-from-latent.png");
  });

  test("box selection in a flow-field panel highlights the nodes in the latent space", async () => {
    // rows 2..4, columns 2..4 of the saddle panel (second subplot)
    await boxSelect(page, FLOW, mid(1), mid(4), mid(1), mid(4), "2");
    await page.waitForFunction(`document.querySelector(${JSON.stringify(LATENT)}).dataset.highlighted === "9"`, undefined, { timeout: 10_000 });
    const hl = (await page.evaluate(`(() => {
      const gd = document.querySelector(${JSON.stringify(LATENT)} + " .js-plotly-plot");
      const t = gd.data.find((t) => t.meta === "highlight");
      return { x: Array.from(t.x), y: Array.from(t.y) };
    })()`)) as { x: number[]; y: number[] };
    // saddle nodes sit at x + 1.5 in the latent space
    for (let i = 0; i < 9; i++) {
      assert.ok(hl.x[i] > grid(2) + 1.5 - 1e-6 && hl.x[i] < grid(4) + 1.5 + 1e-6, `x ${hl.x[i]}`);
      assert.ok(hl.y[i] > grid(2) - 1e-6 && hl.y[i] < grid(4) + 1e-6, `y ${hl.y[i]}`);
    }
    // one selection per dataset: the flow field's earlier highlights and the latent's own box are gone
    assert.equal(await page.evaluate(`document.querySelector(${JSON.stringify(FLOW)}).dataset.highlighted`), "0");
    const latentSelection = (await page.evaluate(`(() => {
      const gd = document.querySelector(${JSON.stringify(LATENT)} + " .js-plotly-plot");
      return { boxes: (gd.layout.selections || []).length, selected: gd.data.filter((t) => t.selectedpoints != null).length };
    })()`)) as { boxes: number; selected: number };
    assert.deepEqual(latentSelection, { boxes: 0, selected: 0 });
    assert.match((await page.locator(`${FLOW} .marble-status`).textContent()) ?? "", /9 nodes selected/);
    // the other dataset's figures are untouched
    assert.equal(await page.evaluate(`document.querySelector(${JSON.stringify(SPHERE)}).dataset.highlighted`), undefined);
  });

  test("double-click clears the selection everywhere", async () => {
    const p = await dataToPage(page, FLOW, 0.5, 0.5, "2");
    const scroll = (await page.evaluate("({ x: window.scrollX, y: window.scrollY })")) as { x: number; y: number };
    await page.mouse.dblclick(p.px - scroll.x, p.py - scroll.y);
    await page.waitForFunction(`document.querySelector(${JSON.stringify(LATENT)}).dataset.highlighted === "0"`, undefined, { timeout: 10_000 });
    const flowSelection = (await page.evaluate(`(() => {
      const gd = document.querySelector(${JSON.stringify(FLOW)} + " .js-plotly-plot");
      return { boxes: (gd.layout.selections || []).length, selected: gd.data.filter((t) => t.selectedpoints != null && t.selectedpoints.length).length };
    })()`)) as { boxes: number; selected: number };
    assert.deepEqual(flowSelection, { boxes: 0, selected: 0 });
    assert.equal(await page.locator(`${LATENT} .marble-status`).textContent(), "");
    await screenshot(page, "harness-cleared.png");
  });

  test("PNG and SVG export download real images", async () => {
    for (const format of ["png", "svg"]) {
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: 30_000 }), page.locator(`${FLOW} .marble-export[data-format="${format}"]`).click()]);
      const file = join(RESULTS, `export-flowfield.${format}`);
      await download.saveAs(file);
      const bytes = readFileSync(file);
      if (format === "png") assert.equal(bytes.subarray(0, 8).toString("hex"), "89504e470d0a1a0a");
      else assert.match(bytes.toString("utf8", 0, 200), /<svg/);
      assert.ok(bytes.length > 2000, `${format} export is only ${bytes.length} bytes`);
      assert.match(download.suggestedFilename(), new RegExp(`Toy_vector_fields\\.${format}$`));
    }
  });

  test("100k-point latent scatter renders with WebGL and answers hover", async () => {
    const n = (await page.evaluate(`document.querySelector(${JSON.stringify(BIGFIG)} + " .js-plotly-plot").data[0].x.length`)) as number;
    assert.equal(n, BIG);
    const pt = (await page.evaluate(`(() => { const t = document.querySelector(${JSON.stringify(BIGFIG)} + " .js-plotly-plot").data[0]; return { x: t.x[7], y: t.y[7] }; })()`)) as { x: number; y: number };
    const t0 = Date.now();
    const text = await hoverText(page, BIGFIG, pt.x, pt.y);
    console.log(`# harness: hover on the 100k-point scatter answered in ${Date.now() - t0} ms`);
    assert.match(text, /node \d+/);
    assert.match(text, /phase/);
    await page.evaluate("window.scrollTo(0, 0)");
    await screenshot(page, "harness.png");
  });
});
