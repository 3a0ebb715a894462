import type { VegaLiteSpec } from "./figures.js";
import { COLUMN_WIDTH_MM, FONT, MAX_PANELS_PER_ROW, mmToPt, panelLetter, textWidthPt, styleConfig, styleMeta, withStyleMeta, type ColumnWidth, type StyleMeta } from "./figure-style.js";
import { setFieldDomain } from "./specs.js";

// Several panels in one figure: a grid of at most four per row, each panel lettered a, b, c…
// with its own title beside the letter, laid out for a journal column width.

export interface GridOptions {
  /** Figure title (shown in notebooks; journals put it in the caption instead). */
  title?: string;
  /** Panels per row (at most 4; default: all in one row up to 3, else rows of 3). */
  columns?: number;
  /** Printed width (default: double column for two or more panels). */
  width?: ColumnWidth;
  /** Letter the panels a, b, c… (default true). */
  letters?: boolean;
  /** A caption saved with the figure, e.g. what an outlier is or what error bars are. */
  caption?: string;
}

/** Words of `text` in lines of at most `widthPt` at the panel-title size. */
export function wrapText(text: string, widthPt: number, fontSize: number = FONT.panelTitle): string[] {
  const lines: string[] = [];
  let line = "";
  // "ρ = 0.9" and "MDS 1" stay on one line (no-break spaces around "=" and before a number)
  for (const word of text.replace(/ = /g, "\u00a0=\u00a0").replace(/([A-Za-z]) (?=\d)/g, "$1\u00a0").split(/[ \t\n]+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidthPt(next, fontSize) > widthPt) { lines.push(line); line = word; } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function panelTitle(letter: string, title: unknown, widthPt: number): Record<string, unknown> {
  const given = typeof title === "string" ? title : title && typeof title === "object" ? (title as { text?: string }).text : undefined;
  // a negative number in a title ("ρ = -0.97", from toFixed) gets a true minus sign, as on the axes
  const sub = given?.replace(/(^|[\s(=[,])-(?=\d)/g, "$1\u2212");
  return {
    text: letter,
    // wrapped to the panel's printed width, so a long title neither widens the figure nor is cut
    ...(sub ? { subtitle: wrapText(sub, widthPt) } : {}),
    anchor: "start",
    frame: "group",
    fontSize: FONT.panelLetter,
    fontWeight: "bold",
    subtitleFontSize: FONT.panelTitle,
    subtitlePadding: 1,
    offset: 3,
  };
}

/** Vector-field panels in one figure share one domain, so tick spacing and arrow scale agree. */
function shareFieldDomains(panels: VegaLiteSpec[]): VegaLiteSpec[] {
  const extents = panels.map((p) => styleMeta(p).fieldExtent).filter((e): e is NonNullable<StyleMeta["fieldExtent"]> => e !== undefined);
  if (extents.length < 2) return panels;
  const x0 = Math.min(...extents.map((e) => e[0])), x1 = Math.max(...extents.map((e) => e[1]));
  const y0 = Math.min(...extents.map((e) => e[2])), y1 = Math.max(...extents.map((e) => e[3]));
  return panels.map((p) => (styleMeta(p).fieldExtent ? setFieldDomain(p, [x0, x1, y0, y1]) : p));
}

/** Panels in rows of at most four, lettered, in the publication style. */
export function figureGrid(specs: VegaLiteSpec[], options: GridOptions = {}): VegaLiteSpec {
  if (!Array.isArray(specs) || specs.length === 0) throw new Error("figureGrid: pass at least one panel spec");
  const columns = options.columns ?? (specs.length <= 3 ? specs.length : 3);
  if (!Number.isInteger(columns) || columns < 1 || columns > MAX_PANELS_PER_ROW) {
    throw new Error(`figureGrid: columns must be an integer from 1 to ${MAX_PANELS_PER_ROW} (journals take at most ${MAX_PANELS_PER_ROW} panels per row), got ${columns}`);
  }
  const letters = options.letters ?? specs.length > 1;
  const width = options.width ?? (specs.length > 1 ? "double" : "single");
  // the printed width a panel's title may use: its share of the row, less the y axis beside it
  const titleWidth = mmToPt(COLUMN_WIDTH_MM[width]) / columns - 40;
  const errorBars: string[] = [];
  const panels = shareFieldDomains(specs).map((s, k) => {
    const { $schema: _schema, config: _config, usermeta, title, ...rest } = s;
    const meta = styleMeta({ usermeta });
    if (meta.errorBars) errorBars.push(meta.errorBars);
    return { ...rest, ...(letters ? { title: panelTitle(panelLetter(k), title, titleWidth) } : title ? { title } : {}) };
  });
  // the caption (what an outlier or a highlight is) printed under the panels, wrapped to the width
  const caption = options.caption ? wrapText(options.caption, mmToPt(COLUMN_WIDTH_MM[width]) - 12, FONT.label) : undefined;
  const title = caption
    ? options.title
      ? { text: options.title, subtitle: caption, subtitleFontSize: FONT.label }
      : { text: caption, orient: "bottom", anchor: "start", fontSize: FONT.label, fontWeight: "normal", offset: 8 }
    : options.title;
  const spec: VegaLiteSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    ...(title ? { title } : {}),
    columns,
    // each column as wide as its widest panel (not every column as wide as the widest panel of
    // the figure), so a narrow panel next to a wide one leaves no empty band between them
    align: "each",
    concat: panels,
    // each panel keeps its own scales and legends (a distance heatmap next to a μ scatter)
    resolve: { scale: { color: "independent", shape: "independent" }, legend: { color: "independent", shape: "independent" } },
    config: styleConfig(),
  };
  return withStyleMeta(spec, {
    width,
    ...(errorBars.length ? { errorBars: [...new Set(errorBars)].join("; ") } : {}),
    ...(options.caption ? { caption: options.caption } : {}),
  });
}

/** Several specs side by side: `figureGrid` with at most three panels per row unless `columns` says. */
export function concatSpecs(specs: VegaLiteSpec[], options: GridOptions = {}): VegaLiteSpec {
  return figureGrid(specs, options);
}
