// k-means, PCA and MDS against scikit-learn references (scripts/fixtures/postprocessing.py),
// plus UMAP / t-SNE sanity on separable data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bestOfRestarts } from "../../src/postprocessing/kmeans-restarts.js";
import { Matrix, Random, PCA, cluster, kmeansPlusPlus, embed2D, smacof, classicalMds, fuzzyNeighbourGraph } from "../../src/index.js";

const FIX = join(__dirname, "..", "fixtures", "postprocessing");
const load = (name: string) => JSON.parse(readFileSync(join(FIX, name), "utf8"));

/** True when two labelings define the same partition. */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const ab = new Map<number, number>(), ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]) ?? b[i]) !== b[i] || (ba.get(b[i]) ?? a[i]) !== a[i]) return false;
    ab.set(a[i], b[i]);
    ba.set(b[i], a[i]);
  }
  return true;
}

test("k-means from scikit-learn's initial centroids reaches the same partition and inertia", () => {
  const f = load("kmeans.json");
  const r = cluster(f.X, { nClusters: 6, seed: 0, init: f.init });
  assert.ok(samePartition(r.labels, f.labels));
  assert.ok(Math.abs(r.inertia - f.inertia) < 1e-8 * f.inertia, `${r.inertia} vs ${f.inertia}`);
});

test("k-means++ with restarts matches scikit-learn's best-of-10 inertia", () => {
  const f = load("kmeans.json");
  // Different random seeds reach different local optima: best-of-10 must be within 0.5 % of
  // scikit-learn's best-of-10 (or lower).
  const r = cluster(f.X, { nClusters: 6, seed: 0 });
  assert.ok(r.inertia <= f.bestInertia * 1.005, `${r.inertia} vs ${f.bestInertia}`);
  // Overlapping data: within 1 %.
  const y = cluster(f.Y, { nClusters: 12, seed: 0 });
  assert.ok(y.inertia <= f.bestInertiaY * 1.01, `${y.inertia} vs ${f.bestInertiaY}`);
  // inertia is consistent with labels and centroids
  let s = 0;
  const Y = Matrix.from(f.Y);
  for (let i = 0; i < Y.rows; i++) for (let j = 0; j < 2; j++) s += (Y.get(i, j) - y.centroids.get(y.labels[i], j)) ** 2;
  assert.ok(Math.abs(s - y.inertia) < 1e-9 * s);
});

test("relabelling walks a nearest-centroid chain from cluster 0; seeds reproduce", () => {
  const rng = new Random(3);
  // 5 well-separated blobs on a line at x = 0, 10, 20, 30, 40
  const rows: number[][] = [];
  for (let c = 0; c < 5; c++) for (let i = 0; i < 30; i++) rows.push([c * 10 + rng.normal(0, 0.5), rng.normal(0, 0.5)]);
  const r = cluster(rows, { nClusters: 5, seed: 7 });
  const xs = Array.from({ length: 5 }, (_, c) => r.centroids.get(c, 0));
  // consecutive labels are neighbours on the line: |Δx| ≈ 10 for every step of the chain
  for (let c = 1; c < 5; c++) assert.ok(Math.abs(Math.abs(xs[c] - xs[c - 1]) - 10) < 1, `${xs}`);
  const again = cluster(rows, { nClusters: 5, seed: 7 });
  assert.deepEqual(Array.from(again.labels), Array.from(r.labels));
});

test("cluster validates its inputs", () => {
  assert.throws(() => cluster([[0], [1]], { nClusters: 3, seed: 0 }), /nClusters \(3\) exceeds the number of points \(2\)/);
  assert.throws(() => cluster([[0], [NaN]], { nClusters: 1, seed: 0 }), /NaN/);
  assert.throws(() => cluster([[0], [1]], { nClusters: 1 } as never), /nClusters, seed/);
  assert.throws(() => cluster([[0], [1]], { nClusters: 1, seed: 0, init: [[0, 1]] }), /expected 1 columns/);
});

