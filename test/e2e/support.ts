// Shared pieces of the browser tests: Debian's Chromium through playwright-core, a static
// file server on 127.0.0.1, builds through scripts/build-extension.mjs, screenshots.
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const ROOT = join(__dirname, "..", "..");
export const RESULTS = join(ROOT, "test-results", "e2e");
export const CHROMIUM = process.env.MARBLE_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Null when Chromium is present. Without it the browser tests fail, unless the user opted out
 * with MARBLE_SKIP_BROWSER_TESTS=1 (`npm test -- --skip-browser`): then the reason they skip.
 */
export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const install = `install it with \`bash scripts/setup-system.sh browser\` (or set MARBLE_CHROMIUM)`;
  if (process.env.MARBLE_SKIP_BROWSER_TESTS !== "1") {
    throw new Error(`Chromium not found at ${CHROMIUM}: ${install}, or skip the browser tests with \`npm test -- --skip-browser\``);
  }
  return `skipped on request (MARBLE_SKIP_BROWSER_TESTS=1): Chromium not found at ${CHROMIUM}`;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
  });
}

/** Runs one build step of scripts/build-extension.mjs (cached between runs). */
export function buildExtension(step: "--harness" | "--app" | "--labextension" | "--federated-harness"): void {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "build-extension.mjs"), step], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`node scripts/build-extension.mjs ${step} failed (exit ${r.status})`);
  console.log(`# build-extension ${step}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".ipynb": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

/** Serves `mounts` (URL prefix → folder) on 127.0.0.1 at a free port. */
export async function serveStatic(mounts: Record<string, string>): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, path.slice(prefix.length)));
      if (file.startsWith(dir) && existsSync(file) && statSync(file).isFile()) {
        res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        createReadStream(file).pipe(res);
        return;
      }
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`# screenshot: ${file}`);
  return file;
}

/** Page coordinates of a data point in a 2-D Plotly figure (first subplot unless given). */
export async function dataToPage(page: Page, figureSelector: string, x: number, y: number, axis = ""): Promise<{ px: number; py: number }> {
  return page.evaluate(
    `(() => {
      const gd = document.querySelector(${JSON.stringify(figureSelector)} + " .js-plotly-plot");
      const fl = gd._fullLayout;
      const xa = fl["xaxis${axis}"], ya = fl["yaxis${axis}"];
      const r = gd.getBoundingClientRect();
      return { px: r.left + window.scrollX + xa._offset + xa.l2p(${x}), py: r.top + window.scrollY + ya._offset + ya.l2p(${y}) };
    })()`,
  ) as Promise<{ px: number; py: number }>;
}

/** Drags a box (in data coordinates) with the box-select tool of a 2-D figure. */
export async function boxSelect(page: Page, figureSelector: string, x0: number, x1: number, y0: number, y1: number, axis = ""): Promise<void> {
  await page.locator(`${figureSelector} .modebar-btn[data-val="select"]`).first().click();
  const a = await dataToPage(page, figureSelector, x0, y1, axis);
  const b = await dataToPage(page, figureSelector, x1, y0, axis);
  await page.evaluate(`window.scrollTo(0, ${Math.max(0, a.py - 200)})`);
  const scroll = (await page.evaluate("({ x: window.scrollX, y: window.scrollY })")) as { x: number; y: number };
  await page.mouse.move(a.px - scroll.x, a.py - scroll.y);
  await page.mouse.down();
  for (let t = 1; t <= 8; t++) await page.mouse.move(a.px - scroll.x + ((b.px - a.px) * t) / 8, a.py - scroll.y + ((b.py - a.py) * t) / 8);
  await page.mouse.up();
}

/** Moves the mouse onto a data point and returns the hover label's text. */
export async function hoverText(page: Page, figureSelector: string, x: number, y: number, axis = ""): Promise<string> {
  const p = await dataToPage(page, figureSelector, x, y, axis);
  await page.evaluate(`window.scrollTo(0, ${Math.max(0, p.py - 200)})`);
  const scroll = (await page.evaluate("({ x: window.scrollX, y: window.scrollY })")) as { x: number; y: number };
  await page.mouse.move(p.px - scroll.x - 3, p.py - scroll.y - 3);
  await page.mouse.move(p.px - scroll.x, p.py - scroll.y);
  const label = page.locator(`${figureSelector} .hoverlayer .hovertext`).first();
  await label.waitFor({ state: "attached", timeout: 5000 });
  return (await label.textContent()) ?? "";
}
