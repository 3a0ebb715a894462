// Preprocessing of raw tracking recordings: cleaning frames, linearising a track, positions at bins,
// speed and running epochs, pass-grouped folds, per-segment rows and decoding controls; then the
// whole preparation on the shipped linear-track recording.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Matrix, cleanTrackingSamples, linearizeTrack, samplesAtBins, speedFromPosition, runningEpochs, segmentFolds, segmentRows,
  statesAndDifferences, decodeWithControls, medianAbsoluteError, permutation, loadLinearTrackRecording, prepareLinearTrack, linearTrackSummary,
} from "../../src/index.js";

test("cleanTrackingSamples drops a position held unchanged longer than maxHeldSeconds, keeping the run's first frame, and counts it", () => {
  // 1 frame/s: moving for 5 s, then one position repeated from t = 5 to t = 20, then moving again; a 3-s stillness stays.
  const t = Array.from({ length: 30 }, (_, i) => i);
  const x = t.map((i) => (i >= 5 && i <= 20 ? 50 : i >= 24 && i <= 26 ? 70 : 10 + i));
  const y = t.map(() => 5);
  const r = cleanTrackingSamples(t, x, y);
  assert.equal(r.report.heldFrames, 15);
  assert.deepEqual(r.report.heldSpans, [[5, 20]]);
  assert.equal(r.report.kept, 15);
  assert.ok(r.seconds.includes(5) && !r.seconds.includes(6) && !r.seconds.includes(20), "the run's first frame is kept, the held ones are not");
  assert.ok([24, 25, 26].every((s) => r.seconds.includes(s)), "a short stillness is not a held value");
  assert.equal(cleanTrackingSamples(t, x, y, { maxHeldSeconds: Infinity }).report.kept, 30);
  assert.throws(() => cleanTrackingSamples(t, x, y, { missing: "error" }), /stays exactly the same from t = 5 s to 20 s/);
  assert.throws(() => cleanTrackingSamples(t, x, y, { maxHeldSeconds: 0 }), /maxHeldSeconds must be > 0/);
});

test("cleanTrackingSamples drops and counts lost LEDs and non-increasing times; policy error refuses them", () => {
  const t = [0, 1, 2, 2, 3, 2.5, 4], x = [5, 0, 6, 7, 8, 9, 10], y = [5, 0, 6, 7, 8, 9, 0];
  const r = cleanTrackingSamples(t, x, y);
  assert.deepEqual(Array.from(r.seconds), [0, 2, 3, 4]);
  assert.deepEqual(Array.from(r.x), [5, 6, 8, 10]);
  assert.deepEqual(r.report, { frames: 7, missingLed: 1, nonIncreasingTime: 2, heldFrames: 0, heldSpans: [], kept: 4, policy: "drop" });
  assert.throws(() => cleanTrackingSamples(t, x, y, { missing: "error" }), /frame 1 \(t = 1 s\) has no LED position/);
  assert.throws(() => cleanTrackingSamples([0, 1], [1], [1, 2]), /2 times but 1 x/);
});

test("linearizeTrack recovers position along a tilted track and the distance from it", () => {
  const angle = 0.6, n = 400;
  const x: number[] = [], y: number[] = [], truth: number[] = [], across: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = (i / (n - 1)) * 300, d = ((i * 37) % 11) - 5; // pixels along and across
    x.push(100 + s * Math.cos(angle) - d * Math.sin(angle));
    y.push(50 + s * Math.sin(angle) + d * Math.cos(angle));
    truth.push(s);
    across.push(d);
  }
  const known = linearizeTrack(x, y, { pixelsPerCm: 2 });
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(known.position[i] - (truth[i] - truth[Math.round(0.01 * (n - 1))]) / 2) < 0.6, `position ${i}`);
    assert.ok(Math.abs(known.offAxis[i] - across[i] / 2) < 0.6, `off-axis ${i}`);
  }
  assert.ok(Math.abs(known.axis[0] - Math.cos(angle)) < 1e-3 && Math.abs(known.axis[1] - Math.sin(angle)) < 1e-3);
  const assumed = linearizeTrack(x, y, { trackLengthCm: 150 });
  assert.ok(Math.abs(assumed.lengthCm - 150) < 1e-9);
  assert.ok(Math.abs(assumed.pixelsPerCm - (0.98 * 300) / 150) < 0.05);
  // samples away from the track (a rest box) do not tilt the axis when left out of the fit
  const xs = [...x, ...Array(300).fill(500)], ys = [...y, ...Array(300).fill(0)];
  const fitMask = xs.map((_, i) => i < n);
  const masked = linearizeTrack(xs, ys, { trackLengthCm: 150, fitMask: fitMask });
  assert.ok(Math.abs(masked.axis[0] - Math.cos(angle)) < 1e-3);
  assert.ok(Math.abs(masked.offAxis[n + 1]) > 50, "the rest box is far from the axis");
  assert.throws(() => linearizeTrack(x, y, {}), /pass trackLengthCm/);
  assert.throws(() => linearizeTrack([1, 1], [2, 2], { trackLengthCm: 1 }), /do not move/);
});