test("PCA projections agree with scikit-learn (embed2D pca = first two)", () => {
  const f = load("pca.json");
  // scikit-learn 1.2 (Debian 12) fixes signs from the scores (svd_flip on U), src/core's PCA from the
  // loadings (the newer convention), so each component is compared up to its sign.
  const check = (Z: Matrix, k: number) => {
    for (let j = 0; j < k; j++) {
      const sign = Math.sign(Z.get(0, j)) === Math.sign(f.Z[0][j]) ? 1 : -1;
      for (let i = 0; i < Z.rows; i++) assert.ok(Math.abs(sign * Z.get(i, j) - f.Z[i][j]) < 1e-9, `row ${i} component ${j}`);
    }
  };
  check(new PCA({ nComponents: 3 }).fitTransform(f.X), 3);
  check(embed2D(f.X, { method: "pca", seed: 0 }), 2);
});

test("SMACOF from scikit-learn's start gives its stress and iteration count; restarts reach its best stress", () => {
  const f = load("mds.json");
  const r = smacof(f.D, { init: f.init });
  assert.ok(Math.abs(r.stress - f.stressFromInit) < 1e-9 * f.stressFromInit, `${r.stress} vs ${f.stressFromInit}`);
  assert.equal(r.iterations, f.nIter);
  const best = smacof(f.D, { seed: 0, nInit: 4 });
  // different random starts (plus a classical-MDS start): compare stress values, not coordinates
  assert.ok(best.stress <= f.bestStress * 1.05, `${best.stress} vs scikit-learn ${f.bestStress}`);
  assert.ok(best.stress <= smacof(f.D, { seed: 0, nInit: 4, classicalStart: false }).stress);
  const E = embed2D(f.D, { method: "mds", seed: 0 });
  assert.equal(E.rows, 15);
  assert.equal(E.cols, 2);
});

test("classical MDS recovers a planar configuration up to rigid motion", () => {
  const rng = new Random(1);
  const P = Array.from({ length: 12 }, () => [rng.normal() * 3, rng.normal()]);
  const D = P.map((p) => P.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1])));
  const Y = classicalMds(D);
  for (let i = 0; i < 12; i++) {
    for (let j = 0; j < 12; j++) {
      const d = Math.hypot(Y.get(i, 0) - Y.get(j, 0), Y.get(i, 1) - Y.get(j, 1));
      assert.ok(Math.abs(d - D[i][j]) < 1e-8);
    }
  }
  // and SMACOF started there stays at zero stress
  assert.ok(smacof(D, { init: Y }).stress < 1e-12);
  assert.throws(() => classicalMds([[0, 1], [2, 0]]), /not symmetric/);
  assert.throws(() => smacof([[0, 1, 2], [1, 0, 1]]), /must be square/);
});

function twoBlobs(n: number, d: number, seed: number) {
  const rng = new Random(seed);
  const rows: number[][] = [], lab: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    rows.push(Array.from({ length: d }, (_, j) => rng.normal() + (j === 0 ? c * 12 : 0)));
    lab.push(c);
  }
  return { rows, lab };
}

function separated(E: Matrix, lab: number[]): boolean {
  // nearest-centroid classification of the 2-D embedding is perfect
  const m = [[0, 0], [0, 0]], cnt = [0, 0];
  for (let i = 0; i < E.rows; i++) {
    m[lab[i]][0] += E.get(i, 0);
    m[lab[i]][1] += E.get(i, 1);
    cnt[lab[i]]++;
  }
  for (const c of [0, 1]) for (const j of [0, 1]) m[c][j] /= cnt[c];
  for (let i = 0; i < E.rows; i++) {
    const d0 = Math.hypot(E.get(i, 0) - m[0][0], E.get(i, 1) - m[0][1]);
    const d1 = Math.hypot(E.get(i, 0) - m[1][0], E.get(i, 1) - m[1][1]);
    if ((d0 < d1 ? 0 : 1) !== lab[i]) return false;
  }
  return true;
}

