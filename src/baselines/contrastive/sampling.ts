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

  constructor(labels: Matrix, timeOffset: number) {
    this.labels = labels.data;
    this.dims = labels.cols;
    this.length = labels.rows;
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
   * Index of the label nearest to `query`, first one on ties (as torch.argmin). A scan over
   * T labels per positive: batch × T work per step, small next to the network for the
   * label dimensions used here (1–3).
   */
  private nearest(query: Float64Array): number {
    const L = this.labels, q = this.dims;
    let best = 0, bestD = Infinity;
    for (let t = 0; t < this.length; t++) {
      let s = 0;
      for (let c = 0; c < q; c++) {
        const v = L[t * q + c] - query[c];
        s += v * v;
      }
      if (s < bestD) {
        bestD = s;
        best = t;
      }
    }
    return best;
  }
}
