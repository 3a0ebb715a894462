// Builders of MarbleLab's rich outputs: a payload for the JupyterLab extension plus
// text/plain and image/svg+xml fallbacks, in one MIME bundle.
import { Matrix, isMatrixList, type MatrixLike } from "../core/matrix.js";
import { PCA } from "../core/pca.js";
import { ValidationError, toMatrix, withDefaults, checkOneOf, checkInteger, checkNumber } from "../core/validate.js";
import { encodeArray } from "./encode.js";
import { classicalMds } from "../postprocessing/mds.js";
import { CATEGORY_COLORS, heatmapSvg, quiverSvg, rampColor, scatterSvg, strideIndices } from "./svg.js";
import {
  DISTANCES_MIME,
  FLOWFIELD_MIME,
  LATENT_MIME,
  type DistancesPayload,
  type FlowFieldPayload,
  type LatentPayload,
} from "./payload.js";

/** A Jupyter MIME bundle: the extension's payload plus static fallbacks. */
export interface MarbleBundle {
  "text/plain": string;
  "image/svg+xml": string;
  [mime: string]: unknown;
}

export interface FlowFieldOptions {
  /** Per-row condition (integer index or name) when positions is a single matrix. */
  conditions: ArrayLike<number> | string[] | null;
  /** Names of the conditions, in index order. */
  conditionNames: string[] | null;
  /** Node ids for linked selection; defaults to the row order (concatenated over conditions). */
  nodeIds: ArrayLike<number> | null;
  /** Figures with the same id link their selections; null gives this figure its own id. */
  datasetId: string | null;
  title: string;
  layout: "panels" | "overlay";
  colorBy: "condition" | "magnitude";
  /** Arrow length per unit vector length, in data units; null picks one from point spacing. */
  arrowScale: number | null;
}

const FLOW_DEFAULTS: FlowFieldOptions = {
  conditions: null,
  conditionNames: null,
  nodeIds: null,
  datasetId: null,
  title: "Vector field",
  layout: "panels",
  colorBy: "condition",
  arrowScale: null,
};

export interface LatentSpaceOptions {
  conditions: ArrayLike<number> | string[] | null;
  conditionNames: string[] | null;
  /** Continuous per-node label (position, time, …). */
  labels: ArrayLike<number> | null;
  labelName: string;
  /** Integer cluster per node. */
  clusters: ArrayLike<number> | null;
  colorBy: "condition" | "label" | "cluster" | "auto";
  nodeIds: ArrayLike<number> | null;
  /** Figures with the same id link their selections; null gives this figure its own id. */
  datasetId: string | null;
  title: string;
  /** Plot 2 or 3 dimensions; embeddings with more columns are reduced by PCA. */
  dims: 2 | 3;
  /** Extra per-node columns shown on hover. */
  hover: Record<string, ArrayLike<number>> | null;
}

const LATENT_DEFAULTS: LatentSpaceOptions = {
  conditions: null,
  conditionNames: null,
  labels: null,
  labelName: "label",
  clusters: null,
  colorBy: "auto",
  nodeIds: null,
  datasetId: null,
  title: "Latent space",
  dims: 2,
  hover: null,
};

export interface DistanceMatrixOptions {
  names: string[] | null;
  groups: string[] | null;
  datasetId: string | null;
  title: string;
  /** Relative tolerance for the symmetry and zero-diagonal checks. */
  tolerance: number;
}

const DISTANCE_DEFAULTS: DistanceMatrixOptions = {
  names: null,
  groups: null,
  datasetId: null,
  title: "Distances between conditions",
  tolerance: 1e-6,
};

