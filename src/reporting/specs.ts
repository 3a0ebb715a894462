import type { VegaLiteSpec } from "./figures.js";
import { FONT, SCHEMES, fittedLabelLimit, styleConfig, withStyleMeta, type ColumnWidth } from "./figure-style.js";

// Builders for the paper's panel types in the publication style (figure-style.ts). Each returns
// a plain Vega-Lite spec that can be edited further before rendering; `figureGrid` puts several
// in one lettered figure.

export type Row = Record<string, number | string | boolean | null>;

export interface Common {
  /** Panel title; in a grid it is printed beside the panel letter. */
  title?: string;
  /** Plot width and height in points; a saved figure scales them to its column width. */
  width?: number;
  height?: number;
  /** Printed width when the spec is saved on its own (default: a single column). */
  column?: ColumnWidth;
}

export function base(c: Common, defaults: { width: number; height: number } = { width: 150, height: 150 }): VegaLiteSpec {
  return withStyleMeta(
    {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      ...(c.title ? { title: c.title } : {}),
      width: c.width ?? defaults.width,
      height: c.height ?? defaults.height,
      config: styleConfig(),
    },
    { width: c.column ?? "single" },
  );
}

export function finiteArray(xs: ArrayLike<number>, name: string, n?: number): number[] {
  if (n !== undefined && xs.length !== n) throw new Error(`${name} has length ${xs.length}, expected ${n}`);
  return Array.from(xs, (v, i) => {
    if (!Number.isFinite(v)) throw new Error(`${name}[${i}] is not a finite number (${v})`);
    return v;
  });
}

/** Distinct values in order of first appearance (the order legends and axes follow). */
export function firstAppearance<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/** A nominal colour encoding in the given order, with a legend that never truncates a name. */
export function categoryColor(field: string, order: string[], title: string): Record<string, unknown> {
  return {
    field,
    type: "nominal",
    title,
    scale: { domain: order },
    sort: order,
    legend: { labelLimit: fittedLabelLimit(order), titleLimit: fittedLabelLimit([title], FONT.title) },
  };
}

export interface ScatterOptions extends Common {
  /** Per-point colour: strings are categories; numbers are a quantity unless colorType says otherwise. */
  color?: ArrayLike<number | string>;
  colorTitle?: string;
  /** "nominal" draws numbers such as network indices as categories. */
  colorType?: "nominal" | "quantitative";
  /** Order of the categories in the legend (default: order of first appearance). */
  colorOrder?: string[];
  /** Name of a Vega colour scheme for quantities (default viridis; "purpleorange" diverges). */
  scheme?: string;
  /** Quantities centred on a midpoint (e.g. μ around 0) get a diverging scheme. */
  colorMid?: number;
  xTitle?: string;
  yTitle?: string;
  size?: number;
}

/** Points coloured by a label: categories on Okabe–Ito, quantities on viridis (or diverging). */
export function scatterSpec(x: ArrayLike<number>, y: ArrayLike<number>, options: ScatterOptions = {}): VegaLiteSpec {
  const xs = finiteArray(x, "scatterSpec: x");
  const ys = finiteArray(y, "scatterSpec: y", xs.length);
  const raw = options.color ? Array.from(options.color) : undefined;
  if (raw && raw.length !== xs.length) throw new Error(`scatterSpec: color has length ${raw.length}, expected ${xs.length}`);
  const nominal = raw !== undefined && (options.colorType === "nominal" || typeof raw[0] === "string");
  const color = raw && nominal ? raw.map(String) : raw;
  const values: Row[] = xs.map((xv, i) => ({ x: xv, y: ys[i], c: color ? color[i] : null }));
  const colorTitle = options.colorTitle ?? "";
  let colorEnc: Record<string, unknown> | undefined;
  if (color && nominal) {
    const order = options.colorOrder ?? firstAppearance(color as string[]);
    const missing = firstAppearance(color as string[]).filter((c) => !order.includes(c));
    if (missing.length) throw new Error(`scatterSpec: colorOrder lacks ${missing.map((m) => `"${m}"`).join(", ")}`);
    colorEnc = categoryColor("c", order, colorTitle);
  } else if (color) {
    const scheme = options.scheme ?? (options.colorMid !== undefined ? SCHEMES.diverging : SCHEMES.sequential);
    colorEnc = {
      field: "c",
      type: "quantitative",
      title: colorTitle,
      scale: { scheme, ...(options.colorMid !== undefined ? { domainMid: options.colorMid } : {}) },
      legend: { titleLimit: fittedLabelLimit([colorTitle], FONT.title) },
    };
  }
  return {
    ...base(options),
    data: { values },
    // a diverging scale is near white at its midpoint: a thin outline keeps those points visible
    mark: { type: "circle", size: options.size ?? 8, opacity: 0.85, ...(options.colorMid !== undefined ? { stroke: "#606060", strokeWidth: 0.3 } : { stroke: null }) },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x", scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: options.yTitle ?? "y", scale: { zero: false } },
      ...(colorEnc ? { color: colorEnc } : {}),
    },
  };
}

