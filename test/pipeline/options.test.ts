/** RecordingPipeline checks all of its options when it is constructed, before any recording is read. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ValidationError } from "../../src/core/index.js";
import { RecordingPipeline } from "../../src/pipeline/index.js";

function rejects(params: Record<string, unknown>, pattern: RegExp): void {
  assert.throws(() => new RecordingPipeline(params as never), (e: Error) => {
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${e.name}: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test("pipeline options: typos, types, nested diagnostics options and condition labels", () => {
  rejects({ pca_dims: 5 }, /RecordingPipeline: unknown option "pca_dims"; did you mean "pcaDims"\?/);
  rejects({ standardize: "yes" }, /standardize must be true or false, got "yes" \(a string\)/);
  // diagnostics options used to be checked only when pcaDims "auto" ran them, after smoothing
  rejects({ diagnostics: { kk: 10 } }, /RecordingPipeline: diagnostics: unknown option "kk"; did you mean "k"\?/);
  rejects({ diagnostics: { k: 0 } }, /RecordingPipeline: diagnostics: k must be an integer ≥ 1, got 0/);
  rejects({ savgol: { window: 5, polyorder: 2 } }, /RecordingPipeline: savgol: unknown option "polyorder"\. Valid options: window, order/);
  rejects({ savgol: { window: 6, order: 2 } }, /savgol.window must be odd, got 6; use 7 or 5/);
  rejects({ conditionOrder: ["left", "right", "left"] }, /conditionOrder lists "left" twice/);
  assert.doesNotThrow(() => new RecordingPipeline({ diagnostics: { k: 10, kCandidates: [] }, conditionOrder: ["left", 2] }));
});

test("fit options and a PCA dimension above the neuron count are refused before smoothing", () => {
  const activity = Array.from({ length: 30 }, (_, t) => [Math.sin(t / 3), Math.cos(t / 3), t / 30]);
  const recording = { activity, binSeconds: 0.01 };
  assert.throws(() => new RecordingPipeline({ pcaDims: 2 }).fit(recording, { trial: [1] } as never), /RecordingPipeline.fit: unknown option "trial"; did you mean "trials"\?/);
  assert.throws(() => new RecordingPipeline({ pcaDims: 5 }).fit(recording), /pcaDims = 5 exceeds the number of neurons \(3\); choose at most 3/);
});
