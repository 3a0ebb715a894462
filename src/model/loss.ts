/**
 * The contrastive loss of MARBLE (after GraphSAGE): anchors z, positives z⁺ (graph neighbours)
 * and negatives z⁻ (random nodes) are the three consecutive thirds of the batch;
 * loss = −mean log σ(z·z⁺) − mean log σ(−z·z⁻), plus σ(Σ_i |z_i − mean z_mask|) − 0.5 over the
 * masked rows when a mask is given.
 */

/** log σ(x), stable for large |x|. */
function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * `z` holds 3B rows of `cols` entries. `masked` (optional) flags the rows that belong to the mask.
 * Returns the loss and dL/dz.
 */
export function contrastiveLoss(z: Float64Array, cols: number, masked?: Uint8Array | null): { loss: number; grad: Float64Array } {
  const rows = z.length / cols;
  if (rows % 3 !== 0) throw new RangeError(`contrastiveLoss: expected 3B rows (anchors, positives, negatives), got ${rows}`);
  const B = rows / 3;
  const grad = new Float64Array(z.length);
  let pos = 0, neg = 0;
  for (let b = 0; b < B; b++) {
    const a = b * cols, p = (B + b) * cols, n = (2 * B + b) * cols;
    let dp = 0, dn = 0;
    for (let j = 0; j < cols; j++) {
      dp += z[a + j] * z[p + j];
      dn += z[a + j] * z[n + j];
    }
    pos += logSigmoid(dp);
    neg += logSigmoid(-dn);
    // d/d(dp) of −log σ(dp)/B is −(1 − σ(dp))/B; d/d(dn) of −log σ(−dn)/B is σ(dn)/B
    const gp = -(1 - sigmoid(dp)) / B;
    const gn = sigmoid(dn) / B;
    for (let j = 0; j < cols; j++) {
      grad[a + j] += gp * z[p + j] + gn * z[n + j];
      grad[p + j] += gp * z[a + j];
      grad[n + j] += gn * z[a + j];
    }
  }
  let loss = -pos / B - neg / B;
  if (masked) {
    let count = 0;
    const mean = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      if (!masked[r]) continue;
      count++;
      for (let j = 0; j < cols; j++) mean[j] += z[r * cols + j];
    }
    if (count > 0) {
      for (let j = 0; j < cols; j++) mean[j] /= count;
      let spread = 0;
      const unit = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        if (!masked[r]) continue;
        let s = 0;
        for (let j = 0; j < cols; j++) s += (z[r * cols + j] - mean[j]) ** 2;
        const norm = Math.sqrt(s);
        spread += norm;
        if (norm > 0) for (let j = 0; j < cols; j++) unit[r * cols + j] = (z[r * cols + j] - mean[j]) / norm;
      }
      const sg = sigmoid(spread);
      loss += sg - 0.5;
      // d spread / d z_r = u_r − (1/count) Σ_k u_k over masked rows
      const scale = sg * (1 - sg);
      const meanUnit = new Float64Array(cols);
      for (let r = 0; r < rows; r++) if (masked[r]) for (let j = 0; j < cols; j++) meanUnit[j] += unit[r * cols + j] / count;
      for (let r = 0; r < rows; r++) {
        if (!masked[r]) continue;
        for (let j = 0; j < cols; j++) grad[r * cols + j] += scale * (unit[r * cols + j] - meanUnit[j]);
      }
    }
  }
  return { loss, grad };
}
