import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Random, liftToParaboloid, paraboloidHeight, vanDerPolConditions, toyFieldConditions, sampleGrid2d, sampleUniformBox } from "../../src/index.js";

function planar(n: number, seed: number) {
  const rng = new Random(seed);
  const P = new Matrix(n, 2), V = new Matrix(n, 2);
  for (let i = 0; i < 2 * n; i++) {
    P.data[i] = rng.uniform(-3, 3);
    V.data[i] = rng.uniform(-3, 3);
  }
  return { P, V };
}

test("lifting onto the paraboloid keeps vector lengths; the tangent lift is exactly tangent", () => {
  const { P, V } = planar(200, 3);
  for (const alpha of [0.05, 0.2]) {
    const t = liftToParaboloid(P, V, { alpha, method: "tangent" });
    const e = liftToParaboloid(P, V, { alpha, method: "endpoint" });
    for (let i = 0; i < P.rows; i++) {
      const x = P.data[2 * i], y = P.data[2 * i + 1];
      assert.ok(Math.abs(t.anchor.get(i, 2) - paraboloidHeight(x, y, alpha)) < 1e-15);
      const len = Math.hypot(V.data[2 * i], V.data[2 * i + 1]);
      const normal = [2 * alpha * alpha * x, 2 * alpha * alpha * y, 1];
      const nlen = Math.hypot(normal[0], normal[1], normal[2]);
      for (const [lift, name] of [[t, "tangent"], [e, "endpoint"]] as const) {
        const v = lift.vector.row(i);
        assert.ok(Math.abs(Math.hypot(v[0], v[1], v[2]) - len) < 1e-12, `${name}: length`);
      }
      const vt = t.vector.row(i);
      const cosT = (normal[0] * vt[0] + normal[1] * vt[1] + normal[2] * vt[2]) / (nlen * len);
      assert.ok(Math.abs(cosT) < 1e-12, `tangent lift off the tangent plane by cos ${cosT}`);
      // the endpoint (secant) lift leaves the tangent plane by exactly −α²|v|² before rescaling
      const ve = e.vector.row(i);
      const secantLen = Math.hypot(V.data[2 * i], V.data[2 * i + 1], paraboloidHeight(x + V.data[2 * i], y + V.data[2 * i + 1], alpha) - paraboloidHeight(x, y, alpha));
      const dot = (normal[0] * ve[0] + normal[1] * ve[1] + normal[2] * ve[2]) * (secantLen / len);
      assert.ok(Math.abs(dot + alpha * alpha * len * len) < 1e-10, `endpoint lift normal component ${dot}`);
    }
  }
});

test("vanDerPolConditions: points on the paraboloid, inside the box, seeded", () => {
  const mus = [-1, 0, 1];
  const a = vanDerPolConditions({ mus, numInitial: 30, seed: 4 });
  const b = vanDerPolConditions({ mus, numInitial: 30, seed: 4 });
  assert.equal(a.anchor.length, 3);
  for (let c = 0; c < 3; c++) {
    const A = a.anchor[c], V = a.vector[c];
    assert.equal(A.cols, 3);
    assert.equal(A.rows, V.rows);
    // 30 trajectories × 6 samples, minus dropped out-of-box points
    assert.ok(A.rows > 30 && A.rows <= 180, `rows ${A.rows}`);
    for (let i = 0; i < A.rows; i++) {
      assert.ok(Math.abs(A.get(i, 0)) < 3 && Math.abs(A.get(i, 1)) < 3);
      assert.ok(Math.abs(A.get(i, 2) - paraboloidHeight(A.get(i, 0), A.get(i, 1), 0.05)) < 1e-15);
    }
    assert.deepEqual(Array.from(A.data), Array.from(b.anchor[c].data));
  }
  assert.match(a.description, /van der Pol/);
  // plane + "field" velocities equal the van der Pol field at each anchor
  const p = vanDerPolConditions({ mus: [0.5], numInitial: 10, surface: "plane" });
  for (let i = 0; i < p.anchor[0].rows; i++) {
    const [x, y] = p.anchor[0].row(i);
    assert.ok(Math.abs(p.vector[0].get(i, 0) - y) < 1e-15);
    assert.ok(Math.abs(p.vector[0].get(i, 1) - (0.5 * (1 - x * x) * y - x)) < 1e-12);
  }
  assert.throws(() => vanDerPolConditions({ mus: [] }), /at least one/);
  assert.throws(() => vanDerPolConditions({ mus: [1], nInitial: 3 } as never), /unknown option/);
});

test("toyFieldConditions: four fields on the same points, planar or lifted", () => {
  const t = toyFieldConditions({ numPoints: 64, seed: 2 });
  assert.equal(t.names.length, 4);
  assert.deepEqual(Array.from(t.anchor[0].data), Array.from(t.anchor[3].data));
  assert.deepEqual(Array.from(t.vector[0].row(5)), [-1, -1]);
  assert.deepEqual(Array.from(t.vector[1].row(5)), [1, 1]);
  // the vortices rotate around (−1, 0) and (1, 0): velocity ⟂ radius
  for (const [c, cx] of [[2, -1], [3, 1]] as const) {
    for (let i = 0; i < 64; i++) {
      const [x, y] = t.anchor[c].row(i);
      const [u, v] = t.vector[c].row(i);
      assert.ok(Math.abs(u * (x - cx) + v * y) < 1e-12);
    }
  }
  const l = toyFieldConditions({ numPoints: 64, seed: 2, surface: "paraboloid", alpha: 0.5 });
  assert.equal(l.anchor[2].cols, 3);
  assert.ok(Math.abs(Math.hypot(...l.vector[1].row(0)) - Math.SQRT2) < 1e-12);
});

test("sampling helpers", () => {
  const g = sampleGrid2d(3, [-1, 1]);
  assert.deepEqual(g.row(0), Float64Array.from([-1, -1]));
  assert.deepEqual(g.row(1), Float64Array.from([0, -1]));
  assert.deepEqual(g.row(8), Float64Array.from([1, 1]));
  const u = sampleUniformBox(500, [[0, 1], [10, 20]], { seed: 1 });
  for (let i = 0; i < 500; i++) assert.ok(u.get(i, 0) >= 0 && u.get(i, 0) < 1 && u.get(i, 1) >= 10 && u.get(i, 1) < 20);
  assert.throws(() => sampleUniformBox(3, [1, 1]), /lo < hi/);
});