test("samplesAtBins interpolates at bin centres and leaves gaps and the outside as counted NaN", () => {
  const r = samplesAtBins([0, 1, 2, 5, 6], [0, 10, 20, 50, 60], { start: 0, binSize: 1, bins: 8, maxGap: 1.5 });
  // centres 0.5 … 7.5
  assert.deepEqual(Array.from(r.values.slice(0, 2)), [5, 15]);
  assert.ok(Number.isNaN(r.values[2]) && Number.isNaN(r.values[3]) && Number.isNaN(r.values[4]), "the 2 → 5 gap is not filled");
  assert.equal(r.values[5], 55);
  assert.equal(r.gapBins, 3);
  assert.equal(r.outsideBins, 2);
  assert.throws(() => samplesAtBins([0, 1, 1], [0, 1, 2], { start: 0, binSize: 1, bins: 2, maxGap: 1 }), /times must increase strictly/);
});

test("speedFromPosition: constant speed, one-sided at the ends and next to NaN", () => {
  const pos = Float64Array.from({ length: 20 }, (_, i) => 3 * i);
  pos[10] = NaN;
  const s = speedFromPosition(pos, 0.5);
  for (let i = 0; i < 20; i++) {
    if (i === 10) assert.ok(Number.isNaN(s[i]));
    else assert.ok(Math.abs(s[i] - 6) < 1e-12, `bin ${i}: ${s[i]}`);
  }
  const smooth = speedFromPosition(pos, 0.5, 2);
  assert.ok(Math.abs(smooth[3] - 6) < 1e-12 && Number.isNaN(smooth[10]));
});

test("runningEpochs: segments above threshold, short ones and invalid bins counted, every bin accounted for", () => {
  const speed = [0, 5, 5, 5, 0, 5, 0, 5, 5, 5, 5, NaN, 5, 5, 5];
  const valid = speed.map((_, i) => i !== 9);
  const e = runningEpochs(speed, { threshold: 5, minBins: 3, valid: valid });
  assert.deepEqual(e.segments, [{ start: 1, end: 4 }, { start: 12, end: 15 }]);
  assert.equal(e.shortEpochs, 3, "[5], [7, 9) (bin 9 is invalid) and [10] (bin 11 has no speed) are too short");
  assert.equal(e.invalidBins, 1);
  assert.equal(e.unknownBins, 1);
  assert.equal(e.runBins + e.restBins + e.unknownBins, speed.length);
  assert.equal(e.segmentOf[13], 1);
  assert.equal(e.segmentOf[5], -1);
});

test("segmentFolds: every segment is tested exactly once and never trained on in its fold", () => {
  const folds = segmentFolds(23, 5);
  const tested = new Array(23).fill(0);
  for (const f of folds) {
    for (const s of f.test) tested[s]++;
    assert.equal(f.train.length + f.test.length, 23);
    assert.ok(f.test.every((s) => !f.train.includes(s)));
    assert.deepEqual(f.test, Array.from({ length: f.test.length }, (_, i) => f.test[0] + i), "a fold tests consecutive segments");
  }
  assert.ok(tested.every((c) => c === 1));
  assert.throws(() => segmentFolds(3, 5), /3 segments cannot fill 5 folds/);
});

