import type { Matrix } from "../core/matrix.js";
import type { SparseMatrix } from "../core/sparse.js";

/**
 * The action of the heat kernel exp(−tL) of a graph Laplacian on node signals,
 * without forming any n × n matrix. Signals are row-major: one row per node
 * (for the connection Laplacian: one row per (node, frame direction), node-major,
 * i.e. row i·m + a), one column per channel.
 */
export interface DiffusionOperator {
  /** Number of rows of the signals it acts on (n, or n·m for the connection Laplacian). */
  readonly size: number;
  /** exp(−tL) X for t ≥ 0. */
  apply(x: Matrix, t: number): Matrix;
  /** exp(−tL)ᵀ G (what a backward pass needs for the gradient w.r.t. X). */
  applyTranspose(g: Matrix, t: number): Matrix;
  /** exp(−tL) X and its t-derivative −L exp(−tL) X. */
  applyWithDerivative(x: Matrix, t: number): { value: Matrix; dt: Matrix };
}

/** A proximity graph over all nodes (conditions are disconnected blocks). */
export interface Graph {
  readonly numNodes: number;
  /** Symmetric weighted adjacency, w_ij = 1 / |p_i − p_j|, no self loops. */
  readonly adjacency: SparseMatrix;
}

/** Everything the network trains on; built by `constructDataset`. */
export interface MarbleDataset {
  readonly numNodes: number;
  /** Manifold dimension of the anchor space (d). */
  readonly dim: number;
  /** n × d anchors (after subsampling). */
  readonly pos: Matrix;
  /** n × D signal at each anchor. */
  readonly x: Matrix;
  /** Condition index of each node. */
  readonly y: Int32Array;
  /** Optional per-node labels, carried through for plotting and decoding. */
  readonly label: Float64Array | null;
  /** Optional mask of nodes pulled together by the loss. */
  readonly mask: Uint8Array | null;
  /** For each condition, the indices (into that condition's input rows) that were kept. */
  readonly sampleInd: Int32Array[];
  /** Node ranges per condition: condition c owns nodes [slices[c], slices[c+1]). */
  readonly slices: Int32Array;
  readonly graph: Graph;
  /** Manifold dimension m used for the frames (d with global gauges). */
  readonly dimMan: number;
  /** n × (d·m) frames: row i holds the m frame vectors e_a(i) (each of length d), a-major. */
  readonly gauges: Matrix;
  /** Whether local gauges (frames, connections) were used. */
  readonly localGauges: boolean;
  /**
   * Directional-derivative kernels, one per frame direction a = 1..m.
   * Scalar form: n × n. With local gauges: block form (n·m) × (n·m) with blocks F̃_a(i,j)·R_ij.
   */
  readonly kernels: SparseMatrix[];
  /** Connections R_ij (m × m, row-major) aligned with the adjacency's stored entries; null with global gauges. */
  readonly connections: Float64Array | null;
  /** Random-walk Laplacian L = I − D⁻¹W (n × n, sparse). */
  readonly laplacian: SparseMatrix;
  /** Connection Laplacian (n·m × n·m, sparse); null with global gauges. */
  readonly connectionLaplacian: SparseMatrix | null;
  /** exp(−tL) on scalar node signals. */
  readonly diffusion: DiffusionOperator;
  /** exp(−tL_c) on vector signals in local frames; null with global gauges. */
  readonly vectorDiffusion: DiffusionOperator | null;
  readonly trainMask: Uint8Array;
  readonly valMask: Uint8Array;
  readonly testMask: Uint8Array;
  /** The options the dataset was built with (stored in checkpoints to rebuild it the same way). */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * Scalar (n × n) directional-derivative kernels, one per frame direction. Equal to `kernels` with
   * global gauges; with local gauges these are the kernels in the local frames before the block form.
   */
  readonly scalarKernels?: SparseMatrix[];
  /** Local singular values (n × d, descending per node) with local gauges; null otherwise. */
  readonly singularValues?: Float64Array | null;
  /**
   * With `numberOfEigenvectors`: the smallest eigenpairs of L_sym = I − D^{-1/2}WD^{-1/2} (values
   * ascending, vectors n × k orthonormal; D^{-1/2}·vector is an eigenvector of L). Not used by the
   * diffusion operators, which are exact without them. Null otherwise.
   */
  readonly eigen?: SpectralPairs | null;
  /** The same for the symmetric connection Laplacian (rows i·m + a), with local gauges. */
  readonly connectionEigen?: SpectralPairs | null;
}

/** Eigenpairs of a symmetric normalised Laplacian, with the largest residual |L u − λ u|. */
export interface SpectralPairs {
  readonly values: Float64Array;
  readonly vectors: Matrix;
  readonly maxResidual: number;
}

/**
 * Precomputed Chebyshev vectors of a fixed signal (see `heatKernelBasis(laplacian, x, { tMax, tol })`).
 * For training, the network input x is fixed and only the diffusion time t is learned:
 * exp(−tL)x = Σ_k c_k(t) V_k with V_k = T_k(L − I)x computed once, so each step costs one weighted sum
 * of the `terms`. Since the kernels K_a are linear, K_a exp(−tL)x = Σ_k c_k(t) (K_a V_k): gradient
 * features of the V_k can be precomputed too. With `transpose: true` the terms use Lᵀ.
 */
export interface HeatKernelBasis {
  /** V_k = T_k(L − I) x, k = 0..K (K chosen from tMax and tol). */
  readonly terms: Matrix[];
  /** Largest t the basis is accurate for (to its tolerance). */
  readonly tMax: number;
  /** c_k(t), one per term. Throws for t < 0 or t > tMax. */
  coefficients(t: number): Float64Array;
  /** dc_k/dt: d/dt exp(−tL)x = −L exp(−tL)x = Σ_k c_k'(t) V_k. */
  coefficientDerivatives(t: number): Float64Array;
  /** Σ_k c_k(t) V_k = exp(−tL)x; with `rows`, only those rows (in that order), e.g. a batch. */
  combine(t: number, rows?: ArrayLike<number>): Matrix;
  /** Σ_k c_k'(t) V_k = d/dt exp(−tL)x, optionally for selected rows. */
  combineDerivative(t: number, rows?: ArrayLike<number>): Matrix;
}
