/**
 * Checks a recording before training, so that problems show up as concrete advice ("the graph has
 * 3 components: raise k to ≥ 24 or reduce to ≤ 20 PCA dimensions") instead of a NaN loss later.
 * Everything here is sparse or per-point; nothing forms an n × n matrix.
 */
import { Matrix, isMatrixList, type MatrixLike } from "../core/matrix.js";
import { PCA } from "../core/pca.js";
import { ValidationError, toMatrix, withDefaults, checkInteger, checkNumber, checkOneOf, describeValue } from "../core/validate.js";
import { proximityGraph, type GraphType } from "../geometry/graph.js";
import { connectedComponents } from "../geometry/adjacency.js";
import { kNearestNeighbors } from "../geometry/knn.js";
import { localFrames, manifoldDimension } from "../geometry/frames.js";

export interface DiagnoseOptions {
  /** Points per condition (T × d each), e.g. smoothed rates or their PCA projection. */
  anchor: MatrixLike | MatrixLike[];
  /** Optional signals per condition (usually velocities), checked for scale and zeros. */
  vector?: MatrixLike | MatrixLike[] | null;
  graphType?: GraphType;
  k?: number;
  delta?: number;
  fracGeodesicNb?: number;
  varExplained?: number;
  /** Above this many dimensions, graphs are also evaluated after PCA (distances concentrate in high dimension). */
  maxGraphDim?: number;
  /** PCA dimensions tried when the data are high-dimensional or the graph is disconnected. */
  pcaCandidates?: number[];
  /** Values of k tried when the graph is disconnected (default: k·[1.25, 1.5, 2, 3]). */
  kCandidates?: number[] | null;
  /** Graphs in more than this many dimensions over more than this work (n² · d) are skipped, with a note. */
  maxBruteForceWork?: number;
}

export interface ConditionDiagnostics {
  condition: number;
  numPoints: number;
  /** Connected components of the proximity graph in the evaluated space. */
  components: number;
  /** Component sizes, largest first (at most 8 listed). */
  componentSizes: number[];
  /** Points that coincide with another point of the same condition. */
  duplicates: number;
}

export interface DiagnosticsReport {
  numConditions: number;
  numPoints: number;
  /** Dimension of the anchors as given. */
  dim: number;
  /** Dimension in which the graph was evaluated (dim, or the PCA dimension when reduced). */
  graphDim: number;
  /** The graph in the dimensions as given, when it was affordable to build: components per condition. */
  asGiven: { dim: number; components: number[]; componentSizes: number[][] } | null;
  /** Pooled PCA: variance kept at each candidate dimension (null when dim is small). */
  pcaVariance: { dims: number; varianceKept: number }[] | null;
  conditions: ConditionDiagnostics[];
  /** Estimated manifold dimension (method doc §2.3) in the evaluated space, when it was affordable. */
  manifoldDimension: number | null;
  /** Median |vector| over median nearest-neighbour distance: derivative features scale with it. */
  vectorScale: { medianNorm: number; medianNeighbourDistance: number; ratio: number; zeroFraction: number } | null;
  /** Settings that the checks found to work (k, delta, PCA dimension or null for none). */
  recommended: { k: number; delta: number; pcaDims: number | null };
  /** True when nothing blocks training with the recommended settings (the data as given may still have problems). */
  ok: boolean;
  problems: string[];
  suggestions: string[];
  notes: string[];
}

const DEFAULTS: Required<DiagnoseOptions> = {
  anchor: [],
  vector: null,
  graphType: "cknn",
  k: 20,
  delta: 1.0,
  fracGeodesicNb: 1.5,
  varExplained: 0.9,
  maxGraphDim: 30,
  pcaCandidates: [3, 5, 10, 20],
  kCandidates: null,
  maxBruteForceWork: 2e10,
};

function asList(x: MatrixLike | MatrixLike[]): MatrixLike[] {
  return isMatrixList(x) ? Array.from(x) : [x as MatrixLike];
}

interface GraphCheck {
  components: number;
  sizes: number[];
  error: string | null;
}

function checkGraph(points: Matrix, graphType: GraphType, k: number, delta: number, what: string): GraphCheck {
  try {
    const adj = proximityGraph(points, { graphType, k, delta, what });
    const { sizes } = connectedComponents(adj);
    return { components: sizes.length, sizes: [...sizes].sort((a, b) => b - a), error: null };
  } catch (e) {
    return { components: 0, sizes: [], error: (e as Error).message };
  }
}

