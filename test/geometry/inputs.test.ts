/**
 * constructDataset's inputs that used to end in a misleading "graph is not connected … increase
 * k or delta" (coincident points, values ×1e200 or ×1e-300) or in a bare TypeError, each with the
 * condition it concerns and what to change.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Random, ValidationError } from "../../src/core/index.js";
import { constructDataset, checkDatasetOptions } from "../../src/geometry/index.js";

/** side × side jittered grid in the plane (connected at k = 8) and a rotation field on it. */
function grid(side: number, seed: number, scale = 1): { anchor: Matrix; vector: Matrix } {
  const rng = new Random(seed);
  const anchor = new Matrix(side * side, 2), vector = new Matrix(side * side, 2);
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const r = i * side + j, u = i + 0.1 * rng.normal(), v = j + 0.1 * rng.normal();
      anchor.set(r, 0, u * scale);
      anchor.set(r, 1, v * scale);
      vector.set(r, 0, -v);
      vector.set(r, 1, u);
    }
  }
  return { anchor, vector };
}

function scaled(m: Matrix, factor: number): Matrix {
  return new Matrix(m.rows, m.cols, m.data.map((v) => v * factor));
}

function rejects(opts: Record<string, unknown>, ...patterns: RegExp[]): void {
  for (const build of [constructDataset, checkDatasetOptions]) {
    assert.throws(() => build(opts as never), (e: Error) => {
      assert.ok(e instanceof ValidationError, `${build.name}: expected a ValidationError, got ${e.name}: ${e.message}`);
      assert.doesNotMatch(e.message, /not connected/);
      for (const p of patterns) assert.match(e.message, p);
      return true;
    });
  }
}

test("coincident points get their own message naming the condition", () => {
  const a = grid(6, 1);
  const same = new Matrix(36, 2, new Float64Array(72).fill(0.5));
  rejects({ anchor: same, vector: a.vector, k: 8 }, /^anchor: all 36 points of condition 0 are identical \(every row is \[0\.5, 0\.5\]\)/, /right array was passed as anchor/);
  rejects({ anchor: [a.anchor, same], vector: [a.vector, a.vector], k: 8 }, /^anchor\[1\]: all 36 points of condition 1 are identical/);
});

test("values ×1e200 and ×1e-300: squared distances overflow / underflow float64, rescale", () => {
  const a = grid(6, 2);
  rejects({ anchor: scaled(a.anchor, 1e200), vector: a.vector, k: 8 }, /^anchor: the points of condition 0 spread over 7\.\d\de\+200/, /squared distances \(up to about 1e\+40[12]\) overflow float64/, /standardise/);
  rejects({ anchor: [a.anchor, scaled(a.anchor, 1e-300)], vector: [a.vector, a.vector], k: 8 }, /^anchor\[1\]: the points of condition 1 spread over only 7\.\d\de-300/, /underflow float64/, /standardise/);
  // vectors this large used to build and train into one constant embedding, silently
  rejects({ anchor: a.anchor, vector: scaled(a.vector, 1e200), k: 8 }, /^vector: condition 0 has values up to \d\.\d\de\+200, whose squares overflow float64/);
  rejects({ anchor: a.anchor, vector: scaled(a.vector, 1e-300), k: 8 }, /^vector: condition 0 has values of at most .*e-300, whose squares underflow float64/);
  // large but representable scales still build
  for (const factor of [1e-100, 1e100]) {
    assert.equal(constructDataset({ anchor: scaled(a.anchor, factor), vector: a.vector, k: 8 }).numNodes, 36);
  }
});

test("BigInt arrays, empty conditions, non-finite values and mismatched shapes name the condition and the fix", () => {
  const a = grid(6, 3);
  const bigRows = Array.from({ length: 36 }, (_, i) => BigInt64Array.from([BigInt(i % 6), BigInt(Math.floor(i / 6))]));
  rejects({ anchor: [a.anchor, bigRows], vector: [a.vector, a.vector], k: 8 }, /^anchor\[1\]: row 0 holds BigInt values \(BigInt64Array\); convert to numbers first/);
  rejects({ anchor: new BigInt64Array(72), vector: a.vector, k: 8 }, /^anchor: got a flat BigInt64Array \(64-bit integers\); pass an n × d matrix of numbers/);
  rejects({ anchor: [a.anchor, []], vector: [a.vector, []], k: 8 }, /^anchor\[1\]: condition 1 is empty \(0 points\); remove it from both anchor and vector/);
  // an empty first condition used to make the list look like one ragged matrix
  rejects({ anchor: [[], a.anchor], vector: [[], a.vector], k: 8 }, /^anchor\[0\]: condition 0 is empty/);
  const nan = a.anchor.clone();
  nan.set(3, 1, NaN);
  rejects({ anchor: [a.anchor, nan], vector: [a.vector, a.vector], k: 8 }, /^anchor\[1\]: contains NaN at row 3, column 1; remove or impute/);
  const inf = a.vector.clone();
  inf.set(4, 0, -Infinity);
  rejects({ anchor: [a.anchor, a.anchor], vector: [a.vector, inf], k: 8 }, /^vector\[1\]: contains -Infinity at row 4, column 0/);
  rejects({ anchor: [a.anchor, a.anchor], vector: [a.vector, a.vector.selectRows([0, 1, 2])], k: 8 }, /^vector\[1\]: has 3 rows but anchor\[1\] has 36 points; pass one vector per anchor point \(condition 1\)/);
  rejects({ anchor: [a.anchor, a.anchor], vector: [a.vector, new Matrix(36, 3)], k: 8 }, /^vector\[1\]: has 3 columns, but condition 0 has 2/);
  rejects({ anchor: [a.anchor, a.anchor], vector: a.vector, k: 8 }, /^vector: got one matrix for 2 anchor matrices; pass one vector matrix per condition/);
});

test("dataset options: Python spellings and misplaced options say what was meant", () => {
  const a = grid(6, 4);
  rejects({ anchor: a.anchor, vector: a.vector, graph_type: "knn" }, /unknown option "graph_type"; did you mean "graphType"\?/);
  rejects({ anchor: a.anchor, vector: a.vector, graphType: "ckn" }, /graphType must be one of "cknn", "knn", "radius", got "ckn" \(a string\); did you mean "cknn"\?/);
  rejects({ anchor: a.anchor, vector: a.vector, radius: 0.5 }, /radius: only used with graphType "radius"/);
  rejects({ anchor: a.anchor, vector: a.vector, k: 8, numberOfEigenvectors: 100 }, /numberOfEigenvectors must be at most the number of points \(36\), got 100/);
  const checked = checkDatasetOptions({ anchor: [a.anchor, a.anchor], vector: [a.vector, a.vector], k: 8 });
  assert.equal(checked.anchors.length, 2);
  assert.equal(checked.options.k, 8);
});
