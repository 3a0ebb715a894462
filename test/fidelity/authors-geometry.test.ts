// Graphs, derivative kernels, gradient features, Laplacians and diffusion against the authors'
// package (values from scripts/fixtures/authors.py, committed in test/fixtures/authors/).
// Tolerances: the reference computes in float32 (relative rounding 6e-8), MarbleLab in float64 from
// the same float32-rounded positions, so entries of size ~1 agree to about 1e-6.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, constructDataset, directionalKernels, computeConnections, blockKernels } from "../../src/index.js";
import { derivativeStep } from "../../src/model/gradient.js";
import { InnerProductFeatures } from "../../src/model/inner-product.js";
import { loadAuthors, denseFromCoo, denseFromSparse, maxAbsDiff, flat, matrix, edgeKeys, adjacencyKeys, reportDiff, reportDeparture } from "./authors-fixtures.js";

const TOL_KERNEL = 1e-6;
const TOL_FEATURE = 1e-6;
const TOL_DIFFUSION = 1e-6;
// the reference's weights 1/|p_i − p_j| (~5 on the grid) and their row sums are float32
const TOL_LAPLACIAN = 5e-6;

const report = reportDiff;

function checkKernels(f: { kernels: Parameters<typeof denseFromCoo>[0][] }, kernels: { rows: number; cols: number }[], n: number, what: string): number {
  let worst = 0;
  f.kernels.forEach((c, a) => {
    const d = maxAbsDiff(denseFromSparse(kernels[a] as never), denseFromCoo(c, n));
    worst = Math.max(worst, d);
  });
  report(`${what} kernels`, worst, TOL_KERNEL);
  return worst;
}

test("10 × 10 grid of the authors' tests (cknn, k = 8): graph, kernels, derivatives to order 2 and diffusion match the reference", () => {
  const f = loadAuthors("grid.json");
  const n = f.n;
  for (const [name, signal] of [["f1", f.f1], ["f2", f.f2]] as const) {
    const data = constructDataset({ anchor: f.pos, vector: signal, k: f.k });
    assert.deepEqual(adjacencyKeys(data.graph.adjacency), edgeKeys(f.edges), "same edges");
    if (name === "f1") assert.ok(checkKernels(f, data.kernels, n, "grid") < TOL_KERNEL);
    const x = data.x.data;
    const der = derivativeStep(x, 1, data.kernels);
    const derder = derivativeStep(der, 2, data.kernels);
    const d1 = maxAbsDiff(der, flat(f[`${name}Der`])), d2 = maxAbsDiff(derder, flat(f[`${name}DerDer`]));
    report(`grid ${name} first derivatives`, d1, TOL_FEATURE);
    report(`grid ${name} second derivatives`, d2, TOL_FEATURE);
    assert.ok(d1 < TOL_FEATURE && d2 < TOL_FEATURE);
    if (name === "f2") {
      const L = maxAbsDiff(denseFromSparse(data.laplacian), denseFromCoo(f.diffusion.laplacian, n));
      report("grid random-walk Laplacian", L, TOL_LAPLACIAN);
      assert.ok(L < TOL_LAPLACIAN);
      const heat = data.diffusion.apply(data.x, f.diffusion.t).data;
      const exact = maxAbsDiff(heat, flat(f.diffusion.matrixExp));
      // departure: the reference's training path takes eigh of the non-symmetric random-walk
      // Laplacian (only its lower triangle is read), so its "spectral" diffusion is not exp(−tL)
      const spectral = maxAbsDiff(heat, flat(f.diffusion.spectral));
      report("grid exp(−tL)x against the reference's matrix_exp", exact, TOL_DIFFUSION);
      // its eigenvectors are also scaled by √n, so the result carries a factor n
      const scaled = maxAbsDiff(heat, flat(f.diffusion.spectral).map((v) => v / n));
      reportDeparture(`the reference's spectral diffusion differs from exp(−tL)x by up to ${spectral.toExponential(2)} (${scaled.toExponential(2)} after dividing by n = ${n})`);
      assert.ok(exact < TOL_DIFFUSION);
      assert.ok(spectral > 100 * TOL_DIFFUSION, "the reference's spectral diffusion departs from the exact one");
    }
  }
});

test("grid from float64 positions: equal distances cross the strict cknn inequality (the departure), and reference mode rounds them as the authors do", () => {
  const f = loadAuthors("grid.json");
  const lin = Array.from({ length: 10 }, (_, i) => -1 + (2 * i) / 9);
  const pos64 = new Matrix(100, 2);
  for (let r = 0; r < 10; r++) for (let c = 0; c < 10; c++) pos64.data.set([lin[c], lin[r]], 2 * (r * 10 + c));
  const signal = matrix(f.f1);
  const own = constructDataset({ anchor: pos64, vector: signal, k: f.k });
  let worst = 0;
  f.kernels.forEach((c: Parameters<typeof denseFromCoo>[0], a: number) => (worst = Math.max(worst, maxAbsDiff(denseFromSparse(own.kernels[a]), denseFromCoo(c, 100)))));
  reportDeparture(`kernels from float64 positions differ from the reference's by up to ${worst.toFixed(3)} (edges ${adjacencyKeys(own.graph.adjacency).length} vs ${edgeKeys(f.edges).length})`);
  assert.ok(worst > 1e-2);
  const ref = constructDataset({ anchor: pos64, vector: signal, k: f.k, reference: "authors" });
  assert.deepEqual(adjacencyKeys(ref.graph.adjacency), edgeKeys(f.edges));
  assert.ok(checkKernels(f, ref.kernels, 100, "grid (float64 input, reference mode)") < TOL_KERNEL);
});