/** True for a list of matrices (number[][][] or Matrix[]) rather than one matrix. */
/** Resolves per-row conditions (indices or names) into int32 indices and a name list. */
function resolveConditions(n: number, conditions: ArrayLike<number> | string[] | null, names: string[] | null, where: string): { index: Int32Array; names: string[] } {
  const index = new Int32Array(n);
  if (conditions === null) return { index, names: names ?? ["all"] };
  if (conditions.length !== n) {
    throw new ValidationError(`${where}: options.conditions has ${conditions.length} entries but there are ${n} points; give one condition per point`);
  }
  if (n > 0 && typeof conditions[0] === "string") {
    const order = names ? [...names] : [];
    const lookup = new Map(order.map((s, i) => [s, i]));
    for (let i = 0; i < n; i++) {
      const s = (conditions as string[])[i];
      let k = lookup.get(s);
      if (k === undefined) {
        if (names) throw new ValidationError(`${where}: condition "${s}" at point ${i} is not in options.conditionNames`);
        k = order.length;
        order.push(s);
        lookup.set(s, k);
      }
      index[i] = k;
    }
    return { index, names: order };
  }
  let max = -1;
  for (let i = 0; i < n; i++) {
    const c = (conditions as ArrayLike<number>)[i];
    if (!Number.isInteger(c) || c < 0) throw new ValidationError(`${where}: options.conditions[${i}] = ${c}; condition indices must be integers ≥ 0`);
    index[i] = c;
    max = Math.max(max, c);
  }
  const resolved = names ?? Array.from({ length: max + 1 }, (_, k) => `condition ${k}`);
  if (resolved.length <= max) throw new ValidationError(`${where}: options.conditionNames has ${resolved.length} names but condition index ${max} is used`);
  return { index, names: resolved };
}

function resolveNodeIds(n: number, ids: ArrayLike<number> | null, where: string): Int32Array | null {
  if (ids === null) return null;
  if (ids.length !== n) throw new ValidationError(`${where}: options.nodeIds has ${ids.length} entries for ${n} points`);
  const out = Int32Array.from(ids);
  for (let i = 0; i < n; i++) if (out[i] !== ids[i]) throw new ValidationError(`${where}: options.nodeIds[${i}] = ${ids[i]} is not a 32-bit integer`);
  return out;
}

let figureCount = 0;

/**
 * The given dataset id, or a fresh one so that figures without an id link to nothing. Fresh ids
 * count up within the process, so re-running a notebook yields the same outputs.
 */
function resolveDatasetId(id: string | null, where: string): string {
  if (id === null) return `figure-${++figureCount}`;
  if (typeof id !== "string" || id.length === 0) throw new ValidationError(`${where}: options.datasetId must be a non-empty string (or null)`);
  return id;
}

/**
 * Vector-field figure: arrows (2-D) or cones (3-D) at points, per condition.
 *
 * `positions` and `vectors` are either one n × d matrix each (with `options.conditions`
 * labelling rows) or lists of matrices, one per condition. d must be 2 or 3.
 */
