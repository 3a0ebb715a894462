import { Matrix } from "../core/matrix.js";

const LEAF_SIZE = 12;

/**
 * A static KD-tree over the rows of an n × d matrix, for exact nearest-neighbour and radius queries.
 *
 * Points are copied into tree order (contiguous per leaf) so queries touch memory sequentially.
 * Queries prune with the Arya–Mount incremental distance to the current cell, which is exact and
 * tight in low dimension (d ≲ 10, where neural manifolds usually live after PCA).
 */
export class KDTree {
  readonly n: number;
  readonly dim: number;
  /** Points in tree order, row-major (n × dim). */
  private readonly pts: Float64Array;
  /** perm[r] = original index of the point stored at tree position r. */
  readonly perm: Int32Array;
  // node arrays (node 0 is the root)
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly splitDim: Int32Array;
  private readonly splitVal: Float64Array;
  private numNodes = 0;

  constructor(points: Matrix) {
    const n = points.rows, d = points.cols;
    this.n = n;
    this.dim = d;
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    const maxNodes = Math.max(1, 2 * Math.ceil(n / (LEAF_SIZE / 2)) + 1);
    this.start = new Int32Array(maxNodes);
    this.end = new Int32Array(maxNodes);
    this.left = new Int32Array(maxNodes).fill(-1);
    this.right = new Int32Array(maxNodes).fill(-1);
    this.splitDim = new Int32Array(maxNodes);
    this.splitVal = new Float64Array(maxNodes);
    const src = points.data;
    // iterative build with an explicit stack: (node, lo, hi)
    const root = this.newNode(0, n);
    const stack: number[] = [root];
    while (stack.length) {
      const node = stack.pop()!;
      const lo = this.start[node], hi = this.end[node];
      if (hi - lo <= LEAF_SIZE) continue;
      // split on the dimension of largest spread, at the median
      let best = 0, bestSpread = -1;
      for (let k = 0; k < d; k++) {
        let mn = Infinity, mx = -Infinity;
        for (let r = lo; r < hi; r++) {
          const v = src[perm[r] * d + k];
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        if (mx - mn > bestSpread) {
          bestSpread = mx - mn;
          best = k;
        }
      }
      if (bestSpread <= 0) continue; // all points identical: keep as one leaf
      const mid = (lo + hi) >> 1;
      quickSelect(perm, lo, hi - 1, mid, src, d, best);
      this.splitDim[node] = best;
      this.splitVal[node] = src[perm[mid] * d + best];
      const l = this.newNode(lo, mid);
      const r = this.newNode(mid, hi);
      this.left[node] = l;
      this.right[node] = r;
      stack.push(l, r);
    }
    this.perm = perm;
    const pts = new Float64Array(n * d);
    for (let r = 0; r < n; r++) for (let k = 0; k < d; k++) pts[r * d + k] = src[perm[r] * d + k];
    this.pts = pts;
  }

  private newNode(lo: number, hi: number): number {
    const id = this.numNodes++;
    this.start[id] = lo;
    this.end[id] = hi;
    return id;
  }

  /**
   * The k nearest neighbours of a query point (squared distances ascending), excluding the point
   * with original index `exclude` (pass -1 to keep all). Writes into idxOut/distOut (length k);
   * distances are Euclidean (not squared). Returns how many were found (< k only if n − 1 < k).
   */
  knnQuery(q: ArrayLike<number>, k: number, exclude: number, idxOut: Int32Array, distOut: Float64Array): number {
    const heap = new KnnHeap(k);
    const off = new Float64Array(this.dim);
    this.knnRec(0, q, heap, exclude, off, 0);
    return heap.drainSorted(idxOut, distOut);
  }

  private knnRec(node: number, q: ArrayLike<number>, heap: KnnHeap, exclude: number, off: Float64Array, rd: number): void {
    const l = this.left[node];
    if (l < 0) {
      const d = this.dim, pts = this.pts, perm = this.perm;
      for (let r = this.start[node], e = this.end[node]; r < e; r++) {
        const orig = perm[r];
        if (orig === exclude) continue;
        let s = 0;
        const base = r * d;
        for (let t = 0; t < d; t++) {
          const diff = pts[base + t] - q[t];
          s += diff * diff;
        }
        if (s < heap.worst()) heap.push(s, orig);
      }
      return;
    }
    const sd = this.splitDim[node];
    const diff = q[sd] - this.splitVal[node];
    const near = diff < 0 ? l : this.right[node];
    const far = diff < 0 ? this.right[node] : l;
    this.knnRec(near, q, heap, exclude, off, rd);
    const old = off[sd];
    const rdFar = rd - old * old + diff * diff;
    if (rdFar < heap.worst()) {
      off[sd] = diff;
      this.knnRec(far, q, heap, exclude, off, rdFar);
      off[sd] = old;
    }
  }

  /**
   * Calls visit(originalIndex, squaredDistance) for every point with |p − q| < radius (strict),
   * excluding the original index `exclude`.
   */
  radiusQuery(q: ArrayLike<number>, radius: number, exclude: number, visit: (j: number, dist2: number) => void): void {
    const r2 = radius * radius;
    const off = new Float64Array(this.dim);
    this.radiusRec(0, q, r2, exclude, off, 0, visit);
  }

  private radiusRec(node: number, q: ArrayLike<number>, r2: number, exclude: number, off: Float64Array, rd: number, visit: (j: number, dist2: number) => void): void {
    const l = this.left[node];
    if (l < 0) {
      const d = this.dim, pts = this.pts, perm = this.perm;
      for (let r = this.start[node], e = this.end[node]; r < e; r++) {
        const orig = perm[r];
        if (orig === exclude) continue;
        let s = 0;
        const base = r * d;
        for (let t = 0; t < d; t++) {
          const diff = pts[base + t] - q[t];
          s += diff * diff;
        }
        if (s < r2) visit(orig, s);
      }
      return;
    }
    const sd = this.splitDim[node];
    const diff = q[sd] - this.splitVal[node];
    const near = diff < 0 ? l : this.right[node];
    const far = diff < 0 ? this.right[node] : l;
    this.radiusRec(near, q, r2, exclude, off, rd, visit);
    const old = off[sd];
    const rdFar = rd - old * old + diff * diff;
    if (rdFar < r2) {
      off[sd] = diff;
      this.radiusRec(far, q, r2, exclude, off, rdFar, visit);
      off[sd] = old;
    }
  }

  /**
   * Largest squared distance from q to any point, given that only values above `atLeast2`
   * matter (cells that cannot beat it are skipped). Returns max(atLeast2, true maximum).
   */
  furthestDistance2(q: ArrayLike<number>, atLeast2: number): number {
    // bounding boxes are computed lazily once
    if (!this.boxLo) this.computeBoxes();
    let best = atLeast2;
    const d = this.dim, lo = this.boxLo!, hi = this.boxHi!, pts = this.pts;
    const stack: number[] = [0];
    while (stack.length) {
      const node = stack.pop()!;
      let ub = 0;
      for (let t = 0; t < d; t++) {
        const a = Math.abs(q[t] - lo[node * d + t]), b = Math.abs(q[t] - hi[node * d + t]);
        const m = a > b ? a : b;
        ub += m * m;
      }
      if (ub <= best) continue;
      const l = this.left[node];
      if (l < 0) {
        for (let r = this.start[node], e = this.end[node]; r < e; r++) {
          let s = 0;
          for (let t = 0; t < d; t++) {
            const diff = pts[r * d + t] - q[t];
            s += diff * diff;
          }
          if (s > best) best = s;
        }
      } else {
        stack.push(l, this.right[node]);
      }
    }
    return best;
  }

  private boxLo: Float64Array | null = null;
  private boxHi: Float64Array | null = null;

  private computeBoxes(): void {
    const d = this.dim, m = this.numNodes;
    const lo = new Float64Array(m * d).fill(Infinity);
    const hi = new Float64Array(m * d).fill(-Infinity);
    for (let node = 0; node < m; node++) {
      for (let r = this.start[node], e = this.end[node]; r < e; r++) {
        for (let t = 0; t < d; t++) {
          const v = this.pts[r * d + t];
          if (v < lo[node * d + t]) lo[node * d + t] = v;
          if (v > hi[node * d + t]) hi[node * d + t] = v;
        }
      }
    }
    this.boxLo = lo;
    this.boxHi = hi;
  }
}

/** Fixed-capacity max-heap of (squared distance, index), keeping the k smallest. */
class KnnHeap {
  private readonly d: Float64Array;
  private readonly i: Int32Array;
  private size = 0;
  constructor(private readonly k: number) {
    this.d = new Float64Array(k);
    this.i = new Int32Array(k);
  }
  worst(): number {
    return this.size < this.k ? Infinity : this.d[0];
  }
  push(dist: number, idx: number): void {
    const D = this.d, I = this.i;
    if (this.size < this.k) {
      let c = this.size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (D[p] >= dist) break;
        D[c] = D[p];
        I[c] = I[p];
        c = p;
      }
      D[c] = dist;
      I[c] = idx;
      return;
    }
    // replace root and sift down
    let c = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && D[r] > D[l] ? r : l;
      if (D[m] <= dist) break;
      D[c] = D[m];
      I[c] = I[m];
      c = m;
    }
    D[c] = dist;
    I[c] = idx;
  }
  /** Writes ascending (distance, index) and returns the count. */
  drainSorted(idxOut: Int32Array, distOut: Float64Array): number {
    const n = this.size;
    const order = Array.from({ length: n }, (_, t) => t);
    order.sort((a, b) => this.d[a] - this.d[b] || this.i[a] - this.i[b]);
    for (let t = 0; t < n; t++) {
      idxOut[t] = this.i[order[t]];
      distOut[t] = Math.sqrt(this.d[order[t]]);
    }
    return n;
  }
}

/** Hoare-style selection so that perm[lo..hi] is partitioned around position kth on coordinate dim. */
function quickSelect(perm: Int32Array, lo: number, hi: number, kth: number, src: Float64Array, d: number, dim: number): void {
  while (hi > lo) {
    const pivot = src[perm[(lo + hi) >> 1] * d + dim];
    let i = lo, j = hi;
    while (i <= j) {
      while (src[perm[i] * d + dim] < pivot) i++;
      while (src[perm[j] * d + dim] > pivot) j--;
      if (i <= j) {
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        i++;
        j--;
      }
    }
    if (kth <= j) hi = j;
    else if (kth >= i) lo = i;
    else return;
  }
}
