/**
 * Exact earth mover's distance by the primal network simplex on the transportation graph.
 *
 * The bipartite graph has n1 supply nodes, n2 demand nodes and every arc source → sink, all
 * uncapacitated. Because no arc has an upper bound, a non-tree arc always carries zero flow, so
 * flows are stored per tree node (on the arc to its parent) and no per-arc flow array is needed.
 * Pivots keep a strongly feasible spanning tree (Cunningham's rule: ties in the leaving-arc ratio
 * test are broken towards the last blocking arc on the cycle), which rules out cycling; the entering
 * arc is chosen by block search pricing, the rule used by LEMON and POT.
 *
 * Masses may be any non-negative numbers with equal totals; integer masses (counts) keep every flow
 * exact in floating point, which is why the callers in this module scale weights to integers.
 */
import { ValidationError } from "../core/validate.js";

export interface TransportResult {
  /** Σ plan[i][j] · cost[i][j]. */
  cost: number;
  /** Row-major n1 × n2 optimal plan (only when requested). */
  plan?: Float64Array;
  /** Simplex pivots taken (for diagnostics and benchmarks). */
  pivots: number;
}

/**
 * Solves min Σ P_ij C_ij subject to P 1 = a, Pᵀ 1 = b, P ≥ 0.
 * `cost` is row-major n1 × n2 (n1 = a.length, n2 = b.length). Totals of a and b must agree to
 * within 1e-9 relative; b is rescaled to a's total so rounding does not leave the problem infeasible.
 */
