import { createRequire } from "node:module";
import { MM_PER_INCH, ptToMm } from "./figure-style.js";
import { lazyModule } from "../core/lazy-module.js";

const childProcess = lazyModule<typeof import("node:child_process")>("node:child_process", "PDF export (rsvg-convert)");

// Print formats of a rendered figure: the SVG sized in millimetres, PNG at a given dpi (resvg),
// and PDF with its fonts embedded (Debian's rsvg-convert, librsvg + cairo).

/** The width and height (Vega units = points) of an SVG produced by Vega. */
export function svgSize(svg: string): { width: number; height: number } {
  const head = svg.slice(0, svg.indexOf(">") + 1);
  const w = /\swidth="([\d.]+)(?:pt|px)?"/.exec(head);
  const h = /\sheight="([\d.]+)(?:pt|px)?"/.exec(head);
  const vb = /\sviewBox="[\d.-]+ [\d.-]+ ([\d.]+) ([\d.]+)"/.exec(head);
  if (vb) return { width: Number(vb[1]), height: Number(vb[2]) };
  if (!w || !h) throw new Error("svgSize: the SVG has no width/height on its root element");
  return { width: Number(w[1]), height: Number(h[1]) };
}

/**
 * The SVG with its root width and height in millimetres (one Vega unit = one point), so that
 * browsers, Inkscape and rsvg-convert all give it its printed size.
 */
export function svgInMillimetres(svg: string, widthPt: number): string {
  const { width, height } = svgSize(svg);
  const s = widthPt / width;
  const wMm = ptToMm(width * s).toFixed(2);
  const hMm = ptToMm(height * s).toFixed(2);
  const end = svg.indexOf(">");
  let head = svg.slice(0, end);
  head = head.replace(/\swidth="[^"]*"/, ` width="${wMm}mm"`).replace(/\sheight="[^"]*"/, ` height="${hMm}mm"`);
  if (!/\sviewBox=/.test(head)) head += ` viewBox="0 0 ${width} ${height}"`;
  return head + svg.slice(end);
}

/** Printed size of an SVG written by `svgInMillimetres`. */
export function svgSizeMm(svg: string): { width: number; height: number } {
  const head = svg.slice(0, svg.indexOf(">") + 1);
  const w = /\swidth="([\d.]+)mm"/.exec(head);
  const h = /\sheight="([\d.]+)mm"/.exec(head);
  if (!w || !h) throw new Error("svgSizeMm: the SVG's size is not in millimetres");
  return { width: Number(w[1]), height: Number(h[1]) };
}

/** PNG of an SVG sized in millimetres, at `dpi` pixels per inch, on a white background. */
export function svgToPng(svg: string, dpi: number): Uint8Array {
  if (!(dpi >= 30 && dpi <= 2400)) throw new Error(`svgToPng: dpi must be in [30, 2400], got ${dpi}`);
  const { width } = svgSizeMm(svg);
  const { Resvg } = createRequire(__filename)("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  const png = new Resvg(svg, {
    fitTo: { mode: "width", value: Math.round((width / MM_PER_INCH) * dpi) },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  })
    .render()
    .asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

export const RSVG_CONVERT = process.env.MARBLE_RSVG_CONVERT ?? "rsvg-convert";

/**
 * PDF of an SVG sized in millimetres: one page of exactly that size, text as text with the fonts
 * embedded (cairo subsets them). Needs Debian's librsvg2-bin (`bash scripts/setup-system.sh figures`).
 */
export function svgToPdf(svg: string): Uint8Array {
  const run = childProcess().spawnSync(RSVG_CONVERT, ["--format", "pdf"], { input: svg, maxBuffer: 1 << 30 });
  if (run.error) {
    const why = (run.error as NodeJS.ErrnoException).code === "ENOENT" ? `${RSVG_CONVERT} is not installed` : run.error.message;
    throw new Error(`svgToPdf: ${why}; install Debian's librsvg2-bin (as root: bash scripts/setup-system.sh figures) or set MARBLE_RSVG_CONVERT`);
  }
  if (run.status !== 0) throw new Error(`svgToPdf: ${RSVG_CONVERT} exited with ${run.status}: ${run.stderr.toString().trim().slice(0, 500)}`);
  const out = run.stdout;
  if (out.subarray(0, 5).toString() !== "%PDF-") throw new Error(`svgToPdf: ${RSVG_CONVERT} did not write a PDF`);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