test("random planar cloud with a vector field: kernels, gradient features to order 2 and diffusion match the reference", () => {
  const f = loadAuthors("cloud2d.json");
  const data = constructDataset({ anchor: f.pos, vector: f.x, k: f.k });
  assert.deepEqual(adjacencyKeys(data.graph.adjacency), edgeKeys(f.edges), "same edges");
  assert.ok(checkKernels(f, data.kernels, f.n, "planar cloud") < TOL_KERNEL);
  const der = derivativeStep(data.x.data, 2, data.kernels);
  const derder = derivativeStep(der, 4, data.kernels);
  const d1 = maxAbsDiff(der, flat(f.der)), d2 = maxAbsDiff(derder, flat(f.derDer));
  report("planar cloud order-1 features", d1, TOL_FEATURE);
  report("planar cloud order-2 features", d2, 10 * TOL_FEATURE);
  assert.ok(d1 < TOL_FEATURE);
  // second derivatives are ~10× larger here and carry the first step's float32 error
  assert.ok(d2 < 10 * TOL_FEATURE);
  const heat = data.diffusion.apply(data.x, f.diffusion.t).data;
  const exact = maxAbsDiff(heat, flat(f.diffusion.matrixExp));
  report("planar cloud exp(−tL)x", exact, TOL_DIFFUSION);
  assert.ok(exact < TOL_DIFFUSION);
});

test("paraboloid with local gauges: graph and dimension match; tangent planes depart (geodesic neighbourhoods); kernels, connections and block features from the reference's frames match in reference mode", () => {
  const f = loadAuthors("surface.json");
  const n = f.n, d = 3;
  const data = constructDataset({ anchor: f.pos, vector: f.x, k: f.k, localGauges: true, reference: "authors" });
  assert.equal(data.dimMan, f.dimMan);
  const m = data.dimMan;
  assert.deepEqual(adjacencyKeys(data.graph.adjacency), edgeKeys(f.edges), "same edges");
  // tangent projectors G Gᵀ do not depend on the frames' signs or rotations; they differ because
  // the reference picks each node's frame neighbourhood by hop count (its graph passed without
  // weights), MarbleLab by path length
  const G = data.gauges.data, gc = data.gauges.cols;
  let proj = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      for (let l = 0; l < d; l++) {
        let ours = 0, theirs = 0;
        for (let a = 0; a < m; a++) {
          ours += G[i * gc + a * d + k] * G[i * gc + a * d + l];
          theirs += f.gauges[i][k][a] * f.gauges[i][l][a];
        }
        proj = Math.max(proj, Math.abs(ours - theirs));
      }
    }
  }
  reportDeparture(`tangent projectors differ by up to ${proj.toFixed(3)} (frame neighbourhoods by hop count in the reference, by length here)`);
  assert.ok(proj > 1e-3);
  // from the reference's own frames, MarbleLab's kernels and connections give its features
  const theirs = new Matrix(n, m * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < m; a++) for (let k = 0; k < d; k++) theirs.data[i * m * d + a * d + k] = f.gauges[i][k][a];
  const adjacency = data.graph.adjacency;
  const scalar = directionalKernels(data.pos, adjacency, theirs, m);
  const R = computeConnections(theirs, adjacency, d);
  const xFrames = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let a = 0; a < m; a++) for (let k = 0; k < d; k++) xFrames[i * m + a] += f.x[i][k] * theirs.data[i * m * d + a * d + k];
  const der = derivativeStep(xFrames, 1, blockKernels(scalar, adjacency, R, m));
  const diff = maxAbsDiff(der, flat(f.der));
  report("paraboloid block-kernel features (diagonal blocks kept on both sides) from the reference's frames", diff, TOL_FEATURE);
  assert.ok(diff < TOL_FEATURE);
});

test("inner-product features: the authors read each order's vectors as gradients of the previous order's channels, MarbleLab as derivatives along each direction (the departure); with their reading the values match", () => {
  const f = loadAuthors("cloud2d.json");
  const s = f.x[0].length, blocks = [1, 2, 4], rows = f.n;
  const width = s * blocks.reduce((a: number, b: number) => a + b, 0);
  const feats = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) feats.set([...f.x[r], ...f.der[r], ...f.derDer[r]], r * width);
  const ip = new InnerProductFeatures(s, blocks);
  const theirs = flat(f.innerProducts);
  const ours = maxAbsDiff(ip.forward(feats, rows), theirs);
  // the authors' vector v of an order block is its entries v·s … v·s + s − 1 (a block viewed as
  // m^j × s); MarbleLab's is component c at c·m^j + v. Regrouping the rows their way:
  const regrouped = new Float64Array(feats.length);
  for (let r = 0; r < rows; r++) {
    let off = r * width;
    for (const nv of blocks) {
      for (let v = 0; v < nv; v++) for (let c = 0; c < s; c++) regrouped[off + c * nv + v] = feats[off + v * s + c];
      off += nv * s;
    }
  }
  const same = reportDiff("planar cloud inner-product features, O = I, vectors grouped as the authors group them", maxAbsDiff(ip.forward(regrouped, rows), theirs), TOL_FEATURE);
  reportDeparture(`inner-product features (planar cloud, orders 0–2, O = I) differ from the authors' by up to ${ours.toFixed(3)}: their vectors are the gradients of each channel of the previous order (order 1: of each signal component), MarbleLab's the derivatives of the previous order's vectors along each direction`);
  assert.ok(same < TOL_FEATURE);
  assert.ok(ours > 1e-2);
});
