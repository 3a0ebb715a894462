/**
 * Per-row unit normalisation (vecNorm on features, embNorm on embeddings), with its backward
 * pass and its forward-mode derivative. Rows of zero norm are left at zero.
 */
const TINY = 1e-12;

/** y_r = x_r / max(|x_r|, 1e-12) for each row of `cols` entries. */
export function normalizeRows(x: Float64Array, cols: number): Float64Array {
  const y = new Float64Array(x.length);
  const rows = x.length / cols;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[r * cols + j] ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), TINY);
    for (let j = 0; j < cols; j++) y[r * cols + j] = x[r * cols + j] * inv;
  }
  return y;
}

/** dL/dx from dL/dy, given x: (g − ŷ(ŷ·g)) / |x|. */
export function normalizeRowsBackward(x: Float64Array, gy: Float64Array, cols: number): Float64Array {
  return normalizeRowsTangent(x, gy, cols);
}

/**
 * Forward-mode derivative: the change of y for a change dx of x. The Jacobian of x/|x| is
 * symmetric, so the same formula serves the backward pass.
 */
export function normalizeRowsTangent(x: Float64Array, dx: Float64Array, cols: number): Float64Array {
  const out = new Float64Array(x.length);
  const rows = x.length / cols;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[r * cols + j] ** 2;
    const norm = Math.sqrt(s);
    if (norm < TINY) {
      for (let j = 0; j < cols; j++) out[r * cols + j] = dx[r * cols + j] / TINY;
      continue;
    }
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += x[r * cols + j] * dx[r * cols + j];
    const inv = 1 / norm;
    const k = dot * inv * inv * inv;
    for (let j = 0; j < cols; j++) out[r * cols + j] = dx[r * cols + j] * inv - x[r * cols + j] * k;
  }
  return out;
}
