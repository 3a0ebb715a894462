import { test } from "node:test";
import assert from "node:assert/strict";
import { LowRankRnn, dmsAccuracy, dmsTrials, rnnGainConditions, rnnGainInput } from "../../src/index.js";
import { readRnnJson } from "./rnn-file.js";

const net1 = LowRankRnn.fromWeights(readRnnJson("dms_rank2_500"));

test("trained network (net 1): DMS accuracy ≥ 0.85 at gain 1 and at chance at gain 0", () => {
  // 200 balanced trials per gain: the standard error of an accuracy near 0.9 is ≈ 0.02
  const g1 = dmsAccuracy(net1, { gain: 1, numTrials: 200, seed: 11 });
  assert.ok(g1.accuracy >= 0.85, `gain 1 accuracy ${g1.accuracy}`);
  // at gain 0 stimulus A looks like B: every trial reads as B-B ("match"), so half are right
  const g0 = dmsAccuracy(net1, { gain: 0, numTrials: 200, seed: 12 });
  assert.ok(Math.abs(g0.accuracy - 0.5) <= 0.1, `gain 0 accuracy ${g0.accuracy}`);
  assert.equal(g0.byType["A-A"], 1);
  assert.equal(g0.byType["A-B"], 0);
});

test("simulation is seeded, and the network is built as W_in = diag(si)·wi, w_out = wo·so", () => {
  const w = readRnnJson("dms_rank2_500");
  const si = w.tensors.si.data, wi = w.tensors.wi.data, so = w.tensors.so.data, wo = w.tensors.wo.data;
  assert.ok(Math.abs(net1.wIn.get(1, 7) - si[1] * wi[500 + 7]) < 1e-15);
  assert.ok(Math.abs(net1.wOut.get(9, 0) - wo[9] * so[0]) < 1e-15);
  const [trial] = dmsTrials(1, { gain: 1, seed: 3 });
  const a = net1.simulateTrial(trial.input, { seed: 5 });
  const b = net1.simulateTrial(trial.input, { seed: 5 });
  const c = net1.simulateTrial(trial.input, { seed: 6 });
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  assert.notDeepEqual(Array.from(a.data), Array.from(c.data));
  // one noiseless step by hand: h1 = h0 + α(−h0 + m nᵀ tanh(h0)/N + W_inᵀ u0)
  const u = [[0.3, -0.2]];
  let h1: Float64Array | null = null;
  net1.simulateTrial(u, { noiseStd: 0, onStep: (_t, h) => (h1 = Float64Array.from(h)) });
  const N = 500, m = w.tensors.m.data, n = w.tensors.n.data, h0 = w.tensors.h0.data;
  const kappa = [0, 0];
  for (let j = 0; j < N; j++) for (let k = 0; k < 2; k++) kappa[k] += (Math.tanh(h0[j]) * n[2 * j + k]) / N;
  for (const j of [0, 123, 499]) {
    const rec = m[2 * j] * kappa[0] + m[2 * j + 1] * kappa[1];
    const drive = 0.3 * si[0] * wi[j] - 0.2 * si[1] * wi[N + j];
    const expected = h0[j] + 0.2 * (-h0[j] + rec + drive);
    assert.ok(Math.abs(h1![j] - expected) < 1e-12, `unit ${j}`);
  }
});

test("resampled (support) network: vectors from the Gaussian basis and population masks", () => {
  const w = readRnnJson("dms_rank2_500_sampled_1");
  const net = LowRankRnn.fromWeights(w);
  const G = w.tensors.gaussian_basis.data, S = w.tensors.supports.data;
  const mw = w.tensors.m_weights.data, mb = w.tensors.m_biases.data;
  const N = 500, P = 2, B = 7;
  for (const j of [0, 250, 499]) {
    for (const k of [0, 1]) {
      let v = 0;
      for (let p = 0; p < P; p++) {
        let acc = mb[k * P + p];
        for (let b = 0; b < B; b++) acc += mw[(k * P + p) * B + b] * G[b * N + j];
        v += acc * S[p * N + j];
      }
      assert.ok(Math.abs(net.m.get(j, k) - v) < 1e-12);
    }
  }
  const resampled = LowRankRnn.fromWeights(w, { resampleBasisSeed: 1 });
  assert.notEqual(resampled.m.get(0, 0), net.m.get(0, 0));
  assert.equal(net.wIn.rows, 2);
  assert.equal(net.wOut.cols, 1);
});

test("rnnGainConditions: epochs, transient, PCA to 3, unstimulated then stimulated conditions", () => {
  const r = rnnGainConditions(net1, { gains: [1, 0], trialsPerGain: 3, pcaFitTrialsPerGain: 2, seed: 1 });
  assert.deepEqual(r.names, ["gain 1.00, unstimulated", "gain 0.00, unstimulated", "gain 1.00, stimulated", "gain 0.00, stimulated"]);
  assert.deepEqual(r.stimulated, [false, false, true, true]);
  // per trial: unstimulated epochs keep 10 − 1, 135 − 1, 35 − 1 points; stimulated 2 × (10 − 1)
  assert.equal(r.anchor[0].rows, 3 * (9 + 134 + 34));
  assert.equal(r.anchor[2].rows, 3 * 18);
  assert.equal(r.anchor[0].cols, 3);
  assert.equal(r.simulated, true);
  // vectors are the next anchor minus this one within a segment
  assert.ok(Math.abs(r.anchor[0].get(1, 0) - r.anchor[0].get(0, 0) - r.vector[0].get(0, 0)) < 1e-12);
  assert.equal(r.step[2][0], 25 + 15);
  // the stimulus moves the state: stimulated speeds at gain 1 exceed those at gain 0
  const meanSpeed = (V: import("../../src/index.js").Matrix) => {
    let s = 0;
    for (let i = 0; i < V.rows; i++) s += Math.hypot(...V.row(i));
    return s / V.rows;
  };
  assert.ok(meanSpeed(r.vector[2]) > 1.5 * meanSpeed(r.vector[3]), `${meanSpeed(r.vector[2])} vs ${meanSpeed(r.vector[3])}`);
  const u = rnnGainInput(0.4, [0, 25, 50, 200, 225, 275]);
  assert.equal(u.get(24, 0), 0);
  assert.equal(u.get(25, 0), 0.4);
  assert.equal(u.get(210, 0), 0.4);
  assert.equal(u.get(230, 0), 0);
  assert.equal(u.get(30, 1), 0);
});