test("segmentRows smooths within segments, statesAndDifferences never differences across them", () => {
  const data = new Matrix(10, 1, Float64Array.from([0, 0, 0, 0, 100, 100, 1, 2, 3, 4]));
  const r = segmentRows(data, [{ start: 0, end: 4 }, { start: 6, end: 10 }], 2);
  assert.equal(r.data.rows, 8);
  for (let i = 0; i < 4; i++) assert.equal(r.data.data[i], 0, "the 100s next to the first segment do not leak into it");
  assert.deepEqual(Array.from(r.bin), [0, 1, 2, 3, 6, 7, 8, 9]);
  const raw = segmentRows(data, [{ start: 0, end: 4 }, { start: 6, end: 10 }]);
  const d = statesAndDifferences(raw.data, raw.segment);
  assert.deepEqual(Array.from(d.kept), [0, 1, 2, 4, 5, 6]);
  assert.deepEqual(Array.from(d.vectors.data), [0, 0, 0, 1, 1, 1]);
});

test("decodeWithControls: an informative embedding beats its shuffled and time-shifted controls", () => {
  const n = 600;
  const y = Array.from({ length: n }, (_, i) => 75 + 75 * Math.sin(i / 15));
  const z = new Matrix(n, 2, Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 ? Math.sin(y[k >> 1] / 50) : Math.cos(y[k >> 1] / 50))));
  const train = Array.from({ length: 400 }, (_, i) => i), test = Array.from({ length: 200 }, (_, i) => 400 + i);
  const r = decodeWithControls(z.selectRows(train), train.map((i) => y[i]), z.selectRows(test), test.map((i) => y[i]), { k: 5 });
  assert.ok(r.error < 2, `error ${r.error}`);
  assert.ok(r.shuffledError > 10 * r.error && r.shiftedError > 10 * r.error, `controls ${r.shuffledError}, ${r.shiftedError}`);
  assert.equal(medianAbsoluteError([1, 2, 3], [1, 1, 1]), 1);
  const p = permutation(50, 3);
  assert.deepEqual(Array.from(p).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual(Array.from(p), Array.from({ length: 50 }, (_, i) => i));
});

test("prepareLinearTrack on the shipped recording: bins, an assumed scale, passes on the track", async () => {
  const rec = await loadLinearTrackRecording();
  const p = prepareLinearTrack(rec);
  assert.equal(p.counts.cols, 31);
  assert.equal(p.report.spikesBinned + p.report.spikesOutsideBins, 28829);
  assert.equal(p.report.tracking.nonIncreasingTime, 1, "one frame repeats a time");
  assert.equal(p.report.tracking.missingLed, 0);
  // the file's last ~980 s repeat one position to the pixel: a tracker holding its last value
  assert.ok(p.report.tracking.heldFrames > 50000, `${p.report.tracking.heldFrames} held frames`);
  const spans = p.report.tracking.heldSpans.map(([a, b]) => b - a);
  assert.deepEqual(spans.map((d) => Math.round(d)), [26, 997], `held spans ${p.report.tracking.heldSpans}`);
  assert.equal(p.report.spikesOutsideBins, 4, "bins still cover the whole video: held stretches are bins without a position");
  assert.ok(Math.abs(p.track.lengthCm - 150) < 1e-9);
  assert.ok(p.track.straightness < 0.35, `the running positions lie along a line (${p.track.straightness})`);
  assert.ok(p.epochs.segments.length >= 50, `${p.epochs.segments.length} passes`);
  for (const s of p.epochs.segments) {
    for (let b = s.start; b < s.end; b++) {
      assert.ok(p.position[b] > -15 && p.position[b] < 165, `bin ${b}: ${p.position[b]} cm`);
      assert.ok(p.speed[b] >= 10);
    }
  }
  const lines = linearTrackSummary(rec, p);
  assert.match(lines.join("\n"), /ASSUMED the run extent is 150 cm/);
  assert.match(lines[0], /31 units with 28829 spikes in 6 tetrodes; left out: 7 empty tetrodes/);
  const scaled = prepareLinearTrack(rec, { pixelsPerCm: 2 });
  assert.ok(Math.abs(scaled.track.pixelsPerCm - 2) < 1e-12);
});
