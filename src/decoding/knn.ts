/**
 * k-nearest-neighbour decoder (the hippocampus experiment uses 36 neighbours and cosine distance,
 * through CEBRA's KNNDecoder = scikit-learn's KNeighborsRegressor: the uniform mean of the
 * neighbours' labels, the default here; the "median absolute error" reported there is the error
 * statistic, not the aggregate). Neighbours are exact: a blocked brute-force scan with a bounded
 * max-heap per query, which needs no index and is O(n_train · n_query · d).
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { toMatrix, withDefaults, checkInteger, checkOneOf, ValidationError } from "../core/validate.js";
import { asOutputs } from "./r2.js";

export type KnnMetric = "cosine" | "euclidean";

export interface KnnDecoderOptions {
  k?: number;
  metric?: KnnMetric;
  /** "regression" aggregates neighbours' targets; "classification" takes a majority vote. */
  task?: "regression" | "classification";
  /** Regression aggregate per output (default "mean", as scikit-learn's KNeighborsRegressor). */
  aggregate?: "median" | "mean";
}

export class KnnDecoder {
  readonly k: number;
  readonly metric: KnnMetric;
  readonly task: "regression" | "classification";
  readonly aggregate: "median" | "mean";
  private train: Matrix | null = null;
  private targets: Matrix | null = null;

  constructor(options: KnnDecoderOptions = {}) {
    const o = withDefaults<Required<KnnDecoderOptions>>({ k: 5, metric: "euclidean", task: "regression", aggregate: "mean" }, options, "KnnDecoder");
    checkInteger(o.k, "KnnDecoder k", 1);
    checkOneOf(o.metric, "KnnDecoder metric", ["cosine", "euclidean"] as const);
    checkOneOf(o.task, "KnnDecoder task", ["regression", "classification"] as const);
    checkOneOf(o.aggregate, "KnnDecoder aggregate", ["median", "mean"] as const);
    this.k = o.k;
    this.metric = o.metric;
    this.task = o.task;
    this.aggregate = o.aggregate;
  }

  /** Stores the training set; targets are one row per sample (a 1-D array for one output or class labels). */
  fit(x: MatrixLike, y: MatrixLike | ArrayLike<number>): this {
    const X = toMatrix(x, "KnnDecoder x");
    const Y = asOutputs(y, "KnnDecoder y");
    if (X.rows !== Y.rows) throw new ValidationError(`KnnDecoder: x has ${X.rows} rows but y has ${Y.rows}; pass one target per sample`);
    if (X.rows < this.k) throw new ValidationError(`KnnDecoder: k (${this.k}) exceeds the ${X.rows} training samples; lower k`);
    if (this.task === "classification" && Y.cols !== 1) throw new ValidationError(`KnnDecoder: classification needs one label per sample, got ${Y.cols} columns`);
    this.train = this.metric === "cosine" ? unitRows(X, "KnnDecoder x") : X;
    this.targets = Y;
    return this;
  }

  /** Indices (n_query × k, nearest first) and distances of the exact k nearest training samples. */
  kneighbors(x: MatrixLike): { indices: Int32Array; distances: Float64Array } {
    if (!this.train) throw new ValidationError("KnnDecoder: call fit before predict");
    let Q = toMatrix(x, "KnnDecoder query", { cols: this.train.cols });
    if (this.metric === "cosine") Q = unitRows(Q, "KnnDecoder query");
    return exactKnn(this.train, Q, this.k, this.metric);
  }

  /** Predicted targets (n_query × q), or labels (n_query × 1) for classification. */
  predict(x: MatrixLike): Matrix {
    const { indices } = this.kneighbors(x);
    const Y = this.targets!;
    const q = Y.cols, k = this.k;
    const nq = indices.length / k;
    const out = new Matrix(nq, q);
    const vals = new Float64Array(k);
    for (let i = 0; i < nq; i++) {
      if (this.task === "classification") {
        // Majority vote; ties go to the class whose nearest member is closest.
        const votes = new Map<number, number>();
        let best = NaN, bestVotes = 0;
        for (let r = 0; r < k; r++) votes.set(Y.data[indices[i * k + r]], (votes.get(Y.data[indices[i * k + r]]) ?? 0) + 1);
        for (let r = 0; r < k; r++) {
          const c = Y.data[indices[i * k + r]];
          const v = votes.get(c)!;
          if (v > bestVotes) {
            bestVotes = v;
            best = c;
          }
        }
        out.data[i] = best;
        continue;
      }
      for (let c = 0; c < q; c++) {
        for (let r = 0; r < k; r++) vals[r] = Y.data[indices[i * k + r] * q + c];
        out.data[i * q + c] = this.aggregate === "mean" ? vals.reduce((s, v) => s + v, 0) / k : median(vals);
      }
    }
    return out;
  }
}

function median(v: Float64Array): number {
  const s = v.slice().sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function unitRows(X: Matrix, name: string): Matrix {
  const n = X.rows, d = X.cols;
  const out = new Matrix(n, d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X.data[i * d + j] ** 2;
    if (s === 0) throw new ValidationError(`${name}: row ${i} is all zeros; cosine distance is undefined for it (use metric "euclidean")`);
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) out.data[i * d + j] = X.data[i * d + j] * inv;
  }
  return out;
}

