/**
 * One k-means run: greedy k-means++ seeding and Lloyd iterations with pruning bounds, the same
 * centres, labels and iteration counts as plain Lloyd (tested). `cluster` (kmeans.ts) runs the
 * restarts and relabels.
 */
import { Matrix } from "../core/matrix.js";
import type { Random } from "../core/random.js";

/** A finished Lloyd run. */
export interface LloydRun {
  labels: Int32Array;
  centroids: Matrix;
  inertia: number;
  iterations: number;
}

/** Values k-means++ draws from its generator for k centres, whatever the data: one per draw. */
export function kmeansPlusPlusDraws(k: number): number {
  return 1 + (k - 1) * kmeansPlusPlusTrials(k);
}

/** Candidates per centre (scikit-learn's greedy k-means++: 2 + ⌊ln k⌋). */
function kmeansPlusPlusTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/**
 * Greedy k-means++: each new centre is the best of 2 + ⌊ln k⌋ candidates drawn ∝ D².
 *
 * Scoring a candidate needs min(D²(x), ‖x − candidate‖²) for every point x. A point at distance r
 * from its closest chosen centre o cannot come closer to a candidate at more than 2r from o (the
 * triangle inequality), so such points keep D²(x) without a distance computation; the sums run
 * over the points in the same order either way, so the centres are those of the full scan.
 */
export function kmeansPlusPlus(X: Matrix, k: number, rng: Random): Matrix {
  const n = X.rows, d = X.cols, x = X.data;
  const C = new Matrix(k, d);
  const nTrials = kmeansPlusPlusTrials(k);
  const first = rng.int(n);
  C.data.set(X.row(first), 0);
  const closest = new Float64Array(n);
  const root = new Float64Array(n); // √closest, the pruning radius
  const owner = new Int32Array(n); // a chosen centre at that distance
  let pot = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = sqDist(x, i * d, C.data, 0, d);
    root[i] = Math.sqrt(closest[i]);
    pot += closest[i];
  }
  const candDist = new Float64Array(n);
  const bestDist = new Float64Array(n);
  const candOwner = new Int32Array(n);
  const bestOwner = new Int32Array(n);
  const toCentre = new Float64Array(k); // candidate ↔ chosen centres
  for (let c = 1; c < k; c++) {
    let bestCand = -1, bestPot = Infinity;
    for (let t = 0; t < nTrials; t++) {
      // Draw ∝ closest distance²; when every point coincides with a centre, draw uniformly.
      let cand: number;
      if (pot > 0) {
        const r = rng.random() * pot;
        let acc = 0;
        cand = n - 1;
        for (let i = 0; i < n; i++) {
          acc += closest[i];
          if (acc > r) {
            cand = i;
            break;
          }
        }
      } else {
        cand = rng.int(n);
      }
      // Half the candidate's distance to each centre, shrunk by a relative margin so that a skipped
      // point is farther from the candidate by more than round-off.
      for (let o = 0; o < c; o++) toCentre[o] = 0.5 * Math.sqrt(sqDist(x, cand * d, C.data, o * d, d)) * (1 - 1e-12);
      let candPot = 0;
      for (let i = 0; i < n; i++) {
        let dd = closest[i], own = owner[i];
        if (toCentre[own] <= root[i]) {
          const nd = sqDist(x, i * d, x, cand * d, d);
          if (nd < dd) {
            dd = nd;
            own = c;
          }
        }
        candDist[i] = dd;
        candOwner[i] = own;
        candPot += dd;
      }
      if (candPot < bestPot) {
        bestPot = candPot;
        bestCand = cand;
        bestDist.set(candDist);
        bestOwner.set(candOwner);
      }
    }
    C.data.set(X.row(bestCand), c * d);
    closest.set(bestDist);
    owner.set(bestOwner);
    for (let i = 0; i < n; i++) root[i] = Math.sqrt(closest[i]);
    pot = bestPot;
  }
  return C;
}

export function sqDist(a: Float64Array, ia: number, b: Float64Array, ib: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = a[ia + j] - b[ib + j];
    s += t * t;
  }
  return s;
}

/**
 * A lower bound stored as (distance + a running total of moves at the time) read back against the
 * total now, less a relative margin for the round-off of the running totals.
 */
function readBound(stored: number, total: number): number {
  return stored - total - 1e-12 * (stored + total);
}

