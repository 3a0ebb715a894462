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
      x: Array.from({ length: m }, (_, i) => emb[2 * i]),
      y: Array.from({ length: m }, (_, i) => emb[2 * i + 1]),
      text: p.names,
      textposition: "top center",
      xaxis: "x2",
      yaxis: "y2",
      marker: { size: 10, color: colors },
      customdata: p.groups ?? p.names,
      hovertemplate: "%{text}<br>MDS (%{x:.3g}, %{y:.3g})<extra></extra>",
      showlegend: false,
      meta: "mds",
    },
  ];
  const layout = {
    title: { text: p.title ?? "", x: 0.02, font: { size: 15 } },
    margin: { l: 90, r: 20, t: 50, b: 80 },
    xaxis: { domain: [0, 0.42], tickangle: -45, automargin: true },
    yaxis: { autorange: "reversed", scaleanchor: "x", automargin: true },
    xaxis2: { domain: [0.55, 1], zeroline: false, title: { text: "MDS 1" } },
    yaxis2: { anchor: "x2", zeroline: false, scaleanchor: "x2", title: { text: "MDS 2" } },
    annotations: [
      { text: "distance matrix", xref: "x domain", yref: "paper", x: 0.5, y: 1.02, showarrow: false, yanchor: "bottom" },
      { text: "MDS embedding", xref: "x2 domain", yref: "paper", x: 0.5, y: 1.02, showarrow: false, yanchor: "bottom" },
    ],
  };
  return { data, layout, height: 430, selectable: new Map(), highlights: [] };
}
