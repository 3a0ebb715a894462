// "Save figure": the figure on screen, re-rendered at a journal's column width (millimetres,
// fonts in points at that size, text kept as text), written as SVG, PDF (made by the server
// from the SVG, fonts embedded) and PNG next to the notebook through Jupyter's contents API.
// Existing files are never replaced: the next free name is taken instead.
//
// JupyterLab's services are loaded on the first save only: a page that renders the figures
// without JupyterLab's shared packages (a prebuilt extension in another host) still loads.
import { serverRequest } from "./server";
import { serverPdfConverter } from "./server-pdf";

/** Journal column widths in millimetres (Nature's single and double column). */
export const COLUMN_MM = { single: 89, double: 183 } as const;
/** The tallest figure a page takes, in millimetres. */
export const MAX_HEIGHT_MM = 247;
/** Body text of an exported figure, in points (7 pt survives a column's reduction). */
export const FONT_PT = 7;
/** PNG resolution in dots per inch. */
export const PNG_DPI = 300;

const PX_PER_MM = 96 / 25.4; // CSS pixels, which Plotly lays out in
const PX_PER_PT = 96 / 72;
/** Beyond this many points a 2-D WebGL trace stays WebGL (rasterised inside the SVG). */
const MAX_VECTOR_POINTS = 60_000;

/**
 * Other file formats a save writes beside the SVG, made from it: extension without the dot →
 * converter returning the file's bytes. A "pdf" entry replaces the server's converter.
 */
export const extraFormats = new Map<string, (svg: string) => Promise<Uint8Array>>();

/** Registers a converter from the saved SVG to another format, written with every save. */
export function registerFigureFormat(extension: string, convert: (svg: string) => Promise<Uint8Array>): void {
  if (!/^[a-z0-9]+$/.test(extension) || extension === "svg" || extension === "png") throw new Error(`figure format "${extension}": expected a new lower-case extension such as "pdf"`);
  extraFormats.set(extension, convert);
}

export interface PublicationImage {
  svg: string;
  png: Uint8Array;
  widthMm: number;
  heightMm: number;
}

/** Scales a layout's font sizes by `f` (titles, annotations, axis titles and ticks, legend). */
function scaleFonts(layout: any, f: number, base: number): any {
  const out = JSON.parse(JSON.stringify(layout ?? {}));
  const fix = (font: any) => ({ ...(font ?? {}), size: Math.round(((font?.size ?? base / f) * f) * 10) / 10, color: "#000000" });
  if (out.title) {
    out.title = { ...(typeof out.title === "string" ? { text: out.title } : out.title), font: fix(out.title.font ?? { size: 15 }) };
    // sizes written into the title's HTML (a note in a smaller font) scale alike
    if (typeof out.title.text === "string") out.title.text = out.title.text.replace(/font-size:\s*(\d+(?:\.\d+)?)px/g, (_: string, px: string) => `font-size:${Math.round(Number(px) * f * 10) / 10}px`);
  }
  for (const a of out.annotations ?? []) a.font = fix(a.font ?? { size: 12 });
  return out;
}