function countDuplicates(points: Matrix): number {
  if (points.rows < 2) return 0;
  const nn = kNearestNeighbors(points, 1);
  let dup = 0;
  for (let i = 0; i < points.rows; i++) if (nn.distances[i] === 0) dup++;
  return dup;
}

function median(values: Float64Array): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Checks diagnoseRecording's options (all but the data) and merges them over the defaults;
 * RecordingPipeline calls it when it is constructed, long before the diagnostics run.
 */
export function checkDiagnoseOptions(options: Partial<DiagnoseOptions>, where: string): Required<DiagnoseOptions> {
  const o = withDefaults(DEFAULTS, options as DiagnoseOptions, where);
  checkOneOf(o.graphType, `${where}: graphType`, ["cknn", "knn"] as const);
  checkInteger(o.k, `${where}: k`, 1);
  checkNumber(o.delta, `${where}: delta`, Number.MIN_VALUE);
  checkNumber(o.fracGeodesicNb, `${where}: fracGeodesicNb`, Number.MIN_VALUE);
  checkNumber(o.varExplained, `${where}: varExplained`, Number.MIN_VALUE, 1);
  checkInteger(o.maxGraphDim, `${where}: maxGraphDim`, 1);
  checkNumber(o.maxBruteForceWork, `${where}: maxBruteForceWork`, 0);
  const checkList = (list: unknown, name: string): void => {
    if (!Array.isArray(list)) throw new ValidationError(`${where}: ${name} must be an array of integers such as [3, 5, 10] (or [] for none), got ${describeValue(list)}`);
    list.forEach((v, i) => checkInteger(v as number, `${where}: ${name}[${i}]`, 1));
  };
  checkList(o.pcaCandidates, "pcaCandidates");
  if (o.kCandidates !== null) checkList(o.kCandidates, "kCandidates");
  return o;
}

