import type { SparseMatrix } from "../core/sparse.js";

/**
 * Bounded Dijkstra on a distance-weighted graph (edge length = 1 / stored weight, i.e. the
 * Euclidean length for our 1/distance adjacency). For each call, returns the `count` nodes closest
 * to `source` in graph-geodesic distance (the source first), or fewer if its component is smaller.
 * Reuses its buffers across calls, so one instance serves all nodes.
 */
export class GeodesicNeighbourhood {
  private readonly dist: Float64Array;
  private readonly stamp: Int32Array;
  private readonly done: Int32Array;
  private epoch = 0;
  private heapNode: Int32Array;
  private heapKey: Float64Array;

  /** Edge lengths 1 / w, aligned with the adjacency's stored entries. */
  private readonly lengths: Float64Array;

  constructor(private readonly adjacency: SparseMatrix) {
    const n = adjacency.rows;
    this.lengths = adjacency.values.map((w) => 1 / w);
    this.dist = new Float64Array(n);
    this.stamp = new Int32Array(n);
    this.done = new Int32Array(n);
    this.heapNode = new Int32Array(64);
    this.heapKey = new Float64Array(64);
  }

  /** Writes up to `count` nodes into out (nearest first) and returns how many. */
  nearest(source: number, count: number, out: Int32Array): number {
    const { rowPtr, colIdx } = this.adjacency;
    const lengths = this.lengths;
    const ep = ++this.epoch;
    const dist = this.dist, stamp = this.stamp, done = this.done;
    let H = this.heapNode, K = this.heapKey;
    // binary min-heap with lazy deletion (stale entries are skipped when popped)
    let size = 1;
    H[0] = source;
    K[0] = 0;
    stamp[source] = ep;
    dist[source] = 0;
    let found = 0;
    while (size > 0 && found < count) {
      const i = H[0], key = K[0];
      // pop
      size--;
      if (size > 0) {
        const lastN = H[size], lastK = K[size];
        let c = 0;
        for (;;) {
          const l = 2 * c + 1;
          if (l >= size) break;
          const r = l + 1;
          const m = r < size && K[r] < K[l] ? r : l;
          if (K[m] >= lastK) break;
          H[c] = H[m]; K[c] = K[m];
          c = m;
        }
        H[c] = lastN; K[c] = lastK;
      }
      if (done[i] === ep || key > dist[i]) continue;
      done[i] = ep;
      out[found++] = i;
      if (found === count) break;
      const need = size + (rowPtr[i + 1] - rowPtr[i]);
      if (need > H.length) {
        const cap = Math.max(need, 2 * H.length);
        const hn = new Int32Array(cap); hn.set(H); H = this.heapNode = hn;
        const hk = new Float64Array(cap); hk.set(K); K = this.heapKey = hk;
      }
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        const j = colIdx[p];
        if (done[j] === ep) continue;
        const nd = key + lengths[p];
        if (stamp[j] !== ep || nd < dist[j]) {
          stamp[j] = ep;
          dist[j] = nd;
          // push
          let c = size++;
          while (c > 0) {
            const q = (c - 1) >> 1;
            if (K[q] <= nd) break;
            H[c] = H[q]; K[c] = K[q];
            c = q;
          }
          H[c] = j; K[c] = nd;
        }
      }
    }
    return found;
  }
}