export function transportSimplex(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  cost: Float64Array,
  options: { returnPlan?: boolean; maxPivots?: number } = {},
): TransportResult {
  const n1 = a.length, n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new ValidationError("transportSimplex: both mass vectors need at least one entry");
  if (cost.length !== n1 * n2) {
    throw new ValidationError(`transportSimplex: cost has ${cost.length} entries, expected ${n1} × ${n2} = ${n1 * n2}`);
  }
  let sumA = 0, sumB = 0;
  for (let i = 0; i < n1; i++) {
    if (!(a[i] >= 0) || !Number.isFinite(a[i])) throw new ValidationError(`transportSimplex: a[${i}] = ${a[i]}; masses must be finite and ≥ 0`);
    sumA += a[i];
  }
  for (let j = 0; j < n2; j++) {
    if (!(b[j] >= 0) || !Number.isFinite(b[j])) throw new ValidationError(`transportSimplex: b[${j}] = ${b[j]}; masses must be finite and ≥ 0`);
    sumB += b[j];
  }
  if (!(sumA > 0)) throw new ValidationError("transportSimplex: total mass is zero; pass at least one positive weight");
  if (Math.abs(sumA - sumB) > 1e-9 * Math.max(sumA, sumB)) {
    throw new ValidationError(`transportSimplex: totals differ (${sumA} vs ${sumB}); normalise both weight vectors to the same total`);
  }
  let maxCost = 0;
  for (let e = 0; e < cost.length; e++) {
    const c = cost[e];
    if (!Number.isFinite(c)) throw new ValidationError(`transportSimplex: cost contains ${c} at row ${Math.floor(e / n2)}, column ${e % n2}`);
    if (Math.abs(c) > maxCost) maxCost = Math.abs(c);
  }

  const nNodes = n1 + n2;
  const root = nNodes;
  const m = n1 * n2;
  // Supply per node: sources positive, sinks negative. b rescaled to a's total when they differ by rounding.
  const supply = new Float64Array(nNodes);
  for (let i = 0; i < n1; i++) supply[i] = a[i];
  const scaleB = sumB === sumA ? 1 : sumA / sumB;
  for (let j = 0; j < n2; j++) supply[n1 + j] = -b[j] * scaleB;

  // Tree arrays, indexed by node (root = nNodes).
  const parent = new Int32Array(nNodes + 1);
  const pred = new Float64Array(nNodes + 1); // arc id on the edge to the parent; ids ≥ m are artificial
  const up = new Uint8Array(nNodes + 1); // 1 when that arc points node → parent
  const flow = new Float64Array(nNodes + 1);
  const pi = new Float64Array(nNodes + 1);
  const piSink = pi.subarray(n1, n1 + n2);
  const depth = new Int32Array(nNodes + 1);
  // Children as doubly linked sibling lists.
  const firstChild = new Int32Array(nNodes + 1).fill(-1);
  const nextSib = new Int32Array(nNodes + 1).fill(-1);
  const prevSib = new Int32Array(nNodes + 1).fill(-1);
  const artCost = (maxCost + 1) * nNodes;

  const addChild = (p: number, c: number): void => {
    parent[c] = p;
    prevSib[c] = -1;
    nextSib[c] = firstChild[p];
    if (firstChild[p] >= 0) prevSib[firstChild[p]] = c;
    firstChild[p] = c;
  };
  const removeChild = (c: number): void => {
    const p = parent[c];
    if (prevSib[c] >= 0) nextSib[prevSib[c]] = nextSib[c];
    else firstChild[p] = nextSib[c];
    if (nextSib[c] >= 0) prevSib[nextSib[c]] = prevSib[c];
    prevSib[c] = nextSib[c] = -1;
  };

  // Initial strongly feasible tree: every node hangs from the root by an artificial arc. Supply
  // nodes (including zero supply) point up with cost 0; demand nodes are fed by the root at a cost
  // so high that the optimum never keeps flow on them.
  const artificialCost = new Float64Array(nNodes);
  parent[root] = -1;
  depth[root] = 0;
  for (let u = nNodes - 1; u >= 0; u--) {
    addChild(root, u);
    pred[u] = m + u;
    depth[u] = 1;
    if (supply[u] >= 0) {
      up[u] = 1;
      flow[u] = supply[u];
      pi[u] = 0;
    } else {
      up[u] = 0;
      flow[u] = -supply[u];
      pi[u] = artCost;
      artificialCost[u] = artCost;
    }
  }
  const arcCost = (arc: number): number => (arc < m ? cost[arc] : artificialCost[arc - m]);

  const blockSize = Math.max(10, Math.ceil(Math.sqrt(m)));
  const eps = 2.220446049250313e-15;
  let nextArc = 0;
  let pivots = 0;
  // A safety net against cycling through round-off: typical problems take a few tens of pivots per node.
  const maxPivots = options.maxPivots ?? Math.max(1e5, 50 * nNodes * Math.sqrt(nNodes));
  const stack = new Int32Array(nNodes + 1);

  for (;;) {
    // Block search pricing: scan arcs in blocks, take the most negative reduced cost of the first
    // block that has one.
    let inArc = -1;
    let scanned = 0;
    let e = nextArc;
    while (scanned < m) {
      // One block, walked as contiguous row segments so the inner loop is a plain scan.
      let left = Math.min(blockSize, m - scanned);
      let best = 0;
      while (left > 0) {
        const i = (e / n2) | 0;
        const base = i * n2;
        const j0 = e - base;
        const j1 = Math.min(n2, j0 + left);
        // rc = c + π_i − π_j < best  ⇔  c − π_j < best − π_i
        const piI = pi[i];
        let bound = best - piI;
        let bj = -1;
        for (let j = j0; j < j1; j++) {
          const v = cost[base + j] - piSink[j];
          if (v < bound) {
            bound = v;
            bj = j;
          }
        }
        if (bj >= 0) {
          const c = cost[base + bj], piJ = piSink[bj];
          const rc = c + piI - piJ;
          let scale = Math.abs(c);
          if (Math.abs(piI) > scale) scale = Math.abs(piI);
          if (Math.abs(piJ) > scale) scale = Math.abs(piJ);
          if (rc < -eps * scale) {
            best = rc;
            inArc = base + bj;
          }
        }
        const len = j1 - j0;
        left -= len;
        scanned += len;
        e += len;
        if (e === m) e = 0;
      }
      if (inArc >= 0) break;
    }
    if (inArc < 0) break;
    nextArc = e;
    if (++pivots > maxPivots) {
      throw new Error(`transportSimplex: no optimum after ${maxPivots} pivots (cycling through round-off?); pass integer-valued masses or raise maxPivots`);
    }

    // Cycle: entering arc first = source → second = sink; flow rises along it.
    const first = (inArc / n2) | 0;
    const second = n1 + (inArc - first * n2);
    let ua = first, ub = second;
    while (ua !== ub) {
      if (depth[ua] > depth[ub]) ua = parent[ua];
      else if (depth[ub] > depth[ua]) ub = parent[ub];
      else {
        ua = parent[ua];
        ub = parent[ub];
      }
    }
    const join = ua;
    // Ratio test. On the path first → join flow travels down (towards first): arcs pointing up lose flow.
    // On second → join flow travels up: arcs pointing down lose flow. Ties go to the second path (≤)
    // and to the arc nearest the join on the first path (strict <), keeping the tree strongly feasible.
    let delta = Infinity;
    let uOut = -1;
    let side = 0;
    for (let u = first; u !== join; u = parent[u]) {
      if (up[u] && flow[u] < delta) {
        delta = flow[u];
        uOut = u;
        side = 1;
      }
    }
    for (let u = second; u !== join; u = parent[u]) {
      if (!up[u] && flow[u] <= delta) {
        delta = flow[u];
        uOut = u;
        side = 2;
      }
    }
    if (uOut < 0) throw new Error("transportSimplex: unbounded cycle (internal error)");
    // Augment.
    if (delta > 0) {
      for (let u = first; u !== join; u = parent[u]) flow[u] += up[u] ? -delta : delta;
      for (let u = second; u !== join; u = parent[u]) flow[u] += up[u] ? delta : -delta;
    }
    // The subtree containing uOut is cut and re-hung from the other endpoint of the entering arc.
    const uIn = side === 1 ? first : second;
    const vIn = side === 1 ? second : first;
    // Reverse the path uIn → … → uOut.
    let child = uIn;
    let newParent = vIn;
    let carriedArc = inArc;
    let carriedUp = uIn === first ? 1 : 0; // the arc source → sink points uIn → vIn iff uIn is the source
    let carriedFlow = delta;
    for (;;) {
      const oldParent = parent[child];
      const oldArc = pred[child], oldUp = up[child], oldFlow = flow[child];
      removeChild(child);
      addChild(newParent, child);
      pred[child] = carriedArc;
      up[child] = carriedUp;
      flow[child] = carriedFlow;
      if (child === uOut) break;
      carriedArc = oldArc;
      carriedUp = oldUp ? 0 : 1;
      carriedFlow = oldFlow;
      newParent = child;
      child = oldParent;
    }
    // Potentials of the moved subtree shift by one constant; depths are recomputed.
    const c0 = arcCost(pred[uIn]);
    const target = up[uIn] ? pi[vIn] - c0 : pi[vIn] + c0;
    const sigma = target - pi[uIn];
    let top = 0;
    stack[top++] = uIn;
    while (top > 0) {
      const u = stack[--top];
      pi[u] += sigma;
      depth[u] = depth[parent[u]] + 1;
      for (let c = firstChild[u]; c >= 0; c = nextSib[c]) stack[top++] = c;
    }
  }

  let total = 0;
  let plan: Float64Array | undefined;
  if (options.returnPlan) plan = new Float64Array(m);
  for (let u = 0; u < nNodes; u++) {
    const arc = pred[u];
    if (arc < m && flow[u] !== 0) {
      total += flow[u] * cost[arc];
      if (plan) plan[arc] = flow[u];
    }
  }
  return { cost: total, plan, pivots };
}
