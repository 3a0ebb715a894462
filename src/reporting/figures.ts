import { createRequire } from "node:module";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { figuresDir } from "./paths.js";
import { COLUMN_WIDTH_MM, mmToPt, ptToMm, styleMeta, textWidthPt } from "./figure-style.js";
import { svgInMillimetres, svgSize, svgSizeMm, svgToPdf, svgToPng } from "./figure-export.js";
import { lintDrawnSpec, lintSpec } from "./figure-lint.js";

/** A Vega-Lite specification (a plain JSON object). */
export type VegaLiteSpec = Record<string, unknown>;

export interface RenderedFigure {
  name: string;
  /** The spec as drawn: panel sizes fitted to the column width. */
  spec: VegaLiteSpec;
  /** SVG sized in millimetres (one Vega unit = one point). */
  svg: string;
  /** PNG at `dpi` (300 unless asked otherwise). */
  png: Uint8Array;
  dpi: number;
  widthMm: number;
  heightMm: number;
}

export interface SavedFigure extends RenderedFigure {
  svgPath: string;
  /** 300 dpi PNG. */
  pngPath: string;
  /** 600 dpi PNG. */
  png600Path: string;
  pdfPath: string;
  specPath: string;
}

export interface RenderOptions {
  /** PNG resolution in pixels per inch of the printed figure (default 300). */
  dpi?: number;
}

// vega and vega-lite are ES modules with top-level await: they must be loaded with import(),
// which this CommonJS build keeps as a real dynamic import.
let vegaModules: Promise<{ vega: any; vl: any }> | undefined;
function loadVega(): Promise<{ vega: any; vl: any }> {
  vegaModules ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vl]) => {
    // Vega has no canvas in Node and guesses 0.8 em per character, which widens layouts and cuts
    // labels that fit; measure with the font's own advance widths instead
    (vega as any).textMetrics.width = (item: any, text?: unknown) => {
      const t = text ?? item.text;
      const lines = Array.isArray(t) ? t.map(String) : [t == null ? "" : String(t)];
      const size = Number(item.fontSize ?? 11);
      const weight = item.fontWeight === "bold" || Number(item.fontWeight) >= 600 ? "bold" : "normal";
      return Math.max(0, ...lines.map((l) => textWidthPt(l, size, weight)));
    };
    return { vega, vl: (vl as any).compile ? vl : (vl as any).default };
  });
  return vegaModules;
}

async function vegaSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, vl } = await loadVega();
  const compiled = vl.compile({ background: "white", ...spec }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const NOT_A_VIEW = new Set(["mark", "encoding", "data", "config", "title", "usermeta", "transform", "resolve", "projection", "params", "selection"]);

/** The spec with every view's width and height multiplied by `s` (marks, fonts and legends keep their size). */
export function scalePanels(spec: unknown, s: number): any {
  if (Array.isArray(spec)) return spec.map((x) => scalePanels(x, s));
  if (spec === null || typeof spec !== "object") return spec;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) {
    if ((k === "width" || k === "height") && typeof v === "number") out[k] = Math.max(8, Math.round(v * s * 10) / 10);
    else if (NOT_A_VIEW.has(k)) out[k] = v;
    else out[k] = scalePanels(v, s);
  }
  return out;
}

/**
 * Panel sizes that make the whole figure `target` points wide. The figure's width is close to
 * linear in the panel scale (axes, legends and gaps keep their size), so two trial layouts give
 * the fixed part and the per-scale part.
 */
async function fitToWidth(spec: VegaLiteSpec, target: number, where: string): Promise<{ spec: VegaLiteSpec; svg: string }> {
  const svg0 = await vegaSvg(spec);
  const w0 = svgSize(svg0).width;
  if (Math.abs(w0 - target) <= 0.01 * target) return { spec, svg: svg0 };
  const trial = 1.5;
  const w1 = svgSize(await vegaSvg(scalePanels(spec, trial))).width;
  const perScale = (w1 - w0) / (trial - 1);
  const fixed = w0 - perScale;
  const s = (target - fixed) / perScale;
  if (!(perScale > 0) || !(s > 0.15)) {
    throw new Error(`${where}: axes, legends and labels alone are ${fixed.toFixed(0)} pt wide, too wide for a ${ptToMm(target).toFixed(0)} mm figure; use fewer panels per row or the double column`);
  }
  const fitted = scalePanels(spec, s) as VegaLiteSpec;
  return { spec: fitted, svg: await vegaSvg(fitted) };
}

/**
 * Renders a Vega-Lite spec headlessly: SVG (vega's SVG renderer) sized in millimetres and PNG
 * (resvg). A spec from the style's builders is laid out at its column width (89 or 183 mm) by
 * scaling its panels; fonts keep their point sizes.
 */