/**
 * Exact k-NN by brute force, queries in blocks of 32 so a training row is read once per block.
 * Cosine expects unit rows (distance = 1 − dot); Euclidean returns true distances.
 * Ties are broken by the lower training index.
 */
export function exactKnn(train: Matrix, query: Matrix, k: number, metric: KnnMetric): { indices: Int32Array; distances: Float64Array } {
  const n = train.rows, nq = query.rows, d = train.cols;
  const indices = new Int32Array(nq * k);
  const distances = new Float64Array(nq * k);
  const block = 32;
  const heapD = new Float64Array(block * k);
  const heapI = new Int32Array(block * k);
  const size = new Int32Array(block);
  const T = train.data, Qd = query.data;
  for (let q0 = 0; q0 < nq; q0 += block) {
    const q1 = Math.min(q0 + block, nq);
    size.fill(0);
    const dist4 = new Float64Array(4);
    for (let i = 0; i < n; i++) {
      const ti = i * d;
      // Four queries per pass over the training row, so each training value is loaded once per four.
      for (let q = q0; q < q1; q += 4) {
        const m = Math.min(4, q1 - q);
        const a0 = q * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (metric === "cosine") {
          if (m === 4) {
            for (let j = 0; j < d; j++) {
              const t = T[ti + j];
              s0 += t * Qd[a0 + j];
              s1 += t * Qd[a1 + j];
              s2 += t * Qd[a2 + j];
              s3 += t * Qd[a3 + j];
            }
          } else {
            for (let j = 0; j < d; j++) {
              const t = T[ti + j];
              s0 += t * Qd[a0 + j];
              if (m > 1) s1 += t * Qd[a1 + j];
              if (m > 2) s2 += t * Qd[a2 + j];
            }
          }
          dist4[0] = 1 - s0;
          dist4[1] = 1 - s1;
          dist4[2] = 1 - s2;
          dist4[3] = 1 - s3;
        } else {
          if (m === 4) {
            for (let j = 0; j < d; j++) {
              const t = T[ti + j];
              const e0 = t - Qd[a0 + j], e1 = t - Qd[a1 + j], e2 = t - Qd[a2 + j], e3 = t - Qd[a3 + j];
              s0 += e0 * e0;
              s1 += e1 * e1;
              s2 += e2 * e2;
              s3 += e3 * e3;
            }
          } else {
            for (let j = 0; j < d; j++) {
              const t = T[ti + j];
              const e0 = t - Qd[a0 + j];
              s0 += e0 * e0;
              if (m > 1) {
                const e1 = t - Qd[a1 + j];
                s1 += e1 * e1;
              }
              if (m > 2) {
                const e2 = t - Qd[a2 + j];
                s2 += e2 * e2;
              }
            }
          }
          dist4[0] = s0;
          dist4[1] = s1;
          dist4[2] = s2;
          dist4[3] = s3;
        }
        for (let u = 0; u < m; u++) {
          const dv = dist4[u];
          const b = q + u - q0, base = b * k;
          if (size[b] < k) {
            heapPush(heapD, heapI, base, size[b], dv, i);
            size[b]++;
          } else if (dv < heapD[base]) {
            heapReplaceTop(heapD, heapI, base, k, dv, i);
          }
        }
      }
    }
    for (let q = q0; q < q1; q++) {
      const b = q - q0, base = b * k;
      // Pop the max-heap into ascending order.
      for (let m = k; m > 0; m--) {
        const dist = heapD[base], idx = heapI[base];
        indices[q * k + m - 1] = idx;
        distances[q * k + m - 1] = metric === "euclidean" ? Math.sqrt(dist) : dist;
        heapReplaceTop(heapD, heapI, base, m - 1, heapD[base + m - 1], heapI[base + m - 1]);
      }
    }
  }
  return { indices, distances };
}

// Max-heap on (distance, index): larger distance, or equal distance and larger index, is "larger",
// so the heap evicts the later of two equidistant points.
function greater(d1: number, i1: number, d2: number, i2: number): boolean {
  return d1 > d2 || (d1 === d2 && i1 > i2);
}

function heapPush(hd: Float64Array, hi: Int32Array, base: number, size: number, dv: number, iv: number): void {
  let c = size;
  while (c > 0) {
    const p = (c - 1) >> 1;
    if (!greater(dv, iv, hd[base + p], hi[base + p])) break;
    hd[base + c] = hd[base + p];
    hi[base + c] = hi[base + p];
    c = p;
  }
  hd[base + c] = dv;
  hi[base + c] = iv;
}

function heapReplaceTop(hd: Float64Array, hi: Int32Array, base: number, size: number, dv: number, iv: number): void {
  let p = 0;
  for (;;) {
    const l = 2 * p + 1;
    if (l >= size) break;
    let c = l;
    if (l + 1 < size && greater(hd[base + l + 1], hi[base + l + 1], hd[base + l], hi[base + l])) c = l + 1;
    if (!greater(hd[base + c], hi[base + c], dv, iv)) break;
    hd[base + p] = hd[base + c];
    hi[base + p] = hi[base + c];
    p = c;
  }
  if (size > 0) {
    hd[base + p] = dv;
    hi[base + p] = iv;
  }
}
