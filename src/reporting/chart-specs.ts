import type { VegaLiteSpec } from "./figures.js";
import { FONT, OKABE_ITO, REFERENCE_COLOR, fittedLabelLimit, niceTicks, withStyleMeta } from "./figure-style.js";
import { wrapText } from "./figure-layout.js";
import { base, categoryColor, finiteArray, firstAppearance, type Common, type Row } from "./specs.js";

// Line and bar charts in the publication style: error bars that say what they are, and
// reference marks for the paper's values and chance.

/** A horizontal reference line (or vertical for bars) with its label, e.g. chance or the paper's value. */
export interface ReferenceLine {
  value: number;
  label: string;
}

function referenceLayers(refs: ReferenceLine[], axis: "x" | "y", oneRow: string): VegaLiteSpec[] {
  // constant (datum) positions, drawn from one row of the panel's data so each appears once
  return refs.flatMap((r) => {
    if (!Number.isFinite(r.value)) throw new Error(`reference "${r.label}" has a non-finite value (${r.value})`);
    const pos = { datum: r.value, type: "quantitative" };
    return [
      { transform: [{ filter: oneRow }], mark: { type: "rule", color: REFERENCE_COLOR, strokeDash: [3, 2], strokeWidth: 0.7 }, encoding: { [axis]: pos } },
      {
        transform: [{ filter: oneRow }],
        mark: axis === "y"
          ? { type: "text", align: "right", baseline: "bottom", dy: -1, x: "width", fontSize: FONT.label, color: REFERENCE_COLOR }
          : { type: "text", align: "left", baseline: "bottom", dx: 2, y: 0, dy: -1, fontSize: FONT.label, color: REFERENCE_COLOR },
        encoding: { [axis]: pos, text: { value: r.label } },
      },
    ];
  });
}

export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Lower and upper ends of an error band around y (e.g. mean ± SEM, or a 95 % CI). */
  low?: ArrayLike<number>;
  high?: ArrayLike<number>;
}

export interface LineOptions extends Common {
  xTitle?: string;
  yTitle?: string;
  yDomain?: [number, number];
  /** false: the y axis spans the data only, not down to 0 (e.g. correlations near 1). */
  yZero?: boolean;
  points?: boolean;
  /** What the error bands are, over what: required when a series has low/high. */
  errorBars?: string;
  /** Horizontal reference lines, e.g. `{ value: 0.5, label: "chance" }`. */
  references?: ReferenceLine[];
  /** Legend title for the series (default none). */
  seriesTitle?: string;
  /** How low/high are drawn: a shaded band (default, for dense x) or error bars at each point (a few settings). */
  errorStyle?: "band" | "bars";
  /** Ticks on the x axis at exactly these values (e.g. the settings of a sweep), none in between. */
  xTicks?: number[];
}

