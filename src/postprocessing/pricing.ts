/**
 * Entering-arc selection for the transportation simplex, by pricing a small working set of arcs
 * first and the whole cost matrix only to confirm optimality (column generation).
 *
 * The working set starts with each source's `k` cheapest sinks, the arcs an optimal plan of a
 * geometric problem mostly uses. Block search pricing (LEMON's and POT's default rule) runs over
 * the working set. When no arc of it has a negative reduced cost, every arc of the matrix is priced
 * once: if none is negative the tree is optimal for the whole problem; otherwise the negative ones
 * join the working set and pricing goes on. The optimum is therefore the dense problem's optimum,
 * whatever the working set; a good set only saves scans of the dense matrix.
 */

/** Relative round-off below which a negative reduced cost is treated as zero. */
const PRICE_EPS = 2.220446049250313e-15;

export class WorkingSetPricing {
  private setSource: Int32Array;
  private setSink: Int32Array;
  private setCost: Float64Array;
  private size = 0;
  private nextPos = 0;
  /** Full scans of the cost matrix so far (for diagnostics). */
  fullScans = 0;

  constructor(
    private readonly n1: number,
    private readonly n2: number,
    private readonly cost: Float64Array,
    /** Potentials, sources first then sinks; updated in place by the tree. */
    private readonly pi: Float64Array,
    cheapestPerSource: number,
  ) {
    const m = n1 * n2;
    const k = Math.min(n2, cheapestPerSource);
    const capacity = Math.min(m, n1 * k + 8 * (n1 + n2));
    this.setSource = new Int32Array(capacity);
    this.setSink = new Int32Array(capacity);
    this.setCost = new Float64Array(capacity);
    if (k >= n2) {
      for (let e = 0; e < m; e++) this.push(e);
    } else if (k > 0) {
      this.addCheapest(k);
    }
  }

  /** The arc to enter the tree, or −1 when no arc of the whole problem has a negative reduced cost. */
  enteringArc(): number {
    for (;;) {
      const e = this.blockSearch();
      if (e >= 0) return e;
      // With every arc in the working set, the block search above priced them all.
      if (this.size === this.n1 * this.n2) return -1;
      if (!this.fullScan()) return -1;
    }
  }

  /** Most negative reduced cost in the first block of the working set that has one. */
  private blockSearch(): number {
    const { setSource, setSink, setCost, pi, n1, size } = this;
    if (size === 0) return -1;
    const blockSize = Math.max(10, Math.ceil(Math.sqrt(size)));
    let pos = this.nextPos;
    let scanned = 0;
    while (scanned < size) {
      const stop = Math.min(size - scanned, blockSize);
      let best = 0, bestPos = -1;
      for (let q = 0; q < stop; q++) {
        const i = setSource[pos], j = setSink[pos];
        const rc = setCost[pos] + pi[i] - pi[n1 + j];
        if (rc < best && rc < -PRICE_EPS * maxAbs(setCost[pos], pi[i], pi[n1 + j])) {
          best = rc;
          bestPos = pos;
        }
        if (++pos === size) pos = 0;
      }
      scanned += stop;
      if (bestPos >= 0) {
        this.nextPos = pos;
        return setSource[bestPos] * this.n2 + setSink[bestPos];
      }
    }
    return -1;
  }

  /** Prices every arc; adds those with negative reduced cost to the working set. False when there are none. */
  private fullScan(): boolean {
    const { cost, pi, n1, n2 } = this;
    this.fullScans++;
    const before = this.size;
    for (let i = 0; i < n1; i++) {
      const base = i * n2;
      const piI = pi[i];
      const bound = -piI;
      for (let j = 0; j < n2; j++) {
        const c = cost[base + j], piJ = pi[n1 + j];
        // rc = c + π_i − π_j < 0  ⇔  c − π_j < −π_i
        if (c - piJ < bound && c + piI - piJ < -PRICE_EPS * maxAbs(c, piI, piJ)) this.push(base + j);
      }
    }
    return this.size > before;
  }

  /** Adds each source's k cheapest sinks (ties to the lower index). */
  private addCheapest(k: number): void {
    const { cost, n1, n2 } = this;
    const idx = new Int32Array(k), val = new Float64Array(k);
    for (let i = 0; i < n1; i++) {
      const base = i * n2;
      // Insertion into a sorted list of the k best so far; most entries fail the first comparison.
      let filled = 0;
      for (let j = 0; j < n2; j++) {
        const c = cost[base + j];
        if (filled === k && c >= val[k - 1]) continue;
        let q = filled === k ? k - 1 : filled++;
        while (q > 0 && val[q - 1] > c) {
          val[q] = val[q - 1];
          idx[q] = idx[q - 1];
          q--;
        }
        val[q] = c;
        idx[q] = j;
      }
      for (let q = 0; q < filled; q++) this.push(base + idx[q]);
    }
  }

  private push(e: number): void {
    if (this.size === this.setSource.length) this.grow();
    const i = (e / this.n2) | 0;
    this.setSource[this.size] = i;
    this.setSink[this.size] = e - i * this.n2;
    this.setCost[this.size++] = this.cost[e];
  }

  private grow(): void {
    const capacity = Math.min(this.n1 * this.n2, 2 * this.setSource.length);
    const source = new Int32Array(capacity), sink = new Int32Array(capacity), cost = new Float64Array(capacity);
    source.set(this.setSource);
    sink.set(this.setSink);
    cost.set(this.setCost);
    this.setSource = source;
    this.setSink = sink;
    this.setCost = cost;
  }
}

function maxAbs(c: number, p: number, q: number): number {
  let s = Math.abs(c);
  if (Math.abs(p) > s) s = Math.abs(p);
  if (Math.abs(q) > s) s = Math.abs(q);
  return s;
}
