// What a renderer builds from a payload: Plotly traces and layout, plus the bookkeeping
// that maps plotted points back to node ids for linked selection.
import { OKABE_ITO } from "./palette";

/** A trace that draws the current linked selection of its figure. */
export interface HighlightTarget {
  /** Index of the (initially empty) highlight trace. */
  trace: number;
  /** Node id of each candidate point. */
  ids: ArrayLike<number>;
  /** Coordinates of each candidate point (x, y and, for 3-D, z). */
  coords: ArrayLike<number>[];
}

export interface Figure {
  data: any[];
  layout: any;
  /** Plot height in pixels. */
  height: number;
  /** Traces whose points can be box/lasso-selected: trace index → node ids of its points. */
  selectable: Map<number, ArrayLike<number>>;
  highlights: HighlightTarget[];
}

/**
 * Okabe & Ito's colour-blind-safe palette (palette.ts, a copy of the library's
 * src/reporting/palette.ts): the colours of the publication figures and of the kernel-side SVG
 * fallbacks.
 */
export const CATEGORY_COLORS: readonly string[] = OKABE_ITO;
export const HIGHLIGHT_COLOR = "#e41a1c";

/** Axis name suffix of panel k: "", "2", "3", … */
export function axisSuffix(k: number): string {
  return k === 0 ? "" : String(k + 1);
}

/**
 * Columns and rows for `panels` equal panels: one row up to three, then rows of at most four
 * filled as evenly as the count allows (4 → 2 × 2, 5 → 3 + 2, 7 → 4 + 3, 9 → 3 × 3), so a
 * last row never holds a lone panel under a full one.
 */
export function grid(panels: number): { cols: number; rows: number } {
  if (panels <= 3) return { cols: Math.max(1, panels), rows: 1 };
  if (panels === 4) return { cols: 2, rows: 2 };
  const rows = Math.ceil(panels / 4);
  const cols = Math.ceil(panels / rows);
  return { cols, rows };
}

/** Column j of a row-major [n, d] array, as float32. */
export function column(values: ArrayLike<number>, d: number, j: number, rows?: ArrayLike<number>): Float32Array {
  const n = rows ? rows.length : values.length / d;
  const out = new Float32Array(n);
  for (let t = 0; t < n; t++) out[t] = values[(rows ? rows[t] : t) * d + j];
  return out;
}

/** A title annotation above panel k. */
export function panelTitle(k: number, text: string): any {
  const s = axisSuffix(k);
  return { text, xref: `x${s} domain`, yref: `y${s} domain`, x: 0.5, y: 1.0, yanchor: "bottom", showarrow: false, font: { size: 13 } };
}

/**
 * An empty scatter trace that draws highlighted nodes: a filled red dot in a ring for each,
 * drawn above the other points (which the widget fades while a selection is shown), so that
 * every highlighted node stays visible among the rest.
 */
export function highlightTrace(type: string, extra: any = {}): any {
  const is3d = type === "scatter3d";
  return {
    type,
    mode: "markers",
    name: "linked selection",
    showlegend: false,
    hoverinfo: "skip",
    meta: "highlight",
    x: [],
    y: [],
    ...(is3d ? { z: [] } : {}),
    marker: { symbol: "circle", size: is3d ? 4 : 7, color: HIGHLIGHT_COLOR, opacity: 0.9, line: { width: is3d ? 1 : 1.5, color: "#ffffff" } },
    ...extra,
  };
}
