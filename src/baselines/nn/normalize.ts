/**
 * Row-wise L2 normalisation onto the unit sphere (CEBRA's `_Norm` layer), and its backward pass.
 * For e = y/‖y‖: ∂L/∂y = (∂L/∂e − e·(e·∂L/∂e)) / ‖y‖.
 */

/** out[r,:] = y[r,:] / ‖y[r,:]‖; stores the norms (needed by the backward pass). */
export function l2NormalizeRows(y: Float64Array, rows: number, cols: number, out: Float64Array, norms: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += y[base + j] * y[base + j];
    // A zero row has no direction; a tiny floor keeps the output finite (PyTorch would give NaN).
    const n = Math.max(Math.sqrt(s), 1e-12);
    norms[r] = n;
    for (let j = 0; j < cols; j++) out[base + j] = y[base + j] / n;
  }
}

/** dy from dOut, given the normalised output e and the norms from the forward pass. */
export function l2NormalizeRowsBackward(e: Float64Array, norms: Float64Array, dOut: Float64Array, rows: number, cols: number, dy: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += e[base + j] * dOut[base + j];
    const inv = 1 / norms[r];
    for (let j = 0; j < cols; j++) dy[base + j] = (dOut[base + j] - e[base + j] * dot) * inv;
  }
}