/** One or more named series of y against x, with optional error bands and reference lines. */
export function lineSpec(series: LineSeries[], options: LineOptions = {}): VegaLiteSpec {
  const values: Row[] = [];
  let hasErrors = false;
  for (const s of series) {
    const xs = finiteArray(s.x, `lineSpec: ${s.name}.x`);
    const ys = Array.from(s.y);
    if (ys.length !== xs.length) throw new Error(`lineSpec: ${s.name}.y has length ${ys.length}, expected ${xs.length}`);
    if ((s.low === undefined) !== (s.high === undefined)) throw new Error(`lineSpec: ${s.name} needs both low and high, or neither`);
    const lo = s.low ? finiteArray(s.low, `lineSpec: ${s.name}.low`, xs.length) : null;
    const hi = s.high ? finiteArray(s.high, `lineSpec: ${s.name}.high`, xs.length) : null;
    if (lo) hasErrors = true;
    xs.forEach((xv, i) => values.push({ series: s.name, x: xv, y: ys[i], ...(lo && hi ? { lo: lo[i], hi: hi[i] } : {}) }));
  }
  if (hasErrors && !options.errorBars) throw new Error('lineSpec: say what the error bands are with options.errorBars, e.g. "mean ± SEM over 6 sessions"');
  const order = firstAppearance(series.map((s) => s.name));
  const color = order.length > 1 ? { color: categoryColor("series", order, options.seriesTitle ?? "") } : {};
  const yScale = options.yDomain ? { scale: { domain: options.yDomain } } : options.yZero === false ? { scale: { zero: false } } : {};
  const xTicks = options.xTicks ? finiteArray(options.xTicks, "lineSpec: xTicks") : undefined;
  const x = {
    field: "x", type: "quantitative", title: options.xTitle ?? "x",
    ...(xTicks ? { scale: { zero: false, nice: false, padding: 6 }, axis: { values: xTicks, format: xTicks.every(Number.isInteger) ? "d" : "~g" } } : {}),
  };
  // the y axis says what the error bands are on a second line
  // and each line is wrapped to the plot's height, so the title never runs past the axis (with a
  // margin: a saved figure may shrink its panels to fit the column)
  const height = options.height ?? 110;
  const yLines = [options.yTitle ?? "y", ...(hasErrors ? [options.errorBars as string] : [])].flatMap((t) => wrapText(t, 0.75 * height, FONT.title));
  const yTitle = yLines.length > 1 ? yLines : yLines[0];
  const layers: VegaLiteSpec[] = [];
  if (hasErrors) {
    const mark = options.errorStyle === "bars" ? { type: "errorbar", ticks: { size: 4 }, thickness: 0.8 } : { type: "area", opacity: 0.25 };
    const errorColor = order.length > 1 ? color : { color: { value: OKABE_ITO[0] } };
    layers.push({ transform: [{ filter: "isValid(datum.lo)" }], mark, encoding: { x, y: { field: "lo", type: "quantitative", title: yTitle, ...yScale }, y2: { field: "hi" }, ...errorColor } });
  }
  layers.push({
    mark: { type: "line", point: options.points === false ? false : { size: 10 }, strokeWidth: options.points === false ? 0.8 : 1 },
    encoding: { x, y: { field: "y", type: "quantitative", title: yTitle, ...yScale }, ...(order.length > 1 ? color : { color: { value: OKABE_ITO[0] } }) },
  });
  layers.push(...referenceLayers(options.references ?? [], "y", `datum.series === ${JSON.stringify(order[0])} && datum.x === ${JSON.stringify(values[0]?.x ?? 0)}`));
  const spec: VegaLiteSpec = {
    ...base(options, { width: 160, height: 110 }),
    data: { values },
    layer: layers,
  };
  return hasErrors ? withStyleMeta(spec, { errorBars: options.errorBars }) : spec;
}

export interface BarRow {
  method: string;
  value: number;
  /** Panel (e.g. the rat) when several are drawn; one panel when absent. */
  group?: string;
  /** Error bar ends (e.g. mean ± SEM over sessions). */
  low?: number;
  high?: number;
}

export interface BarOptions extends Common {
  /** Title of the value axis, with units. */
  valueTitle?: string;
  /** @deprecated name of `valueTitle` from when bars were vertical. */
  yTitle?: string;
  /** What the error bars are, over what: required when rows have low/high. */
  errorBars?: string;
  /** Method drawn in the highlight colour (default "MARBLE"); the others are grey. */
  highlight?: string;
  /** Paper's values per method, drawn as black ticks on the bars with a legend entry. */
  paper?: Record<string, number>;
  /** Title of the method axis (default "method"). */
  methodTitle?: string;
  /** Vertical reference lines across every bar (e.g. chance). */
  references?: ReferenceLine[];
}

