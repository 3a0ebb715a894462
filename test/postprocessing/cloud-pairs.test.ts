// Distances between many conditions spread over two threads: the same bits as one thread, and the
// second thread really solves pairs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Random, distributionDistances, pointCloudEmd, setKernelThreads } from "../../src/index.js";
import { cloudPairDistances } from "../../src/postprocessing/cloud-pairs.js";

/** `count` Gaussian clouds in d dims of 20–60 points (uneven sizes, so pairs differ in work). */
function clouds(count: number, d: number, seed: number): { sets: Float64Array[]; sizes: number[] } {
  const rng = new Random(seed);
  const sets: Float64Array[] = [], sizes: number[] = [];
  for (let c = 0; c < count; c++) {
    const n = 20 + rng.int(41);
    sizes.push(n);
    sets.push(Float64Array.from({ length: n * d }, (_, i) => rng.normal() + (i % d === 0 ? c / 5 : 0)));
  }
  return { sets, sizes };
}

test("pairs over two threads: the second thread solves some, every distance equals the one-thread value bit for bit", () => {
  const { sets, sizes } = clouds(24, 3, 1);
  const pairs: [number, number][] = [];
  for (let s = 0; s < sets.length; s++) for (let t = s + 1; t < sets.length; t++) pairs.push([s, t]);
  const one = cloudPairDistances(sets, sizes, 3, pairs, { threads: 1 });
  assert.equal(one.bySecondThread, 0);
  const two = cloudPairDistances(sets, sizes, 3, pairs, { threads: 2, startTogether: true });
  assert.ok(two.bySecondThread > 0 && two.bySecondThread < pairs.length, `second thread solved ${two.bySecondThread} of ${pairs.length}`);
  for (let p = 0; p < pairs.length; p++) assert.ok(Object.is(one.distances[p], two.distances[p]), `pair ${p}: ${one.distances[p]} vs ${two.distances[p]}`);
  // and each equals the single-pair solver on the same rows
  const X = Matrix.from(sets.flatMap((x, s) => Array.from({ length: sizes[s] }, (_, i) => Array.from(x.subarray(i * 3, i * 3 + 3)))));
  const start = sizes.map((_, s) => sizes.slice(0, s).reduce((a, b) => a + b, 0));
  const rows = (s: number) => Array.from({ length: sizes[s] }, (_, i) => start[s] + i);
  for (const p of [0, 7, pairs.length - 1]) {
    const [s, t] = pairs[p];
    assert.ok(Object.is(pointCloudEmd(X, rows(s), rows(t)), two.distances[p]));
  }
});

test("distributionDistances: the same matrix with one and two kernel threads", () => {
  // 8 conditions of ~200 points: above the size at which the second thread is used
  const rng = new Random(3);
  const rows: number[][] = [], cond: number[] = [];
  for (let c = 0; c < 8; c++) {
    const n = 195 + rng.int(11);
    for (let i = 0; i < n; i++) {
      rows.push([rng.normal() + c / 4, rng.normal(), rng.normal()]);
      cond.push(c * 10);
    }
  }
  const before = setKernelThreads(1);
  try {
    const one = distributionDistances(rows, cond).dist;
    setKernelThreads(2);
    const two = distributionDistances(rows, cond).dist;
    assert.deepEqual(Array.from(two.data), Array.from(one.data));
    for (let s = 0; s < 8; s++) assert.equal(one.get(s, s), 0);
  } finally {
    setKernelThreads(before as 1 | 2);
  }
});