/** Renders the plot `gd` (its current data and layout) in publication style. */
export async function renderPublication(Plotly: any, gd: any, panels: number): Promise<PublicationImage> {
  const full = gd._fullLayout;
  const scenes = Object.keys(gd.layout ?? {}).filter((k) => /^scene\d*$/.test(k));
  // a 3-D scene takes the double column: in one column its corner labels, drawn at print
  // size, crowd each other and the page's edges (its camera was set for the screen)
  const widthMm = panels > 1 || scenes.length > 0 ? COLUMN_MM.double : COLUMN_MM.single;
  // the screen's proportions: a 3-D camera's view (whose width follows the height) was set up
  // for them, and a taller page would cut off the scene's sides
  const aspect = (full?.height ?? 450) / Math.max(1, full?.width ?? 800);
  const heightMm = Math.min(MAX_HEIGHT_MM, Math.round(widthMm * aspect));
  const width = Math.round(widthMm * PX_PER_MM);
  const height = Math.round(heightMm * PX_PER_MM);
  // the screen layout is about 2× the printed width: scale its fonts to FONT_PT at print size
  const fontPx = FONT_PT * PX_PER_PT;
  const layout = scaleFonts(gd.layout, fontPx / 12, fontPx);
  Object.assign(layout, {
    width,
    height,
    autosize: false,
    font: { family: "DejaVu Sans, Arial, Helvetica, sans-serif", size: fontPx, color: "#000000" },
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    selections: [],
    margin: { ...(layout.margin ?? {}), l: Math.round((layout.margin?.l ?? 50) * 0.6), r: Math.round((layout.margin?.r ?? 20) * 0.6), t: Math.round((layout.margin?.t ?? 50) * 0.6), b: Math.round((layout.margin?.b ?? 40) * 0.6) },
  });
  for (const key of Object.keys(layout)) {
    if (/^[xy]axis\d*$/.test(key)) layout[key] = { ...layout[key], gridcolor: "#dddddd", zerolinecolor: "#bbbbbb", linecolor: "#000000", showline: true, ticks: "outside", ticklen: 3 };
    // a 3-D scene's tick labels and titles are drawn by WebGL at their own sizes: set them to the print size
    if (/^scene\d*$/.test(key))
      for (const ax of ["xaxis", "yaxis", "zaxis"]) {
        const a = layout[key][ax] ?? {};
        const title = typeof a.title === "string" ? { text: a.title } : (a.title ?? {});
        layout[key][ax] = { ...a, gridcolor: "#dddddd", zerolinecolor: "#bbbbbb", linecolor: "#000000", tickfont: { ...(a.tickfont ?? {}), size: fontPx, color: "#000000" }, title: { ...title, font: { ...(title.font ?? {}), size: fontPx, color: "#000000" } } };
      }
  }
  if (scenes.length === 1) {
    // the legend goes under a lone scene, so the scene takes the column's whole width
    layout.legend = { ...(layout.legend ?? {}), orientation: "h", x: 0.5, xanchor: "center", y: 0, yanchor: "bottom" };
    layout[scenes[0]] = { ...layout[scenes[0]], domain: { x: [0, 1], y: [0.08, 1] } };
  }
  // 2-D WebGL traces become SVG traces, so lines and points stay vectors in the SVG
  const points = (gd.data as any[]).reduce((s, t) => s + (t.x?.length ?? 0), 0);
  // markers and lines shrink with the figure, less than the figure does, to stay visible
  const shrink = Math.min(1, Math.max(0.45, (1.6 * width) / Math.max(1, full?.width ?? width)));
  const data = (gd.data as any[]).map((t) => {
    const copy = { ...t, selectedpoints: null };
    if (t.type === "scattergl" && points <= MAX_VECTOR_POINTS) copy.type = "scatter";
    if (typeof t.marker?.size === "number") copy.marker = { ...t.marker, size: Math.max(1, t.marker.size * shrink) };
    if (typeof t.line?.width === "number") copy.line = { ...t.line, width: Math.max(0.5, t.line.width * shrink) };
    return copy;
  });
  const figure = { data, layout, config: { staticPlot: true } };
  const svgUrl: string = await Plotly.toImage(figure, { format: "svg", width, height });
  const pngUrl: string = await Plotly.toImage(figure, { format: "png", width, height, scale: PNG_DPI / 96 });
  return { svg: withMillimetres(decodeSvgUrl(svgUrl), widthMm, heightMm, width, height), png: withDpi(base64ToBytes(pngUrl.slice(pngUrl.indexOf(",") + 1)), PNG_DPI), widthMm, heightMm };
}

function decodeSvgUrl(url: string): string {
  const comma = url.indexOf(",");
  const head = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return head.endsWith(";base64") ? new TextDecoder().decode(base64ToBytes(body)) : decodeURIComponent(body);
}

