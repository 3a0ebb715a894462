import type { VegaLiteSpec } from "./figures.js";

// Small builders for the paper's panel types. Each returns a plain Vega-Lite spec that can be
// edited further before rendering.

type Row = Record<string, number | string | boolean | null>;

interface Common {
  title?: string;
  width?: number;
  height?: number;
}

function base(c: Common): VegaLiteSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    ...(c.title ? { title: c.title } : {}),
    width: c.width ?? 320,
    height: c.height ?? 320,
    config: { font: "DejaVu Sans", view: { stroke: null }, axis: { grid: false } },
  };
}

function finiteArray(xs: ArrayLike<number>, name: string, n?: number): number[] {
  if (n !== undefined && xs.length !== n) throw new Error(`${name} has length ${xs.length}, expected ${n}`);
  return Array.from(xs, (v, i) => {
    if (!Number.isFinite(v)) throw new Error(`${name}[${i}] is not a finite number (${v})`);
    return v;
  });
}

/** Points coloured by a label (quantitative if numbers, nominal if strings). */
export function scatterSpec(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: Common & { color?: ArrayLike<number | string>; colorTitle?: string; xTitle?: string; yTitle?: string; size?: number; scheme?: string } = {},
): VegaLiteSpec {
  const xs = finiteArray(x, "scatterSpec: x");
  const ys = finiteArray(y, "scatterSpec: y", xs.length);
  const color = options.color ? Array.from(options.color) : undefined;
  if (color && color.length !== xs.length) throw new Error(`scatterSpec: color has length ${color.length}, expected ${xs.length}`);
  const values: Row[] = xs.map((xv, i) => ({ x: xv, y: ys[i], c: color ? color[i] : null }));
  const nominal = color !== undefined && typeof color[0] === "string";
  return {
    ...base(options),
    data: { values },
    mark: { type: "circle", size: options.size ?? 12, opacity: 0.8 },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x", scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: options.yTitle ?? "y", scale: { zero: false } },
      ...(color
        ? {
            color: {
              field: "c",
              type: nominal ? "nominal" : "quantitative",
              title: options.colorTitle ?? "",
              ...(nominal ? {} : { scale: { scheme: options.scheme ?? "viridis" } }),
            },
          }
        : {}),
    },
  };
}

/** Arrows of a planar vector field: a segment from each point along its (scaled) vector. */
export function vectorFieldSpec(
  points: ArrayLike<number>[] | number[][],
  vectors: ArrayLike<number>[] | number[][],
  options: Common & { scale?: number; color?: string } = {},
): VegaLiteSpec {
  if (points.length !== vectors.length) {
    throw new Error(`vectorFieldSpec: ${points.length} points but ${vectors.length} vectors`);
  }
  const s = options.scale ?? 0.1;
  const values: Row[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const v = vectors[i];
    if (p.length < 2 || v.length < 2) throw new Error(`vectorFieldSpec: row ${i} needs at least 2 coordinates`);
    values.push({ x: p[0], y: p[1], x2: p[0] + s * v[0], y2: p[1] + s * v[1] });
  }
  return {
    ...base(options),
    data: { values },
    layer: [
      {
        mark: { type: "rule", color: options.color ?? "#333", strokeWidth: 0.8 },
        encoding: {
          x: { field: "x", type: "quantitative", title: "x" },
          y: { field: "y", type: "quantitative", title: "y" },
          x2: { field: "x2" },
          y2: { field: "y2" },
        },
      },
      {
        mark: { type: "circle", size: 6, color: options.color ?? "#333" },
        encoding: { x: { field: "x2", type: "quantitative" }, y: { field: "y2", type: "quantitative" } },
      },
    ],
  };
}

/** A matrix as a heatmap (e.g. the OT distance matrix between conditions). */
export function heatmapSpec(
  matrix: ArrayLike<number>[] | number[][],
  options: Common & { labels?: (string | number)[]; colorTitle?: string; scheme?: string; axisTitle?: string } = {},
): VegaLiteSpec {
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
  return {
    ...base(options),
    data: { values },
    mark: "rect",
    encoding: {
      x: { field: "col", type: "ordinal", sort: order, title: options.axisTitle ?? "", axis: hideLabels ? { labels: false, ticks: false } : {} },
      y: { field: "row", type: "ordinal", sort: order, title: options.axisTitle ?? "", axis: hideLabels ? { labels: false, ticks: false } : {} },
      color: { field: "v", type: "quantitative", title: options.colorTitle ?? "distance", scale: { scheme: options.scheme ?? "viridis" } },
    },
  };
}

/** One or more named series of y against x, with points. */
export function lineSpec(
  series: { name: string; x: ArrayLike<number>; y: ArrayLike<number> }[],
  options: Common & { xTitle?: string; yTitle?: string; yDomain?: [number, number]; points?: boolean } = {},
): VegaLiteSpec {
  const values: Row[] = [];
  for (const s of series) {
    const xs = finiteArray(s.x, `lineSpec: ${s.name}.x`);
    const ys = Array.from(s.y);
    if (ys.length !== xs.length) throw new Error(`lineSpec: ${s.name}.y has length ${ys.length}, expected ${xs.length}`);
    xs.forEach((xv, i) => values.push({ series: s.name, x: xv, y: ys[i] }));
  }
  return {
    ...base({ height: 220, ...options }),
    data: { values },
    mark: { type: "line", point: options.points ?? true, ...(options.points === false ? { strokeWidth: 1.2 } : {}) },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x" },
      y: { field: "y", type: "quantitative", title: options.yTitle ?? "y", ...(options.yDomain ? { scale: { domain: options.yDomain } } : {}) },
      color: { field: "series", type: "nominal", title: "" },
    },
  };
}

/** Grouped bars: one bar per (group, method), e.g. decoding R² per method. */
export function barSpec(
  rows: { group: string; method: string; value: number }[],
  options: Common & { yTitle?: string } = {},
): VegaLiteSpec {
  return {
    ...base({ height: 220, ...options }),
    data: { values: rows.map((r) => ({ ...r })) },
    mark: "bar",
    encoding: {
      x: { field: "method", type: "nominal", title: "" },
      y: { field: "value", type: "quantitative", title: options.yTitle ?? "" },
      color: { field: "method", type: "nominal", legend: null },
      column: { field: "group", type: "nominal", title: "" },
    },
  };
}

/** Several specs side by side (a multi-panel figure). */
export function concatSpecs(specs: VegaLiteSpec[], options: { title?: string; columns?: number } = {}): VegaLiteSpec {
  const strip = (s: VegaLiteSpec): VegaLiteSpec => {
    const { $schema: _schema, config: _config, ...rest } = s;
    return rest;
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    ...(options.title ? { title: options.title } : {}),
    columns: options.columns ?? specs.length,
    concat: specs.map(strip),
    // each panel keeps its own colour scale and legend (a distance heatmap next to a μ scatter)
    resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    config: { font: "DejaVu Sans", view: { stroke: null }, axis: { grid: false } },
  };
}
