/**
 * Video position tracking files (`*.videoPositionTracking`, as written by the Frank lab's and
 * Trodes' camera modules): a `<Start settings>` … `<End settings>` text header with the clock rate
 * and the record layout, then one record per video frame: a clock tick count and the pixel
 * coordinates of up to two LEDs. An LED that was not tracked reads (0, 0).
 */
import { readHeaderedRecords, type HeaderedRecordsOptions, type RecordColumn } from "./binary-records.js";

export interface VideoTracking {
  /** Clock ticks per second, from the header's `clockrate`. */
  clockRate: number;
  /** Frame times in clock ticks, as stored. */
  ticks: Float64Array;
  /** The same in seconds (ticks ÷ clockRate): the clock the spike times use. */
  seconds: Float64Array;
  /** First LED's pixel coordinates. */
  x: Float64Array;
  y: Float64Array;
  /** Second LED's, when the layout has one (all zeros when only one LED was tracked). */
  x2: Float64Array | null;
  y2: Float64Array | null;
  frames: number;
  /** Header settings (`threshold`, `camera resolution`, `pixel scale` …). */
  settings: Record<string, string>;
  /** Pixels per cm from the header's `pixel scale`, or null when it is absent or 0 (no scale given). */
  pixelsPerCm: number | null;
  /** Record fields the layout holds beyond time and the LED coordinates (not read). */
  unreadFields: string[];
  /** Bytes after the last whole record (0 unless `trailing: "ignore"` let them be). */
  trailingBytes: number;
}

export interface VideoTrackingOptions extends Pick<HeaderedRecordsOptions, "expectedRecords" | "trailing" | "endianness"> {
  /** Record field names (default: time, xloc, yloc, xloc2, yloc2 as in the format's header). */
  names?: { time?: string; x?: string; y?: string; x2?: string; y2?: string };
  /** Clock rate to use when the header has none. */
  clockRate?: number;
}

function toF64(col: RecordColumn | undefined): Float64Array | null {
  return col ? Float64Array.from(col) : null;
}

/** Reads a video position tracking file (path or bytes). */
export function readVideoTracking(pathOrBytes: string | Uint8Array, options: VideoTrackingOptions = {}): VideoTracking {
  const where = typeof pathOrBytes === "string" ? pathOrBytes : "video tracking buffer";
  const rec = readHeaderedRecords(pathOrBytes, { expectedRecords: options.expectedRecords, trailing: options.trailing, endianness: options.endianness });
  const names = { time: "time", x: "xloc", y: "yloc", x2: "xloc2", y2: "yloc2", ...options.names };
  for (const key of ["time", "x", "y"] as const) {
    if (!rec.columns[names[key]]) {
      throw new Error(`${where}: no "${names[key]}" field in the record layout (${rec.fields.map((f) => f.name).join(", ")}); name it with names.${key}`);
    }
  }
  const rateText = rec.settings["clockrate"] ?? rec.settings["clock rate"];
  const clockRate = rateText !== undefined ? Number(rateText) : options.clockRate;
  if (clockRate === undefined) throw new Error(`${where}: the header has no clockrate; pass clockRate (ticks per second)`);
  if (!Number.isFinite(clockRate) || clockRate <= 0) throw new Error(`${where}: clockrate "${rateText ?? clockRate}" is not a positive number`);
  const ticks = Float64Array.from(rec.columns[names.time]);
  const seconds = ticks.map((t) => t / clockRate);
  const scale = Number.parseFloat(rec.settings["pixel scale"] ?? "");
  return {
    clockRate, ticks, seconds,
    x: toF64(rec.columns[names.x])!, y: toF64(rec.columns[names.y])!,
    x2: toF64(rec.columns[names.x2]), y2: toF64(rec.columns[names.y2]),
    frames: rec.count, settings: rec.settings,
    pixelsPerCm: Number.isFinite(scale) && scale > 0 ? scale : null,
    unreadFields: rec.fields.map((f) => f.name).filter((n) => !Object.values(names).includes(n)),
    trailingBytes: rec.trailingBytes,
  };
}