/** Runs every check and returns a report with problems and concrete suggestions. */
export function diagnoseRecording(options: DiagnoseOptions): DiagnosticsReport {
  const o = checkDiagnoseOptions(options, "diagnoseRecording");
  const anchors = asList(o.anchor).map((a, c) => toMatrix(a, `anchor (condition ${c})`));
  if (anchors.length === 0) throw new ValidationError("diagnoseRecording: anchor is empty; pass one T × d matrix per condition");
  const dim = anchors[0].cols;
  anchors.forEach((a, c) => {
    if (a.cols !== dim) throw new ValidationError(`anchor (condition ${c}): has ${a.cols} columns, condition 0 has ${dim}; every condition must share the same dimensions`);
  });
  const vectors = o.vector ? asList(o.vector).map((v, c) => toMatrix(v, `vector (condition ${c})`)) : null;
  if (vectors) {
    if (vectors.length !== anchors.length) throw new ValidationError(`vector: ${vectors.length} conditions, anchor has ${anchors.length}`);
    vectors.forEach((v, c) => {
      if (v.rows !== anchors[c].rows) throw new ValidationError(`vector (condition ${c}): ${v.rows} rows, anchor has ${anchors[c].rows}; each vector row belongs to one anchor row`);
    });
  }
  const numPoints = anchors.reduce((s, a) => s + a.rows, 0);
  const problems: string[] = [];
  const suggestions: string[] = [];
  const notes: string[] = [];

  // too few points is fatal for any graph
  const small = anchors.map((a, c) => [c, a.rows] as const).filter(([, n]) => n < o.k + 1);
  for (const [c, n] of small) problems.push(`condition ${c} has ${n} points, fewer than k + 1 = ${o.k + 1}`);
  if (small.length) {
    const minN = Math.min(...small.map(([, n]) => n));
    suggestions.push(`lower k to ≤ ${Math.max(1, minN - 1)}, or merge short conditions`);
  }

  // pooled PCA when the anchors are high-dimensional
  let pcaVariance: DiagnosticsReport["pcaVariance"] = null;
  let pca: PCA | null = null;
  let spectrum: Float64Array | null = null;
  const candidates = o.pcaCandidates.filter((p) => p < dim).sort((a, b) => a - b);
  if (dim > o.maxGraphDim && candidates.length) {
    const pooled = new Matrix(numPoints, dim);
    let off = 0;
    for (const a of anchors) {
      pooled.data.set(a.data, off);
      off += a.data.length;
    }
    // one component more than the largest candidate, to see the drop after it
    pca = new PCA({ nComponents: Math.min(dim, candidates[candidates.length - 1] + 1) }).fit(pooled);
    const ratio = pca.explainedVarianceRatio!;
    pcaVariance = candidates.map((p) => ({ dims: p, varianceKept: ratio.subarray(0, p).reduce((s, v) => s + v, 0) }));
    spectrum = ratio;
  }
  const project = (a: Matrix, p: number): Matrix => (pca ? pca.transform(a).sliceCols(0, p) : a);

  // evaluate the graph as given (when affordable), and after PCA for each candidate
  const work = (d: number) => anchors.reduce((s, a) => s + a.rows * a.rows * d, 0);
  const evaluate = (p: number | null, k: number) =>
    anchors.map((a, c) => {
      const pts = p === null ? a : project(a, p);
      return a.rows < k + 1 ? { components: 0, sizes: [], error: "too few points" } : checkGraph(pts, o.graphType, k, o.delta, `anchor (condition ${c})`);
    });
  const connected = (checks: GraphCheck[]) => checks.every((g) => g.error === null && g.components === 1);

  let asGivenChecks: GraphCheck[] | null = null;
  if (dim <= o.maxGraphDim || work(dim) <= o.maxBruteForceWork) {
    asGivenChecks = evaluate(null, o.k);
  } else {
    notes.push(`the graph in all ${dim} dimensions was not built (it would cost about ${work(dim).toExponential(1)} operations); it was evaluated after PCA instead`);
  }

  // the PCA dimension to recommend: the smallest candidate that keeps varExplained, else the largest
  // candidate within maxGraphDim — then the first of those (in increasing order) whose graph connects
  let pcaDims: number | null = null;
  let pcaChecks: GraphCheck[] | null = null;
  if (pcaVariance) {
    const eligible = pcaVariance.filter((v) => v.dims <= o.maxGraphDim);
    const order = eligible.map((v) => v.dims);
    const enough = eligible.find((v) => v.varianceKept >= o.varExplained);
    let preferred = enough ? enough.dims : order[order.length - 1];
    if (!enough && spectrum && spectrum.length > 1) {
      // Spike counts spread Poisson noise over every neuron, so no small PCA keeps varExplained of the
      // variance; the signal then shows as the largest drop of the spectrum (the elbow)
      let elbow = 1, best = 0;
      for (let j = 0; j + 1 < spectrum.length; j++) {
        const drop = spectrum[j + 1] > 0 ? spectrum[j] / spectrum[j + 1] : Infinity;
        if (drop > best) {
          best = drop;
          elbow = j + 1;
        }
      }
      const atElbow = order.find((p) => p >= elbow);
      if (atElbow !== undefined) preferred = atElbow;
      notes.push(
        `no candidate PCA dimension keeps ${100 * o.varExplained} % of the variance (noise spreads it over all ${dim} dimensions); the spectrum drops most after component ${elbow} (×${best.toFixed(1)}), so ${preferred} dimensions are preferred`,
      );
    }
    const tryOrder = [preferred, ...order.filter((p) => p !== preferred).reverse()];
    for (const p of tryOrder) {
      const checks = evaluate(p, o.k);
      if (connected(checks)) {
        pcaDims = p;
        pcaChecks = checks;
        break;
      }
    }
    if (pcaDims === null) {
      pcaDims = preferred;
      pcaChecks = evaluate(preferred, o.k);
    }
  }

  // where the graph will be built: PCA space for high-dimensional data, else as given
  const useChecks = pcaChecks ?? asGivenChecks!;
  const graphDim = pcaChecks ? pcaDims! : dim;
  let recommendedK = o.k;
  if (asGivenChecks && !connected(asGivenChecks) && small.length === 0) {
    const total = asGivenChecks.reduce((s, g) => s + Math.max(g.components, 1), 0) - asGivenChecks.length + 1;
    problems.push(`the ${o.graphType} graph (k = ${o.k}, delta = ${o.delta}) in ${dim} dimensions is disconnected: ${describeComponents(asGivenChecks)}`);
    const kTries = (o.kCandidates ?? [1.25, 1.5, 2, 3].map((f) => Math.ceil(o.k * f))).filter((k) => k > o.k).sort((a, b) => a - b);
    const kOk = kTries.find((k) => anchors.every((a) => a.rows >= k + 1) && connected(evaluate(null, k)));
    const parts: string[] = [];
    if (kOk !== undefined) parts.push(`raise k to ≥ ${kOk}`);
    if (pcaChecks && connected(pcaChecks)) parts.push(`reduce to ≤ ${pcaDims} PCA dimensions`);
    if (parts.length === 0) parts.push(`raise delta above ${o.delta} or k above ${kTries[kTries.length - 1] ?? o.k}, or drop isolated points`);
    suggestions.push(`graph has ${total} components: ${parts.join(" or ")}`);
    if (!(pcaChecks && connected(pcaChecks)) && kOk !== undefined) recommendedK = kOk;
  } else if (pcaChecks && !connected(pcaChecks) && small.length === 0) {
    problems.push(`after PCA to ${pcaDims} dimensions the graph (k = ${o.k}) is still disconnected: ${describeComponents(pcaChecks)}`);
    const kTries = (o.kCandidates ?? [1.25, 1.5, 2, 3].map((f) => Math.ceil(o.k * f))).filter((k) => k > o.k).sort((a, b) => a - b);
    const kOk = kTries.find((k) => anchors.every((a) => a.rows >= k + 1) && connected(evaluate(pcaDims, k)));
    if (kOk !== undefined) {
      recommendedK = kOk;
      suggestions.push(`with ${pcaDims} PCA dimensions, raise k to ≥ ${kOk}`);
    } else suggestions.push(`with ${pcaDims} PCA dimensions no k up to ${kTries[kTries.length - 1]} connects the graph: raise delta, or drop isolated points`);
  }
  if (pcaVariance && pcaDims !== null) {
    const kept = pcaVariance.find((v) => v.dims === pcaDims)!.varianceKept;
    suggestions.push(`reduce the ${dim}-dimensional data to ${pcaDims} PCA dimensions (keeps ${(100 * kept).toFixed(1)} % of the variance) before building the graph`);
  }

  const conditions: ConditionDiagnostics[] = anchors.map((a, c) => {
    const pts = pcaChecks ? project(a, graphDim) : a;
    const g = useChecks[c];
    const duplicates = a.rows >= 2 ? countDuplicates(pts) : 0;
    if (duplicates > 0) {
      problems.push(`condition ${c} has ${duplicates} points that coincide with another point`);
      suggestions.push(`remove duplicate points (or use spacing > 0 to subsample evenly); edge weights are 1/distance`);
    }
    return { condition: c, numPoints: a.rows, components: g.components, componentSizes: g.sizes.slice(0, 8), duplicates };
  });

  // manifold dimension in the evaluated space (per-point local PCA over geodesic neighbourhoods)
  let manifoldDim: number | null = null;
  if (graphDim <= 20 && numPoints <= 50_000 && small.length === 0) {
    try {
      const a = pcaChecks ? project(anchors[0], graphDim) : anchors[0];
      const adj = proximityGraph(a, { graphType: o.graphType, k: recommendedK, delta: o.delta, what: "anchor (condition 0)" });
      const frames = localFrames(a, adj, Math.round(recommendedK * o.fracGeodesicNb));
      manifoldDim = manifoldDimension(frames.sigma, frames.dim, o.varExplained);
    } catch (e) {
      notes.push(`manifold dimension not estimated: ${(e as Error).message}`);
    }
  }

  // vector scale relative to point spacing: derivative features are differences of vectors divided
  // by distances, so a large ratio means large features and a risk of divergence at the default lr
  let vectorScale: DiagnosticsReport["vectorScale"] = null;
  if (vectors && small.length === 0) {
    const norms: number[] = [];
    let zeros = 0;
    for (const v of vectors) {
      for (let i = 0; i < v.rows; i++) {
        let s = 0;
        for (let j = 0; j < v.cols; j++) s += v.data[i * v.cols + j] ** 2;
        norms.push(Math.sqrt(s));
        if (s === 0) zeros++;
      }
    }
    const nnd: number[] = [];
    for (const a of anchors) {
      const pts = dim > o.maxGraphDim && pca ? project(a, graphDim) : a;
      const nn = kNearestNeighbors(pts, 1);
      for (let i = 0; i < pts.rows; i++) nnd.push(nn.distances[i]);
    }
    const medianNorm = median(Float64Array.from(norms));
    const medianNeighbourDistance = median(Float64Array.from(nnd));
    const ratio = medianNeighbourDistance > 0 ? medianNorm / medianNeighbourDistance : Infinity;
    vectorScale = { medianNorm, medianNeighbourDistance, ratio, zeroFraction: zeros / norms.length };
    if (zeros / norms.length > 0.5) problems.push(`${((100 * zeros) / norms.length).toFixed(0)} % of the vectors are zero`);
    if (ratio > 100) suggestions.push(`vectors are ${ratio.toFixed(0)}× the typical point spacing: scale anchors and vectors together (e.g. divide both by the anchors' standard deviation) or lower lr`);
  }

  const ok = problems.length === 0 || (connected(useChecks) && conditions.every((c) => c.duplicates === 0) && small.length === 0);
  return {
    numConditions: anchors.length,
    numPoints,
    dim,
    graphDim,
    pcaVariance,
    conditions,
    manifoldDimension: manifoldDim,
    vectorScale,
    asGiven: asGivenChecks ? { dim, components: asGivenChecks.map((g) => g.components), componentSizes: asGivenChecks.map((g) => g.sizes.slice(0, 8)) } : null,
    recommended: { k: recommendedK, delta: o.delta, pcaDims: pcaVariance ? pcaDims : null },
    ok,
    problems,
    suggestions,
    notes,
  };
}

