import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { Random } from "../../src/core/index.js";
import { Marble } from "../../src/model/index.js";
import { checkGradient } from "./fd.js";
import { buildToyDataset, toyFields, knnAccuracy } from "./toy-data.js";

test("parameter counts equal the paper's configurations", () => {
  const vdp = new Marble({ signalDim: 3, dim: 3, dimMan: 3, localGauges: false }, { order: 2, hiddenChannels: [32], outChannels: 5 });
  assert.equal(vdp.shape.mlpInput, 39);
  assert.equal(vdp.parameterCount, 1510);
  const rat = new Marble({ signalDim: 20, dim: 20, dimMan: 20, localGauges: false }, { order: 1, includePositions: true, hiddenChannels: [64], outChannels: 32, embNorm: true, diffusion: false });
  assert.equal(rat.shape.mlpInput, 440);
  assert.equal(rat.parameterCount, 30433);
  // inner products add one s × s matrix per feature vector: 1 + 3 + 9 vectors of dimension 3
  const ip = new Marble({ signalDim: 3, dim: 3, dimMan: 3, localGauges: false }, { order: 2, hiddenChannels: [32], outChannels: 5, innerProductFeatures: true });
  assert.equal(ip.shape.mlpInput, 13);
  assert.equal(ip.parameterCount, 1 + 13 * 9 + 13 * 32 + 32 + 64 + 32 * 5 + 5);
});

test("parameters are validated in one place, unknown keys listed", () => {
  const sig = { signalDim: 2, dim: 2, dimMan: 2, localGauges: false };
  assert.throws(() => new Marble(sig, { epoch: 3 } as never), /unknown option "epoch"; did you mean "epochs"\? Valid options: epochs, batchSize/);
  assert.throws(() => new Marble(sig, { order: -1 }), /order must be an integer/);
  assert.throws(() => new Marble(sig, { hiddenChannels: 32 as never }), /hiddenChannels must be an array/);
  assert.throws(() => new Marble(sig, { dropout: 1 }), /dropout must be < 1/);
});

function smallToy(seed = 0, count = 60) {
  const fields = toyFields(count, seed);
  return buildToyDataset(fields, { k: 8, seed });
}

test("the diffusion-time gradient of the whole model matches finite differences", () => {
  for (const innerProductFeatures of [false, true]) {
    const data = smallToy(1, 30);
    const model = new Marble(data, { diffusion: true, innerProductFeatures, includePositions: true, hiddenChannels: [8], outChannels: 3, batchSize: 16, precision: "float64" });
    model.diffusionTime.data[0] = 0.2;
    const nodes = Int32Array.from({ length: 3 * 16 }, (_, i) => (i * 7) % data.numNodes);
    const m = model as unknown as { batchLoss(d: unknown, p: unknown, n: Int32Array, training: boolean, rng: unknown): number; provider(d: unknown): unknown };
    const provider = m.provider(data);
    // batch-norm statistics change the running estimates only, not the training-mode loss
    m.batchLoss(data, provider, nodes, true, new Random(0));
    const g = model.diffusionTime.grad![0];
    model.diffusionTime.grad!.fill(0);
    const lossAt = (): number => {
      const loss = m.batchLoss(data, provider, nodes, true, new Random(0));
      for (const p of model.parameters) p.grad!.fill(0);
      return loss;
    };
    checkGradient("dL/dt", model.diffusionTime.data, [g], lossAt, { h: 1e-5, tol: 1e-5 });
  }
});

test("fit → transform on the flat toy fields separates constant left, constant right and vortex (k-NN ≥ 0.95 on held-out nodes)", async () => {
  const fields = toyFields(512, 3);
  const data = buildToyDataset(fields, { k: 10, seed: 3 });
  const classes = [0, 1, 2, 2]; // right, left, vortex (either orientation)
  const labels = Array.from(data.y, (c) => classes[c]);
  const model = new Marble(data, { epochs: 20, order: 2, hiddenChannels: [32], outChannels: 3, seed: 0 });
  const epochs: number[] = [];
  const result = await model.fit(data, { onEpoch: (r) => epochs.push(r.trainLoss) });
  assert.equal(epochs.length, 20);
  assert.ok(Number.isFinite(result.testLoss));
  assert.ok(result.trainLoss[19] < result.trainLoss[0], `loss ${result.trainLoss[0]} → ${result.trainLoss[19]}`);
  const emb = model.transform(data);
  assert.equal(emb.rows, data.numNodes);
  assert.equal(emb.cols, 3);
  const acc = knnAccuracy(emb, labels, data.trainMask, data.testMask, 5);
  assert.ok(acc >= 0.95, `k-NN accuracy ${acc}`);
});

