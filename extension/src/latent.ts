// Latent embeddings: WebGL scatter (2-D) or scatter3d, coloured by condition, cluster or a
// continuous label, with node details on hover.
import type { LatentPayload } from "./payload";
import { decodeArray, decodeMatrix, NumericArray } from "./codec";
import { CATEGORY_COLORS, Figure, column, highlightTrace } from "./figure";

export function buildLatent(p: LatentPayload): Figure {
  if (p.dim !== 2 && p.dim !== 3) throw new Error(`latent: dim must be 2 or 3, got ${p.dim}`);
  const d = p.dim;
  const emb = decodeMatrix(p.embedding, "embedding", d);
  const n = emb.length / d;
  const ids = p.nodeIds ? decodeArray(p.nodeIds, "nodeIds") : Int32Array.from({ length: n }, (_, i) => i);
  const cond = p.condition ? decodeArray(p.condition, "condition") : null;
  const cluster = p.cluster ? decodeArray(p.cluster, "cluster") : null;
  const label = p.label ? decodeArray(p.label, "label") : null;
  const extra = (p.hover ?? []).map((h) => ({ name: h.name, values: decodeArray(h.values, `hover ${h.name}`) }));
  const type = d === 2 ? "scattergl" : "scatter3d";

  // hover: node id, condition, cluster, label, extra columns
  const cols: { name: string; value: (i: number) => string | number; fmt: string }[] = [{ name: "node", value: (i) => ids[i], fmt: "" }];
  if (cond) cols.push({ name: "condition", value: (i) => p.conditionNames?.[cond[i]] ?? cond[i], fmt: "" });
  if (cluster) cols.push({ name: "cluster", value: (i) => cluster[i], fmt: "" });
  if (label) cols.push({ name: p.labelName ?? "label", value: (i) => label[i], fmt: ":.4g" });
  for (const h of extra) cols.push({ name: h.name, value: (i) => h.values[i], fmt: ":.4g" });
  const hovertemplate = cols.map((c, k) => `${c.name} %{customdata[${k}]${c.fmt}}`).join("<br>") + "<extra></extra>";

  const fig: Figure = { data: [], layout: {}, height: d === 2 ? 460 : 520, selectable: new Map(), highlights: [] };
  const coords = (r: Int32Array) => ({
    x: column(emb, d, 0, r),
    y: column(emb, d, 1, r),
    ...(d === 3 ? { z: column(emb, d, 2, r) } : {}),
  });
  const addTrace = (r: Int32Array, name: string, marker: any, showlegend: boolean) => {
    if (d === 2) fig.selectable.set(fig.data.length, Int32Array.from(r, (i) => ids[i]));
    fig.data.push({
      type,
      mode: "markers",
      ...coords(r),
      name,
      showlegend,
      meta: "nodes",
      customdata: Array.from(r, (i) => cols.map((c) => c.value(i))),
      hovertemplate,
      marker,
    });
  };
  const size = d === 2 ? (n > 20000 ? 3 : 5) : n > 20000 ? 1.5 : 3;
  if (p.colorBy === "label" && label) {
    addTrace(Int32Array.from({ length: n }, (_, i) => i), p.labelName ?? "label", { size, color: Array.from(label), colorscale: "Viridis", showscale: true, colorbar: { title: { text: p.labelName ?? "label" }, thickness: 12 } }, false);
  } else {
    const groups: NumericArray | null = p.colorBy === "cluster" ? cluster : cond;
    const groupName = (k: number) => (p.colorBy === "cluster" ? `cluster ${k}` : p.conditionNames?.[k] ?? `condition ${k}`);
    const members = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const g = groups ? groups[i] : 0;
      let m = members.get(g);
      if (!m) members.set(g, (m = []));
      m.push(i);
    }
    for (const g of [...members.keys()].sort((a, b) => a - b)) {
      addTrace(Int32Array.from(members.get(g)!), groups ? groupName(g) : "nodes", { size, color: CATEGORY_COLORS[g % CATEGORY_COLORS.length], opacity: 0.8 }, groups !== null);
    }
  }
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const c = coords(all) as { x: Float32Array; y: Float32Array; z?: Float32Array };
  fig.highlights.push({ trace: fig.data.length, ids, coords: d === 3 ? [c.x, c.y, c.z!] : [c.x, c.y] });
  fig.data.push(highlightTrace(type));
  fig.layout = {
    title: { text: (p.title ?? "") + (p.axisNote ? ` <span style="font-size:11px">(${p.axisNote})</span>` : ""), x: 0.02, font: { size: 15 } },
    margin: { l: 45, r: 20, t: 50, b: 40 },
    hovermode: "closest",
    dragmode: d === 2 ? "lasso" : "orbit",
    legend: { itemsizing: "constant" },
    ...(d === 2
      ? { xaxis: { zeroline: false, title: { text: "axis 1" } }, yaxis: { zeroline: false, title: { text: "axis 2" } } }
      : { scene: { aspectmode: "data", xaxis: { title: { text: "axis 1" } }, yaxis: { title: { text: "axis 2" } }, zaxis: { title: { text: "axis 3" } } } }),
  };
  return fig;
}
