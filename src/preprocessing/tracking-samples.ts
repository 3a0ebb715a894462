/**
 * Cleaning raw video-tracking samples before they become positions. Two things go wrong in such
 * files: the LED is not found in a frame (the tracker writes (0, 0)), and frame times repeat or
 * step back (a dropped or duplicated frame). Both are counted; lost samples are dropped (positions
 * are later interpolated only across short gaps, see `positionAtBins`) or, with policy "error",
 * refused.
 */
import { ValidationError, checkOneOf } from "../core/validate.js";

export interface TrackingSampleReport {
  frames: number;
  /** Frames whose LED read (0, 0), i.e. was not found. */
  missingLed: number;
  /** Frames whose time is not later than the previous kept frame's. */
  nonIncreasingTime: number;
  kept: number;
  policy: "drop" | "error";
}

export interface CleanTrackingOptions {
  /** "drop" (default): leave lost frames out and count them; "error": refuse a file with any. */
  missing?: "drop" | "error";
}

/** Drops frames with a lost LED ((0, 0)) or a non-increasing time, counting each kind. */
export function cleanTrackingSamples(
  seconds: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, options: CleanTrackingOptions = {},
): { seconds: Float64Array; x: Float64Array; y: Float64Array; report: TrackingSampleReport } {
  const policy = options.missing ?? "drop";
  checkOneOf(policy, "cleanTrackingSamples missing", ["drop", "error"] as const);
  const n = seconds.length;
  if (x.length !== n || y.length !== n) throw new ValidationError(`cleanTrackingSamples: ${n} times but ${x.length} x and ${y.length} y values`);
  const keep: number[] = [];
  let missingLed = 0, nonIncreasing = 0, last = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(seconds[i]) || !Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new ValidationError(`cleanTrackingSamples: frame ${i} has a non-finite value`);
    if (x[i] === 0 && y[i] === 0) {
      missingLed++;
      if (policy === "error") throw new ValidationError(`cleanTrackingSamples: frame ${i} (t = ${seconds[i]} s) has no LED position (0, 0); pass missing: "drop" to leave such frames out`);
      continue;
    }
    if (seconds[i] <= last) {
      nonIncreasing++;
      if (policy === "error") throw new ValidationError(`cleanTrackingSamples: frame ${i} (t = ${seconds[i]} s) is not later than the frame before; pass missing: "drop" to leave such frames out`);
      continue;
    }
    last = seconds[i];
    keep.push(i);
  }
  const pick = (a: ArrayLike<number>) => Float64Array.from(keep, (i) => a[i]);
  return { seconds: pick(seconds), x: pick(x), y: pick(y), report: { frames: n, missingLed, nonIncreasingTime: nonIncreasing, kept: keep.length, policy } };
}
