/**
 * Cholesky factorisation and solve for the small symmetric positive-definite systems of linear and
 * ridge decoders (d × d with d the number of features). A 490-feature system factors in tens of
 * milliseconds, where a full eigendecomposition by Jacobi sweeps takes seconds.
 */

/**
 * Solves A X = B for symmetric positive-definite A (d × d, row-major; only its lower triangle is
 * read, and it is overwritten by the factor L) and B (d × q, row-major, overwritten by X).
 * Returns false, leaving A and B partly overwritten, when a pivot falls to or below
 * `relTol` × the largest diagonal entry (A singular or too close to it to trust the solve).
 */
export function choleskySolveInPlace(A: Float64Array, B: Float64Array, d: number, q: number, relTol = 1e-10): boolean {
  let maxDiag = 0;
  for (let i = 0; i < d; i++) maxDiag = Math.max(maxDiag, A[i * d + i]);
  const floor = relTol * maxDiag;
  for (let j = 0; j < d; j++) {
    const rj = j * d;
    let s = A[rj + j];
    for (let k = 0; k < j; k++) s -= A[rj + k] * A[rj + k];
    if (!(s > floor)) return false;
    const ljj = Math.sqrt(s);
    A[rj + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      const ri = i * d;
      let t = A[ri + j];
      for (let k = 0; k < j; k++) t -= A[ri + k] * A[rj + k];
      A[ri + j] = t / ljj;
    }
  }
  // forward: L Y = B
  for (let i = 0; i < d; i++) {
    const ri = i * d;
    for (let k = 0; k < i; k++) {
      const l = A[ri + k];
      if (l === 0) continue;
      for (let c = 0; c < q; c++) B[i * q + c] -= l * B[k * q + c];
    }
    const inv = 1 / A[ri + i];
    for (let c = 0; c < q; c++) B[i * q + c] *= inv;
  }
  // backward: Lᵀ X = Y
  for (let i = d - 1; i >= 0; i--) {
    for (let k = i + 1; k < d; k++) {
      const l = A[k * d + i];
      if (l === 0) continue;
      for (let c = 0; c < q; c++) B[i * q + c] -= l * B[k * q + c];
    }
    const inv = 1 / A[i * d + i];
    for (let c = 0; c < q; c++) B[i * q + c] *= inv;
  }
  return true;
}
