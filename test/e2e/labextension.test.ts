// The prebuilt (federated) extension in extension/labextension, loaded the way JupyterLab
// loads federated extensions (remoteEntry, shared scope with @lumino/widgets, the exposed
// './mimeExtension'), renders and links figures.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { flowFieldBundle, latentSpaceBundle, FLOWFIELD_MIME, LATENT_MIME, DISTANCES_MIME } from "../../src/index.js";
import { RESULTS, ROOT, boxSelect, buildExtension, chromiumMissing, launchBrowser, screenshot, serveStatic } from "./support.js";

const skip = chromiumMissing();

function writeFixture(): void {
  const pos: number[][] = [], vec: number[][] = [];
  for (let a = 0; a < 10; a++) for (let b = 0; b < 10; b++) { pos.push([b, a]); vec.push([1, 0.1 * a]); }
  const outputs = [flowFieldBundle(pos, vec, { datasetId: "fed", title: "Shear" }), latentSpaceBundle(pos.map(([x, y]) => [y, x]), { datasetId: "fed", clusters: pos.map(([x]) => (x < 5 ? 0 : 1)), title: "Swapped axes" })];
  const nb = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: outputs.map((data, k) => ({ cell_type: "code", id: `c${k}`, execution_count: k + 1, metadata: {}, source: [], outputs: [{ output_type: "display_data", data, metadata: {} }] })) };
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, "labextension-fixture.ipynb");
  writeFileSync(file + ".tmp", JSON.stringify(nb));
  renameSync(file + ".tmp", file);
}

describe("prebuilt extension (extension/labextension) in a module-federation host", { skip: skip ?? false, timeout: 300_000 }, () => {
  let browser: Browser;
  let page: Page;
  let server: { url: string; close: () => Promise<void> };

  before(async () => {
    buildExtension("--federated-harness");
    writeFixture();
    server = await serveStatic({
      "/host/": join(ROOT, "extension", "build", "federated-harness"),
      "/labextension/": join(ROOT, "extension", "labextension"),
      "/results/": RESULTS,
    });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await page.goto(`${server.url}/host/index.html?notebook=/results/labextension-fixture.ipynb&labextension=/labextension`);
    await page.waitForSelector("body[data-ready]", { state: "attached", timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the remote entry loads and exposes the three renderers", async () => {
    const state = (await page.evaluate("window.harness")) as { ready: boolean; error?: string; extension: string; mimeTypes: string[] };
    assert.ok(state.ready, `loading the prebuilt extension failed: ${state.error}`);
    assert.equal(state.extension, "@marble-lab/jupyterlab-marble");
    assert.deepEqual(state.mimeTypes, [FLOWFIELD_MIME, LATENT_MIME, DISTANCES_MIME]);
  });

  test("figures render and link through the extension's own selection bus", async () => {
    await page.waitForFunction("document.querySelectorAll('.marble-figure[data-rendered=\"true\"]').length === 2", undefined, { timeout: 60_000 });
    // latent (y, x): select x' in [1.5, 3.5] (rows a = 2, 3), y' in [-0.5, 2.5] (columns b = 0..2): 6 nodes
    await boxSelect(page, '.marble-figure[data-kind="latent"]', 1.5, 3.5, -0.5, 2.5);
    await page.waitForFunction("document.querySelector('.marble-figure[data-kind=\"flowfield\"]').dataset.highlighted === '6'", undefined, { timeout: 15_000 });
    await screenshot(page, "labextension.png");
  });
});
