/** Ranks with ties given their average rank (1-based). */
function averageRanks(xs: number[]): number[] {
  const idx = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const ranks = new Array<number>(xs.length);
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && xs[idx[e + 1]] === xs[idx[s]]) e++;
    const r = (s + e) / 2 + 1;
    for (let k = s; k <= e; k++) ranks[idx[k]] = r;
    s = e + 1;
  }
  return ranks;
}

/**
 * Spearman's rank correlation (Pearson correlation of average ranks), used to say how well an
 * embedding orders conditions by a parameter such as μ or the input gain.
 */
export function spearmanCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`spearmanCorrelation: lengths differ (${a.length} vs ${b.length})`);
  if (a.length < 3) throw new Error(`spearmanCorrelation: need at least 3 pairs, got ${a.length}`);
  const xs = Array.from(a);
  const ys = Array.from(b);
  xs.concat(ys).forEach((v, i) => {
    if (!Number.isFinite(v)) throw new Error(`spearmanCorrelation: entry ${i % xs.length} is not finite`);
  });
  const ra = averageRanks(xs);
  const rb = averageRanks(ys);
  const n = xs.length;
  const ma = ra.reduce((s, v) => s + v, 0) / n;
  const mb = rb.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) ** 2;
    sbb += (rb[i] - mb) ** 2;
  }
  if (saa === 0 || sbb === 0) return 0;
  return sab / Math.sqrt(saa * sbb);
}
