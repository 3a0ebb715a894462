// Vector fields: 2-D arrows drawn as WebGL line segments, 3-D cones, one panel per
// condition or all overlaid.
import type { FlowFieldPayload } from "./payload";
import { decodeArray, decodeMatrix } from "./codec";
import { CATEGORY_COLORS, Figure, axisSuffix, column, grid, highlightTrace, panelTitle } from "./figure";

/** Cones are meshes: beyond this many per figure they are thinned evenly (points stay complete). */
export const MAX_CONES = 20000;
const MAGNITUDE_BINS = 8;
/** The payload's positions are coordinates of the state space: x, y (and z). */
const AXIS_TITLES = ["x", "y", "z"];

export function buildFlowField(p: FlowFieldPayload): Figure {
  if (p.dim !== 2 && p.dim !== 3) throw new Error(`flow field: dim must be 2 or 3, got ${p.dim}`);
  const d = p.dim;
  const pos = decodeMatrix(p.positions, "positions", d);
  const vec = decodeMatrix(p.vectors, "vectors", d);
  const n = pos.length / d;
  if (vec.length !== pos.length) throw new Error("flow field: positions and vectors differ in length");
  const cond = p.condition ? decodeArray(p.condition, "condition") : new Int32Array(n);
  const ids = p.nodeIds ? decodeArray(p.nodeIds, "nodeIds") : Int32Array.from({ length: n }, (_, i) => i);
  const names = p.conditionNames.length ? p.conditionNames : ["all"];
  const mag = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += vec[i * d + j] ** 2;
    mag[i] = Math.sqrt(s);
  }
  let magMax = 0;
  for (let i = 0; i < n; i++) magMax = Math.max(magMax, mag[i]);

  const panels: number[][] = p.layout === "overlay" ? [names.map((_, k) => k)] : names.map((_, k) => [k]);
  const rowsOf = names.map(() => [] as number[]);
  for (let i = 0; i < n; i++) rowsOf[cond[i]]?.push(i);
  const { cols, rows } = grid(panels.length);
  const fig: Figure = { data: [], layout: {}, height: rows * (d === 3 ? 420 : 360) + 70, selectable: new Map(), highlights: [] };
  const byMagnitude = p.colorBy === "magnitude";
  const layout: any = {
    title: { text: p.title ?? "", x: 0.02, font: { size: 15 } },
    margin: { l: 50, r: 20, t: 50, b: 45 },
    hovermode: "closest",
    dragmode: d === 2 ? "lasso" : "orbit",
    showlegend: p.layout === "overlay" && !byMagnitude,
    legend: { orientation: "h", y: -0.08 },
    annotations: [] as any[],
  };
  if (d === 2) layout.grid = { rows, columns: cols, pattern: "independent", xgap: 0.12, ygap: rows > 1 ? 0.22 : 0.1 };

  panels.forEach((conds, k) => {
    const s = axisSuffix(k);
    const rowsInPanel: number[] = conds.flatMap((c) => rowsOf[c]);
    const title = conds.length === 1 ? names[conds[0]] : "all conditions";
    if (d === 2) {
      // every panel titles its axes
      layout[`xaxis${s}`] = { zeroline: false, showgrid: false, title: { text: AXIS_TITLES[0], standoff: 4 }, automargin: true };
      layout[`yaxis${s}`] = { zeroline: false, showgrid: false, title: { text: AXIS_TITLES[1], standoff: 4 }, automargin: true, scaleanchor: `x${s}`, scaleratio: 1 };
      if (panels.length > 1) layout.annotations.push(panelTitle(k, title));
      const segmentGroups: { name: string; color: string; rows: number[]; legend: boolean }[] = [];
      if (byMagnitude) {
        const bins: number[][] = Array.from({ length: MAGNITUDE_BINS }, () => []);
        for (const i of rowsInPanel) bins[Math.min(MAGNITUDE_BINS - 1, Math.floor((mag[i] / (magMax || 1)) * MAGNITUDE_BINS))].push(i);
        bins.forEach((r, b) => segmentGroups.push({ name: `|v| bin ${b + 1}`, color: viridis((b + 0.5) / MAGNITUDE_BINS), rows: r, legend: false }));
      } else {
        for (const c of conds) segmentGroups.push({ name: names[c], color: CATEGORY_COLORS[c % CATEGORY_COLORS.length], rows: rowsOf[c], legend: k === 0 || conds.length > 1 });
      }
      for (const g of segmentGroups) {
        if (!g.rows.length) continue;
        const { x, y } = arrowSegments(pos, vec, g.rows, p.arrowScale);
        fig.data.push({ type: "scattergl", mode: "lines", x, y, xaxis: `x${s}`, yaxis: `y${s}`, name: g.name, showlegend: g.legend && layout.showlegend, legendgroup: g.name, line: { color: g.color, width: 1.5 }, hoverinfo: "skip", meta: "arrows" });
      }
      // base points carry hover and selection
      const r = Int32Array.from(rowsInPanel);
      fig.selectable.set(fig.data.length, Int32Array.from(r, (i) => ids[i]));
      fig.data.push({
        type: "scattergl",
        mode: "markers",
        x: column(pos, 2, 0, r),
        y: column(pos, 2, 1, r),
        xaxis: `x${s}`,
        yaxis: `y${s}`,
        name: `${title} points`,
        showlegend: false,
        meta: "nodes",
        customdata: Array.from(r, (i) => [ids[i], mag[i], names[cond[i]]]),
        hovertemplate: "node %{customdata[0]}<br>%{customdata[2]}<br>x %{x:.3g}, y %{y:.3g}<br>|v| %{customdata[1]:.3g}<extra></extra>",
        marker: byMagnitude
          ? { size: 4, color: Array.from(r, (i) => mag[i]), colorscale: "Viridis", cmin: 0, cmax: magMax, showscale: k === 0, colorbar: { title: { text: "|v|" }, thickness: 12 } }
          : { size: 4, color: Array.from(r, (i) => CATEGORY_COLORS[cond[i] % CATEGORY_COLORS.length]), opacity: 0.55 },
      });
      fig.highlights.push({ trace: fig.data.length, ids: Array.from(r, (i) => ids[i]), coords: [column(pos, 2, 0, r), column(pos, 2, 1, r)] });
      fig.data.push(highlightTrace("scattergl", { xaxis: `x${s}`, yaxis: `y${s}` }));
    } else {
      const scene = `scene${s}`;
      const col = k % cols, row = Math.floor(k / cols);
      layout[scene] = {
        domain: { x: [col / cols, (col + 1) / cols], y: [1 - (row + 1) / rows, 1 - row / rows] },
        aspectmode: "data",
        xaxis: { title: { text: AXIS_TITLES[0] } },
        yaxis: { title: { text: AXIS_TITLES[1] } },
        zaxis: { title: { text: AXIS_TITLES[2] } },
        camera: { eye: { x: 1.6, y: 1.6, z: 1.1 } },
      };
      if (panels.length > 1) layout.annotations.push({ text: title, x: (col + 0.5) / cols, y: 1 - row / rows, xref: "paper", yref: "paper", showarrow: false, yanchor: "bottom" });
      const stride = Math.max(1, Math.ceil(n / MAX_CONES));
      for (const c of conds) {
        const r = Int32Array.from(rowsOf[c].filter((_, t) => t % stride === 0));
        if (!r.length) continue;
        const color = CATEGORY_COLORS[c % CATEGORY_COLORS.length];
        fig.data.push({
          type: "cone",
          scene,
          x: column(pos, 3, 0, r), y: column(pos, 3, 1, r), z: column(pos, 3, 2, r),
          u: column(vec, 3, 0, r), v: column(vec, 3, 1, r), w: column(vec, 3, 2, r),
          sizemode: "absolute",
          sizeref: p.arrowScale,
          anchor: "tail",
          name: names[c],
          showlegend: false,
          meta: "arrows",
          colorscale: byMagnitude ? "Viridis" : [[0, color], [1, color]],
          cmin: 0,
          cmax: magMax || 1,
          showscale: byMagnitude && k === 0 && c === conds[0],
          colorbar: { title: { text: "|v|" }, thickness: 12 },
          hoverinfo: "skip",
        });
      }
      const r = Int32Array.from(rowsInPanel);
      fig.data.push({
        type: "scatter3d",
        mode: "markers",
        scene,
        x: column(pos, 3, 0, r), y: column(pos, 3, 1, r), z: column(pos, 3, 2, r),
        name: `${title} points`,
        showlegend: false,
        meta: "nodes",
        customdata: Array.from(r, (i) => [ids[i], mag[i], names[cond[i]]]),
        hovertemplate: "node %{customdata[0]}<br>%{customdata[2]}<br>|v| %{customdata[1]:.3g}<extra></extra>",
        marker: { size: 1.5, color: "#555", opacity: 0.35 },
      });
      fig.highlights.push({ trace: fig.data.length, ids: Array.from(r, (i) => ids[i]), coords: [column(pos, 3, 0, r), column(pos, 3, 1, r), column(pos, 3, 2, r)] });
      fig.data.push(highlightTrace("scatter3d", { scene }));
    }
  });
  fig.layout = layout;
  return fig;
}