export function flowFieldBundle(positions: MatrixLike | MatrixLike[], vectors: MatrixLike | MatrixLike[], options?: Partial<FlowFieldOptions>): MarbleBundle {
  const where = "flowField";
  const opts = withDefaults(FLOW_DEFAULTS, options, where);
  checkOneOf(opts.layout, "flowField: options.layout", ["panels", "overlay"] as const);
  checkOneOf(opts.colorBy, "flowField: options.colorBy", ["condition", "magnitude"] as const);
  const datasetId = resolveDatasetId(opts.datasetId, where);

  let pos: Matrix, vec: Matrix, cond: { index: Int32Array; names: string[] };
  if (isMatrixList(positions) || isMatrixList(vectors)) {
    if (!isMatrixList(positions) || !isMatrixList(vectors) || positions.length !== vectors.length) {
      throw new ValidationError(`${where}: positions and vectors must both be lists of the same length (one matrix per condition) or both single matrices`);
    }
    if (positions.length === 0) throw new ValidationError(`${where}: positions and vectors are empty lists; pass at least one condition`);
    if (opts.conditions !== null) throw new ValidationError(`${where}: options.conditions is implied by the lists of matrices; drop it`);
    const ps = positions.map((p, k) => toMatrix(p, `${where}: positions[${k}]`));
    const vs = vectors.map((v, k) => toMatrix(v, `${where}: vectors[${k}]`, { rows: ps[k].rows, cols: ps[k].cols }));
    const d = ps[0].cols;
    ps.forEach((p, k) => { if (p.cols !== d) throw new ValidationError(`${where}: positions[${k}] has ${p.cols} columns, positions[0] has ${d}`); });
    const n = ps.reduce((s, p) => s + p.rows, 0);
    pos = new Matrix(n, d);
    vec = new Matrix(n, d);
    const index = new Int32Array(n);
    let off = 0;
    ps.forEach((p, k) => {
      pos.data.set(p.data, off * d);
      vec.data.set(vs[k].data, off * d);
      index.fill(k, off, off + p.rows);
      off += p.rows;
    });
    const names = opts.conditionNames ?? ps.map((_, k) => `condition ${k}`);
    if (names.length !== ps.length) throw new ValidationError(`${where}: options.conditionNames has ${names.length} names for ${ps.length} conditions`);
    cond = { index, names };
  } else {
    pos = toMatrix(positions as MatrixLike, `${where}: positions`);
    vec = toMatrix(vectors as MatrixLike, `${where}: vectors`, { rows: pos.rows, cols: pos.cols });
    cond = resolveConditions(pos.rows, opts.conditions, opts.conditionNames, where);
  }
  const n = pos.rows, d = pos.cols;
  if (d !== 2 && d !== 3) throw new ValidationError(`${where}: points have ${d} coordinates; project them to 2 or 3 dimensions first (e.g. with PCA)`);
  if (n === 0) throw new ValidationError(`${where}: no points given`);
  const nodeIds = resolveNodeIds(n, opts.nodeIds, where);

  let arrowScale = opts.arrowScale;
  if (arrowScale === null) arrowScale = autoArrowScale(pos, vec, cond.names.length);
  else checkNumber(arrowScale, `${where}: options.arrowScale`, 0);

  const payload: FlowFieldPayload = {
    version: 1,
    kind: "flowfield",
    datasetId,
    title: opts.title,
    dim: d as 2 | 3,
    positions: encodeArray(pos.data, "float32", [n, d]),
    vectors: encodeArray(vec.data, "float32", [n, d]),
    condition: encodeArray(cond.index, "int32"),
    conditionNames: cond.names,
    layout: opts.layout,
    colorBy: opts.colorBy,
    arrowScale,
  };
  if (nodeIds) payload.nodeIds = encodeArray(nodeIds, "int32");

  // static fallback: x–y plane, one panel per condition (or one overlaid panel)
  const groups = opts.layout === "overlay" ? [cond.names.map((_, k) => k)] : cond.names.map((_, k) => [k]);
  const panels = groups.map((ks) => {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (ks.includes(cond.index[i])) rows.push(i);
    return {
      name: ks.length === 1 ? cond.names[ks[0]] : "all conditions",
      color: CATEGORY_COLORS[ks.length === 1 ? ks[0] % CATEGORY_COLORS.length : 0],
      x: rows.map((i) => pos.data[i * d]),
      y: rows.map((i) => pos.data[i * d + 1]),
      u: rows.map((i) => vec.data[i * d]),
      v: rows.map((i) => vec.data[i * d + 1]),
    };
  });
  const svg = quiverSvg(panels, opts.title + (d === 3 ? " (x–y projection)" : ""), arrowScale);
  return {
    [FLOWFIELD_MIME]: payload,
    "image/svg+xml": svg,
    "text/plain": `${opts.title}: ${n} vectors in ${d}-D, ${cond.names.length} condition(s): ${cond.names.join(", ")}`,
  };
}

/** Arrow length so the typical arrow spans about 0.8 of the typical spacing between points. */
function autoArrowScale(pos: Matrix, vec: Matrix, nConditions: number): number {
  const n = pos.rows, d = pos.cols;
  let vol = 1;
  for (let j = 0; j < d; j++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { lo = Math.min(lo, pos.data[i * d + j]); hi = Math.max(hi, pos.data[i * d + j]); }
    vol *= Math.max(hi - lo, 1e-12);
  }
  // points on a curved surface in 3-D fill roughly an area, not a volume
  const effDim = d === 3 ? 2 : d;
  const spacing = Math.pow(vol, 1 / d) / Math.pow(Math.max(1, n / nConditions), 1 / effDim);
  const lens: number[] = [];
  for (const i of strideIndices(n, 2000)) {
    let s = 0;
    for (let j = 0; j < d; j++) s += vec.data[i * d + j] ** 2;
    lens.push(Math.sqrt(s));
  }
  lens.sort((a, b) => a - b);
  const median = lens[Math.floor(lens.length / 2)];
  return median > 0 ? (0.8 * spacing) / median : 1;
}

/**
 * Latent-space scatter: nodes' embeddings in 2-D or 3-D (reduced by PCA when wider),
 * coloured by condition, a continuous label or cluster.
 */
