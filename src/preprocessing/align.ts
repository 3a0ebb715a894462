import { Matrix, type MatrixLike } from "../core/matrix.js";
import { ValidationError, checkInteger, checkNumber, checkOneOf, toMatrix, withDefaults } from "../core/validate.js";

export interface AlignOptions {
  /** Samples (or time, with binSize) kept before each event. */
  before: number;
  /** Samples (or time, with binSize) kept from the event on; the window is [event − before, event + after). */
  after: number;
  /** When given, events, before and after are in time units; bin k covers [start + k·binSize, start + (k+1)·binSize). */
  binSize?: number;
  /** Time of row 0's left edge (with binSize). */
  start: number;
  /** What to do with windows that leave the recording: throw (default) or drop them. */
  outOfRange: "error" | "skip";
}

/**
 * Cuts a window around each event from a binned signal (T × C rows = time): trial i is rows
 * [e_i − before, e_i + after). Returns the trials (each (before + after) × C) and the indices
 * of the events kept.
 */
export function alignToEvents(
  signal: MatrixLike,
  events: ArrayLike<number>,
  options: Partial<AlignOptions> & { before: number; after: number },
): { trials: Matrix[]; kept: number[] } {
  const opts = withDefaults<AlignOptions>({ before: NaN, after: NaN, binSize: undefined, start: 0, outOfRange: "error" }, options, "alignToEvents");
  checkOneOf(opts.outOfRange, "alignToEvents outOfRange", ["error", "skip"]);
  const X = toMatrix(signal, "alignToEvents signal");
  let before = opts.before, after = opts.after;
  const toBin = (t: number) => (opts.binSize === undefined ? t : Math.floor((t - opts.start) / opts.binSize + 1e-9));
  if (opts.binSize !== undefined) {
    checkNumber(opts.binSize, "alignToEvents binSize", Number.MIN_VALUE);
    checkNumber(before, "alignToEvents before", 0);
    checkNumber(after, "alignToEvents after", 0);
    before = Math.round(before / opts.binSize);
    after = Math.round(after / opts.binSize);
  }
  checkInteger(before, "alignToEvents before (in bins)", 0);
  checkInteger(after, "alignToEvents after (in bins)", 0);
  if (before + after < 1) throw new ValidationError("alignToEvents: before + after must cover at least one bin");
  const trials: Matrix[] = [];
  const kept: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = toBin(events[i]);
    if (!Number.isInteger(e)) throw new ValidationError(`alignToEvents events[${i}] = ${events[i]} is not a bin index; pass integers or set binSize`);
    const lo = e - before, hi = e + after;
    if (lo < 0 || hi > X.rows) {
      if (opts.outOfRange === "skip") continue;
      throw new ValidationError(`alignToEvents: the window [${lo}, ${hi}) around events[${i}] leaves the signal (${X.rows} rows); shorten before/after or set outOfRange: "skip"`);
    }
    trials.push(new Matrix(hi - lo, X.cols, X.data.slice(lo * X.cols, hi * X.cols)));
    kept.push(i);
  }
  return { trials, kept };
}