export async function renderFigure(name: string, spec: VegaLiteSpec, options: RenderOptions = {}): Promise<RenderedFigure> {
  if (typeof name !== "string" || !/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new Error(`renderFigure: \`name\` must be a file-name-safe string (letters, digits, . _ -), got "${String(name)}"`);
  }
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new Error("renderFigure: `spec` must be a Vega-Lite specification object");
  }
  const dpi = options.dpi ?? 300;
  const column = styleMeta(spec).width;
  let drawn = spec, rawSvg: string;
  if (column) {
    if (!(column in COLUMN_WIDTH_MM)) throw new Error(`renderFigure: usermeta.marble.width must be "single" or "double", got "${String(column)}"`);
    ({ spec: drawn, svg: rawSvg } = await fitToWidth(spec, mmToPt(COLUMN_WIDTH_MM[column]), `renderFigure("${name}")`));
  } else {
    rawSvg = await vegaSvg(spec);
  }
  const widthPt = column ? mmToPt(COLUMN_WIDTH_MM[column]) : svgSize(rawSvg).width;
  const svg = svgInMillimetres(rawSvg, widthPt);
  const size = svgSizeMm(svg);
  return { name, spec: drawn, svg, png: svgToPng(svg, dpi), dpi, widthMm: size.width, heightMm: size.height };
}

/** Thrown by `saveFigure` when a spec breaks the publication style; `problems` says what to change. */
export class FigureStyleError extends Error {
  constructor(readonly figure: string, readonly problems: string[]) {
    super(`figure "${figure}" breaks the publication style:\n  - ${problems.join("\n  - ")}`);
    this.name = "FigureStyleError";
  }
}

/**
 * Renders a figure and saves `<name>.svg`, `<name>.pdf` (fonts embedded), `<name>.png` (300 dpi),
 * `<name>@600dpi.png` and the drawn spec `<name>.vl.json` into the run's figures folder (or
 * `dir`), each written atomically. The spec is linted first (lintSpec): a figure with an
 * untitled axis, a category on a continuous scale, more than four panels in a row or a truncated
 * label is refused with a FigureStyleError unless `lint: false`.
 */
export async function saveFigure(
  name: string,
  spec: VegaLiteSpec,
  options: RenderOptions & { dir?: string; lint?: boolean } = {},
): Promise<SavedFigure> {
  if (options.lint !== false) {
    const problems = lintSpec(spec);
    if (problems.length) throw new FigureStyleError(name, problems);
  }
  const fig = await renderFigure(name, spec, { dpi: options.dpi ?? 300 });
  if (options.lint !== false) {
    // fitting the column shrinks the panels: a title that fitted its axis may no longer
    const problems = lintDrawnSpec(fig.spec);
    if (problems.length) throw new FigureStyleError(name, problems);
  }
  const dir = options.dir ?? figuresDir();
  const paths = {
    svgPath: join(dir, `${name}.svg`),
    pngPath: join(dir, `${name}.png`),
    png600Path: join(dir, `${name}@600dpi.png`),
    pdfPath: join(dir, `${name}.pdf`),
    specPath: join(dir, `${name}.vl.json`),
  };
  const pdf = svgToPdf(fig.svg);
  writeFileAtomic(paths.svgPath, fig.svg);
  writeFileAtomic(paths.pngPath, fig.png);
  writeFileAtomic(paths.png600Path, svgToPng(fig.svg, 600));
  writeFileAtomic(paths.pdfPath, pdf);
  writeFileAtomic(paths.specPath, JSON.stringify(fig.spec, null, 1) + "\n");
  return { ...fig, ...paths };
}

/** The subset of tslab's `display` that figures need; pass your own to display elsewhere. */
export interface FigureDisplay {
  svg(s: string): void;
  png(b: Uint8Array): void;
  html(s: string): void;
}

function tslabDisplay(): FigureDisplay {
  try {
    return (createRequire(__filename)("tslab") as { display: FigureDisplay }).display;
  } catch (err) {
    throw new Error(`showFigure: tslab is not available (${(err as Error).message}); run inside the tslab kernel or pass a display`, { cause: err });
  }
}

/** Shows a rendered figure inline in a tslab notebook (SVG by default, PNG on request). */
export function showFigure(fig: RenderedFigure, options: { format?: "svg" | "png"; display?: FigureDisplay } = {}): void {
  const display = options.display ?? tslabDisplay();
  if (options.format === "png") display.png(fig.png);
  else display.svg(fig.svg);
}

/** Shows an HTML fragment (e.g. `resultsHtml(record)`) inline in a tslab notebook. */
export function showHtml(html: string, display: FigureDisplay = tslabDisplay()): void {
  display.html(html);
}
