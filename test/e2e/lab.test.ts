// Full-stack browser test: `npm run lab` (scripts/lab.mjs) serves the JupyterLab 4 app with
// the MARBLE extension; Chromium opens a notebook, runs every cell on the tslab kernel and
// sees the flow-field and latent widgets render and link. Also opens the project's
// notebooks/01-vector-fields.ipynb (without running it) to check it starts on tslab.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { RESULTS, ROOT, boxSelect, buildExtension, chromiumMissing, launchBrowser, screenshot } from "./support.js";

const G = 15; // grid of the fixture notebook
const mid = (k: number) => -1 + (2 * (k + 0.5)) / (G - 1);
const FIXTURE = join(__dirname, "fixtures", "linked-figures.ipynb");
const LAB_DIR = join(RESULTS, "lab");
const FLOW = '.marble-figure[data-kind="flowfield"][data-dataset-id="fixture"]';
const LATENT = '.marble-figure[data-kind="latent"][data-dataset-id="fixture"]';

const skip = chromiumMissing();

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

describe("npm run lab: JupyterLab 4 with the MARBLE extension and the tslab kernel", { skip: skip ?? false, timeout: 420_000 }, () => {
  let browser: Browser;
  let page: Page;
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
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
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
    await page.waitForFunction(`document.querySelectorAll('.marble-figure[data-rendered="true"]').length === 3`, undefined, { timeout: 180_000 });
    console.log(`# lab: all cells run, 3 MARBLE figures rendered after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(await page.locator(`${FLOW} canvas`).count() > 0, true);
    assert.equal(await page.locator(`${LATENT} canvas`).count() > 0, true);
    assert.equal(await page.locator(".marble-error").count(), 0);
    // the interactive renderer won over the SVG fallback in every output
    assert.equal(await page.locator(".jp-OutputArea-output .jp-RenderedSVG").count(), 0);
    const kinds = await page.evaluate("[...document.querySelectorAll('.marble-figure')].map((e) => e.dataset.kind)");
    assert.deepEqual(kinds, ["flowfield", "latent", "distances"]);

    // linked selection inside the real application: 3 × 3 rotation nodes in the latent space
    await page.locator(LATENT).scrollIntoViewIfNeeded();
    await boxSelect(page, LATENT, mid(4) - 1.5, mid(7) - 1.5, mid(4), mid(7));
    await page.waitForFunction(`document.querySelector(${JSON.stringify(FLOW)}).dataset.highlighted === "9"`, undefined, { timeout: 30_000 });
    await page.locator(FLOW).scrollIntoViewIfNeeded();
    await screenshot(page, "lab-linked.png");
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
});
