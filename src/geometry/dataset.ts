import { Matrix, type MatrixLike } from "../core/matrix.js";
import type { SparseMatrix } from "../core/sparse.js";
import { ValidationError, withDefaults, checkInteger, checkNumber, checkOneOf, checkBoolean } from "../core/validate.js";
import { checkReference, type Reference } from "../core/reference.js";
import { checkAnchorsAndVectors } from "./inputs.js";
import type { MarbleDataset } from "./types.js";
import { furthestPointSampling } from "./sampling.js";
import { proximityGraph, assertConnected, assertNoIsolatedNodes, GRAPH_TYPES, type GraphType } from "./graph.js";
import { blockDiagonal } from "./adjacency.js";
import { localFrames, manifoldDimension, truncateFrames, globalFrames, orientFrames } from "./frames.js";
import { computeConnections } from "./connections.js";
import { directionalKernels, blockKernels } from "./kernels.js";
import { randomWalkLaplacian, connectionLaplacian } from "./laplacian.js";
import { createDiffusionOperator } from "./heat.js";
import { splitMasks } from "./splits.js";
import { laplacianEigenpairs, connectionLaplacianEigenpairs, type Eigenpairs } from "./spectrum.js";

/** Per-point values: one array for a single condition (or all points), or one array per condition. */
export type PerPoint<T> = ArrayLike<T> | ArrayLike<T>[];

export interface ConstructDatasetOptions {
  /** Points on the manifold: one n × d matrix, or a list of them (one per condition). */
  anchor: MatrixLike | MatrixLike[];
  /** Signal at each point (n × D per condition), usually velocities. */
  vector: MatrixLike | MatrixLike[];
  /** Optional per-point labels, carried through subsampling. */
  label?: PerPoint<number> | null;
  /** Optional per-point mask (true/1 = pulled together by the loss). */
  mask?: PerPoint<number | boolean> | null;
  graphType?: GraphType;
  k?: number;
  delta?: number;
  /** Radius for graphType "radius". */
  radius?: number | null;
  /** Furthest-point subsampling threshold as a fraction of each condition's diameter (0 = keep all). */
  spacing?: number;
  fracGeodesicNb?: number;
  varExplained?: number;
  localGauges?: boolean;
  /**
   * Also compute this many smallest eigenpairs of the symmetric (connection) Laplacian, for spectral
   * analyses. The diffusion operators do not need them (they are exact without).
   */
  numberOfEigenvectors?: number | null;
  /** Truncation tolerance of the diffusion operators' Chebyshev series. */
  diffusionTol?: number;
  seed?: number;
  /**
   * "marblelab" (default): the corrected method. "authors": the authors' choices where MarbleLab
   * departs — anchors and signals rounded to float32, and graphs only required to give every node a
   * neighbour (disconnected graphs accepted) (see core/reference.ts).
   */
  reference?: Reference;
}

/** constructDataset's defaults (those of the method). */
export const DATASET_DEFAULTS: Readonly<Required<ConstructDatasetOptions>> = {
  anchor: [],
  vector: [],
  label: null,
  mask: null,
  graphType: "cknn",
  k: 20,
  delta: 1.0,
  radius: null,
  spacing: 0,
  fracGeodesicNb: 1.5,
  varExplained: 0.9,
  localGauges: false,
  numberOfEigenvectors: null,
  diffusionTol: 1e-10,
  seed: 0,
  reference: "marblelab",
};

