import { createRequire } from "node:module";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { figuresDir } from "./paths.js";

/** A Vega-Lite specification (a plain JSON object). */
export type VegaLiteSpec = Record<string, unknown>;

export interface RenderedFigure {
  name: string;
  spec: VegaLiteSpec;
  svg: string;
  png: Uint8Array;
}

export interface SavedFigure extends RenderedFigure {
  svgPath: string;
  pngPath: string;
  specPath: string;
}

export interface RenderOptions {
  /** PNG pixels per SVG unit (2 gives print-quality raster for a 400-px-wide panel). */
  scale?: number;
  /** Background colour for the PNG; SVGs keep Vega's own background. */
  background?: string;
}

// vega and vega-lite are ES modules with top-level await: they must be loaded with import(),
// which this CommonJS build keeps as a real dynamic import.
let vegaModules: Promise<{ vega: any; vl: any }> | undefined;
function loadVega(): Promise<{ vega: any; vl: any }> {
  vegaModules ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vl]) => ({
    vega,
    vl: (vl as any).compile ? vl : (vl as any).default,
  }));
  return vegaModules;
}

/** Renders a Vega-Lite spec headlessly to SVG (vega's SVG renderer) and PNG (resvg). */
export async function renderFigure(name: string, spec: VegaLiteSpec, options: RenderOptions = {}): Promise<RenderedFigure> {
  if (typeof name !== "string" || !/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new Error(`renderFigure: \`name\` must be a file-name-safe string (letters, digits, . _ -), got "${String(name)}"`);
  }
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new Error("renderFigure: `spec` must be a Vega-Lite specification object");
  }
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 10)) throw new Error(`renderFigure: \`scale\` must be in (0, 10], got ${scale}`);
  const { vega, vl } = await loadVega();
  const compiled = vl.compile({ background: "white", ...spec }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const { Resvg } = createRequire(__filename)("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  const png = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: options.background ?? "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  })
    .render()
    .asPng();
  return { name, spec, svg, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
}

/**
 * Renders a figure and saves `<name>.svg`, `<name>.png` and the spec `<name>.vl.json` into the
 * run's figures folder (or `dir`), each written atomically.
 */
export async function saveFigure(
  name: string,
  spec: VegaLiteSpec,
  options: RenderOptions & { dir?: string } = {},
): Promise<SavedFigure> {
  const fig = await renderFigure(name, spec, options);
  const dir = options.dir ?? figuresDir();
  const svgPath = join(dir, `${name}.svg`);
  const pngPath = join(dir, `${name}.png`);
  const specPath = join(dir, `${name}.vl.json`);
  writeFileAtomic(svgPath, fig.svg);
  writeFileAtomic(pngPath, fig.png);
  writeFileAtomic(specPath, JSON.stringify(spec, null, 1) + "\n");
  return { ...fig, svgPath, pngPath, specPath };
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
