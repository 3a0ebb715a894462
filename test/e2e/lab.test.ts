// Full-stack browser test: `npm run lab` (scripts/lab.mjs) serves the JupyterLab 4 app with
// the MARBLE extension; Chromium opens a notebook, runs every cell on the tslab kernel and
// uses the widgets: linked selection, selection in a 3-D latent space through its 2-D view,
// a four-panel grid, and "save figure" writing SVG, PDF and PNG beside the notebook. Also opens and
// runs the project's notebooks/01-vector-fields.ipynb. The whole session must leave the
// browser console free of errors and every request answered.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { RESULTS, ROOT, boxSelect, buildExtension, chromiumMissing, launchBrowser, screenshot } from "./support.js";

const G = 15; // grid of the fixture notebook
const mid = (k: number) => -1 + (2 * (k + 0.5)) / (G - 1);
const FIXTURE = join(__dirname, "fixtures", "linked-figures.ipynb");
const LAB_DIR = join(RESULTS, "lab");
const FLOW = '.marble-figure[data-kind="flowfield"][data-dataset-id="fixture"]';
const LATENT = '.marble-figure[data-kind="latent"][data-dataset-id="fixture"][data-view=""]';
const LATENT3D = '.marble-figure[data-kind="latent"][data-dataset-id="fixture"]:not([data-view=""])';
const FOUR = '.marble-figure[data-kind="flowfield"][data-dataset-id="four"]';
const DISTANCES = '.marble-figure[data-kind="distances"]';

/** Everything the browser reported as wrong during the session: console errors, failed requests. */
interface Problems {
  errors: string[];
  aborted: { page: Page; text: string }[];
  warnings: Map<string, number>;
}

/** Records console errors, uncaught exceptions, failed requests and HTTP errors of every page. */
function watch(context: BrowserContext): Problems {
  const problems: Problems = { errors: [], aborted: [], warnings: new Map() };
  context.on("console", (m) => {
    if (m.type() === "error") problems.errors.push(`console error: ${m.text()} (${m.location().url})`);
    if (m.type() === "warning") problems.warnings.set(m.text().slice(0, 120), (problems.warnings.get(m.text().slice(0, 120)) ?? 0) + 1);
  });
  context.on("weberror", (e) => problems.errors.push(`uncaught: ${e.error().stack ?? e.error().message}`));
  context.on("requestfailed", (r) => {
    const text = `request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`;
    // a page the test closes aborts its pending polls: not a failure of the lab (checked at the end)
    if (r.failure()?.errorText === "net::ERR_ABORTED") problems.aborted.push({ page: r.frame().page(), text });
    else problems.errors.push(text);
  });
  context.on("response", (r) => {
    if (r.status() >= 400) problems.errors.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return problems;
}

/** Orthographic projection of the fixture's 3-D embedding onto a Plotly camera's screen plane. */
function project(p: number[], eye: number[], up = [0, 0, 1]): [number, number] {
  const norm = (v: number[]) => v.map((x) => x / Math.hypot(...v));
  const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const f = norm(eye.map((x) => -x));
  const r = norm(cross(f, up));
  const u = cross(r, f);
  return [p[0] * r[0] + p[1] * r[1] + p[2] * r[2], p[0] * u[0] + p[1] * u[1] + p[2] * u[2]];
}

const skip = chromiumMissing();

function run(cmd: string, args: string[]): Buffer {
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 28 });
  assert.ifError(r.error);
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/**
 * The saved PDF opens (poppler), its one page has the SVG's size in millimetres, its text is
 * text in embedded DejaVu Sans, and the page is drawn (dark pixels, not a blank page). Leaves a
 * 150-dpi rendering beside it in test-results for a look.
 */
function checkPdf(file: string, svg: string, title: string): void {
  const [wantW, wantH] = [/ width="([\d.]+)mm"/, / height="([\d.]+)mm"/].map((re) => Number(re.exec(svg.slice(0, svg.indexOf(">")))![1]));
  const info = run("pdfinfo", [file]).toString();
  assert.match(info, /^Pages:\s+1$/m);
  const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info);
  assert.ok(size, `no page size in pdfinfo's answer:\n${info}`);
  const [w, h] = [Number(size[1]), Number(size[2])].map((pt) => (pt / 72) * 25.4);
  assert.ok(Math.abs(w - wantW) < 0.2 && Math.abs(h - wantH) < 0.2, `${file}: page ${w.toFixed(2)} × ${h.toFixed(2)} mm, the SVG says ${wantW} × ${wantH} mm`);
  const fonts = run("pdffonts", [file]).toString().trim().split("\n").slice(2);
  assert.ok(fonts.length > 0, `${file}: the PDF has no fonts (text drawn as paths?)`);
  for (const line of fonts) assert.match(line, /DejaVuSans/, `${file}: unexpected font ${line}`);
  for (const line of fonts) assert.equal(line.trim().split(/\s+/).at(-5), "yes", `${file}: font not embedded: ${line}`);
  assert.match(run("pdftotext", [file, "-"]).toString(), new RegExp(title), `${file}: the title is not text in the PDF`);
  // one pixel per millimetre, in grey: a blank page has no pixel that is not white
  const pgm = run("pdftoppm", ["-r", "25.4", "-gray", "-singlefile", file]);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString("latin1"));
  assert.ok(header, `${file}: pdftoppm did not draw a page`);
  assert.ok(Math.abs(Number(header[1]) - wantW) <= 1 && Math.abs(Number(header[2]) - wantH) <= 1, `${file}: drawn ${header[1]} × ${header[2]} px at 1 px/mm`);
  const pixels = pgm.subarray(header[0].length);
  const drawn = pixels.reduce((n, v) => n + (v < 250 ? 1 : 0), 0);
  assert.ok(drawn > 0.02 * pixels.length, `${file}: only ${drawn} of ${pixels.length} pixels are not white`);
  run("pdftoppm", ["-r", "150", "-png", "-singlefile", file, join(RESULTS, `lab-saved-${file.slice(file.lastIndexOf("/") + 1, -4)}`)]);
}