export function latentSpaceBundle(embedding: MatrixLike, options?: Partial<LatentSpaceOptions>): MarbleBundle {
  const where = "latentSpace";
  const opts = withDefaults(LATENT_DEFAULTS, options, where);
  checkOneOf(opts.colorBy, "latentSpace: options.colorBy", ["condition", "label", "cluster", "auto"] as const);
  const datasetId = resolveDatasetId(opts.datasetId, where);
  if (opts.dims !== 2 && opts.dims !== 3) throw new ValidationError(`${where}: options.dims must be 2 or 3, got ${opts.dims}`);
  const emb = toMatrix(embedding, `${where}: embedding`);
  const n = emb.rows;
  if (n === 0) throw new ValidationError(`${where}: embedding has no rows`);
  let coords = emb;
  let axisNote: string | undefined;
  const dims = Math.min(opts.dims, emb.cols) as 2 | 3;
  if (emb.cols < 2) throw new ValidationError(`${where}: embedding has ${emb.cols} column(s); need at least 2`);
  if (emb.cols > dims) {
    if (n < dims + 1) throw new ValidationError(`${where}: ${n} points are too few to reduce ${emb.cols} dimensions to ${dims} by PCA`);
    coords = new PCA({ nComponents: dims }).fitTransform(emb);
    axisNote = `PCA of a ${emb.cols}-D embedding`;
  }
  const payload: LatentPayload = {
    version: 1,
    kind: "latent",
    datasetId,
    title: opts.title,
    dim: dims,
    embedding: encodeArray(coords.data, "float32", [n, dims]),
    colorBy: "condition",
  };
  if (axisNote) payload.axisNote = axisNote;
  const nodeIds = resolveNodeIds(n, opts.nodeIds, where);
  if (nodeIds) payload.nodeIds = encodeArray(nodeIds, "int32");
  let cond: { index: Int32Array; names: string[] } | null = null;
  if (opts.conditions !== null) {
    cond = resolveConditions(n, opts.conditions, opts.conditionNames, where);
    payload.condition = encodeArray(cond.index, "int32");
    payload.conditionNames = cond.names;
  }
  if (opts.labels !== null) {
    if (opts.labels.length !== n) throw new ValidationError(`${where}: options.labels has ${opts.labels.length} entries for ${n} points`);
    payload.label = encodeArray(opts.labels, "float32");
    payload.labelName = opts.labelName;
  }
  let clusters: Int32Array | null = null;
  if (opts.clusters !== null) {
    if (opts.clusters.length !== n) throw new ValidationError(`${where}: options.clusters has ${opts.clusters.length} entries for ${n} points`);
    clusters = Int32Array.from(opts.clusters);
    for (let i = 0; i < n; i++) checkInteger(opts.clusters[i], `${where}: options.clusters[${i}]`, 0);
    payload.cluster = encodeArray(clusters, "int32");
  }
  if (opts.hover !== null) {
    payload.hover = Object.entries(opts.hover).map(([name, values]) => {
      if (values.length !== n) throw new ValidationError(`${where}: options.hover["${name}"] has ${values.length} entries for ${n} points`);
      return { name, values: encodeArray(values, "float32") };
    });
  }
  const colorBy = opts.colorBy === "auto" ? (opts.labels !== null ? "label" : clusters ? "cluster" : "condition") : opts.colorBy;
  if (colorBy === "label" && opts.labels === null) throw new ValidationError(`${where}: colorBy "label" needs options.labels`);
  if (colorBy === "cluster" && clusters === null) throw new ValidationError(`${where}: colorBy "cluster" needs options.clusters`);
  if (colorBy === "condition" && cond === null && opts.colorBy === "condition") throw new ValidationError(`${where}: colorBy "condition" needs options.conditions`);
  payload.colorBy = colorBy;

  // static fallback
  const colors: string[] = new Array(n);
  let legend: { name: string; color: string }[];
  if (colorBy === "label") {
    const labels = opts.labels as ArrayLike<number>;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { lo = Math.min(lo, labels[i]); hi = Math.max(hi, labels[i]); }
    for (let i = 0; i < n; i++) colors[i] = rampColor(hi > lo ? (labels[i] - lo) / (hi - lo) : 0.5);
    legend = [{ name: `${opts.labelName} ${lo.toPrecision(3)}`, color: rampColor(0) }, { name: `${opts.labelName} ${hi.toPrecision(3)}`, color: rampColor(1) }];
  } else {
    const idx = colorBy === "cluster" ? (clusters as Int32Array) : cond ? cond.index : new Int32Array(n);
    const names = colorBy === "cluster" ? null : cond ? cond.names : ["all"];
    let max = 0;
    for (let i = 0; i < n; i++) { colors[i] = CATEGORY_COLORS[idx[i] % CATEGORY_COLORS.length]; max = Math.max(max, idx[i]); }
    legend = Array.from({ length: max + 1 }, (_, k) => ({ name: names ? names[k] : `cluster ${k}`, color: CATEGORY_COLORS[k % CATEGORY_COLORS.length] }));
  }
  const xs = new Float64Array(n), ys = new Float64Array(n);
  for (let i = 0; i < n; i++) { xs[i] = coords.data[i * dims]; ys[i] = coords.data[i * dims + 1]; }
  const svg = scatterSvg(xs, ys, colors, opts.title + (axisNote ? ` (${axisNote})` : "") + (dims === 3 ? " — first two axes" : ""), legend);
  return {
    [LATENT_MIME]: payload,
    "image/svg+xml": svg,
    "text/plain": `${opts.title}: ${n} points in ${dims}-D${axisNote ? ` (${axisNote})` : ""}, coloured by ${colorBy}`,
  };
}

