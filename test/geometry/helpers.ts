import { Matrix, Random } from "../../src/index.js";

export function randomCloud(n: number, d: number, seed: number, scale = 1): Matrix {
  const rng = new Random(seed);
  return new Matrix(n, d, Float64Array.from({ length: n * d }, () => rng.normal() * scale));
}

/** Points on the unit sphere (Fibonacci lattice, near uniform), optionally with radial noise. */
export function spherePoints(n: number, noise = 0, seed = 0): Matrix {
  const rng = new Random(seed);
  const out = new Matrix(n, 3);
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < n; i++) {
    const z = 1 - (2 * (i + 0.5)) / n;
    const r = Math.sqrt(1 - z * z);
    const th = golden * i;
    const s = 1 + noise * rng.normal();
    out.set(i, 0, s * r * Math.cos(th));
    out.set(i, 1, s * r * Math.sin(th));
    out.set(i, 2, s * z);
  }
  return out;
}

/** A regular side × side grid with unit spacing in the plane (2 columns). */
export function grid(side: number, spacing = 1): Matrix {
  const out = new Matrix(side * side, 2);
  for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) {
    out.set(i * side + j, 0, i * spacing);
    out.set(i * side + j, 1, j * spacing);
  }
  return out;
}

export function dist(a: Matrix, i: number, b: Matrix, j: number): number {
  let s = 0;
  for (let t = 0; t < a.cols; t++) s += (a.get(i, t) - b.get(j, t)) ** 2;
  return Math.sqrt(s);
}

/** Dense matrix exponential exp(A) by scaling and squaring with a Taylor series (tests only). */
export function denseExpm(A: Matrix): Matrix {
  const n = A.rows;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(A.get(i, j));
    norm = Math.max(norm, s);
  }
  const sq = Math.max(0, Math.ceil(Math.log2(norm + 1e-300)) + 4);
  const scale = 2 ** -sq;
  const B = new Matrix(n, n, A.data.map((v) => v * scale));
  let term = Matrix.identity(n);
  let sum = Matrix.identity(n);
  for (let k = 1; k < 30; k++) {
    term = mul(term, B);
    term = new Matrix(n, n, term.data.map((v) => v / k));
    sum = new Matrix(n, n, sum.data.map((v, q) => v + term.data[q]));
  }
  for (let s = 0; s < sq; s++) sum = mul(sum, sum);
  return sum;
}

export function mul(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) for (let k = 0; k < a.cols; k++) {
    const v = a.data[i * a.cols + k];
    if (v === 0) continue;
    for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j] += v * b.data[k * b.cols + j];
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
