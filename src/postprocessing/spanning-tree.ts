/**
 * The basis of the transportation network simplex: a spanning tree over n1 sources (nodes 0…n1−1),
 * n2 sinks (nodes n1…n1+n2−1) and an artificial root (node n1+n2). Arc i → j has id i·n2 + j;
 * ids ≥ n1·n2 are artificial arcs between a node u and the root (id n1·n2 + u).
 *
 * Each node stores the arc to its parent (`pred`), whether that arc points up (`up`), its flow,
 * the node's potential and depth, and its children as a doubly linked sibling list.
 */
export class SpanningTree {
  readonly nNodes: number;
  readonly root: number;
  readonly parent: Int32Array;
  /** Arc id on the edge to the parent. */
  readonly pred: Int32Array;
  /** 1 when the arc to the parent points node → parent. */
  readonly up: Uint8Array;
  readonly flow: Float64Array;
  /** Potentials π: a tree arc i → j has c_ij + π_i − π_j = 0. Sinks follow the sources. */
  readonly pi: Float64Array;
  private readonly depth: Int32Array;
  private readonly firstChild: Int32Array;
  private readonly nextSib: Int32Array;
  private readonly prevSib: Int32Array;
  private readonly artificialCost: Float64Array;
  private readonly stack: Int32Array;
  private readonly m: number;

  constructor(
    private readonly n1: number,
    private readonly n2: number,
    private readonly cost: Float64Array,
  ) {
    const nNodes = (this.nNodes = n1 + n2);
    this.root = nNodes;
    this.m = n1 * n2;
    this.parent = new Int32Array(nNodes + 1);
    this.pred = new Int32Array(nNodes + 1);
    this.up = new Uint8Array(nNodes + 1);
    this.flow = new Float64Array(nNodes + 1);
    this.pi = new Float64Array(nNodes + 1);
    this.depth = new Int32Array(nNodes + 1);
    this.firstChild = new Int32Array(nNodes + 1).fill(-1);
    this.nextSib = new Int32Array(nNodes + 1).fill(-1);
    this.prevSib = new Int32Array(nNodes + 1).fill(-1);
    this.artificialCost = new Float64Array(nNodes);
    this.stack = new Int32Array(nNodes + 1);
    this.parent[this.root] = -1;
  }

