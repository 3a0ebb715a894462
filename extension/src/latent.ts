// Latent embeddings: WebGL scatter (2-D) or scatter3d, coloured by condition, cluster or a
// continuous label, with node details on hover.
import type { LatentPayload } from "./payload";
import { decodeArray, decodeMatrix, NumericArray } from "./codec";
import { CATEGORY_COLORS, Figure, column, highlightTrace } from "./figure";

/** Screen directions of a 3-D view, in the embedding's coordinates (unit vectors). */
export interface LatentView {
  right: [number, number, number];
  up: [number, number, number];
}

const cross = (a: number[], b: number[]): [number, number, number] => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (a: [number, number, number]): [number, number, number] => {
  const l = Math.hypot(...a) || 1;
  return [a[0] / l, a[1] / l, a[2] / l];
};

/**
 * The screen's right and up directions for a Plotly scene camera. With `aspectmode: "data"`
 * the scene scales every axis alike, so these directions hold in the embedding's units.
 */
export function viewFromCamera(camera: { eye?: any; center?: any; up?: any } | undefined): LatentView {
  const eye = camera?.eye ?? { x: 1.25, y: 1.25, z: 1.25 };
  const center = camera?.center ?? { x: 0, y: 0, z: 0 };
  const up = camera?.up ?? { x: 0, y: 0, z: 1 };
  const forward = unit([center.x - eye.x, center.y - eye.y, center.z - eye.z]);
  let right = unit(cross(forward, [up.x, up.y, up.z]));
  if (!right.some((v) => v !== 0) || right.some((v) => !Number.isFinite(v))) right = [1, 0, 0];
  return { right, up: unit(cross(right, forward)) };
}

/**
 * A camera position from which the whole scene fits: Plotly's "data" aspect mode scales the
 * axes to their ranges with a product of one, so an elongated embedding reaches beyond the
 * default camera's view; the camera steps back by the square root of the longest side (the
 * whole scene in view, yet not shrunk to a corner of the plot).
 */
function standBack(emb: ArrayLike<number>): { x: number; y: number; z: number } {
  const n = emb.length / 3;
  const span = [0, 1, 2].map((j) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = emb[3 * i + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return hi - lo;
  });
  // a flat axis still gets some depth from Plotly: do not let it shrink the norm to nothing
  const widest = Math.max(...span, 1e-9);
  for (let j = 0; j < 3; j++) span[j] = Math.max(span[j], 0.05 * widest);
  const norm = Math.cbrt(span[0] * span[1] * span[2]);
  const longest = Math.max(...span) / norm;
  const k = Math.min(2.5, Math.max(1, Math.sqrt(longest)));
  return { x: 1.55 * k, y: 1.55 * k, z: 1.2 * k };
}

/** Orthographic projection of an [n, 3] embedding onto a view's screen plane. */
export function projectView(emb: ArrayLike<number>, view: LatentView): Float32Array {
  const n = emb.length / 3;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const x = emb[3 * i], y = emb[3 * i + 1], z = emb[3 * i + 2];
    out[2 * i] = x * view.right[0] + y * view.right[1] + z * view.right[2];
    out[2 * i + 1] = x * view.up[0] + y * view.up[1] + z * view.up[2];
  }
  return out;
}

/**
 * A latent-space figure. With `view`, a 3-D embedding is drawn as its projection onto that
 * view's screen plane: a 2-D plot where box and lasso select what the 3-D view showed.
 */
export function buildLatent(p: LatentPayload, view?: LatentView): Figure {
  if (p.dim !== 2 && p.dim !== 3) throw new Error(`latent: dim must be 2 or 3, got ${p.dim}`);
  const projected = view !== undefined && p.dim === 3;
  const d = projected ? 2 : p.dim;
  const emb = projected ? projectView(decodeMatrix(p.embedding, "embedding", 3), view) : decodeMatrix(p.embedding, "embedding", d);
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

  const fig: Figure = { data: [], layout: {}, height: d === 2 ? 460 : 540, selectable: new Map(), highlights: [] };
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
  const note = [p.axisNote, projected ? "2-D view, for selection" : ""].filter(Boolean).join("; ");
  const axes2d = projected ? ["view, horizontal", "view, vertical"] : ["axis 1", "axis 2"];
  fig.layout = {
    title: { text: (p.title ?? "") + (note ? ` <span style="font-size:11px">(${note})</span>` : ""), x: 0.02, font: { size: 15 } },
    margin: d === 2 ? { l: 55, r: 20, t: 50, b: 50 } : { l: 10, r: 10, t: 50, b: 10 },
    hovermode: "closest",
    dragmode: d === 2 ? "lasso" : "orbit",
    legend: { itemsizing: "constant" },
    ...(d === 2
      ? { xaxis: { zeroline: false, title: { text: axes2d[0] }, automargin: true }, yaxis: { zeroline: false, title: { text: axes2d[1] }, automargin: true, ...(projected ? { scaleanchor: "x", scaleratio: 1 } : {}) } }
      : {
          // the camera stands back far enough that tick labels at the front corners stay inside
          scene: { aspectmode: "data", domain: { x: [0, 1], y: [0.03, 1] }, camera: { eye: standBack(emb) }, xaxis: { title: { text: "axis 1" } }, yaxis: { title: { text: "axis 2" } }, zaxis: { title: { text: "axis 3" } } },
        }),
  };
  return fig;
}
