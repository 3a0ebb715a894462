import type { Matrix, Random } from "../../core/index.js";

/**
 * How CEBRA picks training triplets (reference, positive, negative) from one session.
 * References and negatives are drawn uniformly over time (negatives are the second half of
 * one draw of 2n indices, as in CEBRA's ContinuousDataLoader); only the positive differs:
 *
 * - "time" (CEBRA-Time, conditional='time'): the positive is the bin `timeOffset` later.
 *   References are drawn from [0, T − timeOffset).
 * - "behaviour" (CEBRA-Behaviour, conditional='time_delta'): the positive is the bin whose
 *   label is nearest (Euclidean) to label[ref] + Δ, where Δ is the label change over
 *   `timeOffset` bins at a uniformly drawn time (Δ = 0 for the first `timeOffset` bins,
 *   as in CEBRA's TimedeltaDistribution). Positives are thus bins with similar behaviour,
 *   jittered by the empirical speed of behaviour.
 */
export interface TripletIndices {
  reference: Int32Array;
  positive: Int32Array;
  negative: Int32Array;
}

export interface TripletSampler {
  sample(n: number, rng: Random): TripletIndices;
}

export class TimeOffsetSampler implements TripletSampler {
  constructor(private readonly length: number, private readonly timeOffset: number) {}

  sample(n: number, rng: Random): TripletIndices {
    const span = this.length - this.timeOffset;
    const reference = new Int32Array(n), positive = new Int32Array(n), negative = new Int32Array(n);
    for (let i = 0; i < n; i++) reference[i] = rng.int(span);
    for (let i = 0; i < n; i++) negative[i] = rng.int(span);
    for (let i = 0; i < n; i++) positive[i] = reference[i] + this.timeOffset;
    return { reference, positive, negative };
  }
}

export class BehaviourDeltaSampler implements TripletSampler {
  private readonly labels: Float64Array;
  private readonly dims: number;
  private readonly length: number;
  private readonly delta: Float64Array;
  /** Time indices sorted by the first label column, and that column in this order. */
  private readonly order: Int32Array;
  private readonly sortedKeys: Float64Array;

  constructor(labels: Matrix, timeOffset: number) {
    this.labels = labels.data;
    this.dims = labels.cols;
    this.length = labels.rows;
    const first = labels.col(0);
    this.order = Int32Array.from({ length: this.length }, (_, i) => i).sort((a, b) => first[a] - first[b] || a - b);
    this.sortedKeys = Float64Array.from(this.order, (t) => first[t]);
    const q = this.dims;
    this.delta = new Float64Array(this.labels.length);
    for (let t = timeOffset; t < this.length; t++) {
      for (let c = 0; c < q; c++) this.delta[t * q + c] = this.labels[t * q + c] - this.labels[(t - timeOffset) * q + c];
    }
  }

  sample(n: number, rng: Random): TripletIndices {
    const T = this.length, q = this.dims;
    const reference = new Int32Array(n), positive = new Int32Array(n), negative = new Int32Array(n);
    for (let i = 0; i < n; i++) reference[i] = rng.int(T);
    for (let i = 0; i < n; i++) negative[i] = rng.int(T);
    const query = new Float64Array(q);
    for (let i = 0; i < n; i++) {
      const d = rng.int(T);
      for (let c = 0; c < q; c++) query[c] = this.labels[reference[i] * q + c] + this.delta[d * q + c];
      positive[i] = this.nearest(query);
    }
    return { reference, positive, negative };
  }

  /**
   * Index of the label nearest to `query` (Euclidean), the lowest index on ties, as
   * torch.argmin over all labels. Exact: labels are kept sorted by their first column and the
   * scan walks outward from the query's place in that order, stopping once the first
   * coordinate alone is farther than the best match.
   */
  nearest(query: Float64Array): number {
    const L = this.labels, q = this.dims, order = this.order, keys = this.sortedKeys, n = this.length;
    const q0 = query[0];
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < q0) lo = mid + 1;
      else hi = mid;
    }
    let best = -1, bestD = Infinity;
    const consider = (pos: number): boolean => {
      const d0 = keys[pos] - q0;
      if (d0 * d0 > bestD) return false;
      const t = order[pos];
      let s = 0;
      for (let c = 0; c < q; c++) {
        const v = L[t * q + c] - query[c];
        s += v * v;
      }
      if (s < bestD || (s === bestD && t < best)) {
        bestD = s;
        best = t;
      }
      return true;
    };
    let left = lo - 1, right = lo;
    let goLeft = left >= 0, goRight = right < n;
    while (goLeft || goRight) {
      if (goRight) goRight = consider(right++) && right < n;
      if (goLeft) goLeft = consider(left--) && left >= 0;
    }
    return best;
  }
}
