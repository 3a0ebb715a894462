import type { VegaLiteSpec } from "./figures.js";
import { MAX_PANELS_PER_ROW, textWidthPt } from "./figure-style.js";

// Checks a Vega-Lite spec against the publication style: a printed column width, every
// positional axis titled, axis titles no longer than their axes, categories on categorical
// scales, at most four panels per row, label limits that fit the longest label, and error bars
// that say what they are. Returns the problems, each saying
// where and what to change; an empty list means the spec passes.

type Obj = Record<string, any>;
type Values = Obj[] | null;

const POSITION = ["x", "y"] as const;
const COLOUR = ["color", "fill", "stroke", "shape"] as const;
// field names and titles that name categories, whatever type they are encoded with
const CATEGORICAL_NAME = /\b(network|net|condition|cluster|group|method|session|direction|rat|animal|series|field|class)\b/i;
const ERROR_KINDS = /\b(SEM|s\.e\.m\.|CI|confidence|s\.d\.|SD|standard (deviation|error)|IQR|interquartile|percentile|min(imum)?[–-]max)/;
// Vega's defaults where the spec sets none
const DEFAULT_AXIS_LABEL_LIMIT = 180;
const DEFAULT_LEGEND_LABEL_LIMIT = 160;
const DEFAULT_LABEL_FONT = 10;

function fieldValues(values: Values, field: string): unknown[] {
  return values ? values.map((r) => r?.[field]).filter((v) => v !== undefined && v !== null) : [];
}

function panelName(node: Obj, path: string): string {
  const t = node.title;
  const text = typeof t === "string" ? t : t && typeof t === "object" ? [t.text, t.subtitle].filter(Boolean).join(" ") : "";
  return text ? `${path} ("${text}")` : path;
}

interface Ctx {
  values: Values;
  config: Obj;
  problems: string[];
}

function axisLabelSize(ctx: Ctx, axis: Obj | undefined): number {
  return axis?.labelFontSize ?? ctx.config.axis?.labelFontSize ?? DEFAULT_LABEL_FONT;
}

function checkLabelLimit(ctx: Ctx, where: string, labels: unknown[], limit: unknown, fontSize: number, what: string): void {
  if (!labels.length || limit === 0) return; // 0 = no limit
  const longest = labels.map(String).reduce((a, b) => (textWidthPt(b, fontSize) > textWidthPt(a, fontSize) ? b : a));
  const need = textWidthPt(longest, fontSize);
  const lim = typeof limit === "number" ? limit : what === "legend" ? DEFAULT_LEGEND_LABEL_LIMIT : DEFAULT_AXIS_LABEL_LIMIT;
  if (lim < need) ctx.problems.push(`${where}: ${what} labels are cut at ${lim} pt but "${longest}" needs about ${need.toFixed(0)} pt; set labelLimit from fittedLabelLimit(labels)`);
}

/** Checks the channels of one unit view (its own encoding merged over the layer parents'). */
function checkUnit(ctx: Ctx, where: string, encodings: Obj[], values: Values): void {
  for (const ch of POSITION) {
    const defs = encodings.map((e) => e?.[ch]).filter((d) => d && typeof d === "object");
    const withField = defs.filter((d) => typeof d.field === "string");
    if (!withField.length) continue;
    if (withField.some((d) => d.axis === null)) continue;
    const said = (t: unknown) => (typeof t === "string" && t.trim() !== "") || (Array.isArray(t) && t.some((l) => typeof l === "string" && l.trim() !== ""));
    const titled = defs.some((d) => said(d.title) || said(d.axis?.title));
    if (!titled) ctx.problems.push(`${where}: the ${ch} axis (field "${withField[0].field}") has no title; give it one with units`);
    for (const d of withField) {
      if ((d.type === "nominal" || d.type === "ordinal") && d.axis?.labels !== false) {
        checkLabelLimit(ctx, where, [...new Set(fieldValues(values, d.field))], d.axis?.labelLimit ?? ctx.config.axis?.labelLimit, axisLabelSize(ctx, d.axis), `${ch}-axis`);
      }
    }
  }
  for (const ch of COLOUR) {
    for (const d of encodings.map((e) => e?.[ch]).filter((x) => x && typeof x === "object" && typeof x.field === "string")) {
      const vals = fieldValues(values, d.field);
      const distinct = new Set(vals);
      if (d.type === "quantitative") {
        const named = CATEGORICAL_NAME.test(d.field) || (typeof d.title === "string" && CATEGORICAL_NAME.test(d.title));
        if (named || vals.some((v) => typeof v === "string")) {
          ctx.problems.push(`${where}: ${ch} "${d.title || d.field}" looks categorical (${distinct.size} values) but is drawn on a continuous scale; encode it as nominal (e.g. names as strings, or colorType: "nominal")`);
        }
      } else if ((d.type === "nominal" || d.type === "ordinal") && d.legend !== null) {
        const fontSize = d.legend?.labelFontSize ?? ctx.config.legend?.labelFontSize ?? DEFAULT_LABEL_FONT;
        checkLabelLimit(ctx, where, [...distinct], d.legend?.labelLimit ?? ctx.config.legend?.labelLimit, fontSize, "legend");
      }
    }
  }
}

