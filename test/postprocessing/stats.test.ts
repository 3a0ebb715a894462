// Wilcoxon signed-rank p-values against SciPy, and the cross-animal consistency score.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Matrix, Random, wilcoxonSignedRank, signedRankPmf, consistencyScore, binEmbeddingCebra } from "../../src/index.js";
import { erfc } from "../../src/postprocessing/wilcoxon.js";

const FIX = join(__dirname, "..", "fixtures", "postprocessing");
const load = (name: string) => JSON.parse(readFileSync(join(FIX, name), "utf8"));

test("Wilcoxon statistic and p-value equal scipy.stats.wilcoxon (exact, approximate, zeros, ties)", () => {
  const { cases } = load("wilcoxon.json");
  for (const c of cases) {
    const r = wilcoxonSignedRank(c.a, c.b, { alternative: c.alternative });
    assert.equal(r.statistic, c.statistic, c.note);
    assert.ok(Math.abs(r.pValue - c.pValue) <= 1e-10 + 1e-9 * c.pValue, `${c.note} ${c.alternative}: ${r.pValue} vs ${c.pValue}`);
    const expectExact = /^exact/.test(c.note);
    assert.equal(r.method, expectExact ? "exact" : "approx", c.note);
  }
});

test("one-sample form: wilcoxonSignedRank(d) equals wilcoxonSignedRank(d, zeros)", () => {
  const d = [0.3, -1.2, 2.5, 0.7, -0.1, 1.9, 0.4, -0.8];
  const one = wilcoxonSignedRank(d, null, { alternative: "greater" });
  const two = wilcoxonSignedRank(d, d.map(() => 0), { alternative: "greater" });
  assert.deepEqual(one, two);
  // R+ by hand: ranks of |d| = 0.1:1, 0.3:2, 0.4:3, 0.7:4, 0.8:5, 1.2:6, 1.9:7, 2.5:8 → positives 2+8+4+7+3 = 24
  assert.equal(one.statistic, 24);
});

test("signed-rank null distribution and erfc are right", () => {
  const p = signedRankPmf(3); // sums of subsets of {1,2,3}: 0,1,2,3,3,4,5,6
  assert.deepEqual(Array.from(p, (v) => v * 8), [1, 1, 1, 2, 1, 1, 1]);
  assert.ok(Math.abs(erfc(0.5) - 0.4795001221869535) < 1e-15);
  assert.ok(Math.abs(erfc(3) / 2.209049699858544e-5 - 1) < 1e-13);
  assert.ok(Math.abs(erfc(-1) - 1.8427007929497148) < 1e-15);
});

test("Wilcoxon validates its inputs", () => {
  assert.throws(() => wilcoxonSignedRank([1, 2], [1]), /equal lengths/);
  assert.throws(() => wilcoxonSignedRank([1, 2], [1, 2]), /every difference is zero/);
  assert.throws(() => wilcoxonSignedRank([1, NaN]), /NaN/);
  assert.throws(() => wilcoxonSignedRank([1, 2], null, { alternative: "bigger" as never }), /alternative must be one of/);
});

function animal(seed: number, n: number) {
  const rng = new Random(seed);
  const pos = Array.from({ length: n }, () => rng.uniform(0, 1.6));
  const emb = pos.map((p) => [Math.cos(2 * p), Math.sin(2 * p), p * p + rng.normal(0, 0.01)]);
  return { pos, emb };
}

test("consistency of an embedding with an affine copy of itself is 1; all ordered pairs reported", () => {
  const a = animal(1, 3000);
  const A = [[0.3, -1.2, 2], [1.1, 0.4, 0], [-0.5, 0.7, 1.5]];
  const copy = a.emb.map((e) => A.map((row, k) => row[0] * e[0] + row[1] * e[1] + row[2] * e[2] + [5, -3, 0.5][k]));
  const r = consistencyScore([a.emb, copy], [a.pos, a.pos]);
  assert.deepEqual(r.pairs, [[0, 1], [1, 0]]);
  for (const s of r.scores) assert.ok(Math.abs(s - 1) < 1e-10, `${s}`);
  // A second animal with another sampling of the same latent: high but not perfect; noise: low.
  const b = animal(2, 2500);
  const rng = new Random(9);
  const noise = b.pos.map(() => [rng.normal(), rng.normal(), rng.normal()]);
  const r3 = consistencyScore([a.emb, b.emb, noise], [a.pos, b.pos, b.pos], { bins: 50 });
  assert.equal(r3.scores.length, 6);
  assert.ok(r3.matrix.get(0, 1) > 0.99 && r3.matrix.get(0, 1) < 1);
  assert.ok(r3.matrix.get(0, 2) < 0.5);
  assert.ok(Math.abs(r3.mean - r3.scores.reduce((s, v) => s + v, 0) / 6) < 1e-15);
  assert.ok(Number.isNaN(r3.matrix.get(1, 1)));
});

test("CEBRA binning: common label range, unit-length bin means, neighbour fill for empty bins", () => {
  const a = animal(1, 3000);
  // a positive multiple of an embedding is the same after unit scaling → 1
  const scaled = a.emb.map((e) => e.map((v) => 3 * v));
  const r = consistencyScore([a.emb, scaled], [a.pos, a.pos], { binning: "cebra" });
  for (const s of r.scores) assert.ok(Math.abs(s - 1) < 1e-10, `${s}`);
  // bins − 1 rows, each of unit length
  const B = binEmbeddingCebra(Matrix.from(a.emb), a.pos, 10, 0, 1.6);
  assert.equal(B.means.rows, 9);
  for (let r0 = 0; r0 < 9; r0++) assert.ok(Math.abs(Math.hypot(...B.means.row(r0)) - 1) < 1e-12);
  // hand-checkable digitize: labels 0, 0.5, 1 with edges [0, 0.5, 1] → indices 1, 2, 3 (the max lands past the last edge)
  const tiny = binEmbeddingCebra(Matrix.from([[1, 0], [0, 1], [5, 5]]), [0, 0.5, 1], 3, 0, 1);
  assert.deepEqual(Array.from(tiny.means.row(0)), [1, 0]);
  assert.deepEqual(Array.from(tiny.means.row(1)), [0, 1]);
});

test("consistency validates its inputs", () => {
  const a = animal(1, 200);
  assert.throws(() => consistencyScore([a.emb], [a.pos]), /at least 2 embeddings/);
  assert.throws(() => consistencyScore([a.emb, a.emb], [a.pos, a.pos.slice(1)]), /labels\[1\]: has 199 entries/);
  assert.throws(() => consistencyScore([a.emb, Matrix.zeros(200, 2)], [a.pos, a.pos]), /same dimension/);
});