test("UMAP and t-SNE separate two blobs and are reproducible with a seed", () => {
  const { rows, lab } = twoBlobs(160, 5, 3);
  const u1 = embed2D(rows, { method: "umap", seed: 4, nEpochs: 100 });
  const u2 = embed2D(rows, { method: "umap", seed: 4, nEpochs: 100 });
  assert.deepEqual(Array.from(u1.data), Array.from(u2.data));
  assert.ok(separated(u1, lab));
  const t = embed2D(rows, { method: "tsne", seed: 0, nIter: 300 });
  assert.ok(separated(t, lab));
  assert.throws(() => embed2D(rows, { method: "umap", seed: 0, nNeighbors: 500 }), /lower nNeighbors/);
  assert.throws(() => embed2D(rows, { method: "isomap" as never, seed: 0 }), /method must be one of/);
});

test("UMAP fuzzy graph: symmetric memberships in (0, 1], every point connected to its nearest neighbour with weight 1", () => {
  const rng = new Random(6);
  const X = new Matrix(200, 3, Float64Array.from({ length: 600 }, () => rng.normal()));
  const g = fuzzyNeighbourGraph(X, 10);
  const w = new Map<string, number>();
  for (let e = 0; e < g.head.length; e++) {
    assert.ok(g.weight[e] > 0 && g.weight[e] <= 1);
    assert.notEqual(g.head[e], g.tail[e]);
    w.set(`${g.head[e]},${g.tail[e]}`, g.weight[e]);
  }
  for (const [key, v] of w) {
    const [i, j] = key.split(",");
    assert.equal(w.get(`${j},${i}`), v);
  }
  // membership of the nearest neighbour is exp(0) = 1, and the union keeps it at 1
  for (let i = 0; i < 200; i++) {
    let best = -1, bd = Infinity;
    for (let j = 0; j < 200; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < 3; c++) s += (X.get(i, c) - X.get(j, c)) ** 2;
      if (s < bd) [bd, best] = [s, j];
    }
    assert.ok(Math.abs(w.get(`${i},${best}`)! - 1) < 1e-12);
  }
});

test("k-means with pruning bounds runs exactly the iterations of plain Lloyd (same labels, same centroids)", () => {
  const rng = new Random(21);
  for (const [n, d, k] of [[3000, 5, 40], [1200, 2, 12], [800, 12, 9]]) {
    const X = Matrix.from(Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => rng.normal() + (j === 0 ? (i % 7) * 0.4 : 0))));
    const init = X.selectRows(Array.from({ length: k }, (_, c) => (c * 97) % n));
    const fast = cluster(X, { nClusters: k, seed: 0, init, relabel: false, tol: 0, maxIter: 500 });
    // plain Lloyd: full assignment (ties to the lower index), means, until labels repeat
    const C = init.clone();
    let labels = new Int32Array(n).fill(-1);
    for (let it = 0; it < 500; it++) {
      const next = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let bd = Infinity;
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += (X.data[i * d + j] - C.data[c * d + j]) ** 2;
          if (s < bd) {
            bd = s;
            next[i] = c;
          }
        }
      }
      if (next.every((v, i) => v === labels[i])) break;
      labels = next;
      const sums = new Float64Array(k * d), counts = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        counts[labels[i]]++;
        for (let j = 0; j < d; j++) sums[labels[i] * d + j] += X.data[i * d + j];
      }
      assert.ok(counts.every((c) => c > 0), "no empty cluster in this reference");
      for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) C.data[c * d + j] = sums[c * d + j] / counts[c];
    }
    assert.deepEqual(fast.labels, labels, `${n}×${d}, k = ${k}`);
    for (let e = 0; e < C.data.length; e++) assert.ok(Math.abs(fast.centroids.data[e] - C.data[e]) < 1e-12, `${n}×${d}, k = ${k}: centroid entry ${e}`);
  }
});