/** Largest n·k for which Lloyd keeps one lower bound per point and centre (Elkan): 32 MB. */
const ELKAN_MAX_BOUNDS = 4_000_000;

/**
 * Lloyd iterations until labels stop changing or the centroid shift² falls to tol. Assignments skip
 * distance computations that cannot change a label, by Elkan's bounds (an upper bound to the own
 * centre, a lower bound to every centre) when n·k bounds fit in ELKAN_MAX_BOUNDS, else by Hamerly's
 * (one lower bound, to the second closest). Either way the result is the same as plain Lloyd; in a
 * few dimensions Elkan's bounds skip most of the distances Hamerly's still compute.
 */
export function lloyd(X: Matrix, C: Matrix, maxIter: number, tol: number): LloydRun {
  const n = X.rows, d = X.cols, k = C.rows;
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const elkan = n * k <= ELKAN_MAX_BOUNDS;
  const bounds = elkan ? new ElkanBounds(n, k) : null;
  const lower = new Float64Array(elkan ? 0 : n);
  const assignAll = (): void => {
    for (let i = 0; i < n; i++) {
      if (bounds) bounds.fullAssign(X, C, i, labels, upper);
      else fullAssign(X, C, i, labels, upper, lower);
    }
  };
  const counts = new Float64Array(k);
  const sums = new Matrix(k, d);
  const half = new Float64Array(k); // half the distance from each centre to its nearest other centre
  const moved = new Float64Array(k);
  const centreDist = new Float64Array(k * k);
  const next = new Float64Array(d);
  // Initial full assignment.
  assignAll();
  let iterations = 0;
  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    // M-step from the current labels.
    sums.data.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      counts[c]++;
      for (let j = 0; j < d; j++) sums.data[c * d + j] += X.data[i * d + j];
    }
    let relocated = false;
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) continue;
      // An empty cluster takes the point farthest from its centre (as scikit-learn relocates them).
      relocated = true;
      let far = -1, farD = -1;
      for (let i = 0; i < n; i++) {
        if (counts[labels[i]] <= 1) continue;
        const dd = sqDist(X.data, i * d, C.data, labels[i] * d, d);
        if (dd > farD) {
          farD = dd;
          far = i;
        }
      }
      if (far < 0) break;
      const from = labels[far];
      counts[from]--;
      for (let j = 0; j < d; j++) {
        sums.data[from * d + j] -= X.data[far * d + j];
        sums.data[c * d + j] = X.data[far * d + j];
      }
      labels[far] = c;
      counts[c] = 1;
    }
    let shift = 0;
    let maxMove = 0, secondMove = 0, maxMoveC = -1;
    for (let c = 0; c < k; c++) {
      let m2 = 0;
      for (let j = 0; j < d; j++) {
        next[j] = sums.data[c * d + j] / counts[c];
        const t = next[j] - C.data[c * d + j];
        m2 += t * t;
        C.data[c * d + j] = next[j];
      }
      shift += m2;
      moved[c] = Math.sqrt(m2);
      if (moved[c] > maxMove) {
        secondMove = maxMove;
        maxMove = moved[c];
        maxMoveC = c;
      } else if (moved[c] > secondMove) secondMove = moved[c];
    }
    if (shift <= tol) break;
    // Bounds follow the centres: upper bounds grow by their centre's move; Elkan's lower bounds
    // shrink by every centre's move, kept as one running total per centre (ElkanBounds.drift).
    if (bounds) bounds.centresMoved(moved);
    for (let i = 0; i < n; i++) {
      const a = labels[i];
      upper[i] += moved[a];
      if (!bounds) lower[i] -= a === maxMoveC ? secondMove : maxMove;
    }
    if (relocated) {
      // Rare: start the bounds afresh.
      assignAll();
      continue;
    }
    for (let c = 0; c < k; c++) {
      let best = Infinity;
      for (let o = 0; o < k; o++) {
        const dd = o === c ? 0 : Math.sqrt(sqDist(C.data, c * d, C.data, o * d, d));
        centreDist[c * k + o] = dd;
        if (o !== c && dd < best) best = dd;
      }
      half[c] = best / 2;
    }
    // E-step with bounds.
    let changed = 0;
    if (bounds) {
      for (let i = 0; i < n; i++) {
        const a = labels[i];
        if (upper[i] <= half[a]) continue;
        if (bounds.assign(X, C, centreDist, half, i, labels, upper) !== a) changed++;
      }
    } else for (let i = 0; i < n; i++) {
      const a = labels[i];
      const bound = Math.max(half[a], lower[i]);
      if (upper[i] <= bound) continue;
      upper[i] = Math.sqrt(sqDist(X.data, i * d, C.data, a * d, d));
      if (upper[i] <= bound) continue;
      prunedAssign(X, C, centreDist, i, labels, upper, lower);
      if (labels[i] !== a) changed++;
    }
    if (changed === 0) {
      // Labels are stable, so the centres (means of these labels) are final.
      iterations++;
      break;
    }
  }
  // Final labels and inertia from exact distances (ties go to the lower index).
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let bi = 0, bd = Infinity;
    for (let c = 0; c < k; c++) {
      const dd = sqDist(X.data, i * d, C.data, c * d, d);
      if (dd < bd) {
        bd = dd;
        bi = c;
      }
    }
    labels[i] = bi;
    inertia += bd;
  }
  return { labels, centroids: C, inertia, iterations };
}

