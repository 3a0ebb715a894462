// Notebook 07 reads its sweeps from notebooks/sweeps/; the docs tell users to run the same files
// from a terminal or a cluster's login node. They must stay valid and keep the paper's settings as
// their base point, with quick and full covering the same datasets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { planSweep, readSpecFile } from "../../src/sweep/index.js";

const dir = join(__dirname, "..", "..", "notebooks", "sweeps");
const spec = (name: string) => readSpecFile(join(dir, `${name}.json`));

/** The task whose parameters are all at the base (varied: nothing), for seed 0. */
function basePoint(name: string) {
  const base = planSweep(spec(name)).filter((t) => t.seed === 0 && Object.keys(t.varied).length === 0);
  assert.equal(base.length, 1, `${name}: one base task for seed 0`);
  return base[0].params;
}

test("notebook 07's spec files validate and plan the documented number of tasks", () => {
  const counts: Record<string, number> = { "07-rat-quick": 10, "07-vdp-quick": 16, "07-rat-full": 80, "07-vdp-full": 65 };
  for (const [name, n] of Object.entries(counts)) {
    const s = spec(name);
    assert.equal(s.name, name, "the sweep's name is its file's name");
    assert.equal(planSweep(s).length, n, name);
  }
  for (const ds of ["rat", "vdp"]) assert.deepEqual(spec(`07-${ds}-quick`).datasets, spec(`07-${ds}-full`).datasets);
});

test("full mode's base point is the paper's setting", () => {
  const rat = basePoint("07-rat-full");
  assert.deepEqual([rat["marble.k"], rat["marble.order"], rat["marble.epochs"], rat["marble.outChannels"], rat["preprocessing.maxBins"]], [15, 1, 100, 32, 0]);
  const vdp = basePoint("07-vdp-full");
  assert.deepEqual([vdp["marble.k"], vdp["marble.order"], vdp["marble.epochs"], vdp["marble.outChannels"], vdp["preprocessing.numMu"], vdp["preprocessing.numInitial"]], [20, 2, 50, 5, 40, 100]);
  assert.deepEqual(spec("07-rat-full").seeds, [0, 1, 2, 3, 4]);
});
