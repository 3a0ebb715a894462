/**
 * From a raw linear-track recording (MatClust spike times + video tracking) to what decoding needs:
 * spike counts per bin, position along the track in cm per bin, speed, and the running epochs
 * (one segment per pass). Every exclusion is counted in `report`; `summaryLines` prints them.
 */
import { Matrix } from "../core/matrix.js";
import { ValidationError, withDefaults } from "../core/validate.js";
import { describeLinearTrackRecording, type LinearTrackRecording } from "../io/linear-track.js";
import { binSpikeTimes } from "../preprocessing/binning.js";
import { linearizeTrack, type LinearizedTrack } from "../preprocessing/linearize.js";
import { samplesAtBins } from "../preprocessing/position-bins.js";
import { runningEpochs, speedFromPosition, type RunningEpochs } from "../preprocessing/running.js";
import { cleanTrackingSamples, type TrackingSampleReport } from "../preprocessing/tracking-samples.js";

export interface LinearTrackParams {
  /** Bin width for spike counts and positions, in s. */
  binSize: number;
  /**
   * Length of the track in cm: the 1st–99th percentile extent of the moving animal along the track's
   * axis is taken to be this long. An assumption whenever the tracking file gives no pixel scale.
   */
  trackLengthCm: number;
  /** Camera scale; when set (or given in the file's header) it is used instead of trackLengthCm. */
  pixelsPerCm: number | null;
  /** 2-D speed (pixels/s) above which a bin counts as moving when fitting the track's axis. */
  axisFitPixelsPerSecond: number;
  /** Positions are interpolated across tracking gaps up to this long (s); longer gaps leave NaN bins. */
  maxGapSeconds: number;
  /** A position repeated unchanged for longer than this (s) is a tracker holding its last value (see cleanTrackingSamples). */
  maxHeldSeconds: number;
  /** Bins further than this from the track's axis (cm) are off the track (e.g. in a rest box). */
  maxOffAxisCm: number;
  /** Running: speed along the track at or above this (cm/s) … */
  runSpeedCmPerS: number;
  /** … sustained for at least this long (s). */
  minRunSeconds: number;
  /** Gaussian smoothing of speed, in s (σ). */
  speedSigmaSeconds: number;
}

export const LINEAR_TRACK_DEFAULTS: LinearTrackParams = {
  binSize: 0.05,
  trackLengthCm: 150,
  pixelsPerCm: null,
  axisFitPixelsPerSecond: 30,
  maxGapSeconds: 0.5,
  maxHeldSeconds: 10,
  maxOffAxisCm: 20,
  runSpeedCmPerS: 10,
  minRunSeconds: 1,
  speedSigmaSeconds: 0.2,
};

export interface PreparedLinearTrack {
  params: LinearTrackParams;
  /** Left edge of bin 0 in the recording's clock (s): the first video frame. */
  start: number;
  /** Spike counts, bins × units (units in the order of recording.spikes.units). */
  counts: Matrix;
  /** Position along the track per bin, cm (NaN where the tracking has no position). */
  position: Float64Array;
  /** Distance from the track's axis per bin, cm. */
  offAxis: Float64Array;
  /** The LED's pixel coordinates per bin (interpolated at bin centres; NaN without position). */
  x: Float64Array;
  y: Float64Array;
  /** Speed along the track per bin, cm/s. */
  speed: Float64Array;
  track: LinearizedTrack;
  epochs: RunningEpochs;
  report: {
    units: number;
    spikes: number;
    spikesBinned: number;
    spikesOutsideBins: number;
    bins: number;
    tracking: TrackingSampleReport;
    gapBins: number;
    outsideBins: number;
    offTrackBins: number;
    /** The header's pixel scale when it gives one, else null (then trackLengthCm sets the scale). */
    headerPixelsPerCm: number | null;
  };
}

