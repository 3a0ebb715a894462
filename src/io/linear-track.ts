/**
 * A rodent recording in two raw lab files: MatClust spike times (`*.mat`) and a video position
 * tracking file (`*.videoPositionTracking`) on the same clock. `loadLinearTrackRecording()` reads
 * the shipped example (data/rat_linear_track) or any folder holding one file of each kind.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { readMatClustSpikes, type MatClustSpikes } from "./matclust.js";
import { dataDir } from "./paths.js";
import { readVideoTracking, type VideoTracking } from "./video-tracking.js";

export interface LinearTrackRecording {
  dir: string;
  spikeFile: string;
  trackingFile: string;
  spikes: MatClustSpikes;
  tracking: VideoTracking;
  /** Spikes before the first or after the last video frame (they have no position). */
  spikesOutsideTracking: number;
}

export interface LinearTrackLoadOptions {
  /** File names inside the folder, when it holds more than one of a kind. */
  spikeFile?: string;
  trackingFile?: string;
  /** MAT variable holding the spikes (default "spikes") and the spike-time field (default "time"). */
  variable?: string;
  field?: string;
}

function pick(dir: string, files: string[], suffix: string, chosen: string | undefined, option: string): string {
  if (chosen) {
    const p = join(dir, chosen);
    if (!existsSync(p)) throw new Error(`${p} does not exist (${option})`);
    return p;
  }
  const matches = files.filter((f) => f.endsWith(suffix));
  if (matches.length === 0) throw new Error(`${dir}: no *${suffix} file; a recording folder holds one MatClust .mat file and one .videoPositionTracking file`);
  if (matches.length > 1) throw new Error(`${dir}: ${matches.length} *${suffix} files (${matches.join(", ")}); choose one with ${option}`);
  return join(dir, matches[0]);
}

/** The shipped example recording's folder (data/rat_linear_track). */
export function linearTrackDir(): string {
  return join(dataDir(), "rat_linear_track");
}

/** What the two readers found and left out, one line per file, for printing. */
export function describeLinearTrackRecording(rec: LinearTrackRecording): string[] {
  const c = rec.spikes.counts, v = rec.tracking;
  return [
    `spikes (${rec.spikeFile}): ${c.units} units with ${c.spikes} spikes in ${c.groups} tetrodes; left out: ${c.emptyGroups} empty tetrodes, ` +
      `${c.emptySlots} empty unit slots, ${c.emptyUnits} units without spikes; ${c.unsortedUnits} units' spike times were out of order and sorted; ` +
      `${rec.spikesOutsideTracking} spikes fall outside the video's time span`,
    `video (${rec.trackingFile}): ${v.frames} frames at clockrate ${v.clockRate}; not read: ${v.unreadFields.length ? `fields ${v.unreadFields.join(", ")}` : "no field"}` +
      (v.trailingBytes ? `, ${v.trailingBytes} bytes after the last whole record` : ""),
  ];
}

/** Reads the spike times and the video tracking of a recording folder (default: the shipped example). */
export async function loadLinearTrackRecording(dir: string = linearTrackDir(), options: LinearTrackLoadOptions = {}): Promise<LinearTrackRecording> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder; pass a folder holding a .mat spike file and a .videoPositionTracking file`);
  const files = readdirSync(dir);
  const spikeFile = pick(dir, files, ".mat", options.spikeFile, "spikeFile");
  const trackingFile = pick(dir, files, ".videoPositionTracking", options.trackingFile, "trackingFile");
  const spikes = await readMatClustSpikes(spikeFile, { variable: options.variable, field: options.field });
  const tracking = readVideoTracking(trackingFile);
  if (spikes.units.length === 0) throw new Error(`${spikeFile}: no unit has spikes (${spikes.counts.unitStructs} unit structs, ${spikes.counts.emptySlots} empty slots)`);
  const t0 = tracking.seconds[0], t1 = tracking.seconds[tracking.frames - 1];
  let outside = 0;
  for (const u of spikes.units) for (const t of u.times) if (t < t0 || t > t1) outside++;
  if (outside === spikes.counts.spikes) {
    throw new Error(`${dir}: no spike falls within the video's ${t0.toFixed(1)}–${t1.toFixed(1)} s; the two files are not on one clock (check the tracking file's clockrate)`);
  }
  return { dir, spikeFile, trackingFile, spikes, tracking, spikesOutsideTracking: outside };
}
