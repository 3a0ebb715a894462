/**
 * Checks of the point clouds and signals constructDataset is given, run before any graph is
 * built: conditions split and named, empty conditions, anchor/vector shapes, and values a proximity
 * graph cannot be built from. Without these, coincident points and values whose squared distances
 * overflow or underflow float64 all surface later as "graph is not connected … increase k or
 * delta", advice that cannot help.
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { ValidationError, toMatrix } from "../core/validate.js";

/** Beyond these spreads, squared distances leave float64's normal range (about 1e±308) or come within 1e8 of it. */
const LARGEST_SPREAD = 1e150;
const SMALLEST_SPREAD = 1e-150;

function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return x !== null && typeof x === "object" && typeof (x as ArrayLike<unknown>).length === "number";
}

/** A Matrix, an empty array, or an array whose first entry is a row (an array or typed array). */
function looksLikeCondition(x: unknown): boolean {
  if (x instanceof Matrix) return true;
  if (!isArrayLike(x)) return false;
  return x.length === 0 || isArrayLike(x[0]);
}

/**
 * One matrix, or a list of them (one per condition). Unlike isMatrixList this recognises a list
 * that starts with an empty condition ([[], A]), so the empty one is reported as such.
 */
export function conditionList(x: MatrixLike | MatrixLike[]): { list: MatrixLike[]; single: boolean } {
  if (Array.isArray(x) && x.every(looksLikeCondition)) {
    return { list: x as MatrixLike[], single: false };
  }
  return { list: [x as MatrixLike], single: true };
}

function rowsOf(x: MatrixLike): number | null {
  if (x instanceof Matrix) return x.rows;
  return isArrayLike(x) ? x.length : null;
}

export interface CheckedInputs {
  anchors: Matrix[];
  vectors: Matrix[];
  /** True when one matrix (not a list) was passed: names then omit the condition index. */
  single: boolean;
  /** anchor[c] / vector[c] (or anchor / vector for a single matrix). */
  name: (base: "anchor" | "vector", c: number) => string;
}

/** Converts and checks anchor and vector: shapes, finiteness, one row per point, shared dimensions, usable scales. */
export function checkAnchorsAndVectors(anchor: MatrixLike | MatrixLike[], vector: MatrixLike | MatrixLike[]): CheckedInputs {
  const a = conditionList(anchor), v = conditionList(vector);
  const single = a.single;
  const name = (base: "anchor" | "vector", c: number): string => (single ? base : `${base}[${c}]`);
  if (a.list.length === 0) throw new ValidationError("anchor: empty list; pass at least one condition (an n × d matrix of positions)");
  if (v.list.length !== a.list.length) {
    throw new ValidationError(`vector: got ${v.single ? "one matrix" : `${v.list.length} matrices`} for ${a.list.length} anchor matrices; pass one vector matrix per condition, in the same order`);
  }
  a.list.forEach((x, c) => {
    if (rowsOf(x) === 0) {
      throw new ValidationError(`${name("anchor", c)}: condition ${c} is empty (0 points); remove it from both anchor and vector, or pass its points`);
    }
  });
  const anchors = a.list.map((x, c) => toMatrix(x, name("anchor", c)));
  const d = anchors[0].cols;
  anchors.forEach((m, c) => {
    if (m.cols < 1) throw new ValidationError(`${name("anchor", c)}: has no columns; each point needs at least one coordinate`);
    if (m.cols !== d) throw new ValidationError(`${name("anchor", c)}: has ${m.cols} columns, but condition 0 has ${d}; all conditions must share the anchor dimension`);
  });
  const vectors = v.list.map((x, c) => {
    const rows = rowsOf(x);
    if (rows !== null && rows !== anchors[c].rows) {
      throw new ValidationError(`${name("vector", c)}: has ${rows} rows but ${name("anchor", c)} has ${anchors[c].rows} points; pass one vector per anchor point (condition ${c})`);
    }
    return toMatrix(x, name("vector", c));
  });
  const D = vectors[0].cols;
  vectors.forEach((m, c) => {
    if (m.cols < 1) throw new ValidationError(`${name("vector", c)}: has no columns; pass at least one signal channel per point`);
    if (m.cols !== D) throw new ValidationError(`${name("vector", c)}: has ${m.cols} columns, but condition 0 has ${D}; all conditions must share the signal dimension`);
  });
  anchors.forEach((m, c) => checkAnchorScale(m, name("anchor", c), c));
  vectors.forEach((m, c) => checkVectorScale(m, name("vector", c), c));
  return { anchors, vectors, single, name };
}

