import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { saveFigure } from "../../src/reporting/figures.js";
import { scatterSpec, heatmapSpec } from "../../src/reporting/specs.js";
import { barSpec } from "../../src/reporting/chart-specs.js";
import { figureGrid } from "../../src/reporting/figure-layout.js";
import { FigureStyleError } from "../../src/reporting/figures.js";

// Saved figures open as PDFs of the journal's column width with their fonts embedded
// (poppler's pdftoppm and pdffonts read them), and the PNGs have 300 and 600 dpi pixel sizes.

function pngSize(png: Buffer): [number, number] {
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  assert.ifError(r.error);
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

test("saveFigure writes SVG, PDF (page in mm, fonts embedded), PNG at 300 and 600 dpi and the spec", async () => {
  const dir = mkdtempSync(join(tmpdir(), "marble-figexport-"));
  try {
    const double = figureGrid([
      scatterSpec([0, 1, 2, 3], [1, 0, 1, 0], { color: ["a", "b", "a", "b"], colorTitle: "group", xTitle: "PC 1", yTitle: "PC 2", title: "latent space" }),
      heatmapSpec([[0, 1, 2], [1, 0, 1], [2, 1, 0]], { labels: ["μ = −1", "μ = 0", "μ = 1"], axisTitle: "μ", title: "OT distances" }),
      barSpec([{ method: "MARBLE", value: 0.05 }, { method: "raw rates", value: 0.04 }], { valueTitle: "error (m)", paper: { MARBLE: 0.047 }, title: "decoding" }),
    ]);
    const single = barSpec([{ method: "MARBLE", value: 0.6, low: 0.55, high: 0.65 }, { method: "PCA (5)", value: 0.4, low: 0.35, high: 0.45 }],
      { valueTitle: "velocity R²", errorBars: "mean ± SEM over 6 sessions" });
    for (const [name, spec, mm] of [["double", double, 183], ["single", single, 89]] as const) {
      const fig = await saveFigure(name, spec, { dir });
      assert.ok(Math.abs(fig.widthMm - mm) < 0.01, `${name}: ${fig.widthMm} mm wide, expected ${mm}`);
      // the panels were fitted, not the whole drawing scaled: the SVG's own units are points
      const viewBoxWidth = Number(/viewBox="0 0 ([\d.]+)/.exec(fig.svg)?.[1]);
      assert.ok(Math.abs(viewBoxWidth / (mm / 25.4 * 72) - 1) < 0.03, `${name}: drawn ${viewBoxWidth} pt wide for ${mm} mm; fonts would print off their point size`);
      // PNGs: 300 and 600 pixels per printed inch
      assert.deepEqual(pngSize(readFileSync(fig.pngPath))[0], Math.round(mm / 25.4 * 300));
      assert.deepEqual(pngSize(readFileSync(fig.png600Path))[0], Math.round(mm / 25.4 * 600));
      // PDF: pdftoppm at 25.4 dpi draws one pixel per millimetre of the page
      const pdf = readFileSync(fig.pdfPath);
      assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
      run("pdftoppm", ["-r", "25.4", "-png", "-singlefile", fig.pdfPath, join(dir, `${name}-page`)]);
      const [w, h] = pngSize(readFileSync(join(dir, `${name}-page.png`)));
      assert.ok(Math.abs(w - mm) <= 1, `${name}: PDF page ${w} mm wide, expected ${mm}`);
      assert.ok(Math.abs(h - fig.heightMm) <= 1, `${name}: PDF page ${h} mm high, expected ${fig.heightMm.toFixed(1)}`);
      const fonts = run("pdffonts", [fig.pdfPath]).trim().split("\n").slice(2);
      assert.ok(fonts.length > 0, `${name}: the PDF has no fonts (text drawn as paths?)`);
      for (const line of fonts) assert.match(line, /DejaVu/, `${name}: unexpected font ${line}`);
      for (const line of fonts) assert.equal(line.trim().split(/\s+/).at(-5), "yes", `${name}: font not embedded: ${line}`);
      assert.deepEqual(JSON.parse(readFileSync(fig.specPath, "utf8")), JSON.parse(JSON.stringify(fig.spec)));
    }
    assert.deepEqual(readdirSync(dir).filter((f) => !f.includes("-page")).sort(), [
      "double.pdf", "double.png", "double.svg", "double.vl.json", "double@600dpi.png",
      "single.pdf", "single.png", "single.svg", "single.vl.json", "single@600dpi.png",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("saveFigure refuses a figure that breaks the style and writes nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "marble-figexport-"));
  try {
    const bad = scatterSpec([0, 1, 2], [0, 1, 2], { color: [1, 2, 1], colorTitle: "network", xTitle: "", yTitle: "PC 2" });
    await assert.rejects(saveFigure("bad", bad, { dir }), (err: unknown) => {
      assert.ok(err instanceof FigureStyleError);
      assert.match(err.message, /x axis .* has no title/);
      assert.match(err.message, /"network" looks categorical/);
      return true;
    });
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