test("the same seed gives bitwise-identical embeddings", async () => {
  const run = async () => {
    const data = smallToy(4, 50);
    const model = new Marble(data, { epochs: 3, seed: 5, dropout: 0.1 });
    await model.fit(data);
    return model.transform(data).data;
  };
  const a = await run(), b = await run();
  assert.ok(a.every((v, i) => Object.is(v, b[i])));
});

test("checkpoints: atomic folder, safetensors readable by Python, resume and embed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "marble-ckpt-"));
  try {
    const data = smallToy(6, 40);
    const model = new Marble(data, { epochs: 3, innerProductFeatures: true, seed: 2 });
    await model.fit(data, { outdir: join(dir, "run") });
    assert.deepEqual(readdirSync(dir), ["run"]); // no temporary folders left behind
    const json = JSON.parse(readFileSync(join(dir, "run", "model.json"), "utf8"));
    // the manifest names the weights file; older generations are gone
    const weightsFile = Object.keys(json.files).find((f) => f.startsWith("weights."))!;
    assert.deepEqual(readdirSync(join(dir, "run")).sort(), ["model.json", weightsFile]);
    assert.equal(json.epoch, 3);
    assert.equal(json.params.innerProductFeatures, true);
    assert.equal(typeof json.version, "string");
    const loaded = Marble.load(join(dir, "run"));
    const a = model.transform(data), b = loaded.transform(data);
    assert.ok(a.data.every((v, i) => v === b.data[i]));
    // resume: three more epochs continue the epoch count and loss history
    await loaded.fit(data);
    assert.equal(loaded.epoch, 6);
    assert.equal(loaded.trainLosses.length, 6);
    // overwrite in place
    loaded.save(join(dir, "run"));
    assert.deepEqual(readdirSync(dir), ["run"]);
    // dimension mismatch names what differs
    const other = buildToyDataset([{ pos: [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], x: [[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]] }], { k: 2 });
    assert.throws(() => loaded.transform(other), /signal channels 3 \(model: 2\).*anchor dimension 3 \(model: 2\)/);

    const py = `
import json, struct, sys
import numpy as np
path = sys.argv[1]
try:
    from safetensors.numpy import load_file
    t = load_file(path)
    reader = "safetensors"
except ImportError:
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    t = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        assert info["dtype"] == "F64"
        t[name] = np.frombuffer(raw[8 + n + b:8 + n + e], dtype="<f8").reshape(info["shape"])
    reader = "struct"
print(json.dumps({"reader": reader, "t": float(t["diffusion.t"][0]), "w0": t["mlp.lins.0.weight"].tolist(), "shapes": {k: list(v.shape) for k, v in t.items()}}))
`;
    const resaved = JSON.parse(readFileSync(join(dir, "run", "model.json"), "utf8"));
    const resavedWeights = Object.keys(resaved.files).find((f) => f.startsWith("weights."))!;
    const r = spawnSync("/usr/bin/python3", ["-c", py, join(dir, "run", resavedWeights)], { encoding: "utf8" });
    if (r.status !== 0 && /No module named 'numpy'/.test(r.stderr)) {
      assert.fail("numpy is needed to check the safetensors file from Python");
    }
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.t, loaded.diffusionTime.data[0]);
    assert.deepEqual(out.shapes["mlp.lins.0.weight"], [32, loaded.shape.mlpInput]);
    assert.deepEqual(out.shapes["inner_products.O"], [loaded.shape.featureVectors, 2, 2]);
    assert.deepEqual(out.w0.flat(), Array.from(loaded.mlp.linears[0].weight.data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fit can be aborted; non-finite losses stop training with the likely causes", async () => {
  const data = smallToy(7, 40);
  const model = new Marble(data, { epochs: 50 });
  const ctl = new AbortController();
  await assert.rejects(model.fit(data, { signal: ctl.signal, onEpoch: (r) => r.epoch === 2 && ctl.abort() }), (e: Error) => e.name === "AbortError");
  assert.equal(model.epoch, 2);
  const bad = new Marble(data, { epochs: 5, lr: 1e30, batchNorm: false, diffusion: false });
  await assert.rejects(bad.fit(data), /became non-finite.*learning rate too large.*unnormalised inputs.*disconnected/s);
});

test("fit rejects data from the wrong space and isolated nodes", async () => {
  const data = smallToy(8, 30);
  const model = new Marble(data, { epochs: 1 });
  const bad = { ...data, trainMask: new Uint8Array(3) };
  await assert.rejects(model.fit(bad), /trainMask must have one entry per node/);
  assert.ok(existsSync(tmpdir()));
});
