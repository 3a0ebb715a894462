/** ReLU and (inverted) dropout over flat arrays. */
import type { Random } from "../core/random.js";

export function reluForward(x: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
  return y;
}

/** dL/dx given the layer's output y (y > 0 exactly where x > 0). */
export function reluBackward(y: Float64Array, gy: Float64Array): Float64Array {
  const gx = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) gx[i] = y[i] > 0 ? gy[i] : 0;
  return gx;
}

/** Zeroes each entry with probability p and scales the rest by 1/(1−p); returns the scale mask. */
export function dropoutForward(x: Float64Array, p: number, rng: Random): { y: Float64Array; mask: Float64Array } {
  const mask = new Float64Array(x.length);
  dropoutScales(mask, x.length, p, rng);
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] * mask[i];
  return { y, mask };
}

/**
 * Fills mask[0 … n) with 0 (probability p) or 1/(1−p), one draw of `rng` per entry in order: every
 * MLP path draws its dropout through this, so a seed gives the same mask on each.
 */
export function dropoutScales(mask: Float64Array | Float32Array, n: number, p: number, rng: Random): void {
  const keep = 1 / (1 - p);
  for (let i = 0; i < n; i++) mask[i] = rng.random() < p ? 0 : keep;
}

export function dropoutBackward(mask: Float64Array, gy: Float64Array): Float64Array {
  const gx = new Float64Array(gy.length);
  for (let i = 0; i < gy.length; i++) gx[i] = gy[i] * mask[i];
  return gx;
}