/** 3 significant digits, plain between 1e-3 and 1e6, else as 6.72e+200. */
function fmt(x: number): string {
  const r = Number(x.toPrecision(3));
  return r === 0 || (Math.abs(r) >= 1e-3 && Math.abs(r) < 1e6) ? String(r) : r.toExponential(2);
}

/** The order of magnitude of x², which may lie outside float64's range: "1e+401". */
function squaredMagnitude(x: number): string {
  const e = Math.round(2 * Math.log10(x));
  return `1e${e >= 0 ? "+" : ""}${e}`;
}

/** The diameter of the bounding box, computed without squaring (so it is finite whenever the spans are). */
function boundingDiameter(m: Matrix): number {
  const { rows, cols, data } = m;
  const spans = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < rows; i++) {
      const x = data[i * cols + j];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    spans[j] = hi - lo;
  }
  let largest = 0;
  for (const s of spans) largest = Math.max(largest, s);
  if (largest === 0 || !Number.isFinite(largest)) return largest;
  let sum = 0;
  for (const s of spans) sum += (s / largest) ** 2;
  return largest * Math.sqrt(sum);
}

function maxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) m = Math.max(m, Math.abs(data[i]));
  return m;
}

const RESCALE = "rescale them to order 1 first, e.g. standardise (subtract each column's mean and divide by the overall standard deviation; RecordingPipeline's standardize does this)";

/** Coincident points, and spreads whose squared distances leave float64's range. */
export function checkAnchorScale(m: Matrix, what: string, c: number): void {
  const n = m.rows;
  if (n < 2) return; // too few points for a graph: reported with the k + 1 check
  const diameter = boundingDiameter(m);
  if (diameter === 0) {
    const first = Array.from(m.row(0).subarray(0, 4), fmt).join(", ") + (m.cols > 4 ? ", …" : "");
    throw new ValidationError(
      `${what}: all ${n} points of condition ${c} are identical (every row is [${first}]), so there is no geometry to build a graph on. ` +
        `Check that the right array was passed as anchor (positions over time, not a constant), or remove this condition`,
    );
  }
  if (!(diameter <= LARGEST_SPREAD)) {
    throw new ValidationError(
      `${what}: the points of condition ${c} spread over ${fmt(diameter)} (largest |value| ${fmt(maxAbs(m.data))}), so their squared distances ` +
        `(up to ${Number.isFinite(diameter) ? `about ${squaredMagnitude(diameter)}` : "infinity"}) overflow float64 or come within 1e8 of its largest value (1.8e308); ${RESCALE}`,
    );
  }
  if (diameter < SMALLEST_SPREAD) {
    throw new ValidationError(
      `${what}: the points of condition ${c} spread over only ${fmt(diameter)}, so their squared distances (below ${squaredMagnitude(diameter)}) underflow float64 ` +
        `(smallest normal value 2.2e-308) and neighbours become indistinguishable; ${RESCALE}`,
    );
  }
}

/** Signals whose squares overflow or underflow float64 (norms, diffusion and the derivative features square them). */
export function checkVectorScale(m: Matrix, what: string, c: number): void {
  const largest = maxAbs(m.data);
  if (largest > LARGEST_SPREAD) {
    throw new ValidationError(`${what}: condition ${c} has values up to ${fmt(largest)}, whose squares overflow float64 or come within 1e8 of its largest value (1.8e308); ${RESCALE}`);
  }
  if (largest > 0 && largest < SMALLEST_SPREAD) {
    throw new ValidationError(`${what}: condition ${c} has values of at most ${fmt(largest)}, whose squares underflow float64 (smallest normal value 2.2e-308); ${RESCALE}`);
  }
}
