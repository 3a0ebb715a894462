import { test } from "node:test";
import assert from "node:assert/strict";
import { simulatePopulationRecording } from "../../src/simulators/synthetic-recording.js";
import { gaussianSmooth, positionsAndVelocities } from "../../src/preprocessing/index.js";
import { diagnoseRecording, formatDiagnostics } from "../../src/diagnostics/diagnose.js";

test("spike counts whose variance is mostly noise: the PCA dimension follows the spectrum's elbow", () => {
  const rec = simulatePopulationRecording({ numNeurons: 300, numBins: 1200, numTrials: 4, seed: 3 });
  const { anchor, vector } = positionsAndVelocities(gaussianSmooth(rec.counts, { sigma: 5 }));
  const report = diagnoseRecording({ anchor, vector, k: 15, maxBruteForceWork: 0 });
  // no candidate keeps 90 %: the variance rule alone would pick the largest candidate (20)
  assert.ok(report.pcaVariance!.every((v) => v.varianceKept < 0.9), JSON.stringify(report.pcaVariance));
  // the latent is 2-D, so the smallest candidate at or above the elbow is 3
  assert.equal(report.recommended.pcaDims, 3);
  assert.ok(report.notes.some((n) => /drops most after component 2/.test(n)), report.notes.join("\n"));
  assert.equal(report.asGiven, null); // not built: maxBruteForceWork = 0
  assert.match(formatDiagnostics(report), /PCA to 3 dimensions/);
});

test("the graph as given is reported per condition when it is built", () => {
  const rec = simulatePopulationRecording({ numNeurons: 40, numBins: 600, numTrials: 2, seed: 4 });
  const { anchor } = positionsAndVelocities(gaussianSmooth(rec.counts, { sigma: 3 }));
  const report = diagnoseRecording({ anchor: [anchor.sliceRows(0, 299), anchor.sliceRows(299, 599)], k: 10 });
  assert.ok(report.asGiven);
  assert.equal(report.asGiven!.dim, 40);
  assert.equal(report.asGiven!.components.length, 2);
  for (const c of report.asGiven!.components) assert.ok(c >= 1);
});
