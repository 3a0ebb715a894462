// Van der Pol at small scale against the authors' package (scripts/fixtures/authors.py): the same
// points (their generator) and the same subsampling; OT distances after training on both sides
// (training is stochastic on each side, so distances agree as matrices, not digit for digit);
// the outlier cut and the MDS rotation departures measured.
import { test } from "node:test";
import assert from "node:assert/strict";
import { constructDataset, Marble, distributionDistances, vanDerPolConditions, embed2D, mdsOrdering, bestDirectionOrdering, spearmanCorrelation } from "../../src/index.js";
import { loadAuthors, matrix, reportMeasure, reportDeparture } from "./authors-fixtures.js";

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

function upper(D: { rows: number; data: Float64Array } | number[][]): number[] {
  const rows = Array.isArray(D) ? D : Array.from({ length: D.rows }, (_, i) => Array.from(D.data.subarray(i * D.rows, (i + 1) * D.rows)));
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) for (let j = i + 1; j < rows.length; j++) out.push(rows[i][j]);
  return out;
}

test("van der Pol, 8 μ: same subsampled points; reference-mode OT distances correlate with the authors' (correlation and largest relative difference reported)", async () => {
  const f = loadAuthors("vanderpol.json");
  const anchor = f.pos.map(matrix), vector = f.vel.map(matrix);
  const theirs = upper(f.dist);
  const results: Record<string, { r: number; rel: number; medianRatio: number }> = {};
  for (const reference of ["authors", "marblelab"] as const) {
    const data = constructDataset({ anchor, vector, spacing: f.spacing, seed: 0, reference });
    const counts = Array.from({ length: f.mus.length }, (_, c) => data.slices[c + 1] - data.slices[c]);
    const theirCounts = f.slices.slice(1).map((s: number, c: number) => s - f.slices[c]);
    assert.deepEqual(counts, theirCounts, "same number of points kept per condition");
    const ours = data.sampleInd.flatMap((s) => Array.from(s).sort((a, b) => a - b));
    assert.deepEqual(ours, f.sampleInd, "same subsampled points");
    const model = new Marble(data, { epochs: f.params.epochs, hiddenChannels: [f.params.hidden_channels], outChannels: f.params.out_channels, innerProductFeatures: false, diffusion: false, seed: 0, reference });
    await model.fit(data, { progress: false });
    const { dist } = distributionDistances(model.transform(data), data.y);
    const mine = upper(dist);
    const ratios = mine.map((v, p) => v / theirs[p]).sort((a, b) => a - b);
    const rel = Math.max(...mine.map((v, p) => Math.abs(v - theirs[p]) / theirs[p]));
    results[reference] = { r: pearson(mine, theirs), rel, medianRatio: ratios[ratios.length >> 1] };
    reportMeasure(`van der Pol (8 μ) OT distances, ${reference === "authors" ? "reference mode" : "default"}: Pearson r = ${results[reference].r.toFixed(4)} with the authors' distances; largest relative difference ${rel.toFixed(3)}; median ratio ${results[reference].medianRatio.toFixed(3)}`);
  }
  // measured 2026-12: reference mode r ≈ 0.99; the bound leaves room for training noise on both sides
  assert.ok(results.authors.r > 0.95, `reference-mode correlation ${results.authors.r}`);
  assert.ok(results.marblelab.r > 0.95, `default-mode correlation ${results.marblelab.r}`);
});

test("van der Pol outlier cut: the authors keep points inside ±5, MarbleLab inside the ±3 initial box (reference mode: ±5)", () => {
  const f = loadAuthors("vanderpol.json");
  const share5 = f.counts.keptBox5 / f.counts.simulated, share3 = f.counts.keptBox3 / f.counts.simulated;
  const run = (reference: "authors" | "marblelab") => {
    const c = vanDerPolConditions({ mus: f.mus, numInitial: 100, reference });
    return c.anchor.reduce((s, a) => s + a.rows, 0) / (f.mus.length * 100 * f.times.length);
  };
  const ours5 = run("authors"), ours3 = run("marblelab");
  reportMeasure(`share of simulated van der Pol points kept: authors ±5 ${share5.toFixed(3)}, ±3 ${share3.toFixed(3)}; MarbleLab reference mode ${ours5.toFixed(3)}, default ${ours3.toFixed(3)}`);
  reportDeparture(`the default van der Pol outlier cut keeps ${(100 * (1 - share3 / share5)).toFixed(1)} % fewer points than the authors' cut (their generator)`);
  // different random initial conditions on the two sides: agreement to sampling noise
  assert.ok(Math.abs(ours5 - share5) < 0.06 && Math.abs(ours3 - share3) < 0.06);
  assert.ok(ours5 > ours3);
});

test("MDS 1 of a SMACOF solution depends on its arbitrary rotation; classical MDS and distance ranks do not", () => {
  const f = loadAuthors("vanderpol.json");
  const D = matrix(f.dist);
  const ordering = mdsOrdering(D, f.mus);
  const sklearnAxis = Math.abs(f.rhoMds1);
  const best = bestDirectionOrdering(matrix(f.mds), f.mus);
  const ours = embed2D(D, { method: "mds", seed: 0, reference: "authors" });
  const oursAxis = Math.abs(spearmanCorrelation(f.mus, ours.col(0)));
  reportMeasure(`|ρ(μ, ·)| on the authors' distances: scikit-learn SMACOF axis 1 ${sklearnAxis.toFixed(3)}, its best direction ${Math.abs(best.rho).toFixed(3)}, ` +
    `reference-mode SMACOF axis 1 ${oursAxis.toFixed(3)}, classical MDS axis 1 ${Math.abs(ordering.classicalAxis1).toFixed(3)}; ρ(|Δμ|, distance) ${ordering.distanceRank.toFixed(3)}`);
  // the same configuration rotated reads anything up to its best direction
  assert.ok(Math.abs(best.rho) >= sklearnAxis);
  assert.ok(Math.abs(ordering.classicalAxis1) > 0.8);
  assert.ok(ordering.distanceRank > 0.5);
});