export interface VectorFieldOptions extends Common {
  /** Arrow length per unit vector length, in data units. */
  scale?: number;
  color?: string;
  xTitle?: string;
  yTitle?: string;
}

/**
 * Arrows of a planar vector field: a shaft from each point along its (scaled) vector and a head
 * at its tip. Both axes span the same length so that arrow directions are true on paper; in a
 * `figureGrid` all vector-field panels share one domain and one tick spacing.
 */
export function vectorFieldSpec(
  points: ArrayLike<number>[] | number[][],
  vectors: ArrayLike<number>[] | number[][],
  options: VectorFieldOptions = {},
): VegaLiteSpec {
  if (points.length !== vectors.length) {
    throw new Error(`vectorFieldSpec: ${points.length} points but ${vectors.length} vectors`);
  }
  const s = options.scale ?? 0.1;
  const values: Row[] = [];
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const v = vectors[i];
    if (p.length < 2 || v.length < 2) throw new Error(`vectorFieldSpec: row ${i} needs at least 2 coordinates`);
    const row = { x: p[0], y: p[1], x2: p[0] + s * v[0], y2: p[1] + s * v[1] };
    for (const [k, val] of Object.entries(row)) if (!Number.isFinite(val)) throw new Error(`vectorFieldSpec: row ${i} has a non-finite ${k} (${val})`);
    // clockwise from up, as Vega's angle channel wants; exact when both axes have equal spans per point
    const angle = (Math.atan2(v[0], v[1]) * 180) / Math.PI;
    values.push({ ...row, angle: (angle + 360) % 360, moving: Math.hypot(v[0], v[1]) > 0 });
    x0 = Math.min(x0, row.x, row.x2); x1 = Math.max(x1, row.x, row.x2);
    y0 = Math.min(y0, row.y, row.y2); y1 = Math.max(y1, row.y, row.y2);
  }
  const color = options.color ?? "#000000";
  const spec = withStyleMeta(
    {
      ...base(options),
      data: { values },
      layer: [
        {
          mark: { type: "rule", color, strokeWidth: 0.5 },
          encoding: {
            x: { field: "x", type: "quantitative", title: options.xTitle ?? "x" },
            y: { field: "y", type: "quantitative", title: options.yTitle ?? "y" },
            x2: { field: "x2" },
            y2: { field: "y2" },
          },
        },
        {
          transform: [{ filter: "datum.moving" }],
          // an arrowhead whose tip is the symbol's origin; Vega scales custom paths by √size / 2, so 3.2 pt long, 2.5 pt wide
          mark: { type: "point", shape: "M0,0L-0.6,1.5L0.6,1.5Z", filled: true, color, size: 18, opacity: 1, strokeWidth: 0 },
          encoding: {
            x: { field: "x2", type: "quantitative", title: options.xTitle ?? "x" },
            y: { field: "y2", type: "quantitative", title: options.yTitle ?? "y" },
            angle: { field: "angle", type: "quantitative", scale: { domain: [0, 360], range: [0, 360] } },
          },
        },
      ],
    },
    { fieldExtent: [x0, x1, y0, y1] },
  );
  return setFieldDomain(spec, [x0, x1, y0, y1]);
}

