// The publication style every notebook figure follows: journal column widths in millimetres,
// font sizes that stay legible at that size, colour-blind-safe palettes, and text measurement
// so that no label is truncated.
//
// One Vega unit is one typographic point (1/72 inch): a figure laid out at 183 mm is
// 518.7 units wide, and a 7-unit font prints at 7 pt.

import type { VegaLiteSpec } from "./figures.js";
import { textWidthPt } from "./font-metrics.js";
import { OKABE_ITO } from "./palette.js";

export { textWidthPt };

export const MM_PER_INCH = 25.4;
export const POINTS_PER_INCH = 72;

/** Journal column widths in millimetres (Nature, Cell Press and most others use these). */
export const COLUMN_WIDTH_MM = { single: 89, double: 183 } as const;
export type ColumnWidth = keyof typeof COLUMN_WIDTH_MM;

/** Millimetres to points (Vega units). */
export function mmToPt(mm: number): number {
  return (mm / MM_PER_INCH) * POINTS_PER_INCH;
}

/** Points (Vega units) to millimetres. */
export function ptToMm(pt: number): number {
  return (pt / POINTS_PER_INCH) * MM_PER_INCH;
}

/** Font sizes in points: journals ask for 5–8 pt text in the printed figure. */
export const FONT = {
  family: "DejaVu Sans",
  label: 6.5,
  title: 7,
  panelLetter: 9,
  panelTitle: 7,
  figureTitle: 8,
} as const;

export { OKABE_ITO };

/** Vega scheme names: perceptually uniform sequential ramps and a colour-blind-safe diverging one. */
export const SCHEMES = { sequential: "viridis", sequentialAlt: "cividis", diverging: "purpleorange" } as const;

/** Colour of reference marks (the paper's value, chance) drawn over data. */
export const REFERENCE_COLOR = "#000000";

/** At most this many panels side by side in one row of a figure. */
export const MAX_PANELS_PER_ROW = 4;

/** Lower-case panel letters a, b, …, z, aa, ab, … */
export function panelLetter(k: number): string {
  if (!Number.isInteger(k) || k < 0) throw new Error(`panelLetter: k must be an integer ≥ 0, got ${k}`);
  let s = "";
  let n = k;
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}

/** A label limit (points) that fits the longest of `labels` at `fontSize`, with a margin. */
export function fittedLabelLimit(labels: Iterable<unknown>, fontSize: number = FONT.label): number {
  let widest = 0;
  for (const l of labels) widest = Math.max(widest, textWidthPt(String(l), fontSize));
  return Math.ceil(widest + 3);
}

/** The Vega-Lite `config` block of the style. */
export function styleConfig(): Record<string, unknown> {
  return {
    font: FONT.family,
    background: "white",
    padding: 4,
    view: { stroke: null },
    axis: {
      grid: false,
      labelFontSize: FONT.label,
      titleFontSize: FONT.title,
      titleFontWeight: "normal",
      titlePadding: 3,
      labelPadding: 2,
      tickSize: 3,
      tickWidth: 0.6,
      domainWidth: 0.6,
      domainColor: "#000000",
      tickColor: "#000000",
      labelColor: "#000000",
      titleColor: "#000000",
      labelOverlap: true,
    },
    // numeric tick labels closer than this are thinned out, so "−1.0−0.5" never runs together
    // (category labels are never dropped: every method or condition keeps its name)
    axisQuantitative: { labelSeparation: 3 },
    legend: {
      labelFontSize: FONT.label,
      titleFontSize: FONT.title,
      titleFontWeight: "normal",
      symbolSize: 30,
      gradientLength: 70,
      gradientThickness: 7,
      padding: 0,
      rowPadding: 1,
      titlePadding: 2,
      labelColor: "#000000",
      titleColor: "#000000",
    },
    title: { fontSize: FONT.figureTitle, fontWeight: "bold", anchor: "start", offset: 4, color: "#000000" },
    header: { labelFontSize: FONT.title, titleFontSize: FONT.title },
    range: { category: [...OKABE_ITO], ordinal: { scheme: SCHEMES.sequential }, ramp: { scheme: SCHEMES.sequential }, diverging: { scheme: SCHEMES.diverging } },
    concat: { spacing: 14 },
    facet: { spacing: 8 },
    text: { fontSize: FONT.label },
  };
}

/** What the style keeps per spec under `usermeta.marble` (read by the layout, renderer and lint). */
export interface StyleMeta {
  /** Target printed width. */
  width?: ColumnWidth;
  /** Which error bars the figure draws and over what, e.g. "mean ± SEM over 6 sessions". */
  errorBars?: string;
  /** Extent of a vector field panel's data ([xmin, xmax, ymin, ymax]), for shared axes in a grid. */
  fieldExtent?: [number, number, number, number];
  /** A figure caption to print beside the saved files and in notebooks. */
  caption?: string;
}

export function styleMeta(spec: VegaLiteSpec): StyleMeta {
  const u = spec.usermeta as { marble?: StyleMeta } | undefined;
  return u?.marble ?? {};
}

export function withStyleMeta(spec: VegaLiteSpec, meta: StyleMeta): VegaLiteSpec {
  const u = (spec.usermeta as Record<string, unknown> | undefined) ?? {};
  return { ...spec, usermeta: { ...u, marble: { ...styleMeta(spec), ...meta } } };
}

/** Tick values on a "nice" step (1, 2, 2.5 or 5 × 10^k) covering [lo, hi] with about `count` ticks. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) as number;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}