  /**
   * Every node hangs from the root by an artificial arc: supply nodes (including zero supply)
   * point up with cost 0; demand nodes are fed by the root at a cost so high that the optimum
   * never keeps flow on them.
   */
  initArtificial(supply: Float64Array): void {
    const { nNodes, root, pi, flow, up, pred, depth, m } = this;
    let maxCost = 0;
    for (let e = 0; e < this.cost.length; e++) if (Math.abs(this.cost[e]) > maxCost) maxCost = Math.abs(this.cost[e]);
    const artCost = (maxCost + 1) * nNodes;
    for (let u = nNodes - 1; u >= 0; u--) {
      this.addChild(root, u);
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
        this.artificialCost[u] = artCost;
      }
    }
  }

  /**
   * Greedy start for integer masses: each source in turn sends what it has left to its cheapest
   * sink with room left. Every allocation exhausts a source or a sink, so the allocated arcs form
   * a forest; each tree of it hangs from the root by a zero-cost artificial arc that points down
   * and carries no flow (conservation at the root keeps it empty), which makes the tree strongly
   * feasible. The masses must be integers so the subtractions are exact.
   */
  initGreedy(supply: Float64Array): void {
    const { n1, n2, nNodes, cost } = this;
    const remaining = Float64Array.from(supply);
    const open = new Int32Array(n2);
    let nOpen = 0;
    for (let j = 0; j < n2; j++) if (remaining[n1 + j] < 0) open[nOpen++] = j;
    // Allocated arcs, at most n1 + n2 − 1 of them.
    const arcSource = new Int32Array(nNodes), arcSink = new Int32Array(nNodes);
    const arcFlow = new Float64Array(nNodes);
    let nArcs = 0;
    for (let i = 0; i < n1; i++) {
      const row = i * n2;
      while (remaining[i] > 0 && nOpen > 0) {
        let bestK = 0, bestC = cost[row + open[0]];
        for (let k = 1; k < nOpen; k++) {
          const c = cost[row + open[k]];
          if (c < bestC) {
            bestC = c;
            bestK = k;
          }
        }
        const j = open[bestK];
        const f = Math.min(remaining[i], -remaining[n1 + j]);
        remaining[i] -= f;
        remaining[n1 + j] += f;
        if (remaining[n1 + j] === 0) open[bestK] = open[--nOpen];
        arcSource[nArcs] = i;
        arcSink[nArcs] = j;
        arcFlow[nArcs++] = f;
      }
    }
    // Incidence lists (CSR) of the forest.
    const degreeStart = new Int32Array(nNodes + 1);
    for (let k = 0; k < nArcs; k++) {
      degreeStart[arcSource[k] + 1]++;
      degreeStart[n1 + arcSink[k] + 1]++;
    }
    for (let u = 0; u < nNodes; u++) degreeStart[u + 1] += degreeStart[u];
    const fill = degreeStart.slice(0, nNodes);
    const incident = new Int32Array(2 * nArcs);
    for (let k = 0; k < nArcs; k++) {
      incident[fill[arcSource[k]]++] = k;
      incident[fill[n1 + arcSink[k]]++] = k;
    }
    const { pred, up, flow, pi, depth, root, m, stack } = this;
    const seen = new Uint8Array(nNodes);
    for (let start = 0; start < nNodes; start++) {
      if (seen[start]) continue;
      seen[start] = 1;
      this.addChild(root, start);
      pred[start] = m + start;
      up[start] = 0;
      flow[start] = 0;
      pi[start] = 0;
      depth[start] = 1;
      let top = 0;
      stack[top++] = start;
      while (top > 0) {
        const u = stack[--top];
        for (let q = degreeStart[u]; q < degreeStart[u + 1]; q++) {
          const k = incident[q];
          const i = arcSource[k], j = arcSink[k];
          const v = u === i ? n1 + j : i;
          if (seen[v]) continue;
          seen[v] = 1;
          this.addChild(u, v);
          const c = cost[i * n2 + j];
          pred[v] = i * n2 + j;
          flow[v] = arcFlow[k];
          // The arc points source → sink: up when the child is the source.
          if (v === i) {
            up[v] = 1;
            pi[v] = pi[u] - c;
          } else {
            up[v] = 0;
            pi[v] = pi[u] + c;
          }
          depth[v] = depth[u] + 1;
          stack[top++] = v;
        }
      }
    }
  }

  /** Brings `inArc` (a real arc with negative reduced cost) into the tree and updates flows and potentials. */
  pivot(inArc: number): void {
    const { parent, depth, up, flow, pred, pi, n1, n2, stack, firstChild, nextSib } = this;
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
      this.removeChild(child);
      this.addChild(newParent, child);
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
    const arc = pred[uIn];
    const c0 = arc < this.m ? this.cost[arc] : this.artificialCost[arc - this.m];
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

  private addChild(p: number, c: number): void {
    const { firstChild, nextSib, prevSib } = this;
    this.parent[c] = p;
    prevSib[c] = -1;
    nextSib[c] = firstChild[p];
    if (firstChild[p] >= 0) prevSib[firstChild[p]] = c;
    firstChild[p] = c;
  }

  private removeChild(c: number): void {
    const { firstChild, nextSib, prevSib } = this;
    const p = this.parent[c];
    if (prevSib[c] >= 0) nextSib[prevSib[c]] = nextSib[c];
    else firstChild[p] = nextSib[c];
    if (nextSib[c] >= 0) prevSib[nextSib[c]] = prevSib[c];
    prevSib[c] = nextSib[c] = -1;
  }
}
