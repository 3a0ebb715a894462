/**
 * The checks a Marble runs before it allocates anything: its options (params.ts), the data it is
 * given — a built dataset, a checkpoint's signature, or the inputs constructDataset will get —
 * and whether the features that order × dimension give fit in memory (footprint.ts).
 */
import { Matrix } from "../core/matrix.js";
import { ValidationError, checkInteger, checkBoolean, describeValue, closestName } from "../core/validate.js";
import type { MarbleDataset } from "../geometry/types.js";
import { checkDatasetOptions, localGaugesApply, type ConstructDatasetOptions } from "../geometry/dataset.js";
import { resolveMarbleParams, marbleShape, type MarbleParams, type MarbleShape } from "./params.js";
import { assertFootprintFits, type FootprintNodes } from "./footprint.js";
import type { MarbleDataSignature, FitOptions } from "./marble.js";

/** Throws unless `data` is a complete dataset from constructDataset. */
export function checkDataset(data: MarbleDataset, where: string): void {
  if (!data || typeof data !== "object" || !(data.x instanceof Matrix) || !(data.pos instanceof Matrix) || !Array.isArray(data.kernels)) {
    throw new ValidationError(`${where}: expected a MarbleDataset (build one with constructDataset), got ${describeValue(data)}`);
  }
  const n = data.numNodes;
  if (data.x.rows !== n || data.pos.rows !== n) throw new ValidationError(`${where}: data.x has ${data.x.rows} rows and data.pos ${data.pos.rows}, expected numNodes = ${n}`);
  if (n < 3) throw new ValidationError(`${where}: need at least 3 nodes, got ${n}`);
  if (data.kernels.length !== data.dimMan) throw new ValidationError(`${where}: ${data.kernels.length} derivative kernels but dimMan = ${data.dimMan}`);
  for (const [name, mask] of [["trainMask", data.trainMask], ["valMask", data.valMask], ["testMask", data.testMask]] as const) {
    if (!mask || mask.length !== n) throw new ValidationError(`${where}: data.${name} must have one entry per node (${n})`);
  }
}

function checkSignature(sig: MarbleDataSignature, where: string): void {
  checkInteger(sig.signalDim, `${where}: signature.signalDim (signal channels)`, 1);
  checkInteger(sig.dim, `${where}: signature.dim (anchor dimension)`, 1);
  checkInteger(sig.dimMan, `${where}: signature.dimMan (manifold dimension)`, 1);
  checkBoolean(sig.localGauges, `${where}: signature.localGauges`);
}

/** The shape of the network and the nodes whose features it caches, when they are known from `data`. */
function shapeOf(p: MarbleParams, data: MarbleDataset | MarbleDataSignature | ConstructDatasetOptions, where: string): { shape: MarbleShape; nodes?: FootprintNodes } | null {
  if ("kernels" in data) {
    checkDataset(data, where);
    const s = data.localGauges ? data.dimMan : data.x.cols;
    return { shape: marbleShape(p, s, data.dimMan, data.pos.cols), nodes: { numNodes: data.numNodes, localGauges: data.localGauges } };
  }
  if ("anchor" in data || "vector" in data) {
    const { options, anchors, vectors } = checkDatasetOptions(data as ConstructDatasetOptions);
    const d = anchors[0].cols, D = vectors[0].cols;
    // with local gauges the manifold dimension is found while the dataset is built: the constructor checks then
    if (localGaugesApply(options.localGauges, d, D)) return null;
    const points = anchors.reduce((sum, a) => sum + a.rows, 0);
    // subsampling keeps an unknown share of the points: then only the network is counted
    return { shape: marbleShape(p, D, d, d), nodes: options.spacing > 0 ? undefined : { numNodes: points, localGauges: false } };
  }
  checkSignature(data, where);
  return { shape: marbleShape(p, data.localGauges ? data.dimMan : data.signalDim, data.dimMan, data.dim) };
}

/**
 * Resolves the options over the defaults and checks them; with `data`, also the data and that
 * training would fit in memory. Nothing large is allocated.
 */
export function checkMarbleOptions(params: Partial<MarbleParams> | undefined, data: MarbleDataset | MarbleDataSignature | ConstructDatasetOptions | null | undefined, where: string): MarbleParams {
  const p = resolveMarbleParams(params);
  if (data === undefined) return p;
  if (data === null || typeof data !== "object") {
    throw new ValidationError(`${where}: expected a dataset from constructDataset (or a checkpoint's data signature), got ${describeValue(data)}`);
  }
  const known = shapeOf(p, data, where);
  if (known) assertFootprintFits(p, known.shape, known.nodes, where);
  return p;
}

/** Types of the fit options: a misspelt `outdir` would otherwise train and save nothing, silently. */
const FIT_OPTION_TYPES: Record<keyof FitOptions, string> = {
  outdir: "string",
  force: "boolean",
  resume: "boolean",
  checkpointEvery: "number",
  checkpointOnBest: "boolean",
  command: "object",
  verbose: "boolean",
  onEpoch: "function",
  signal: "AbortSignal",
  progress: "boolean",
};

function checkFitOptions(options: FitOptions): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ValidationError(`Marble.fit: options must be an object such as { outdir: "runs/run1" }, got ${describeValue(options)}`);
  }
  const valid = Object.keys(FIT_OPTION_TYPES);
  for (const [key, value] of Object.entries(options)) {
    const type = FIT_OPTION_TYPES[key as keyof FitOptions];
    if (type === undefined) {
      const guess = closestName(key, valid);
      throw new ValidationError(`Marble.fit: unknown option "${key}"${guess ? `; did you mean "${guess}"?` : "."} Valid options: ${valid.join(", ")}`);
    }
    if (value === undefined) continue;
    // an AbortSignal, or anything shaped like one (fit reads only `aborted` and `reason`)
    const ok = type === "AbortSignal" ? typeof value === "object" && typeof (value as { aborted?: unknown }).aborted === "boolean" : typeof value === type;
    if (!ok) throw new ValidationError(`Marble.fit: ${key} must be ${type === "AbortSignal" ? "an AbortSignal (controller.signal)" : `a ${type}`}, got ${describeValue(value)}`);
  }
  if (options.outdir === "") throw new ValidationError("Marble.fit: outdir is empty; give a folder path for the checkpoint, or leave outdir out");
}

/** The checks at the start of fit, after the dataset's own (Marble's checkCompatible): its options and the memory its features need. */
export function checkFitCall(p: MarbleParams, shape: MarbleShape, data: MarbleDataset, options: FitOptions): void {
  checkFitOptions(options);
  assertFootprintFits(p, shape, { numNodes: data.numNodes, localGauges: data.localGauges }, "Marble.fit");
}
