/**
 * Every parameter a sweep can set or vary, with its type, the datasets it applies to, the default
 * (the values of the notebooks, which follow the paper) and the unit its figure axis carries.
 * Parameters are named "<section>.<name>", e.g. "marble.k" or "preprocessing.pcaDims".
 */

/** The two kinds of shipped data a sweep runs on. */
export type DatasetKind = "rat" | "van-der-pol";

export type ParamValue = number | boolean | string;
export type Section = "preprocessing" | "marble" | "evaluation";
export const SECTIONS: readonly Section[] = ["preprocessing", "marble", "evaluation"];

export interface ParameterInfo {
  section: Section;
  name: string;
  type: "integer" | "number" | "boolean" | "string";
  /** Inclusive lower bound for numbers. */
  min?: number;
  /** Exclusive upper bound for numbers. */
  below?: number;
  /** Allowed values for strings. */
  choices?: readonly string[];
  /** Default per dataset kind; a kind missing here does not use the parameter. */
  defaults: Partial<Record<DatasetKind, ParamValue>>;
  /** Axis title of figures over this parameter (with its unit). */
  axis: string;
  help: string;
}

const both = (v: ParamValue): Record<DatasetKind, ParamValue> => ({ rat: v, "van-der-pol": v });

export const PARAMETERS: readonly ParameterInfo[] = [
  // preprocessing: rat hippocampus (notebook 05)
  { section: "preprocessing", name: "smoothingBins", type: "number", min: 0, defaults: { rat: 10 }, axis: "Gaussian smoothing σ (25 ms bins)", help: "Gaussian smoothing of the spike counts, in bins" },
  { section: "preprocessing", name: "pcaDims", type: "integer", min: 1, defaults: { rat: 20 }, axis: "PCA dimensions", help: "principal components kept (fitted on the training part)" },
  { section: "preprocessing", name: "trainFraction", type: "number", min: 0.05, below: 1, defaults: { rat: 0.8 }, axis: "training fraction", help: "leading fraction of the session used for training" },
  { section: "preprocessing", name: "maxBins", type: "integer", min: 0, defaults: { rat: 0 }, axis: "session length (25 ms bins)", help: "use only the first this many bins of the session (0: all)" },
  // preprocessing: van der Pol simulator (notebook 02)
  { section: "preprocessing", name: "numMu", type: "integer", min: 4, defaults: { "van-der-pol": 20 }, axis: "number of μ values", help: "conditions: this many values of μ evenly spaced in [muMin, muMax]" },
  { section: "preprocessing", name: "muMin", type: "number", defaults: { "van-der-pol": -1 }, axis: "lowest μ", help: "lowest μ" },
  { section: "preprocessing", name: "muMax", type: "number", defaults: { "van-der-pol": 1 }, axis: "highest μ", help: "highest μ" },
  { section: "preprocessing", name: "numInitial", type: "integer", min: 1, defaults: { "van-der-pol": 60 }, axis: "initial conditions per μ", help: "random initial conditions per condition" },
  { section: "preprocessing", name: "alpha", type: "number", defaults: { "van-der-pol": 0.05 }, axis: "paraboloid curvature α", help: "curvature of the paraboloid the trajectories are lifted onto" },
  { section: "preprocessing", name: "spacing", type: "number", min: 0, defaults: { "van-der-pol": 0.03 }, axis: "subsampling spacing", help: "furthest-point subsampling spacing (0: keep every sample)" },
  // MARBLE
  { section: "marble", name: "k", type: "integer", min: 1, defaults: { rat: 15, "van-der-pol": 20 }, axis: "graph neighbours k", help: "neighbours of the proximity graph" },
  { section: "marble", name: "delta", type: "number", min: 0, defaults: { rat: 1.5, "van-der-pol": 1.0 }, axis: "CkNN δ", help: "continuous k-NN graph scale" },
  { section: "marble", name: "order", type: "integer", min: 1, below: 3, defaults: { rat: 1, "van-der-pol": 2 }, axis: "derivative order", help: "order of the gradient filters (1 or 2)" },
  { section: "marble", name: "epochs", type: "integer", min: 1, defaults: { rat: 100, "van-der-pol": 50 }, axis: "training epochs", help: "training epochs" },
  { section: "marble", name: "hidden", type: "integer", min: 1, defaults: { rat: 64, "van-der-pol": 32 }, axis: "hidden units", help: "width of the one hidden layer" },
  { section: "marble", name: "outChannels", type: "integer", min: 1, defaults: { rat: 32, "van-der-pol": 5 }, axis: "output dimension", help: "dimension of the latent space" },
  { section: "marble", name: "embNorm", type: "boolean", defaults: { rat: true, "van-der-pol": false }, axis: "normalised embeddings", help: "normalise the embeddings to the unit sphere" },
  { section: "marble", name: "includePositions", type: "boolean", defaults: { rat: true, "van-der-pol": false }, axis: "positions as features", help: "feed the positions to the network as well" },
  { section: "marble", name: "diffusion", type: "boolean", defaults: both(false), axis: "diffusion layer", help: "learnable diffusion before the gradient filters" },
  { section: "marble", name: "innerProductFeatures", type: "boolean", defaults: both(false), axis: "inner-product features", help: "rotation-invariant inner-product features" },
  // evaluation
  { section: "evaluation", name: "decoder", type: "string", choices: ["knn-cosine", "knn-euclidean", "linear"], defaults: { rat: "knn-cosine" }, axis: "decoder", help: "position decoder trained on the training part's embedding" },
  { section: "evaluation", name: "decoderNeighbours", type: "integer", min: 1, defaults: { rat: 36 }, axis: "decoder neighbours", help: "neighbours of the k-NN decoder" },
  { section: "evaluation", name: "rawBaseline", type: "boolean", defaults: { "van-der-pol": false }, axis: "raw baseline", help: "also compute the OT ordering statistics on the raw (position, velocity) samples" },
];

export function parameterKey(p: ParameterInfo): string {
  return `${p.section}.${p.name}`;
}

const BY_KEY = new Map(PARAMETERS.map((p) => [parameterKey(p), p]));

export function parameterInfo(key: string): ParameterInfo | undefined {
  return BY_KEY.get(key);
}

export const PARAMETER_KEYS: readonly string[] = PARAMETERS.map(parameterKey);

/** The datasets a sweep may name: the shipped rats ("rat:achilles") and the van der Pol simulator. */
export const DATASETS: readonly string[] = ["rat:achilles", "rat:buddy", "rat:cicero", "rat:gatsby", "van-der-pol"];

export function datasetKind(name: string): DatasetKind {
  return name.startsWith("rat:") ? "rat" : "van-der-pol";
}

/** "Why this value is wrong" for a parameter, or null when it is fine. */
export function checkParameterValue(p: ParameterInfo, v: unknown): string | null {
  switch (p.type) {
    case "boolean":
      return typeof v === "boolean" ? null : `must be true or false, got ${JSON.stringify(v)}`;
    case "string":
      return typeof v === "string" && (!p.choices || p.choices.includes(v)) ? null : `must be one of ${(p.choices ?? []).map((c) => `"${c}"`).join(", ")}, got ${JSON.stringify(v)}`;
    default: {
      if (typeof v !== "number" || !Number.isFinite(v)) return `must be a finite number, got ${JSON.stringify(v)}`;
      if (p.type === "integer" && !Number.isInteger(v)) return `must be a whole number, got ${v}`;
      if (p.min !== undefined && v < p.min) return `must be at least ${p.min}, got ${v}`;
      if (p.below !== undefined && v >= p.below) return `must be below ${p.below}, got ${v}`;
      return null;
    }
  }
}