/**
 * Elkan's bounds with two economies that matter in a few dimensions, where a distance costs about
 * as much as a bound update:
 * - a lower bound is stored as (distance + the centre's total movement so far) and read back by
 *   subtracting that centre's current total, so a centre's move costs one addition instead of n;
 * - a point whose label may change scans the other centres in order of their distance to its own
 *   centre a and stops at the first c with ‖c_a − c‖ > 2‖x − c_a‖ (no farther centre can be as close).
 * Ties between distances go to the lower centre index, as in a full scan.
 */
class ElkanBounds {
  /** Lower bound to centre c of point i, plus drift[c] at the time it was stored: (n·k). */
  private readonly stored: Float64Array;
  /** Total movement of each centre since the start. */
  private readonly drift: Float64Array;
  /**
   * Lower bound to every centre but the own one, per point, plus maxDrift at the time it was
   * stored (Hamerly's bound, read back like the others): one test that skips most points.
   */
  private readonly second: Float64Array;
  /** Σ over iterations of the largest centre move. */
  private maxDrift = 0;
  /** Other centres by distance to centre a, at a·(k − 1); valid for centres with sortedAt[a] = epoch. */
  private readonly byDistance: Int32Array;
  private readonly sortedAt: Int32Array;
  private readonly keys: Float64Array;
  private epoch = 0;

  constructor(n: number, private readonly k: number) {
    this.stored = new Float64Array(n * k);
    this.drift = new Float64Array(k);
    this.second = new Float64Array(n);
    this.byDistance = new Int32Array(k * Math.max(k - 1, 0));
    this.sortedAt = new Int32Array(k).fill(-1);
    this.keys = new Float64Array(k);
  }

  /** The centres moved by `moved`: bounds follow, and the neighbour orders are recomputed on first use. */
  centresMoved(moved: Float64Array): void {
    this.epoch++;
    let most = 0;
    for (let c = 0; c < this.k; c++) {
      this.drift[c] += moved[c];
      if (moved[c] > most) most = moved[c];
    }
    this.maxDrift += most;
  }

  /** Exact distances to every centre (initial assignment, or after an empty cluster was refilled). */
  fullAssign(X: Matrix, C: Matrix, i: number, labels: Int32Array, upper: Float64Array): void {
    fullAssign(X, C, i, labels, upper, this.second, this);
    this.second[i] += this.maxDrift;
  }

  /** Stores the exact distance `dist` from point i to centre c as its lower bound. */
  store(i: number, c: number, dist: number): void {
    this.stored[i * this.k + c] = dist + this.drift[c];
  }