/**
 * Distance matrix between m conditions as a heatmap beside its classical MDS embedding.
 * The matrix must be square, symmetric, non-negative with a zero diagonal.
 */
export function distanceMatrixBundle(distances: MatrixLike, options?: Partial<DistanceMatrixOptions>): MarbleBundle {
  const where = "distanceMatrix";
  const opts = withDefaults(DISTANCE_DEFAULTS, options, where);
  const datasetId = resolveDatasetId(opts.datasetId, where);
  const dm = toMatrix(distances, `${where}: distances`);
  const m = dm.rows;
  if (dm.cols !== m) throw new ValidationError(`${where}: distances must be square, got ${dm.rows} × ${dm.cols}`);
  if (m < 2) throw new ValidationError(`${where}: need at least 2 conditions, got ${m}`);
  let scale = 0;
  for (const v of dm.data) scale = Math.max(scale, Math.abs(v));
  const tol = opts.tolerance * Math.max(scale, 1e-300);
  for (let i = 0; i < m; i++) {
    if (Math.abs(dm.get(i, i)) > tol) throw new ValidationError(`${where}: distances[${i}][${i}] = ${dm.get(i, i)}; the diagonal must be 0`);
    for (let j = 0; j < m; j++) {
      if (dm.get(i, j) < 0) throw new ValidationError(`${where}: distances[${i}][${j}] = ${dm.get(i, j)} is negative`);
      if (Math.abs(dm.get(i, j) - dm.get(j, i)) > tol) throw new ValidationError(`${where}: distances is not symmetric at [${i}][${j}] (${dm.get(i, j)} vs ${dm.get(j, i)})`);
    }
  }
  const names = opts.names ?? Array.from({ length: m }, (_, k) => `condition ${k}`);
  if (names.length !== m) throw new ValidationError(`${where}: options.names has ${names.length} names for ${m} conditions`);
  if (opts.groups !== null && opts.groups.length !== m) throw new ValidationError(`${where}: options.groups has ${opts.groups.length} entries for ${m} conditions`);
  // a single condition sits at the origin; otherwise the same classical MDS as the analysis uses
  const mds = m < 2 ? new Matrix(m, 2) : classicalMds(dm, { nComponents: 2 });
  const payload: DistancesPayload = {
    version: 1,
    kind: "distances",
    datasetId,
    title: opts.title,
    names,
    distances: encodeArray(dm.data, "float64", [m, m]),
    embedding: encodeArray(mds.data, "float64", [m, 2]),
  };
  if (opts.groups) payload.groups = opts.groups;
  const groupNames = opts.groups ? [...new Set(opts.groups)] : null;
  const colors = names.map((_, i) => CATEGORY_COLORS[(groupNames ? groupNames.indexOf((opts.groups as string[])[i]) : i) % CATEGORY_COLORS.length]);
  const mx = Array.from({ length: m }, (_, i) => mds.data[2 * i]);
  const my = Array.from({ length: m }, (_, i) => mds.data[2 * i + 1]);
  return {
    [DISTANCES_MIME]: payload,
    "image/svg+xml": heatmapSvg(dm.data, m, names, mx, my, colors, opts.title),
    "text/plain": `${opts.title}: ${m} × ${m} distances between ${names.join(", ")}`,
  };
}