/** Horizontal bars, one per method (names never truncated), per group in panels side by side. */
export function barSpec(rows: BarRow[], options: BarOptions = {}): VegaLiteSpec {
  if (rows.length === 0) throw new Error("barSpec: no rows");
  const hasErrors = rows.some((r) => r.low !== undefined || r.high !== undefined);
  if (hasErrors && !options.errorBars) throw new Error('barSpec: say what the error bars are with options.errorBars, e.g. "mean ± SEM over 6 sessions"');
  const methods = firstAppearance(rows.map((r) => r.method));
  const groups = firstAppearance(rows.map((r) => r.group ?? ""));
  const highlight = options.highlight ?? "MARBLE";
  const paper = options.paper ?? {};
  const values: Row[] = rows.map((r, i) => {
    finiteArray([r.value], `barSpec: rows[${i}].value`);
    return { method: r.method, value: r.value, group: r.group ?? "", kind: r.method === highlight ? highlight : "other methods",
      paper: paper[r.method] ?? null, ...(r.low !== undefined ? { lo: r.low, hi: r.high ?? r.value } : {}) };
  });
  for (const m of Object.keys(paper)) if (!methods.includes(m)) throw new Error(`barSpec: paper value for "${m}", which is not one of the methods (${methods.join(", ")})`);
  // the value axis says what the error bars are, and what the diamonds are, on a second line
  const notes = [hasErrors ? (options.errorBars as string) : null, Object.keys(paper).length ? "◆ paper's value" : null].filter((t): t is string => t !== null);
  // each line wrapped to the plot's width (with a margin for a figure that shrinks its panels), so
  // the title never reaches under the next panel
  const lines = [options.valueTitle ?? options.yTitle ?? "value", ...(notes.length ? [notes.join("; ")] : [])].flatMap((t) => wrapText(t, 0.75 * (options.width ?? 130), FONT.title));
  const valueTitle = lines.length > 1 ? lines : lines[0];
  // three or four ticks, so that the labels of a narrow panel never run together or get hidden
  const extent = [0, ...values.flatMap((v) => [v.value, v.lo, v.hi, v.paper]).filter((v): v is number => typeof v === "number")];
  const ticks = niceTicks(Math.min(...extent), Math.max(...extent), 3);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  if ((ticks.at(-1) as number) < Math.max(...extent)) ticks.push(Number(((ticks.at(-1) as number) + step).toPrecision(12)));
  const decimals = (String(step).split(".")[1] ?? "").length;
  const y = { field: "method", type: "nominal", sort: methods, title: options.methodTitle ?? "method", axis: { labelLimit: fittedLabelLimit(methods), ticks: false, labelOverlap: false } };
  const layers: VegaLiteSpec[] = [
    {
      mark: { type: "bar", height: { band: 0.7 } },
      encoding: {
        y,
        x: { field: "value", type: "quantitative", title: valueTitle, scale: { domain: [ticks[0], ticks.at(-1)], nice: false }, axis: { values: ticks, format: `.${decimals}f` } },
        color: { field: "kind", type: "nominal", title: null, scale: { domain: [highlight, "other methods"], range: [OKABE_ITO[0], "#9a9a9a"] }, legend: null },
      },
    },
  ];
  if (hasErrors) {
    layers.push({ transform: [{ filter: "isValid(datum.lo)" }], mark: { type: "rule", color: "#000000", strokeWidth: 0.8 }, encoding: { y, x: { field: "lo", type: "quantitative", title: valueTitle }, x2: { field: "hi" } } });
  }
  if (Object.keys(paper).length) {
    layers.push({
      transform: [{ filter: "isValid(datum.paper)" }],
      mark: { type: "point", shape: "diamond", filled: true, size: 18, color: REFERENCE_COLOR, opacity: 1, stroke: "#ffffff", strokeWidth: 0.4 },
      encoding: {
        y,
        x: { field: "paper", type: "quantitative", title: valueTitle },
      },
    });
  }
  layers.push(...referenceLayers(options.references ?? [], "x", `datum.method === ${JSON.stringify(methods[0])}`));
  const panel = { layer: layers };
  const size = { width: options.width ?? 130, height: options.height ?? Math.max(40, 13 * methods.length) };
  const b = base(options, { width: 130, height: 13 * methods.length });
  const spec: VegaLiteSpec = groups.length > 1
    ? (() => {
        const { width: _w, height: _h, ...rest } = b;
        return { ...rest, data: { values }, facet: { field: "group", type: "nominal", title: null, sort: groups }, columns: Math.min(groups.length, 3), spec: { ...size, ...panel } };
      })()
    : { ...b, ...size, data: { values }, ...panel };
  return hasErrors ? withStyleMeta(spec, { errorBars: options.errorBars }) : spec;
}
