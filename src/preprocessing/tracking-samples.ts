/**
 * Cleaning raw video-tracking samples before they become positions. Two things go wrong in such
 * files: the LED is not found in a frame (the tracker writes (0, 0)), and frame times repeat or
 * step back (a dropped or duplicated frame). A third shows only over time: a tracker that has lost
 * the animal may keep writing its last position, so the same (x, y) repeats for minutes (the shipped
 * linear-track file holds one position, unchanged to the pixel, for its last ~980 s, where an LED on
 * a resting animal still moves by a pixel within seconds). All three are counted; lost samples are
 * dropped (positions are later interpolated only across short gaps, see `samplesAtBins`) or, with
 * policy "error", refused.
 */
import { ValidationError, checkOneOf } from "../core/validate.js";

export interface TrackingSampleReport {
  frames: number;
  /** Frames whose LED read (0, 0), i.e. was not found. */
  missingLed: number;
  /** Frames whose time is not later than the previous kept frame's. */
  nonIncreasingTime: number;
  /** Frames after the first of a run of identical positions lasting longer than `maxHeldSeconds`. */
  heldFrames: number;
  /** Time spans (s, first and last frame) of those held runs. */
  heldSpans: Array<[number, number]>;
  kept: number;
  policy: "drop" | "error";
}

export interface CleanTrackingOptions {
  /** "drop" (default): leave lost frames out and count them; "error": refuse a file with any. */
  missing?: "drop" | "error";
  /**
   * A position repeated unchanged for longer than this (s) is a tracker holding its last value: the
   * run's first frame is kept, the rest are lost frames (default 10; Infinity keeps them all).
   */
  maxHeldSeconds?: number;
}

/** Drops frames with a lost LED ((0, 0)), a non-increasing time or a held position, counting each kind. */
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
  const maxHeld = options.maxHeldSeconds ?? 10;
  if (!(maxHeld > 0)) throw new ValidationError(`cleanTrackingSamples: maxHeldSeconds must be > 0 (or Infinity to keep held positions), got ${maxHeld}`);
  const { kept, heldFrames, heldSpans } = dropHeldRuns(keep, seconds, x, y, maxHeld);
  if (heldFrames > 0 && policy === "error") {
    const [a, b] = heldSpans[0];
    throw new ValidationError(`cleanTrackingSamples: the position stays exactly the same from t = ${a} s to ${b} s (longer than maxHeldSeconds = ${maxHeld} s): a tracker holding its last value; pass missing: "drop" to leave such frames out, or a larger maxHeldSeconds`);
  }
  const pick = (a: ArrayLike<number>) => Float64Array.from(kept, (i) => a[i]);
  return {
    seconds: pick(seconds), x: pick(x), y: pick(y),
    report: { frames: n, missingLed, nonIncreasingTime: nonIncreasing, heldFrames, heldSpans, kept: kept.length, policy },
  };
}

/** Leaves out all but the first frame of every run of one position lasting longer than maxHeld seconds. */
function dropHeldRuns(keep: number[], seconds: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, maxHeld: number) {
  const kept: number[] = [];
  const heldSpans: Array<[number, number]> = [];
  let heldFrames = 0;
  for (let a = 0; a < keep.length;) {
    let b = a + 1;
    while (b < keep.length && x[keep[b]] === x[keep[a]] && y[keep[b]] === y[keep[a]]) b++;
    const first = keep[a], last = keep[b - 1];
    if (seconds[last] - seconds[first] > maxHeld) {
      kept.push(first);
      heldFrames += b - a - 1;
      heldSpans.push([seconds[first], seconds[last]]);
    } else {
      for (let i = a; i < b; i++) kept.push(keep[i]);
    }
    a = b;
  }
  return { kept, heldFrames, heldSpans };
}