function splitPerPoint<T>(v: PerPoint<T>, sizes: number[], name: string): ArrayLike<T>[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const asList = Array.isArray(v) && v.length > 0 && v[0] !== null && typeof v[0] === "object";
  if (asList) {
    const list = v as ArrayLike<T>[];
    if (list.length !== sizes.length) throw new ValidationError(`${name}: got ${list.length} arrays for ${sizes.length} conditions; pass one per condition`);
    list.forEach((a, c) => {
      if (a.length !== sizes[c]) throw new ValidationError(`${name}[${c}]: has ${a.length} values, expected ${sizes[c]} (one per point of condition ${c})`);
    });
    return list;
  }
  const flat = v as ArrayLike<T>;
  if (flat.length !== total) throw new ValidationError(`${name}: has ${flat.length} values, expected ${total} (one per point)`);
  const out: ArrayLike<T>[] = [];
  let off = 0;
  for (const s of sizes) {
    out.push(Array.prototype.slice.call(flat, off, off + s) as T[]);
    off += s;
  }
  return out;
}

type ResolvedDatasetOptions = Required<ConstructDatasetOptions>;

export interface CheckedDatasetOptions {
  options: ResolvedDatasetOptions;
  anchors: Matrix[];
  vectors: Matrix[];
  /** anchor[c] / vector[c] (or anchor / vector for a single matrix). */
  name: (base: "anchor" | "vector", c: number) => string;
  single: boolean;
  /** Labels and masks split per condition (null when not given). */
  labels: ArrayLike<number>[] | null;
  masks: ArrayLike<number | boolean>[] | null;
}

/**
 * Every check constructDataset makes before building anything (the options' names, types and
 * ranges, and the inputs' shapes and values), without building anything: call it to fail fast,
 * e.g. before a long preprocessing step. Cost: one pass over the inputs.
 */
export function checkDatasetOptions(options: ConstructDatasetOptions): CheckedDatasetOptions {
  if (!options || typeof options !== "object") throw new ValidationError("constructDataset: pass an options object with at least anchor and vector");
  const o = withDefaults(DATASET_DEFAULTS, options, "constructDataset");
  if (options.anchor === undefined) throw new ValidationError("anchor: required (an n × d matrix or a list of them, one per condition)");
  if (options.vector === undefined) throw new ValidationError("vector: required (an n × D matrix or a list of them, one per condition)");
  checkOneOf(o.graphType, "graphType", GRAPH_TYPES);
  checkInteger(o.k, "k", 1);
  checkNumber(o.delta, "delta", Number.MIN_VALUE);
  checkNumber(o.spacing, "spacing", 0, 1);
  checkNumber(o.fracGeodesicNb, "fracGeodesicNb", Number.MIN_VALUE);
  checkNumber(o.varExplained, "varExplained", Number.MIN_VALUE, 1);
  checkInteger(o.seed, "seed");
  checkNumber(o.diffusionTol, "diffusionTol", Number.MIN_VALUE);
  checkBoolean(o.localGauges, "localGauges");
  checkReference(o.reference, "constructDataset");
  if (o.graphType === "radius") {
    if (o.radius === null) throw new ValidationError(`radius: graphType "radius" needs a radius (a positive number in the units of the anchors)`);
    checkNumber(o.radius, "radius", Number.MIN_VALUE);
  } else if (o.radius !== null) {
    throw new ValidationError(`radius: only used with graphType "radius" (got graphType "${o.graphType}"); remove radius or set graphType "radius"`);
  }
  if (o.numberOfEigenvectors !== null) checkInteger(o.numberOfEigenvectors, "numberOfEigenvectors", 1);
  const checked = checkAnchorsAndVectors(o.anchor, o.vector);
  const { name, single } = checked;
  // the reference converts its inputs to float32 tensors before anything else
  const anchors = o.reference === "authors" ? checked.anchors.map(roundToFloat32) : checked.anchors;
  const vectors = o.reference === "authors" ? checked.vectors.map(roundToFloat32) : checked.vectors;
  const inputPoints = anchors.reduce((s, a) => s + a.rows, 0);
  if (o.numberOfEigenvectors !== null && o.numberOfEigenvectors > inputPoints) {
    throw new ValidationError(`numberOfEigenvectors must be at most the number of points (${inputPoints}), got ${o.numberOfEigenvectors}`);
  }
  const minPoints = o.graphType === "radius" ? 2 : o.k + 1;
  anchors.forEach((a, c) => {
    const what = single ? "anchor" : `anchor (condition ${c})`;
    if (a.rows < minPoints) throw new ValidationError(`${what}: has ${a.rows} points, fewer than ${o.graphType === "radius" ? 2 : `k + 1 = ${minPoints}`}; lower k or add points`);
  });
  const inputSizes = anchors.map((a) => a.rows);
  const labels = o.label === null ? null : splitPerPoint(o.label, inputSizes, "label");
  const masks = o.mask === null ? null : splitPerPoint(o.mask, inputSizes, "mask");
  return { options: o, anchors, vectors, name, single, labels, masks };
}