function describeComponents(checks: GraphCheck[]): string {
  return checks
    .map((g, c) => (g.error ? `condition ${c}: ${g.error}` : g.components > 1 ? `condition ${c} has ${g.components} components (sizes ${g.sizes.slice(0, 5).join(", ")}${g.sizes.length > 5 ? ", …" : ""})` : null))
    .filter((s): s is string => s !== null)
    .join("; ");
}

/** The report as Markdown, for notebooks and logs. */
export function formatDiagnostics(r: DiagnosticsReport): string {
  const lines: string[] = [];
  lines.push(`**Diagnostics** — ${r.numConditions} condition(s), ${r.numPoints} points, ${r.dim} dimensions${r.graphDim !== r.dim ? ` (graph evaluated in ${r.graphDim} PCA dimensions)` : ""}: ${r.ok ? "ready to train with the recommended settings" : "needs changes"}`);
  if (r.asGiven) {
    const total = r.asGiven.components.reduce((a, b) => a + b, 0);
    lines.push("", `As given (${r.asGiven.dim} dimensions): ${total} graph component(s) over ${r.asGiven.components.length} condition(s)`);
  }
  lines.push("");
  lines.push("| condition | points | graph components | largest components | duplicates |");
  lines.push("|---:|---:|---:|---|---:|");
  for (const c of r.conditions) lines.push(`| ${c.condition} | ${c.numPoints} | ${c.components || "—"} | ${c.componentSizes.join(", ")} | ${c.duplicates} |`);
  if (r.pcaVariance) {
    lines.push("");
    lines.push(`PCA variance kept: ${r.pcaVariance.map((v) => `${v.dims} dims → ${(100 * v.varianceKept).toFixed(1)} %`).join(", ")}`);
  }
  if (r.manifoldDimension !== null) lines.push(`\nEstimated manifold dimension: ${r.manifoldDimension}`);
  if (r.vectorScale) lines.push(`\nVector scale: median |v| = ${r.vectorScale.medianNorm.toPrecision(3)}, median neighbour distance = ${r.vectorScale.medianNeighbourDistance.toPrecision(3)} (ratio ${r.vectorScale.ratio.toPrecision(3)})`);
  lines.push(`\nRecommended: k = ${r.recommended.k}, delta = ${r.recommended.delta}${r.recommended.pcaDims !== null ? `, PCA to ${r.recommended.pcaDims} dimensions` : ""}`);
  if (r.problems.length) lines.push("", "Problems:", ...r.problems.map((p) => `- ${p}`));
  if (r.suggestions.length) lines.push("", "Suggestions:", ...r.suggestions.map((p) => `- ${p}`));
  if (r.notes.length) lines.push("", "Notes:", ...r.notes.map((p) => `- ${p}`));
  return lines.join("\n");
}
