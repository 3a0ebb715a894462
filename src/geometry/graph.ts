import type { MatrixLike } from "../core/matrix.js";
import type { SparseMatrix } from "../core/sparse.js";
import { ValidationError, toMatrix, checkInteger, checkNumber, checkOneOf } from "../core/validate.js";
import { KDTree } from "./kdtree.js";
import { kNearestNeighbors } from "./knn.js";
import { symmetricDistanceAdjacency, connectedComponents } from "./adjacency.js";

export type GraphType = "cknn" | "knn" | "radius";
export const GRAPH_TYPES: readonly GraphType[] = ["cknn", "knn", "radius"];

export interface ProximityGraphOptions {
  /** "cknn" (continuous k-NN, default), "knn" (symmetrised k-NN) or "radius". */
  graphType?: GraphType;
  /** Neighbours for cknn (ρ = distance to the k-th neighbour) and knn. */
  k?: number;
  /** cknn scale: i ~ j iff |p_i − p_j| < delta · sqrt(ρ_i ρ_j). */
  delta?: number;
  /** Radius for graphType "radius" (required there). */
  radius?: number;
  /** Names the points in error messages, e.g. "anchor (condition 2)". */
  what?: string;
}

/**
 * The proximity graph of one point cloud: symmetric adjacency with w_ij = 1 / |p_i − p_j| and no
 * stored self loops. For "knn" and "radius" the method adds self loops; their weight 1/0 is not
 * finite and p_i − p_i = 0 adds nothing to the kernels, so they are left implicit here (the random
 * walk Laplacian and the kernels are built from the off-diagonal entries).
 */
export function proximityGraph(points: MatrixLike, options: ProximityGraphOptions = {}): SparseMatrix {
  const what = options.what ?? "points";
  const p = toMatrix(points, what);
  const type = options.graphType ?? "cknn";
  checkOneOf(type, "graphType", GRAPH_TYPES);
  const n = p.rows, d = p.cols, X = p.data;
  const tree = new KDTree(p);
  const pi: number[] = [], pj: number[] = [], dist: number[] = [];
  if (type === "cknn" || type === "knn") {
    const k = options.k ?? 20;
    checkInteger(k, "k", 1);
    if (n < k + 1) throw new ValidationError(`k: ${what} has ${n} points, fewer than k + 1 = ${k + 1}; lower k or add points`);
    const nn = kNearestNeighbors(p, k, tree);
    if (type === "knn") {
      for (let i = 0; i < n; i++) {
        for (let r = 0; r < k; r++) {
          pi.push(i);
          pj.push(nn.indices[i * k + r]);
          dist.push(nn.distances[i * k + r]);
        }
      }
    } else {
      const delta = options.delta ?? 1;
      checkNumber(delta, "delta", Number.MIN_VALUE);
      const rho = new Float64Array(n);
      for (let i = 0; i < n; i++) rho[i] = nn.distances[i * k + k - 1];
      // sqrt(ρ_i ρ_j) ≤ max(ρ_i, ρ_j): every edge is found by a radius query at delta·ρ from at
      // least one of its ends; the exact test then keeps it, and the adjacency stores it both ways.
      // queries in tree order: consecutive queries touch the same cells (cache locality)
      for (let r = 0; r < n; r++) {
        const i = tree.perm[r];
        const q = X.subarray(i * d, (i + 1) * d);
        const ri = rho[i];
        tree.radiusQuery(q, delta * ri, i, (j, d2) => {
          // compare distances (not squares) so ties such as mutual k-th neighbours, where
          // |p_i − p_j| = ρ_i = ρ_j, resolve exactly as in the definition
          const dij = Math.sqrt(d2);
          if (dij < delta * Math.sqrt(ri * rho[j])) {
            pi.push(i);
            pj.push(j);
            dist.push(dij);
          }
        });
      }
    }
  } else {
    if (options.radius === undefined) throw new ValidationError(`radius: graphType "radius" needs a radius (a positive number in the units of the anchors)`);
    checkNumber(options.radius, "radius", Number.MIN_VALUE);
    for (let r = 0; r < n; r++) {
      const i = tree.perm[r];
      tree.radiusQuery(X.subarray(i * d, (i + 1) * d), options.radius, i, (j, d2) => {
        if (j > i) {
          pi.push(i);
          pj.push(j);
          dist.push(Math.sqrt(d2));
        }
      });
    }
  }
  return symmetricDistanceAdjacency(n, pi, pj, dist, what);
}

/**
 * Throws when a graph (one condition) is not connected, naming the condition, the number of
 * components and their sizes, and suggesting a larger k or delta.
 */
export function assertConnected(adjacency: SparseMatrix, what: string, hint = "increase k or delta"): void {
  const { sizes } = connectedComponents(adjacency);
  if (sizes.length <= 1) return;
  const sorted = [...sizes].sort((a, b) => b - a);
  const shown = sorted.slice(0, 8).join(", ") + (sorted.length > 8 ? `, … (${sorted.length - 8} more)` : "");
  throw new ValidationError(
    `graph of ${what} is not connected: ${sizes.length} components of sizes ${shown}; ${hint} (or remove isolated outliers)`,
  );
}

/**
 * The reference implementation's rule (its "degree > 1", counting the self loop it stores): every
 * node has at least one neighbour. Disconnected graphs pass; derivatives and diffusion then act on
 * each component separately.
 */
export function assertNoIsolatedNodes(adjacency: SparseMatrix, what: string, hint = "increase k or delta"): void {
  const isolated: number[] = [];
  for (let i = 0; i < adjacency.rows; i++) {
    let deg = 0;
    for (let p = adjacency.rowPtr[i]; p < adjacency.rowPtr[i + 1]; p++) if (adjacency.colIdx[p] !== i) deg++;
    if (deg === 0) isolated.push(i);
  }
  if (isolated.length === 0) return;
  const shown = isolated.slice(0, 8).join(", ") + (isolated.length > 8 ? `, … (${isolated.length - 8} more)` : "");
  throw new ValidationError(`graph of ${what} has ${isolated.length} node${isolated.length === 1 ? "" : "s"} without neighbours (${shown}); ${hint} (or remove isolated outliers)`);
}