const DEFAULT_TITLE_FONT = 11;

/** Lines of an axis title (a string or an array of lines). */
function titleLines(t: unknown): string[] {
  return typeof t === "string" ? [t] : Array.isArray(t) ? t.filter((l): l is string => typeof l === "string") : [];
}

/**
 * An axis title wider than its axis runs past the plot (a y title above the panel, an x title into
 * the next one): each line must fit the plot's height (y) or width (x).
 */
function checkTitleLengths(ctx: Ctx, where: string, encodings: Obj[], size: { width?: unknown; height?: unknown }): void {
  const fontSize = ctx.config.axis?.titleFontSize ?? DEFAULT_TITLE_FONT;
  const weight = (ctx.config.axis?.titleFontWeight ?? "bold") === "bold" ? "bold" : "normal";
  for (const [ch, extent] of [["x", size.width], ["y", size.height]] as const) {
    if (typeof extent !== "number") continue;
    const defs = encodings.map((e) => e?.[ch]).filter((d) => d && typeof d === "object" && d.axis !== null);
    for (const d of defs) {
      for (const line of [...titleLines(d.title), ...titleLines(d.axis?.title)]) {
        const need = textWidthPt(line, fontSize, weight);
        // 5 % grace: a title a point or two over its axis still reads as belonging to it
        if (need > 1.05 * extent + 1) {
          ctx.problems.push(`${where}: the ${ch} axis title "${line}" is about ${need.toFixed(0)} pt long but the axis only ${extent} pt; wrap it into lines (an array of strings) or make the plot ${ch === "y" ? "taller" : "wider"}`);
          return;
        }
      }
    }
  }
}

function usesErrorBars(node: Obj): boolean {
  const json = JSON.stringify(node);
  return /"(errorbar|errorband)"/.test(json) || /"field":"(lo|hi|low|high|ci0|ci1)"/.test(json);
}