test("k-means++ skips distances by the triangle inequality yet picks the centres of the full scan", () => {
  // the full scan: every point's distance to every candidate
  const naive = (X: Matrix, k: number, rng: Random): Matrix => {
    const n = X.rows, d = X.cols, C = new Matrix(k, d);
    const sq = (i: number, o: number) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (X.data[i * d + j] - X.data[o * d + j]) ** 2;
      return s;
    };
    const nTrials = 2 + Math.floor(Math.log(k));
    const first = rng.int(n);
    C.data.set(X.row(first), 0);
    let closest: Float64Array = Float64Array.from({ length: n }, (_, i) => sq(i, first));
    let pot = closest.reduce((a, b) => a + b, 0);
    for (let c = 1; c < k; c++) {
      let best: { cand: number; pot: number; dist: Float64Array } | null = null;
      for (let t = 0; t < nTrials; t++) {
        let cand = n - 1;
        if (pot > 0) {
          const r = rng.random() * pot;
          let acc = 0;
          for (let i = 0; i < n; i++) if ((acc += closest[i]) > r) {
            cand = i;
            break;
          }
        } else cand = rng.int(n);
        const dist = closest.map((v, i) => Math.min(v, sq(i, cand)));
        let p = 0;
        for (let i = 0; i < n; i++) p += dist[i];
        if (!best || p < best.pot) best = { cand, pot: p, dist };
      }
      C.data.set(X.row(best!.cand), c * d);
      closest = best!.dist;
      pot = best!.pot;
    }
    return C;
  };
  const rng = new Random(3);
  for (const [n, d, k] of [[2000, 5, 60], [500, 2, 25], [300, 9, 8]]) {
    // clumps with duplicated points, so ties and zero distances occur
    const X = Matrix.from(Array.from({ length: n }, (_, i) => Array.from({ length: d }, () => (i % 5 === 0 ? 0 : rng.normal() + (i % 3)))));
    for (const seed of [0, 1, 2]) {
      const fast = kmeansPlusPlus(X, k, new Random(seed));
      const full = naive(X, k, new Random(seed));
      assert.deepEqual(Array.from(fast.data), Array.from(full.data), `${n}×${d}, k = ${k}, seed ${seed}`);
    }
  }
});

test("k-means restarts over two threads: the second thread runs some, the best run is the one-thread run bit for bit", () => {
  const rng = new Random(8);
  const X = Matrix.from(Array.from({ length: 1500 }, (_, i) => Array.from({ length: 4 }, (_, j) => rng.normal() + (j === 0 ? (i % 6) * 0.7 : 0))));
  for (const [k, seed] of [[12, 0], [30, 5]]) {
    const tol = 1e-6;
    const one = bestOfRestarts(X, k, seed, 10, 300, tol, { threads: 1 });
    const two = bestOfRestarts(X, k, seed, 10, 300, tol, { threads: 2, startTogether: true });
    assert.equal(one.bySecondThread, 0);
    assert.ok(two.bySecondThread > 0 && two.bySecondThread < 10, `second thread ran ${two.bySecondThread} of 10`);
    assert.ok(Object.is(one.run.inertia, two.run.inertia));
    assert.equal(one.run.iterations, two.run.iterations);
    assert.deepEqual(Array.from(two.run.labels), Array.from(one.run.labels));
    assert.deepEqual(Array.from(two.run.centroids.data), Array.from(one.run.centroids.data));
    // and the restarts are those of one generator in turn: k-means++ then Lloyd, best inertia
    const gen = new Random(seed);
    let best = Infinity;
    for (let r = 0; r < 10; r++) {
      const run = cluster(X, { nClusters: k, seed, init: kmeansPlusPlus(X, k, gen), relabel: false, tol: tol / meanFeatureVariance(X) });
      best = Math.min(best, run.inertia);
    }
    assert.ok(Math.abs(best - one.run.inertia) <= 1e-9 * best, `${best} vs ${one.run.inertia}`);
  }
});

/** Mean per-feature variance (cluster scales its tol by it). */
function meanFeatureVariance(X: Matrix): number {
  let v = 0;
  for (let j = 0; j < X.cols; j++) {
    let s = 0, s2 = 0;
    for (let i = 0; i < X.rows; i++) {
      s += X.get(i, j);
      s2 += X.get(i, j) ** 2;
    }
    v += s2 / X.rows - (s / X.rows) ** 2;
  }
  return v / X.cols;
}
