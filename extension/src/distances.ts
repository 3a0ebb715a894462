// Distances between conditions: heatmap beside the classical MDS embedding computed
// kernel-side.
import type { DistancesPayload } from "./payload";
import { decodeMatrix } from "./codec";
import { CATEGORY_COLORS, Figure } from "./figure";

export function buildDistances(p: DistancesPayload): Figure {
  const m = p.names.length;
  const dist = decodeMatrix(p.distances, "distances", m);
  const emb = decodeMatrix(p.embedding, "embedding", 2);
  if (dist.length !== m * m || emb.length !== 2 * m) throw new Error(`distances: arrays do not match ${m} names`);
  const z: number[][] = [];
  for (let i = 0; i < m; i++) z.push(Array.from(dist.subarray(i * m, (i + 1) * m)));
  const groupNames = p.groups ? [...new Set(p.groups)] : null;
  const colors = p.names.map((_, i) => CATEGORY_COLORS[(groupNames ? groupNames.indexOf(p.groups![i]) : i) % CATEGORY_COLORS.length]);
  const ex = Array.from({ length: m }, (_, i) => emb[2 * i]);
  const ey = Array.from({ length: m }, (_, i) => emb[2 * i + 1]);
  const data: any[] = [
    {
      type: "heatmap",
      z,
      x: p.names,
      y: p.names,
      colorscale: "Viridis",
      colorbar: { x: 0.44, thickness: 10, title: { text: "distance" } },
      hovertemplate: "%{y} ↔ %{x}<br>distance %{z:.4g}<extra></extra>",
      meta: "heatmap",
    },
    {
      type: "scatter",
      mode: m <= 40 ? "markers+text" : "markers",
      x: ex,
      y: ey,
      text: p.names,
      textposition: labelPositions(ex, ey),
      cliponaxis: false,
      xaxis: "x2",
      yaxis: "y2",
      marker: { size: 10, color: colors },
      customdata: p.groups ?? p.names,
      hovertemplate: "%{text}<br>MDS (%{x:.3g}, %{y:.3g})<extra></extra>",
      showlegend: false,
      meta: "mds",
    },
  ];
  // room for the longest name: beside the heatmap's rows, below its slanted columns, and around
  // the MDS points, whose labels may not be cut at the plot's edge
  const longest = Math.max(1, ...p.names.map((t) => t.length));
  const labelPx = 7 * longest; // 12 px sans-serif: about 7 px per character
  const pad = (v: number[], frac: number) => {
    const lo = Math.min(...v), hi = Math.max(...v);
    const span = hi - lo || 1;
    return [lo - frac * span, hi + frac * span];
  };
  const height = Math.max(430, 300 + Math.round(0.72 * labelPx));
  const layout = {
    title: { text: p.title ?? "", x: 0.02, font: { size: 15 } },
    margin: { l: Math.max(60, labelPx + 20), r: 20, t: 50, b: Math.max(60, Math.round(0.72 * labelPx) + 20) },
    xaxis: { domain: [0, 0.42], tickangle: -45, automargin: true, title: { text: "" } },
    yaxis: { autorange: "reversed", scaleanchor: "x", automargin: true },
    xaxis2: { domain: [0.62, 1], zeroline: false, title: { text: "MDS 1" }, range: pad(ex, 0.12 + Math.min(0.5, labelPx / 600)) },
    yaxis2: { anchor: "x2", zeroline: false, scaleanchor: "x2", title: { text: "MDS 2" }, range: pad(ey, 0.25) },
    annotations: [
      { text: "distance matrix", xref: "x domain", yref: "paper", x: 0.5, y: 1.02, showarrow: false, yanchor: "bottom" },
      { text: "MDS embedding", xref: "x2 domain", yref: "paper", x: 0.5, y: 1.02, showarrow: false, yanchor: "bottom" },
    ],
  };
  return { data, layout, height, selectable: new Map(), highlights: [] };
}

/**
 * Above each MDS point, unless an earlier label already sits close above it: then below, so
 * names of nearby conditions do not print over each other.
 */
function labelPositions(x: number[], y: number[]): string[] {
  const span = (v: number[]) => Math.max(...v) - Math.min(...v) || 1;
  const sx = span(x), sy = span(y);
  const pos: string[] = [];
  for (let i = 0; i < x.length; i++) {
    const crowded = pos.some((p, j) => p === "top center" && Math.abs(x[i] - x[j]) < 0.35 * sx && Math.abs(y[i] - y[j]) < 0.12 * sy);
    pos.push(crowded ? "bottom center" : "top center");
  }
  return pos;
}