function walk(node: Obj, ctx: Ctx, path: string, parentEnc: Obj[], inheritedValues: Values): void {
  if (!node || typeof node !== "object") return;
  const values: Values = Array.isArray(node.data?.values) ? node.data.values : inheritedValues;
  const where = panelName(node, path);
  const enc = node.encoding ? [...parentEnc, node.encoding] : parentEnc;

  const rowBlocks: [string, Obj[] | undefined, number | undefined][] = [
    ["concat", node.concat, node.columns],
    ["hconcat", node.hconcat, undefined],
  ];
  for (const [kind, list, columns] of rowBlocks) {
    if (!Array.isArray(list)) continue;
    const perRow = columns === undefined || columns <= 0 ? list.length : Math.min(columns, list.length);
    if (perRow > MAX_PANELS_PER_ROW) ctx.problems.push(`${where}: ${perRow} panels in one row; put at most ${MAX_PANELS_PER_ROW} per row (figureGrid's columns)`);
    list.forEach((child, k) => walk(child, ctx, `${path}.${kind}[${k}]`, [], values));
  }
  if (Array.isArray(node.vconcat)) node.vconcat.forEach((child: Obj, k: number) => walk(child, ctx, `${path}.vconcat[${k}]`, [], values));
  if (node.facet || node.encoding?.column || node.encoding?.facet) {
    const f = node.facet ?? node.encoding?.column ?? node.encoding?.facet;
    const field = f?.field ?? f?.column?.field;
    const n = field ? new Set(fieldValues(values, field)).size : 0;
    const perRow = node.columns && node.columns > 0 ? Math.min(node.columns, n) : f?.row && !f?.column ? 1 : n;
    if (perRow > MAX_PANELS_PER_ROW) ctx.problems.push(`${where}: the facet puts ${perRow} panels in one row; set columns to at most ${MAX_PANELS_PER_ROW}`);
  }
  if (node.spec) walk(node.spec, ctx, `${path}.spec`, [], values);
  if (Array.isArray(node.layer)) {
    // a layer's axes are titled when any of its layers titles them: check the merged channels once
    const units: { encs: Obj[]; values: Values }[] = [];
    const collect = (l: Obj, encs: Obj[], vals: Values) => {
      const v: Values = Array.isArray(l.data?.values) ? l.data.values : vals;
      const e = l.encoding ? [...encs, l.encoding] : encs;
      if (Array.isArray(l.layer)) l.layer.forEach((c: Obj) => collect(c, e, v));
      else units.push({ encs: e, values: v });
    };
    node.layer.forEach((l: Obj) => collect(l, enc, values));
    const merged: Obj[] = units.flatMap((u) => u.encs);
    checkTitleLengths(ctx, where, merged, node);
    checkUnit(ctx, where, merged.map((e) => ({ x: e.x, y: e.y })), units[0]?.values ?? values);
    for (const u of units) checkUnit(ctx, where, u.encs.map((e) => ({ color: e.color, fill: e.fill, stroke: e.stroke, shape: e.shape })), u.values);
    for (const u of units) {
      // label limits of categorical axes, per layer with its own data
      for (const ch of POSITION) {
        for (const d of u.encs.map((e) => e?.[ch]).filter((x) => x && (x.type === "nominal" || x.type === "ordinal") && x.axis?.labels !== false && x.axis !== null)) {
          checkLabelLimit(ctx, where, [...new Set(fieldValues(u.values, d.field))], d.axis?.labelLimit ?? ctx.config.axis?.labelLimit, axisLabelSize(ctx, d.axis), `${ch}-axis`);
        }
      }
    }
  } else if (node.mark) {
    checkUnit(ctx, where, enc, values);
    checkTitleLengths(ctx, where, enc, node);
  }
}

/** Problems of a Vega-Lite spec against the publication style (empty when it passes). */
export function lintSpec(spec: VegaLiteSpec): string[] {
  const ctx: Ctx = { values: null, config: (spec.config as Obj) ?? {}, problems: [] };
  walk(spec as Obj, ctx, "figure", [], null);
  const width = (spec.usermeta as Obj | undefined)?.marble?.width;
  if (width !== "single" && width !== "double") {
    ctx.problems.push('figure: it has no printed width, so it is drawn at whatever size its panels add up to; build it with figureGrid (or a panel builder) so it is laid out at 89 mm ("single") or 183 mm ("double")');
  }
  if (usesErrorBars(spec as Obj)) {
    const said = (spec.usermeta as Obj | undefined)?.marble?.errorBars;
    if (typeof said !== "string" || !ERROR_KINDS.test(said)) {
      ctx.problems.push('figure: it draws error bars without saying which (SEM, 95 % CI, s.d.) and over what; build it with errorBars: "mean ± SEM over N sessions"');
    }
  }
  return [...new Set(ctx.problems)];
}

/**
 * Problems of a spec as drawn (panels already fitted to the column width), where only lengths
 * can have changed: axis titles longer than their (shrunk) axes.
 */
export function lintDrawnSpec(spec: VegaLiteSpec): string[] {
  return lintSpec(spec).filter((p) => / axis title "/.test(p));
}
