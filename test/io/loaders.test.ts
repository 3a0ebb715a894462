// The shipped datasets load with the shapes and totals documented in data/README.md, and every
// copy of a rat (joblib, MAT export, .npy) gives the same matrix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadRatHippocampus, loadLowRankRnn, dataDir, RNN_WEIGHT_NAMES, readTorchStateDict, readTorch, readMat5, matToMatrix, Matrix, type RatHippocampusData } from "../../src/index.js";

function sum(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

function assertSameRat(a: RatHippocampusData, b: RatHippocampusData) {
  assert.deepEqual([a.spikes.rows, a.spikes.cols], [b.spikes.rows, b.spikes.cols]);
  let diff = 0;
  for (let i = 0; i < a.spikes.data.length; i++) if (a.spikes.data[i] !== b.spikes.data[i]) diff++;
  assert.equal(diff, 0, "spike matrices differ");
  assert.deepEqual(Array.from(a.direction), Array.from(b.direction));
  for (let t = 0; t < a.position.length; t++) assert.ok(Math.abs(a.position[t] - b.position[t]) < 1e-12);
}

test("dataDir finds the repository's data folder and honours MARBLE_DATA_DIR", () => {
  assert.match(dataDir(), /data$/);
  const saved = process.env.MARBLE_DATA_DIR;
  process.env.MARBLE_DATA_DIR = "/tmp/somewhere";
  try {
    assert.equal(dataDir(), "/tmp/somewhere");
  } finally {
    if (saved === undefined) delete process.env.MARBLE_DATA_DIR;
    else process.env.MARBLE_DATA_DIR = saved;
  }
});

test("achilles from the MAT export: 10178 × 120, 53,471 spikes, equal to the .npy copy", () => {
  const mat = loadRatHippocampus("achilles");
  assert.equal(mat.file.endsWith(".mat"), true);
  assert.deepEqual([mat.spikes.rows, mat.spikes.cols], [10178, 120]);
  assert.equal(sum(mat.spikes.data), 53471);
  assert.equal(mat.binSeconds, 0.025);
  assert.equal(mat.position.length, 10178);
  const npy = loadRatHippocampus("achilles", { source: "npy" });
  assertSameRat(mat, npy);
  // Directions are one-hot in the labels: every bin is right or left.
  assert.equal(mat.direction.filter((d) => d === 0).length, 0);
  const maxPos = Math.max(...mat.position);
  assert.ok(maxPos > 1.4 && maxPos <= 1.6, `track length ${maxPos}`);
});

test("buddy from CEBRA's joblib file: 6577 × 48, equal to the .npy copy", () => {
  const jl = loadRatHippocampus("buddy");
  assert.equal(jl.file.endsWith("buddy.jl"), true);
  assert.deepEqual([jl.spikes.rows, jl.spikes.cols], [6577, 48]);
  assert.equal(sum(jl.spikes.data), 7269);
  const npy = loadRatHippocampus("buddy", { source: "npy" });
  assertSameRat(jl, npy);
  const right = jl.direction.filter((d) => d === 1).length;
  const left = jl.direction.filter((d) => d === -1).length;
  assert.equal(right + left, 6577);
});

test("rats not shipped give a clear error saying how to fetch them", () => {
  const empty = mkdtempSync(join(tmpdir(), "rat-"));
  try {
    assert.throws(
      () => loadRatHippocampus("cicero", { cacheDir: empty }),
      /cicero\.jl is not in .* or the cache .*marble data fetch rat-hippocampus --file cicero\.jl/,
    );
    assert.throws(() => loadRatHippocampus("gatsby", { source: "mat" }), /only achilles has a MAT export/);
    assert.throws(() => loadRatHippocampus("nobody" as "buddy"), /unknown rat "nobody"; choose one of achilles, buddy, cicero, gatsby/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("fetched rats load from the download cache", () => {
  const cache = mkdtempSync(join(tmpdir(), "rat-cache-"));
  try {
    mkdirSync(join(cache, "rat-hippocampus"));
    // Stand-in for a fetched file: CEBRA's buddy.jl has the same layout as gatsby.jl.
    copyFileSync(join(dataDir(), "rat_hippocampus", "buddy.jl"), join(cache, "rat-hippocampus", "gatsby.jl"));
    const g = loadRatHippocampus("gatsby", { cacheDir: cache });
    assert.equal(g.name, "gatsby");
    assert.equal(g.file, join(cache, "rat-hippocampus", "gatsby.jl"));
    assert.deepEqual([g.spikes.rows, g.spikes.cols], [6577, 48]);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test("each RNN weight file loads with the documented tensor shapes", () => {
  const trained: Record<string, number[]> = { wi: [2, 500], si: [2], m: [500, 2], n: [500, 2], wo: [500, 1], so: [1], h0: [500] };
  for (const name of ["dms_rank2_500", "dms_rank2_500_2"] as const) {
    const net = loadLowRankRnn(name);
    assert.equal(net.kind, "LowRankRNN");
    assert.deepEqual([net.hiddenSize, net.inputSize, net.outputSize, net.rank], [500, 2, 1, 2]);
    assert.equal(net.noiseStd, 0.05);
    assert.equal(net.alpha, 0.2);
    assert.equal(net.populationLabels, null);
    assert.deepEqual(Object.keys(net.tensors).sort(), Object.keys(trained).sort());
    for (const [k, shape] of Object.entries(trained)) {
      assert.deepEqual(net.tensors[k].shape, shape, `${name}.${k}`);
      assert.ok(net.tensors[k].data instanceof Float64Array);
      assert.equal(net.tensors[k].data.length, shape.reduce((a, b) => a * b, 1));
    }
  }
  // The two trained solutions differ.
  assert.notDeepEqual(Array.from(loadLowRankRnn("dms_rank2_500").tensors.m.data), Array.from(loadLowRankRnn("dms_rank2_500_2").tensors.m.data));
  for (const name of ["dms_rank2_500_sampled_1", "dms_rank2_500_sampled_2"] as const) {
    const net = loadLowRankRnn(name);
    assert.equal(net.kind, "SupportLowRankRNN");
    assert.deepEqual(net.tensors.gaussian_basis.shape, [7, 500]);
    assert.deepEqual(net.tensors.supports.shape, [2, 500]);
    assert.deepEqual(net.tensors.m_weights.shape, [2, 2, 7]);
    assert.ok(net.populationLabels instanceof Int32Array && net.populationLabels.length === 500);
    const pops = new Set(net.populationLabels);
    assert.deepEqual([...pops].sort(), [0, 1]);
  }
  assert.equal(RNN_WEIGHT_NAMES.length, 4);
  assert.throws(() => loadLowRankRnn("dms_rank3"), /unknown network "dms_rank3"; choose one of dms_rank2_500/);
});

test("the original PyTorch .pt files hold exactly the tensors of the JSON copies", () => {
  for (const name of RNN_WEIGHT_NAMES) {
    const pt = readTorchStateDict(join(dataDir(), "rnn", `${name}.pt`));
    const json = loadLowRankRnn(name);
    for (const [key, t] of Object.entries(json.tensors)) {
      const a = pt[key];
      assert.ok(a, `${name}.pt lacks ${key}`);
      assert.ok(a.dtype === "f4" || a.dtype === "f8", a.dtype);
      assert.deepEqual(a.shape, t.shape, `${name}.${key}`);
      assert.deepEqual(Array.from(a.data as Float32Array), Array.from(t.data), `${name}.${key}`);
    }
    if (json.populationLabels) {
      // The resampled files are (population labels, state dict) tuples.
      const whole = readTorch(join(dataDir(), "rnn", `${name}.pt`)) as unknown[];
      const labels = whole[0] as { data: ArrayLike<number | bigint> };
      assert.deepEqual(Array.from(labels.data, Number), Array.from(json.populationLabels));
    }
  }
  assert.throws(() => readTorchStateDict(join(dataDir(), "rnn", "dms_rank2_500.json")), /not a zip-format PyTorch file/);
});

/** Mean over neurons of the correlation between place fields (40 position bins) of the two halves of the session. */
function splitHalfPlaceFieldCorrelation(spikes: Matrix, position: Float64Array, bins = 40): number {
  const T = spikes.rows;
  const N = spikes.cols;
  let maxPos = 0;
  for (const p of position) maxPos = Math.max(maxPos, p);
  const field = (from: number, to: number) => {
    const sum = new Float64Array(bins * N);
    const count = new Float64Array(bins);
    for (let t = from; t < to; t++) {
      const b = Math.min(bins - 1, Math.floor((position[t] / maxPos) * bins));
      count[b]++;
      for (let i = 0; i < N; i++) sum[b * N + i] += spikes.data[t * N + i];
    }
    for (let b = 0; b < bins; b++) for (let i = 0; i < N; i++) sum[b * N + i] /= Math.max(1, count[b]);
    return sum;
  };
  const A = field(0, Math.floor(T / 2));
  const B = field(Math.floor(T / 2), T);
  let total = 0;
  let used = 0;
  for (let i = 0; i < N; i++) {
    let ma = 0, mb = 0;
    for (let b = 0; b < bins; b++) {
      ma += A[b * N + i];
      mb += B[b * N + i];
    }
    ma /= bins;
    mb /= bins;
    let sab = 0, saa = 0, sbb = 0;
    for (let b = 0; b < bins; b++) {
      const da = A[b * N + i] - ma;
      const db = B[b * N + i] - mb;
      sab += da * db;
      saa += da * da;
      sbb += db * db;
    }
    if (saa > 0 && sbb > 0) {
      total += sab / Math.sqrt(saa * sbb);
      used++;
    }
  }
  return total / used;
}

test("unscrambling the achilles MAT export restores stable place fields", () => {
  const rat = loadRatHippocampus("achilles");
  const stored = matToMatrix(readMat5(rat.file).neuralDataMat, "neuralDataMat");
  const restored = splitHalfPlaceFieldCorrelation(rat.spikes, rat.position);
  const scrambled = splitHalfPlaceFieldCorrelation(stored, rat.position);
  // Measured: 0.43 after unscrambling, -0.02 as stored (NumPy gives the same numbers).
  assert.ok(restored > 0.3, `restored ${restored}`);
  assert.ok(Math.abs(scrambled) < 0.1, `scrambled ${scrambled}`);
});