/**
 * Builds everything MARBLE trains on from point clouds and the signals on them: even subsampling,
 * one proximity graph per condition (disconnected blocks of one global node index space), gauges,
 * connections, directional-derivative kernels, Laplacians, diffusion operators and seeded
 * 80/10/10 train/val/test masks (random over nodes).
 */
export function constructDataset(options: ConstructDatasetOptions): MarbleDataset {
  const { options: o, anchors, vectors, single, labels: labelsIn, masks: masksIn } = checkDatasetOptions(options);
  const d = anchors[0].cols, D = vectors[0].cols;

  // 1. subsampling and 2. graphs, per condition
  const sampleInd: Int32Array[] = [];
  const pos: Matrix[] = [], sig: Matrix[] = [], blocks: SparseMatrix[] = [];
  anchors.forEach((a, c) => {
    const what = single ? "anchor" : `anchor (condition ${c})`;
    const minPoints = o.graphType === "radius" ? 2 : o.k + 1;
    const keep = furthestPointSampling(a, o.spacing);
    if (keep.length < minPoints) {
      throw new ValidationError(`spacing: subsampling ${what} kept ${keep.length} points, fewer than k + 1 = ${minPoints}; lower spacing or k`);
    }
    sampleInd.push(keep);
    const p = keep.length === a.rows ? a : a.selectRows(keep);
    pos.push(p);
    sig.push(keep.length === a.rows ? vectors[c] : vectors[c].selectRows(keep));
    const g = proximityGraph(p, { graphType: o.graphType, k: o.k, delta: o.delta, radius: o.radius ?? undefined, what });
    const hint = { cknn: "increase k or delta", knn: "increase k", radius: "increase radius" }[o.graphType];
    if (o.reference === "authors") assertNoIsolatedNodes(g, what, hint);
    else assertConnected(g, what, hint);
    blocks.push(g);
  });
  const slices = new Int32Array(anchors.length + 1);
  pos.forEach((p, c) => (slices[c + 1] = slices[c] + p.rows));
  const n = slices[anchors.length];
  const allPos = stackRows(pos, n, d);
  const allX = stackRows(sig, n, D);
  const adjacency = blockDiagonal(blocks);
  const y = new Int32Array(n);
  for (let c = 0; c < anchors.length; c++) y.fill(c, slices[c], slices[c + 1]);
  let label: Float64Array | null = null;
  if (labelsIn) {
    label = new Float64Array(n);
    labelsIn.forEach((l, c) => sampleInd[c].forEach((src, r) => (label![slices[c] + r] = Number(l[src]))));
  }
  let mask: Uint8Array | null = null;
  if (masksIn) {
    mask = new Uint8Array(n);
    masksIn.forEach((m, c) => sampleInd[c].forEach((src, r) => (mask![slices[c] + r] = m[src] ? 1 : 0)));
  }

  // 3–5. gauges, connections, kernels
  const useLocal = localGaugesApply(o.localGauges, d, D);
  let gauges: Matrix, dimMan: number, kernels: SparseMatrix[], scalarKernels: SparseMatrix[];
  let connections: Float64Array | null = null, cLaplacian: SparseMatrix | null = null;
  let sigma: Float64Array | null = null;
  if (useLocal) {
    const K = Math.max(1, Math.round(o.k * o.fracGeodesicNb));
    const frames = localFrames(allPos, adjacency, K);
    sigma = frames.sigma;
    dimMan = manifoldDimension(frames.sigma, d, o.varExplained);
    gauges = truncateFrames(frames, dimMan);
    orientFrames(gauges, adjacency, d);
    connections = computeConnections(gauges, adjacency, d);
    scalarKernels = directionalKernels(allPos, adjacency, gauges, dimMan);
    kernels = blockKernels(scalarKernels, adjacency, connections, dimMan);
    cLaplacian = connectionLaplacian(adjacency, connections, dimMan);
  } else {
    dimMan = d;
    gauges = globalFrames(n, d);
    scalarKernels = directionalKernels(allPos, adjacency, gauges, d);
    kernels = scalarKernels;
  }

  // 6–7. Laplacians and diffusion
  const laplacian = randomWalkLaplacian(adjacency);
  const diffusion = createDiffusionOperator(laplacian, { tol: o.diffusionTol });
  const vectorDiffusion = cLaplacian ? createDiffusionOperator(cLaplacian, { tol: o.diffusionTol }) : null;
  const { trainMask, valMask, testMask } = splitMasks(n, o.seed);
  let eigen: Eigenpairs | null = null, connectionEigen: Eigenpairs | null = null;
  if (o.numberOfEigenvectors !== null) {
    if (o.numberOfEigenvectors > n) throw new ValidationError(`numberOfEigenvectors must be at most the number of nodes (${n}), got ${o.numberOfEigenvectors}`);
    eigen = laplacianEigenpairs(adjacency, o.numberOfEigenvectors, { seed: o.seed });
    if (connections) connectionEigen = connectionLaplacianEigenpairs(adjacency, connections, dimMan, Math.min(o.numberOfEigenvectors, n * dimMan), { seed: o.seed });
  }

  const params: Record<string, unknown> = {
    graphType: o.graphType, k: o.k, delta: o.delta, radius: o.radius, spacing: o.spacing,
    fracGeodesicNb: o.fracGeodesicNb, varExplained: o.varExplained, localGauges: o.localGauges,
    numberOfEigenvectors: o.numberOfEigenvectors, diffusionTol: o.diffusionTol, seed: o.seed,
    reference: o.reference,
  };
  return {
    numNodes: n,
    dim: d,
    pos: allPos,
    x: allX,
    y,
    label,
    mask,
    sampleInd,
    slices,
    graph: { numNodes: n, adjacency },
    dimMan,
    gauges,
    localGauges: useLocal,
    kernels,
    scalarKernels,
    connections,
    laplacian,
    connectionLaplacian: cLaplacian,
    diffusion,
    vectorDiffusion,
    trainMask,
    valMask,
    testMask,
    params,
    singularValues: sigma,
    eigen,
    connectionEigen,
  };
}

/**
 * Whether constructDataset computes local gauges: asked for, and a vector signal in the anchors'
 * own space of more than two dimensions (otherwise the global frame is used).
 */
export function localGaugesApply(localGauges: boolean, anchorDim: number, signalDim: number): boolean {
  return localGauges && signalDim === anchorDim && anchorDim > 2;
}

/** A copy with every entry rounded to the nearest float32, as the reference stores its tensors. */
function roundToFloat32(m: Matrix): Matrix {
  return new Matrix(m.rows, m.cols, Float64Array.from(new Float32Array(m.data)));
}

function stackRows(parts: Matrix[], n: number, cols: number): Matrix {
  if (parts.length === 1) return parts[0].clone();
  const out = new Matrix(n, cols);
  let off = 0;
  for (const p of parts) {
    out.data.set(p.data, off);
    off += p.data.length;
  }
  return out;
}
