/**
 * The upper triangle of the scatter matrix Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ of the rows of X (n × d, row
 * major), the heart of PCA's covariance. Rows are taken in blocks and transposed so that each
 * entry's sum runs over a block with both operands contiguous and the running sum in a register,
 * instead of sweeping the whole d × d matrix once per row (2 MB at d = 500, far beyond the
 * caches). Every entry still adds its terms in row order, one rounding per term, so the result is
 * bit for bit that of the row-by-row loop (tested), only several times faster for wide data.
 */
const BLOCK = 32;

/** Adds the scatter of X's rows about `mean` into the upper triangle (b ≥ a) of `out` (d × d). */
export function addScatterUpper(X: Float64Array, n: number, d: number, mean: Float64Array, out: Float64Array): void {
  const T = new Float64Array(d * BLOCK);
  for (let start = 0; start < n; start += BLOCK) {
    const bs = Math.min(BLOCK, n - start);
    for (let i = 0; i < bs; i++) {
      const base = (start + i) * d;
      for (let a = 0; a < d; a++) T[a * BLOCK + i] = X[base + a] - mean[a];
    }
    for (let a = 0; a < d; a++) {
      const ta = a * BLOCK, row = a * d;
      for (let b = a; b < d; b++) {
        const tb = b * BLOCK;
        let acc = out[row + b];
        for (let i = 0; i < bs; i++) acc += T[ta + i] * T[tb + i];
        out[row + b] = acc;
      }
    }
  }
}