/** Gives the SVG root a physical size in millimetres, keeping its drawing units in a viewBox. */
export function withMillimetres(svg: string, widthMm: number, heightMm: number, width: number, height: number): string {
  return svg.replace(/<svg\b[^>]*>/, (root) => {
    let r = root.replace(/\swidth="[^"]*"/, "").replace(/\sheight="[^"]*"/, "").replace(/\sviewBox="[^"]*"/, "");
    r = r.replace(/^<svg/, `<svg width="${widthMm}mm" height="${heightMm}mm" viewBox="0 0 ${width} ${height}"`);
    return r;
  });
}

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Adds a pHYs chunk (the resolution) after the PNG header, so the image prints at its size. */
export function withDpi(png: Uint8Array, dpi: number): Uint8Array {
  const ppm = Math.round(dpi / 0.0254);
  const chunk = new Uint8Array(21);
  const v = new DataView(chunk.buffer);
  v.setUint32(0, 9);
  chunk.set([0x70, 0x48, 0x59, 0x73], 4); // "pHYs"
  v.setUint32(8, ppm);
  v.setUint32(12, ppm);
  chunk[16] = 1; // unit: metre
  v.setUint32(17, crc32(chunk.subarray(4, 17)));
  const ihdrEnd = 8 + 25; // signature, then IHDR (length 4 + type 4 + 13 data + crc 4)
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, ihdrEnd), 0);
  out.set(chunk, ihdrEnd);
  out.set(png.subarray(ihdrEnd), ihdrEnd + chunk.length);
  return out;
}

/** Contents-API path of `name` in the notebook's folder, from the renderer's URL resolver. */
export async function pathBesideNotebook(resolver: { resolveUrl(url: string): Promise<string> } | null | undefined, name: string): Promise<string> {
  if (!resolver) throw new Error("this output is not in a notebook (no folder to save into); use the SVG or PNG download instead");
  const url = await resolver.resolveUrl(encodeURIComponent(name));
  return decodeURIComponent(url).replace(/^\/+/, "");
}

function contentsRequest(path: string, init: RequestInit, query = ""): Promise<Response> {
  return serverRequest(`api/contents/${path}`, init, query);
}

/** Names in a folder (through a listing: asking for a missing file would log a 404). */
async function namesIn(folder: string): Promise<Set<string>> {
  const r = await contentsRequest(folder, { method: "GET" }, "?content=1");
  if (!r.ok) throw new Error(`cannot list ${folder || "the root folder"}: the server answered ${r.status}`);
  const model = (await r.json()) as { content?: { name: string }[] };
  return new Set((model.content ?? []).map((e) => e.name));
}

async function writeFile(path: string, content: string, format: "text" | "base64"): Promise<void> {
  const r = await contentsRequest(path, { method: "PUT", body: JSON.stringify({ type: "file", format, content }) });
  if (!r.ok) throw new Error(`cannot write ${path}: the server answered ${r.status} ${await r.text()}`);
}

/** What a save wrote, and what it could not write (e.g. no PDF where the server makes none). */
export interface SaveResult {
  paths: string[];
  notes: string[];
}

/**
 * Writes `<stem>.svg`, `<stem>.pdf` (when the server converts, or a "pdf" format is registered),
 * `<stem>.png` and any other registered format beside the notebook, with the first stem
 * (`name`, `name-2`, …) none of whose files exist yet. Every file is made before the first is
 * written, so a failed conversion writes nothing.
 */
export async function saveBesideNotebook(resolver: { resolveUrl(url: string): Promise<string> } | null | undefined, name: string, image: PublicationImage): Promise<SaveResult> {
  const notes: string[] = [];
  const converters = new Map(extraFormats);
  if (!converters.has("pdf")) {
    const server = await serverPdfConverter();
    if ("convert" in server) converters.set("pdf", server.convert);
    else notes.push(`no PDF: ${server.missing}`);
  }
  const files: { format: string; content: string; encoding: "text" | "base64" }[] = [{ format: "svg", content: image.svg, encoding: "text" }];
  for (const [format, convert] of converters) files.push({ format, content: bytesToBase64(await convert(image.svg)), encoding: "base64" });
  files.push({ format: "png", content: bytesToBase64(image.png), encoding: "base64" });
  const first = await pathBesideNotebook(resolver, `${name}.svg`);
  const folder = first.includes("/") ? first.slice(0, first.lastIndexOf("/")) : "";
  const existing = await namesIn(folder);
  for (let k = 1; k < 1000; k++) {
    const stem = k === 1 ? name : `${name}-${k}`;
    if (files.some((f) => existing.has(`${stem}.${f.format}`))) continue;
    const paths = files.map((f) => (folder ? `${folder}/${stem}.${f.format}` : `${stem}.${f.format}`));
    for (let i = 0; i < files.length; i++) await writeFile(paths[i], files[i].content, files[i].encoding);
    return { paths, notes };
  }
  throw new Error(`no free file name for ${name}.svg beside the notebook (tried ${name}-2 … ${name}-999)`);
}
