/**
 * A 32-bit seed derived from a base seed and indices (e.g. gain, trial), so that each trial has
 * its own reproducible random stream independent of how many other trials are simulated.
 */
export function deriveSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    let x = (Math.floor(p) | 0) ^ Math.floor(p / 4294967296);
    x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
    x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
    x ^= x >>> 16;
    h = Math.imul(h ^ x, 0x01000193);
    h ^= h >>> 13;
  }
  return h >>> 0;
}