/** Bins, linearises and splits a raw linear-track recording; see the module comment. */
export function prepareLinearTrack(recording: LinearTrackRecording, params: Partial<LinearTrackParams> = {}): PreparedLinearTrack {
  const p = withDefaults<LinearTrackParams>(LINEAR_TRACK_DEFAULTS, params, "prepareLinearTrack");
  const tr = recording.tracking;
  const clean = cleanTrackingSamples(tr.seconds, tr.x, tr.y, { missing: "drop", maxHeldSeconds: p.maxHeldSeconds });
  if (clean.report.kept < 2) throw new ValidationError(`prepareLinearTrack: ${clean.report.kept} usable video frames (of ${clean.report.frames})`);
  const start = clean.seconds[0];
  // Bins cover the whole video, held stretches included (as bins without a position), so no spike
  // leaves the count matrix because the tracker stalled.
  const lastFrame = Math.max(clean.seconds[clean.seconds.length - 1], ...clean.report.heldSpans.map((span) => span[1]));
  const bins = Math.floor((lastFrame - start) / p.binSize);
  if (bins < 2) throw new ValidationError(`prepareLinearTrack: the video spans fewer than 2 bins of ${p.binSize} s`);
  const end = start + bins * p.binSize;
  const counts = binSpikeTimes(recording.spikes.units.map((u) => u.times), { binSize: p.binSize, start, end });
  let spikesBinned = 0;
  for (let i = 0; i < counts.data.length; i++) spikesBinned += counts.data[i];

  const opts = { start, binSize: p.binSize, bins, maxGap: p.maxGapSeconds };
  const xs = samplesAtBins(clean.seconds, clean.x, opts), ys = samplesAtBins(clean.seconds, clean.y, opts);
  // The axis is fitted on bins where the animal moves (pixels/s), so time spent resting elsewhere does not tilt it.
  const planar = new Float64Array(bins).fill(NaN);
  for (let i = 1; i + 1 < bins; i++) {
    const dx = xs.values[i + 1] - xs.values[i - 1], dy = ys.values[i + 1] - ys.values[i - 1];
    planar[i] = Math.hypot(dx, dy) / (2 * p.binSize);
  }
  const finite = Array.from(xs.values, (v, i) => Number.isFinite(v) && Number.isFinite(ys.values[i]));
  const moving = Array.from(planar, (v, i) => finite[i] && v >= p.axisFitPixelsPerSecond);
  const headerScale = tr.pixelsPerCm;
  const pixelsPerCm = p.pixelsPerCm ?? headerScale ?? undefined;
  const fitX = Float64Array.from(xs.values, (v) => (Number.isFinite(v) ? v : 0));
  const fitY = Float64Array.from(ys.values, (v) => (Number.isFinite(v) ? v : 0));
  const track = linearizeTrack(fitX, fitY, { fitMask: moving, trackLengthCm: p.trackLengthCm, pixelsPerCm });
  const position = Float64Array.from(track.position, (v, i) => (finite[i] ? v : NaN));
  const offAxis = Float64Array.from(track.offAxis, (v, i) => (finite[i] ? v : NaN));
  const speed = speedFromPosition(position, p.binSize, p.speedSigmaSeconds / p.binSize);
  const onTrack = Array.from(offAxis, (d) => Number.isFinite(d) && Math.abs(d) <= p.maxOffAxisCm);
  const offTrackBins = onTrack.reduce((s, ok, i) => s + (!ok && finite[i] ? 1 : 0), 0);
  const epochs = runningEpochs(speed, { threshold: p.runSpeedCmPerS, minBins: Math.max(1, Math.round(p.minRunSeconds / p.binSize)), valid: onTrack });
  return {
    params: p, start, counts, position, offAxis, x: xs.values, y: ys.values, speed, track, epochs,
    report: {
      units: recording.spikes.units.length, spikes: recording.spikes.counts.spikes, spikesBinned,
      spikesOutsideBins: recording.spikes.counts.spikes - spikesBinned, bins, tracking: clean.report,
      gapBins: xs.gapBins, outsideBins: xs.outsideBins, offTrackBins, headerPixelsPerCm: headerScale,
    },
  };
}

/** What was read, kept and excluded, one line each, for printing. */
export function linearTrackSummary(recording: LinearTrackRecording, prepared: PreparedLinearTrack): string[] {
  const r = prepared.report, e = prepared.epochs, p = prepared.params, t = prepared.track;
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)} %`;
  return [
    ...describeLinearTrackRecording(recording),
    `video frames dropped: ${r.tracking.missingLed} with no LED (0, 0), ${r.tracking.nonIncreasingTime} with a repeated or earlier time and ` +
      `${r.tracking.heldFrames} holding one position for longer than ${p.maxHeldSeconds} s` +
      (r.tracking.heldSpans.length ? ` (${r.tracking.heldSpans.map(([a, b]) => `${a.toFixed(1)}–${b.toFixed(1)} s`).join(", ")})` : "") +
      ` (of ${r.tracking.frames})`,
    `bins: ${r.bins} of ${p.binSize} s; ${r.spikesBinned} spikes binned, ${r.spikesOutsideBins} outside the video's time span; ` +
      `${r.gapBins} bins in tracking gaps > ${p.maxGapSeconds} s and ${r.outsideBins} outside the frames have no position`,
    `track: axis fitted on ${t.fitted} moving bins (≥ ${p.axisFitPixelsPerSecond} px/s), across/along spread ${t.straightness.toFixed(2)}; ` +
      (r.headerPixelsPerCm || p.pixelsPerCm ? `scale ${t.pixelsPerCm.toFixed(2)} px/cm (given)` :
        `no pixel scale in the file: ASSUMED the run extent is ${p.trackLengthCm} cm (${t.pixelsPerCm.toFixed(2)} px/cm)`),
    `running: ${e.segments.length} epochs (≥ ${p.runSpeedCmPerS} cm/s for ≥ ${p.minRunSeconds} s) = ${e.runBins} bins (${pct(e.runBins, r.bins)}); ` +
      `rest ${e.restBins} bins; ${e.shortEpochs} shorter epochs counted as rest; ${r.offTrackBins} bins off the track (> ${p.maxOffAxisCm} cm from its axis); ${e.unknownBins} bins without speed`,
  ];
}
