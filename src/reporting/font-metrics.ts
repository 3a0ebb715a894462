import { existsSync, readFileSync } from "node:fs";

// Advance widths of DejaVu Sans (the figures' font) read from Debian's font files, so that Vega
// lays out text at its true width in Node (it has no canvas there and guesses 0.8 em per
// character) and label limits fit the labels exactly. Falls back to a per-character estimate
// when the font files are absent.

const FONT_DIRS = ["/usr/share/fonts/truetype/dejavu"];
const FILES = { normal: "DejaVuSans.ttf", bold: "DejaVuSans-Bold.ttf" } as const;

interface Metrics {
  /** Advance width in em per code point. */
  widths: Map<number, number>;
  fallback: number;
}

/** Reads the cmap (format 4) and hmtx tables of a TrueType font: em advance per code point. */
export function readAdvanceWidths(font: Uint8Array): Metrics {
  const dv = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = new Map<string, number>();
  const numTables = dv.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    tables.set(String.fromCharCode(font[rec], font[rec + 1], font[rec + 2], font[rec + 3]), dv.getUint32(rec + 8));
  }
  const need = (t: string) => {
    const off = tables.get(t);
    if (off === undefined) throw new Error(`font has no ${t} table`);
    return off;
  };
  const unitsPerEm = dv.getUint16(need("head") + 18);
  const numberOfHMetrics = dv.getUint16(need("hhea") + 34);
  const hmtx = need("hmtx");
  const advance = (glyph: number) => dv.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1)) / unitsPerEm;
  const cmap = need("cmap");
  let sub = -1;
  for (let i = 0; i < dv.getUint16(cmap + 2); i++) {
    const platform = dv.getUint16(cmap + 4 + 8 * i), encoding = dv.getUint16(cmap + 6 + 8 * i);
    const off = cmap + dv.getUint32(cmap + 8 + 8 * i);
    if (dv.getUint16(off) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) { sub = off; break; }
  }
  if (sub < 0) throw new Error("font has no Unicode BMP cmap (format 4)");
  const segX2 = dv.getUint16(sub + 6);
  const ends = sub + 14, starts = ends + segX2 + 2, deltas = starts + segX2, ranges = deltas + segX2;
  const widths = new Map<number, number>();
  for (let s = 0; s < segX2 / 2; s++) {
    const end = dv.getUint16(ends + 2 * s), start = dv.getUint16(starts + 2 * s);
    const delta = dv.getInt16(deltas + 2 * s), rangeOffset = dv.getUint16(ranges + 2 * s);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
      else {
        const at = ranges + 2 * s + rangeOffset + 2 * (c - start);
        glyph = dv.getUint16(at);
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph !== 0) widths.set(c, advance(glyph));
    }
  }
  return { widths, fallback: advance(0) };
}

// rough DejaVu Sans advances for when the font files are missing (errs wide, never narrow)
const NARROW = new Set([..."iIjlt.,:;|!'()[]{} ·"]);
const MEDIUM = new Set([..."abcdeghknopqsuvxyzfr0123456789-+−=<>_/\\?*^~#$%"]);
function estimateEm(ch: string): number {
  return NARROW.has(ch) ? 0.35 : MEDIUM.has(ch) ? 0.64 : /[A-Z]/.test(ch) ? 0.75 : ch === "m" || ch === "w" ? 0.98 : 0.85;
}

const cache = new Map<string, Metrics | null>();
function metrics(weight: "normal" | "bold"): Metrics | null {
  if (!cache.has(weight)) {
    let m: Metrics | null = null;
    for (const dir of FONT_DIRS) {
      const path = `${dir}/${FILES[weight]}`;
      if (!existsSync(path)) continue;
      try {
        m = readAdvanceWidths(readFileSync(path));
      } catch {
        m = null; // unreadable font: the estimate below stands in
      }
      break;
    }
    cache.set(weight, m);
  }
  return cache.get(weight) as Metrics | null;
}

/** Width in points of `text` set in DejaVu Sans at `fontSize` points. */
export function textWidthPt(text: string, fontSize: number, weight: "normal" | "bold" = "normal"): number {
  const m = metrics(weight);
  let em = 0;
  for (const ch of text) em += m ? (m.widths.get(ch.codePointAt(0) as number) ?? m.fallback) : estimateEm(ch) * (weight === "bold" ? 1.1 : 1);
  return em * fontSize;
}
