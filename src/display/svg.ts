// Small hand-written SVG fallbacks, so executed notebooks show a static picture wherever
// the interactive renderer is absent (GitHub, nbviewer, plain Jupyter, exported HTML).
// They subsample to keep the file small; the interactive payload keeps every point.

import { OKABE_ITO } from "../reporting/palette.js";

/**
 * Colours of conditions and clusters: the publication figures' colour-blind-safe palette, also
 * used by the extension (its copy of src/reporting/palette.ts), so a figure keeps its colours
 * whether the interactive renderer or this fallback shows it.
 */
export const CATEGORY_COLORS: readonly string[] = OKABE_ITO;

const W = 320;
const H = 280;
const PAD = 24;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

function fmt(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

/** Linear map from the data's bounding box (equal aspect) into a W × H panel. */
function fitToPanel(xs: ArrayLike<number>, ys: ArrayLike<number>, extra = 0): (x: number, y: number) => [number, number] {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    x0 = Math.min(x0, xs[i]); x1 = Math.max(x1, xs[i]);
    y0 = Math.min(y0, ys[i]); y1 = Math.max(y1, ys[i]);
  }
  if (!Number.isFinite(x0)) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
  x0 -= extra; x1 += extra; y0 -= extra; y1 += extra;
  const span = Math.max(x1 - x0, y1 - y0, 1e-12);
  const s = Math.min(W - 2 * PAD, H - 2 * PAD - 14) / span;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return (x, y) => [W / 2 + (x - cx) * s, (H + 14) / 2 - (y - cy) * s];
}

/** Deterministic evenly spaced subsample of 0..n-1 with at most `max` indices. */
export function strideIndices(n: number, max: number): number[] {
  const out: number[] = [];
  const step = Math.max(1, n / max);
  for (let t = 0; Math.floor(t) < n && out.length < max; t += step) out.push(Math.floor(t));
  return out;
}

function svgDoc(panels: string[], title: string): string {
  const cols = Math.min(panels.length, 3);
  const rows = Math.ceil(panels.length / cols);
  const body = panels.map((p, k) => `<g transform="translate(${(k % cols) * W},${Math.floor(k / cols) * H + 20})">${p}</g>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${cols * W}" height="${rows * H + 20}" viewBox="0 0 ${cols * W} ${rows * H + 20}" font-family="sans-serif" font-size="11">` +
    `<rect width="100%" height="100%" fill="white"/><text x="6" y="14" font-size="13">${esc(title)}</text>${body}</svg>`;
}

export interface QuiverPanel {
  name: string;
  color: string;
  /** x, y of base points (first two coordinates for 3-D data). */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  u: ArrayLike<number>;
  v: ArrayLike<number>;
}

/** Quiver plot: one panel per entry, arrows as line segments with small heads. */
export function quiverSvg(panels: QuiverPanel[], title: string, arrowScale: number, maxArrows = 600): string {
  const parts = panels.map((p) => {
    const idx = strideIndices(p.x.length, maxArrows);
    let maxLen = 0;
    for (const i of idx) maxLen = Math.max(maxLen, Math.hypot(p.u[i], p.v[i]) * arrowScale);
    const map = fitToPanel(p.x, p.y, maxLen);
    let d = "";
    for (const i of idx) {
      const [ax, ay] = map(p.x[i], p.y[i]);
      const [bx, by] = map(p.x[i] + p.u[i] * arrowScale, p.y[i] + p.v[i] * arrowScale);
      const len = Math.hypot(bx - ax, by - ay);
      d += `M${fmt(ax)} ${fmt(ay)}L${fmt(bx)} ${fmt(by)}`;
      if (len > 2) {
        const ux = (bx - ax) / len, uy = (by - ay) / len, h = Math.min(4, len * 0.4);
        d += `M${fmt(bx - h * (ux - 0.5 * uy))} ${fmt(by - h * (uy + 0.5 * ux))}L${fmt(bx)} ${fmt(by)}L${fmt(bx - h * (ux + 0.5 * uy))} ${fmt(by - h * (uy - 0.5 * ux))}`;
      }
    }
    return `<text x="${W / 2}" y="10" text-anchor="middle">${esc(p.name)}</text><path d="${d}" stroke="${p.color}" stroke-width="0.8" fill="none"/>`;
  });
  return svgDoc(parts, title);
}

/** Scatter plot of 2-D points with one colour per point. */
export function scatterSvg(x: ArrayLike<number>, y: ArrayLike<number>, colors: string[], title: string, legend: { name: string; color: string }[], maxPoints = 4000): string {
  const map = fitToPanel(x, y);
  const idx = strideIndices(x.length, maxPoints);
  const byColor = new Map<string, string>();
  for (const i of idx) {
    const [px, py] = map(x[i], y[i]);
    byColor.set(colors[i], (byColor.get(colors[i]) ?? "") + `M${fmt(px)} ${fmt(py)}h0`);
  }
  let body = "";
  for (const [c, d] of byColor) body += `<path d="${d}" stroke="${c}" stroke-width="3" stroke-linecap="round" fill="none"/>`;
  legend.slice(0, 12).forEach((l, k) => {
    body += `<circle cx="${W - 90}" cy="${10 + 12 * k}" r="3" fill="${l.color}"/><text x="${W - 83}" y="${14 + 12 * k}">${esc(l.name)}</text>`;
  });
  return svgDoc([body], title);
}

/** A viridis-like ramp from dark blue to yellow, t in [0, 1]. */
export function rampColor(t: number): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(u));
  const f = u - k;
  const c = stops[k].map((a, j) => Math.round(a + f * (stops[k + 1][j] - a)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Heatmap of an m × m matrix beside a labelled 2-D scatter (its MDS embedding). */
export function heatmapSvg(d: ArrayLike<number>, m: number, names: string[], mdsX: ArrayLike<number>, mdsY: ArrayLike<number>, colors: string[], title: string): string {
  let max = 0;
  for (let i = 0; i < m * m; i++) max = Math.max(max, d[i]);
  const size = Math.min(W - 2 * PAD, H - 2 * PAD - 14);
  const cell = size / Math.max(m, 1);
  let heat = "";
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      heat += `<rect x="${fmt(PAD + j * cell)}" y="${fmt(20 + i * cell)}" width="${fmt(cell + 0.3)}" height="${fmt(cell + 0.3)}" fill="${rampColor(max > 0 ? d[i * m + j] / max : 0)}"/>`;
    }
  }
  const map = fitToPanel(mdsX, mdsY);
  let dots = "";
  for (let i = 0; i < m; i++) {
    const [px, py] = map(mdsX[i], mdsY[i]);
    dots += `<circle cx="${fmt(px)}" cy="${fmt(py)}" r="4" fill="${colors[i]}"/>`;
    if (m <= 30) dots += `<text x="${fmt(px + 5)}" y="${fmt(py - 4)}">${esc(names[i])}</text>`;
  }
  return svgDoc([`<text x="${W / 2}" y="10" text-anchor="middle">distances (max ${max.toPrecision(3)})</text>${heat}`, `<text x="${W / 2}" y="10" text-anchor="middle">MDS embedding</text>${dots}`], title);
}
