/** Central finite differences in float64 for checking hand-written backward passes. */
import assert from "node:assert/strict";

/** Compares analytic[i] with (f(x + h e_i) − f(x − h e_i)) / 2h for every entry of `x` (modified in place and restored). */
export function checkGradient(name: string, x: Float64Array, analytic: ArrayLike<number>, f: () => number, opts: { h?: number; tol?: number } = {}): void {
  const h = opts.h ?? 1e-6, tol = opts.tol ?? 1e-6;
  assert.equal(analytic.length, x.length, `${name}: gradient length`);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const orig = x[i];
    x[i] = orig + h;
    const fp = f();
    x[i] = orig - h;
    const fm = f();
    x[i] = orig;
    const num = (fp - fm) / (2 * h);
    const err = Math.abs(num - analytic[i]) / Math.max(1, Math.abs(num), Math.abs(analytic[i]));
    worst = Math.max(worst, err);
    if (err > tol) assert.fail(`${name}[${i}]: analytic ${analytic[i]} vs numeric ${num} (relative error ${err.toExponential(2)})`);
  }
  assert.ok(worst <= tol, name);
}

export function randomArray(n: number, rng: { normal(): number }): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