  /** The nearest centre of point i, whose upper bound exceeds half[labels[i]]; returns it. */
  assign(X: Matrix, C: Matrix, centreDist: Float64Array, half: Float64Array, i: number, labels: Int32Array, upper: Float64Array): number {
    const d = X.cols, k = this.k, x = X.data, cd = C.data, lo = i * k;
    const { stored, drift, second, maxDrift } = this;
    const a0 = labels[i];
    // Hamerly's test with the bound to the second closest centre (less a round-off margin).
    const l2 = readBound(second[i], maxDrift);
    if (upper[i] < l2) return a0;
    let u2 = sqDist(x, i * d, cd, a0 * d, d);
    const u0 = Math.sqrt(u2);
    stored[lo + a0] = u0 + drift[a0];
    upper[i] = u0;
    if (u0 <= half[a0] || u0 < l2) return a0;
    const at = this.neighbours(centreDist, a0), order = this.byDistance;
    const reach = 2 * u0;
    let a = a0, u = u0;
    // the new bound to every centre but the winner: the smallest over the centres looked at (their
    // lower bounds or distances, and a0's distance if a0 loses) and, past the stop, ‖c_a0 − c‖ − u0
    let low = Infinity;
    for (let r = 0; r < k - 1; r++) {
      const c = order[at + r];
      const cc = centreDist[a0 * k + c];
      if (cc > reach) {
        low = Math.min(low, cc - u0);
        break;
      }
      // skipped when c is provably farther than the best so far: by its lower bound or by
      // Elkan's half-distance test
      const lc = readBound(stored[lo + c], drift[c]);
      if (u < lc || u < 0.5 * centreDist[a * k + c]) {
        // a lower bound for c: lc, or the half-distance test's ‖c_a − c‖ − u
        const b = Math.max(lc, centreDist[a * k + c] - u);
        if (b < low) low = b;
        continue;
      }
      const dc2 = sqDist(x, i * d, cd, c * d, d);
      const dc = Math.sqrt(dc2);
      stored[lo + c] = dc + drift[c];
      if (dc2 < u2 || (dc2 === u2 && c < a)) {
        if (u < low) low = u;
        a = c;
        u = dc;
        u2 = dc2;
      } else if (dc < low) low = dc;
    }
    labels[i] = a;
    upper[i] = u;
    second[i] = Math.max(low, 0) + maxDrift;
    return a;
  }

  /** Offset in byDistance of the other centres ordered by distance to centre a (insertion sort). */
  private neighbours(centreDist: Float64Array, a: number): number {
    const k = this.k, m = k - 1, at = a * m;
    if (this.sortedAt[a] === this.epoch) return at;
    const list = this.byDistance, keys = this.keys, row = a * k;
    let len = 0;
    for (let c = 0; c < k; c++) {
      if (c === a) continue;
      const key = centreDist[row + c];
      let r = len++;
      while (r > 0 && keys[r - 1] > key) {
        keys[r] = keys[r - 1];
        list[at + r] = list[at + r - 1];
        r--;
      }
      keys[r] = key;
      list[at + r] = c;
    }
    this.sortedAt[a] = this.epoch;
    return at;
  }
}

/**
 * Reassigns point i knowing the exact distance upper[i] to its current centre a: a centre c with
 * ‖c_a − c‖ ≥ 2 upper[i] cannot be closer (Elkan's test) and is bounded below by ‖c_a − c‖ − upper[i].
 */
function prunedAssign(X: Matrix, C: Matrix, centreDist: Float64Array, i: number, labels: Int32Array, upper: Float64Array, lower: Float64Array): void {
  const d = X.cols, k = C.rows;
  const a = labels[i], u = upper[i];
  let b1 = u * u, bi = a, b2 = Infinity, skippedBound = Infinity;
  for (let c = 0; c < k; c++) {
    if (c === a) continue;
    const cc = centreDist[a * k + c];
    if (cc >= 2 * u) {
      if (cc - u < skippedBound) skippedBound = cc - u;
      continue;
    }
    const dd = sqDist(X.data, i * d, C.data, c * d, d);
    if (dd < b1 || (dd === b1 && c < bi)) {
      b2 = b1;
      b1 = dd;
      bi = c;
    } else if (dd < b2) b2 = dd;
  }
  labels[i] = bi;
  upper[i] = Math.sqrt(b1);
  lower[i] = Math.min(Math.sqrt(b2), skippedBound);
}

/**
 * Exact distances from point i to every centre: its label, the distance to it (upper) and to the
 * second closest (lower); with `bounds`, every distance is also kept as that centre's lower bound.
 */
function fullAssign(X: Matrix, C: Matrix, i: number, labels: Int32Array, upper: Float64Array, lower: Float64Array, bounds?: ElkanBounds): void {
  const d = X.cols, k = C.rows;
  let b1 = Infinity, b2 = Infinity, bi = 0;
  for (let c = 0; c < k; c++) {
    const dd = sqDist(X.data, i * d, C.data, c * d, d);
    if (bounds) bounds.store(i, c, Math.sqrt(dd));
    if (dd < b1) {
      b2 = b1;
      b1 = dd;
      bi = c;
    } else if (dd < b2) b2 = dd;
  }
  labels[i] = bi;
  upper[i] = Math.sqrt(b1);
  lower[i] = Math.sqrt(b2);
}