/** Starts scripts/lab.mjs in its own process group and resolves with the URL it prints. */
function startLab(token: string): Promise<{ child: ChildProcess; base: string }> {
  // own settings with autosave off: opening the project's notebooks must never rewrite them
  const state = join(RESULTS, "lab-state");
  const settings = join(state, "user_settings", "@jupyterlab", "docmanager-extension");
  mkdirSync(settings, { recursive: true });
  writeFileSync(join(settings, "plugin.jupyterlab-settings"), JSON.stringify({ autosave: false }));
  const child = spawn(process.execPath, [join(ROOT, "scripts", "lab.mjs"), "--no-build", "--port", "0", "--root", ROOT], {
    cwd: ROOT,
    env: { ...process.env, MARBLE_LAB_TOKEN: token, MARBLE_LAB_STATE: state },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the lab did not start within 90 s:\n${out}`)), 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/MarbleLab is running at:\s+(http:\/\/127\.0\.0\.1:\d+)\/lab\/tree\/\S*\?token=(\w+)/);
      if (m) {
        clearTimeout(timer);
        assert.equal(m[2], token);
        resolve({ child, base: m[1] });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`scripts/lab.mjs exited with ${code}:\n${out}`));
    });
  });
}

async function stopLab(child: ChildProcess, base: string, token: string): Promise<void> {
  // shut kernels down through the API (they run in their own sessions), then the server
  try {
    const kernels = (await (await fetch(`${base}/api/kernels?token=${token}`)).json()) as { id: string }[];
    await Promise.all(kernels.map((k) => fetch(`${base}/api/kernels/${k.id}?token=${token}`, { method: "DELETE" })));
  } catch {
    // the server is already gone
  }
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(-child.pid!, "SIGTERM");
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 15_000));
  if ((await Promise.race([exited, timeout])) === "timeout") process.kill(-child.pid!, "SIGKILL");
}

// the suite's limit covers its tests' own limits (notebook 01 alone may take 600 s on a busy machine)
describe("npm run lab: JupyterLab 4 with the MARBLE extension and the tslab kernel", { skip: skip ?? false, timeout: 1_500_000 }, () => {
  let browser: Browser;
  let page: Page;
  let problems: Problems;
  let lab: { child: ChildProcess; base: string } | undefined;
  const token = "e2e" + Math.random().toString(16).slice(2);

  before(async () => {
    buildExtension("--app");
    if (!existsSync(join(ROOT, "dist", "display", "show.js"))) {
      // the notebook imports @marble-lab/core from dist/ (npm test builds it first)
      // TypeScript by path: tslab's older compiler claims node_modules/.bin/tsc
      spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
    }
    // run a copy so saving in the lab never touches the committed fixture
    mkdirSync(LAB_DIR, { recursive: true });
    copyFileSync(FIXTURE, join(LAB_DIR, "linked-figures.ipynb"));
    const t0 = Date.now();
    lab = await startLab(token);
    console.log(`# lab: server answered after ${((Date.now() - t0) / 1000).toFixed(1)} s at ${lab.base}`);
    // figures saved by an earlier run of this test
    for (const f of readdirSync(LAB_DIR)) if (/\.(svg|png|pdf)$/.test(f)) rmSync(join(LAB_DIR, f));
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    problems = watch(context);
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    if (lab) await stopLab(lab.child, lab.base, token);
  });

  test("the token appears on no process's command line (ps shows command lines to every local user)", () => {
    const leaking: string[] = [];
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      let cmdline: string;
      try {
        cmdline = readFileSync(join("/proc", pid, "cmdline"), "utf8").replace(/\0/g, " ");
      } catch {
        continue; // the process ended meanwhile
      }
      if (cmdline.includes(token)) leaking.push(`${pid}: ${cmdline}`);
    }
    assert.deepEqual(leaking, []);
  });

  test("opens the fixture notebook, runs all cells, and both widgets render and link", async () => {
    const t0 = Date.now();
    await page.goto(`${lab!.base}/lab/tree/test-results/e2e/lab/linked-figures.ipynb?token=${token}`);
    await page.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 60_000 });
    await page.waitForSelector(".jp-NotebookPanel .jp-Cell", { timeout: 60_000 });
    // the kernel named in the notebook is tslab's TypeScript kernel
    await page.waitForFunction("[...document.querySelectorAll('.jp-Toolbar-kernelName, .jp-KernelName')].some((e) => /TypeScript/.test(e.textContent))", undefined, { timeout: 60_000 });
    console.log(`# lab: notebook open on the TypeScript kernel after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // wait for the kernel to be idle, then run every cell through the Run menu's command
    await page.waitForFunction("window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'", undefined, { timeout: 90_000 });
    console.log(`# lab: kernel idle after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
    // the cells are queued or running: prompts show [*] or a count
    await page.waitForFunction("[...document.querySelectorAll('.jp-InputPrompt')].some((p) => /\\[(\\*|\\d+)\\]/.test(p.textContent))", undefined, { timeout: 30_000 });
    await page.waitForFunction(`document.querySelectorAll('.marble-figure[data-rendered="true"]').length === 5`, undefined, { timeout: 180_000 });
    console.log(`# lab: all cells run, 5 MARBLE figures rendered after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(await page.locator(`${FLOW} canvas`).count() > 0, true);
    assert.equal(await page.locator(`${LATENT} canvas`).count() > 0, true);
    assert.equal(await page.locator(".marble-error").count(), 0);
    // the interactive renderer won over the SVG fallback in every output
    assert.equal(await page.locator(".jp-OutputArea-output .jp-RenderedSVG").count(), 0);
    const kinds = await page.evaluate("[...document.querySelectorAll('.marble-figure')].map((e) => e.dataset.kind)");
    assert.deepEqual(kinds, ["flowfield", "latent", "latent", "flowfield", "distances"]);

    // linked selection inside the real application: 3 × 3 rotation nodes in the latent space
    await page.locator(LATENT).scrollIntoViewIfNeeded();
    await boxSelect(page, LATENT, mid(4) - 1.5, mid(7) - 1.5, mid(4), mid(7));
    await page.waitForFunction(`document.querySelector(${JSON.stringify(FLOW)}).dataset.highlighted === "9"`, undefined, { timeout: 30_000 });
    await page.locator(FLOW).scrollIntoViewIfNeeded();
    await screenshot(page, "lab-linked.png");
    await page.locator(FLOW).screenshot({ path: join(RESULTS, "lab-flowfield.png") });
  });

  test("flow fields: axis titles on every panel, arrowheads, four panels as a 2 × 2 grid of equal panels", async () => {
    const layout = (await page.evaluate(`(() => {
      const gd = document.querySelector(${JSON.stringify(FOUR)} + " .js-plotly-plot");
      const fl = gd._fullLayout;
      return [1, 2, 3, 4].map((k) => {
        const s = k === 1 ? "" : String(k);
        return { x: fl["xaxis" + s].domain, y: fl["yaxis" + s].domain, xt: fl["xaxis" + s].title.text, yt: fl["yaxis" + s].title.text };
      });
    })()`)) as { x: number[]; y: number[]; xt: string; yt: string }[];
    const widths = layout.map((p) => p.x[1] - p.x[0]);
    const heights = layout.map((p) => p.y[1] - p.y[0]);
    // two columns and two rows: panels 1 and 3 share a column, 1 and 2 a row
    assert.equal(new Set(layout.map((p) => p.x[0].toFixed(3))).size, 2, `columns ${JSON.stringify(layout)}`);
    assert.equal(new Set(layout.map((p) => p.y[0].toFixed(3))).size, 2, `rows ${JSON.stringify(layout)}`);
    for (const w of widths) assert.ok(Math.abs(w - widths[0]) < 1e-6, `unequal widths ${widths}`);
    for (const h of heights) assert.ok(Math.abs(h - heights[0]) < 1e-6, `unequal heights ${heights}`);
    assert.deepEqual(layout.map((p) => [p.xt, p.yt]), [["x", "y"], ["x", "y"], ["x", "y"], ["x", "y"]]);
    // each arrow is a shaft and two head strokes, and a head is at least a quarter of a typical shaft
    const heads = (await page.evaluate(`(() => {
      const gd = document.querySelector(${JSON.stringify(FLOW)} + " .js-plotly-plot");
      const t = gd.data.find((d) => d.meta === "arrows");
      const out = [];
      for (let o = 0; o + 6 < t.x.length; o += 7) out.push([Math.hypot(t.x[o + 1] - t.x[o], t.y[o + 1] - t.y[o]), Math.hypot(t.x[o + 2] - t.x[o + 1], t.y[o + 2] - t.y[o + 1])]);
      return out;
    })()`)) as [number, number][];
    const shafts = heads.map((h) => h[0]).sort((a, b) => a - b);
    const typical = shafts[shafts.length >> 1];
    const long = heads.filter((h) => h[0] >= typical);
    assert.ok(long.length > 50);
    for (const [shaft, head] of long) assert.ok(head >= 0.25 * typical - 1e-9 && head <= 0.6 * shaft + 1e-9, `head ${head} for shaft ${shaft}`);
    await page.locator(FOUR).scrollIntoViewIfNeeded();
    await page.locator(FOUR).screenshot({ path: join(RESULTS, "lab-four-panels.png") });
  });

  test("3-D latent space: its 2-D view selects nodes, linked to the flow field, and the selection shows back in 3-D", async () => {
    await page.locator(LATENT3D).scrollIntoViewIfNeeded();
    assert.equal(await page.getAttribute(LATENT3D, "data-view"), "3d");
    const eye = (await page.evaluate(`(() => { const e = document.querySelector(${JSON.stringify(LATENT3D)} + " .js-plotly-plot")._fullLayout.scene.camera.eye; return [e.x, e.y, e.z]; })()`)) as number[];
    await page.locator(`${LATENT3D} .marble-view`).click();
    await page.waitForSelector(`${LATENT3D}[data-view="2d"][data-rendered="true"]`, { timeout: 30_000 });
    // the fixture's 3-D embedding, projected here independently of the widget
    const points: { id: number; uv: [number, number] }[] = [];
    for (let c = 0; c < 2; c++)
      for (let a = 0; a < G; a++)
        for (let b = 0; b < G; b++) {
          const x = -1 + (2 * b) / (G - 1) + (c === 0 ? -1.5 : 1.5), y = -1 + (2 * a) / (G - 1);
          points.push({ id: c * G * G + a * G + b, uv: project([x, y, 0.4 * y * y], eye) });
        }
    // a box around the centre block (rows and columns 5–9) of the rotation condition
    const block = points.filter((p) => p.id < G * G && Math.floor(p.id / G) >= 5 && Math.floor(p.id / G) <= 9 && p.id % G >= 5 && p.id % G <= 9);
    // box edges halfway between the block's extreme coordinates and the next ones out, so no
    // node sits on an edge (many share coordinates on this lattice)
    const edges = (j: 0 | 1): [number, number] => {
      const all = [...new Set(points.map((p) => Number(p.uv[j].toFixed(6))))].sort((a, b) => a - b);
      const lo = Math.min(...block.map((p) => p.uv[j])), hi = Math.max(...block.map((p) => p.uv[j]));
      const below = all.filter((v) => v < lo - 1e-5).pop() ?? lo - 0.05;
      const above = all.find((v) => v > hi + 1e-5) ?? hi + 0.05;
      return [(lo + below) / 2, (hi + above) / 2];
    };
    const [u0, u1] = edges(0);
    const [v0, v1] = edges(1);
    const expected = points.filter((p) => p.uv[0] >= u0 && p.uv[0] <= u1 && p.uv[1] >= v0 && p.uv[1] <= v1);
    assert.ok(expected.length >= 25, `the box holds ${expected.length} nodes`);
    const before = await page.getAttribute(FLOW, "data-highlighted");
    await boxSelect(page, LATENT3D, u0, u1, v0, v1);
    await page.waitForFunction(`document.querySelector(${JSON.stringify(FLOW)}).dataset.highlighted !== ${JSON.stringify(before)}`, undefined, { timeout: 30_000 });
    assert.equal(await page.getAttribute(FLOW, "data-highlighted"), String(expected.length));
    // every linked node is drawn: as many highlight points as nodes, at the nodes' own positions
    const drawn = (await page.evaluate(`(() => {
      const gd = document.querySelector(${JSON.stringify(FLOW)} + " .js-plotly-plot");
      return gd.data.filter((t) => t.meta === "highlight").flatMap((t) => Array.from(t.x, (x, i) => [x, t.y[i]]));
    })()`)) as [number, number][];
    assert.equal(drawn.length, expected.length);
    const flowXY = (id: number) => [-1 + (2 * ((id % (G * G)) % G)) / (G - 1), -1 + (2 * Math.floor((id % (G * G)) / G)) / (G - 1)];
    const want = expected.map((p) => flowXY(p.id).map((v) => v.toFixed(4)).join(",")).sort();
    assert.deepEqual(drawn.map((p) => p.map((v) => v.toFixed(4)).join(",")).sort(), want);
    assert.match((await page.locator(`${FLOW} .marble-status`).textContent()) ?? "", new RegExp(`^${expected.length} linked nodes highlighted`));
    await page.locator(LATENT3D).screenshot({ path: join(RESULTS, "lab-latent-2d-view.png") });
    // back in 3-D, the same nodes are highlighted
    await page.locator(`${LATENT3D} .marble-view`).click();
    await page.waitForSelector(`${LATENT3D}[data-view="3d"]`, { timeout: 30_000 });
    await page.waitForFunction(`document.querySelector(${JSON.stringify(LATENT3D)}).dataset.highlighted === "${expected.length}"`, undefined, { timeout: 30_000 });
    await page.locator(LATENT3D).screenshot({ path: join(RESULTS, "lab-latent-3d.png") });
    await page.locator(FLOW).screenshot({ path: join(RESULTS, "lab-flowfield-linked.png") });
  });

  test("labels are not clipped: the distance heatmap's names and the MDS labels lie inside the figure", async () => {
    await page.locator(DISTANCES).scrollIntoViewIfNeeded();
    const outside = (await page.evaluate(`(() => {
      const fig = document.querySelector(${JSON.stringify(DISTANCES)} + " .js-plotly-plot");
      const box = fig.getBoundingClientRect();
      const texts = [...fig.querySelectorAll(".xtick text, .ytick text, .textpoint text, .g-xtitle text, .g-ytitle text")];
      return { n: texts.length, out: texts.filter((t) => { const r = t.getBoundingClientRect(); return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5; }).map((t) => t.textContent) };
    })()`)) as { n: number; out: string[] };
    assert.ok(outside.n >= 12, `${outside.n} labels found`);
    assert.deepEqual(outside.out, []);
    await page.locator(DISTANCES).screenshot({ path: join(RESULTS, "lab-distances.png") });
  });

  test("save figure writes SVG, PDF and PNG beside the notebook, in millimetres, never over an existing file", async () => {
    const saved: string[] = [];
    for (const [selector, stem, mm] of [[FOUR, "Four_fields", "183mm"], [LATENT3D, "Fixture_latent_space_3-D", "183mm"]] as const) {
      for (const suffix of ["", "-2"]) {
        await page.evaluate(`delete document.querySelector(${JSON.stringify(selector)}).dataset.saved`);
        await page.locator(`${selector} .marble-save`).click();
        await page.waitForFunction(`document.querySelector(${JSON.stringify(selector)}).dataset.saved || document.querySelector(${JSON.stringify(selector)}).dataset.saveError`, undefined, { timeout: 60_000 });
        assert.equal(await page.evaluate(`document.querySelector(${JSON.stringify(selector)}).dataset.saveError ?? null`), null);
        assert.equal(await page.evaluate(`document.querySelector(${JSON.stringify(selector)}).dataset.saveNote ?? null`), null);
        const svgFile = join(LAB_DIR, `${stem}${suffix}.svg`);
        const pngFile = join(LAB_DIR, `${stem}${suffix}.png`);
        const pdfFile = join(LAB_DIR, `${stem}${suffix}.pdf`);
        assert.ok(existsSync(svgFile), `${svgFile} missing`);
        assert.ok(existsSync(pngFile), `${pngFile} missing`);
        assert.ok(existsSync(pdfFile), `${pdfFile} missing`);
        const svg = readFileSync(svgFile, "utf8");
        assert.match(svg, new RegExp(`^<svg[^>]* width="${mm}"`));
        checkPdf(pdfFile, svg, stem.startsWith("Four") ? "Four fields" : "Fixture latent space");
        assert.match(svg, /^<svg[^>]* viewBox="0 0 \d+ \d+"/);
        // well-formed SVG whose text stays text
        const parsed = (await page.evaluate(`(() => {
          const doc = new DOMParser().parseFromString(${JSON.stringify(svg)}, "image/svg+xml");
          return { error: doc.querySelector("parsererror")?.textContent ?? null, root: doc.documentElement.nodeName, texts: [...doc.querySelectorAll("text")].map((t) => t.textContent) };
        })()`)) as { error: string | null; root: string; texts: string[] };
        assert.equal(parsed.error, null);
        assert.equal(parsed.root, "svg");
        assert.ok(parsed.texts.some((t) => t.includes(stem.startsWith("Four") ? "Four fields" : "Fixture latent space")), "the title is text in the SVG");
        const png = readFileSync(pngFile);
        assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
        // the pHYs chunk says 300 dpi (11811 pixels per metre)
        const phys = png.indexOf(Buffer.from("pHYs"));
        assert.ok(phys > 0 && png.readUInt32BE(phys + 4) === 11811, "PNG without its 300 dpi resolution");
        saved.push(svgFile, pdfFile, pngFile);
      }
    }
    // the fixture notebook itself is still there, untouched by the saves
    assert.ok(existsSync(join(LAB_DIR, "linked-figures.ipynb")));
    console.log(`# lab: saved ${saved.map((f) => f.slice(LAB_DIR.length + 1)).join(", ")}`);
  });

  test("the server's SVG → PDF converter answers authenticated SVG requests only", async () => {
    const url = `${lab!.base}/marble/svg-to-pdf`;
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="10mm" viewBox="0 0 20 10"><text x="1" y="8" font-family="DejaVu Sans" font-size="6">Ab</text></svg>';
    const auth = { Authorization: `token ${token}`, "Content-Type": "image/svg+xml" };
    const ok = await fetch(url, { method: "POST", headers: auth, body: svg });
    assert.equal(ok.status, 200);
    const reply = (await ok.json()) as { format: string; bytes: number; base64: string };
    const pdf = Buffer.from(reply.base64, "base64");
    assert.equal(reply.format, "pdf");
    assert.equal(pdf.length, reply.bytes);
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    // no token: refused; a body that is not an SVG: refused with a reason
    assert.equal((await fetch(url, { method: "POST", headers: { "Content-Type": "image/svg+xml" }, body: svg })).status, 403);
    const bad = await fetch(url, { method: "POST", headers: auth, body: "%PDF-1.4 not a figure" });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /not an SVG/);
  });

  test("the lab runs with autosave off (so the project's notebooks are never rewritten)", async () => {
    const autosave = await page.evaluate("window.jupyterapp.serviceManager.settings.fetch('@jupyterlab/docmanager-extension:plugin').then((s) => s.settings.autosave)");
    assert.equal(autosave, false);
  });

  test("notebooks/01-vector-fields.ipynb opens on the tslab kernel", { skip: existsSync(join(ROOT, "notebooks", "01-vector-fields.ipynb")) ? false : "notebooks/01-vector-fields.ipynb is not in the repository yet" }, async () => {
    const other = await page.context().newPage();
    try {
      await other.goto(`${lab!.base}/lab/tree/notebooks/01-vector-fields.ipynb?token=${token}`);
      await other.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 60_000 });
      await other.waitForSelector(".jp-NotebookPanel .jp-Cell", { timeout: 60_000 });
      await other.waitForFunction("[...document.querySelectorAll('.jp-Toolbar-kernelName, .jp-KernelName')].some((e) => /TypeScript/.test(e.textContent))", undefined, { timeout: 60_000 });
      // the notebook's first heading is rendered
      await other.waitForFunction("[...document.querySelectorAll('.jp-NotebookPanel .jp-RenderedMarkdown h1')].some((h) => /Vector fields/.test(h.textContent))", undefined, { timeout: 30_000 });
      await screenshot(other, "lab-01-vector-fields.png");
    } finally {
      await other.close();
    }
  });

  // Running notebook 01 trains two models (~1–2 min in quick mode); its figures and results go to
  // results/interactive, as for any interactive run.
  const notebook01 = join(ROOT, "notebooks", "01-vector-fields.ipynb");
  const before01 = existsSync(notebook01) ? readFileSync(notebook01, "utf8") : null;

  test("runs notebooks/01-vector-fields.ipynb and its MARBLE widgets render", { timeout: 600_000 }, async () => {
    const nb = await page.context().newPage();
    try {
      const t0 = Date.now();
      await nb.goto(`${lab!.base}/lab/tree/notebooks/01-vector-fields.ipynb?token=${token}`);
      await nb.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 60_000 });
      await nb.waitForFunction("window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'", undefined, { timeout: 120_000 });
      await nb.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
      await nb.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
      // finished when the kernel is idle again and no prompt shows [*]
      await nb.waitForFunction("window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'busy' || [...document.querySelectorAll('.jp-InputPrompt')].some((p) => /\\[\\*\\]/.test(p.textContent))", undefined, { timeout: 60_000 });
      await nb.waitForFunction("window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle' && ![...document.querySelectorAll('.jp-InputPrompt')].some((p) => /\\[\\*\\]/.test(p.textContent))", undefined, { timeout: 540_000, polling: 1000 });
      const kinds = (await nb.evaluate("[...document.querySelectorAll('.marble-figure[data-rendered=\"true\"]')].map((e) => e.dataset.kind)")) as string[];
      console.log(`# lab: notebook 01 ran in ${((Date.now() - t0) / 1000).toFixed(0)} s; MARBLE figures: ${kinds.join(", ")}`);
      assert.equal(await nb.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count(), 0, "a cell wrote to stderr (an error)");
      assert.ok(kinds.includes("latent"), "notebook 01 should show a latent-space widget");
      assert.ok(kinds.includes("flowfield"), "notebook 01 should show a flow-field widget");
      await nb.locator('.marble-figure[data-kind="latent"]').first().scrollIntoViewIfNeeded();
      await screenshot(nb, "lab-01-run.png");
    } finally {
      await nb.close();
    }
    assert.equal(readFileSync(notebook01, "utf8"), before01, "running notebook 01 in the lab must not rewrite it");
  });

  test("the whole session left no console error and no failed request", () => {
    for (const [text, count] of problems.warnings) console.log(`# lab: console warning ${count} ×: ${text}`);
    const aborted = problems.aborted.filter((a) => !a.page.isClosed()).map((a) => a.text);
    assert.deepEqual([...problems.errors, ...aborted], []);
  });
});