/**
 * Arrow polylines for the given rows: shaft, then two head strokes, separated by NaN gaps.
 * A head is 30 % of its shaft but never shorter than a quarter of the typical (median) arrow,
 * so the direction reads on short arrows too; it never exceeds 60 % of its own shaft.
 */
export function arrowSegments(pos: ArrayLike<number>, vec: ArrayLike<number>, rows: number[], scale: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(rows.length * 7);
  const y = new Float32Array(rows.length * 7);
  const lengths = rows.map((i) => Math.hypot(vec[2 * i], vec[2 * i + 1]) * Math.abs(scale)).sort((a, b) => a - b);
  const typical = lengths.length ? lengths[lengths.length >> 1] : 0;
  const c = Math.cos(0.45), sn = Math.sin(0.45); // ±26° from the shaft
  let o = 0;
  for (const i of rows) {
    const ax = pos[2 * i], ay = pos[2 * i + 1];
    const dx = vec[2 * i] * scale, dy = vec[2 * i + 1] * scale;
    const bx = ax + dx, by = ay + dy;
    const len = Math.hypot(dx, dy);
    const head = len > 0 ? Math.min(0.6 * len, Math.max(0.3 * len, 0.25 * typical)) / len : 0;
    const hx = -head * dx, hy = -head * dy;
    x[o] = ax; y[o++] = ay;
    x[o] = bx; y[o++] = by;
    x[o] = bx + c * hx - sn * hy; y[o++] = by + sn * hx + c * hy;
    x[o] = NaN; y[o++] = NaN;
    x[o] = bx; y[o++] = by;
    x[o] = bx + c * hx + sn * hy; y[o++] = by - sn * hx + c * hy;
    x[o] = NaN; y[o++] = NaN;
  }
  return { x, y };
}

/** Viridis sampled at t in [0, 1]. */
export function viridis(t: number): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(u));
  const f = u - k;
  const c = stops[k].map((a, j) => Math.round(a + f * (stops[k + 1][j] - a)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