/** Sets a vector-field panel's axes to equal spans covering `extent`, with ticks on a shared step. */
export function setFieldDomain(spec: VegaLiteSpec, extent: [number, number, number, number], span?: number): VegaLiteSpec {
  const [x0, x1, y0, y1] = extent;
  const half = (span ?? Math.max(x1 - x0, y1 - y0, 1e-12)) / 2;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const axis = (lo: number, hi: number) => ({ scale: { domain: [lo, hi], nice: false, zero: false }, axis: { tickCount: 5 } });
  const layers = (spec.layer as VegaLiteSpec[]).map((l) => {
    const enc = l.encoding as Record<string, Record<string, unknown>>;
    return { ...l, encoding: { ...enc, x: { ...enc.x, ...axis(cx - half, cx + half) }, y: { ...enc.y, ...axis(cy - half, cy + half) } } };
  });
  return { ...spec, layer: layers };
}

export interface HeatmapOptions extends Common {
  labels?: (string | number)[];
  colorTitle?: string;
  scheme?: string;
  /** Title of both axes (what the rows and columns are), e.g. "μ" or "condition". */
  axisTitle?: string;
  /** Rows/columns to outline, e.g. an outlying condition the text explains. */
  highlight?: number[];
}

/** A matrix as a heatmap (e.g. the OT distance matrix between conditions), rows in label order. */
export function heatmapSpec(matrix: ArrayLike<number>[] | number[][], options: HeatmapOptions = {}): VegaLiteSpec {
  const n = matrix.length;
  const labels = options.labels ?? Array.from({ length: n }, (_, i) => i);
  if (labels.length !== n) throw new Error(`heatmapSpec: ${labels.length} labels for ${n} rows`);
  const values: Row[] = [];
  for (let i = 0; i < n; i++) {
    if (matrix[i].length !== n) throw new Error(`heatmapSpec: row ${i} has ${matrix[i].length} entries, expected ${n} (square matrix)`);
    for (let j = 0; j < n; j++) values.push({ i, j, row: String(labels[i]), col: String(labels[j]), v: matrix[i][j] });
  }
  const order = labels.map(String);
  const hideLabels = n > 25;
  const title = options.axisTitle ?? "condition";
  const axis = hideLabels
    ? { labels: false, ticks: false }
    : { labelLimit: fittedLabelLimit(order), labelOverlap: n > 10 ? "parity" : false };
  const colorTitle = options.colorTitle ?? "distance";
  const layers: VegaLiteSpec[] = [
    { mark: { type: "rect" }, encoding: { color: { field: "v", type: "quantitative", title: colorTitle, scale: { scheme: options.scheme ?? SCHEMES.sequential }, legend: { titleLimit: fittedLabelLimit([colorTitle], FONT.title) } } } },
  ];
  const highlight = options.highlight ?? [];
  for (const k of highlight) {
    if (!Number.isInteger(k) || k < 0 || k >= n) throw new Error(`heatmapSpec: highlight index ${k} is not a row (0…${n - 1})`);
  }
  // highlighted conditions get bold orange tick labels (the notebook text says why)
  const marked = JSON.stringify(highlight.map((k) => order[k]));
  const mark = highlight.length && !hideLabels
    ? { labelColor: { condition: { test: `indexof(${marked}, datum.value) >= 0`, value: "#D55E00" }, value: "#000000" },
        labelFontWeight: { condition: { test: `indexof(${marked}, datum.value) >= 0`, value: "bold" }, value: "normal" } }
    : {};
  return {
    ...base(options),
    data: { values },
    encoding: {
      x: { field: "col", type: "ordinal", sort: order, title, axis: { ...axis, ...mark, labelAngle: -90 } },
      y: { field: "row", type: "ordinal", sort: order, title, axis: { ...axis, ...mark } },
    },
    layer: highlight.length
      ? [...layers, { transform: [{ filter: { field: "i", oneOf: highlight } }, { filter: "datum.i === datum.j" }], mark: { type: "rect", fill: null, stroke: "#D55E00", strokeWidth: 1.5 } }]
      : layers,
  };
}
