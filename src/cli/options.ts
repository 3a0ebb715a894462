/**
 * The model and dataset options every `marble` command shares: one description per parameter,
 * next to the defaults they show. A parameter added to MarbleParams without a description here
 * fails to compile.
 */
import { MARBLE_DEFAULTS, type MarbleParams } from "../model/params.js";
import { GRAPH_TYPES } from "../geometry/graph.js";
import { REFERENCES } from "../core/reference.js";
import { DATASET_DEFAULTS as LIBRARY_DATASET_DEFAULTS } from "../geometry/dataset.js";
import { kebab, type OptionSpec } from "./args.js";

const CLI_DATASET_KEYS = ["graphType", "k", "delta", "radius", "spacing", "fracGeodesicNb", "varExplained", "localGauges"] as const;

/** constructDataset options the CLI exposes, with the library's defaults. */
export const DATASET_DEFAULTS = Object.fromEntries(CLI_DATASET_KEYS.map((key) => [key, LIBRARY_DATASET_DEFAULTS[key]])) as {
  readonly [K in (typeof CLI_DATASET_KEYS)[number]]: (typeof LIBRARY_DATASET_DEFAULTS)[K];
};

type Described = Pick<OptionSpec, "description" | "metavar" | "choices">;

const MODEL_DESCRIPTIONS: { readonly [K in keyof MarbleParams]: Described } = {
  epochs: { metavar: "N", description: "passes over the training points" },
  batchSize: { metavar: "N", description: "training points per batch" },
  lr: { metavar: "X", description: "starting learning rate; cut tenfold on plateaus" },
  momentum: { metavar: "X", description: "momentum of the gradient descent, 0 to 1" },
  dropout: { metavar: "P", description: "dropout probability after each hidden layer" },
  batchNorm: { description: "batch normalisation after each hidden layer" },
  hiddenChannels: { metavar: "N,N,...", description: "widths of the hidden layers, such as 64,32" },
  bias: { description: "bias terms in the layers" },
  order: { metavar: "N", description: "highest order of the directional derivatives, 0 to 6" },
  innerProductFeatures: { description: "rotation-invariant features (inner products)" },
  diffusion: { description: "smooth vectors along the graph first (time t, learned)" },
  fracSampledNb: { metavar: "X", description: "share of neighbours used for derivatives; -1 = all" },
  includePositions: { description: "add each point's position to its features" },
  includeSelf: { description: "the vectors themselves (order 0) among the features" },
  outChannels: { metavar: "N", description: "dimension of the embedding" },
  vecNorm: { description: "scale each order's features to unit length per point" },
  embNorm: { description: "scale each embedding vector to unit length" },
  seed: { metavar: "N", description: "seed of the data split, batches and initial weights" },
  precision: { choices: ["float32", "float64"], description: "arithmetic: float32 (fast, SIMD) or float64" },
  reference: { choices: REFERENCES, description: "marblelab (corrected method) or authors (their choices, for comparison)" },
};

const DATASET_DESCRIPTIONS: { readonly [K in keyof typeof DATASET_DEFAULTS]: Described } = {
  graphType: { choices: GRAPH_TYPES, description: "graph: cknn (continuous k-NN), knn or radius" },
  k: { metavar: "N", description: "neighbours per point in the graph" },
  delta: { metavar: "X", description: "cknn: larger values link points further apart" },
  radius: { metavar: "X", description: "with --graph-type radius: link points closer than X" },
  spacing: { metavar: "X", description: "subsample to points X × diameter apart; 0 keeps all" },
  fracGeodesicNb: { metavar: "X", description: "local gauges: points per frame, as a multiple of k" },
  varExplained: { metavar: "X", description: "local gauges: variance share defining the dimension" },
  localGauges: { description: "use local tangent frames (dimension 3 or more)" },
};

function showDefault(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "boolean") return v ? "on" : "off";
  if (Array.isArray(v)) return v.join(",");
  return String(v);
}

function kindOf(v: unknown, described: Described): OptionSpec["kind"] {
  if (described.choices) return "choice";
  if (typeof v === "boolean") return "boolean";
  if (Array.isArray(v)) return "numbers";
  return "number";
}

function specsFor(group: "model" | "dataset", defaults: Record<string, unknown>, descriptions: Record<string, Described>): OptionSpec[] {
  return Object.keys(descriptions).map((key) => ({
    flag: kebab(key),
    kind: kindOf(defaults[key], descriptions[key]),
    default: showDefault(defaults[key]),
    target: { group, key },
    ...descriptions[key],
  }));
}

/** The input files of fit and transform: one --anchor and one --vector per condition. */
export const CONDITION_OPTIONS: readonly OptionSpec[] = [
  { flag: "anchor", kind: "list", metavar: "FILE", description: "positions of one condition, n × d (.npy or .csv); one per condition" },
  { flag: "vector", kind: "list", metavar: "FILE", description: "the vector at each position (n × d); one per --anchor, same order" },
];

/** Options that set MarbleParams (kebab-case flags of the parameters). */
export const MODEL_OPTIONS: readonly OptionSpec[] = specsFor("model", MARBLE_DEFAULTS as unknown as Record<string, unknown>, MODEL_DESCRIPTIONS);

/** Options that set constructDataset's graph and gauge parameters. */
export const DATASET_OPTIONS: readonly OptionSpec[] = specsFor("dataset", DATASET_DEFAULTS, DATASET_DESCRIPTIONS);

const FLAG_OF_KEY = new Map([...MODEL_OPTIONS, ...DATASET_OPTIONS].map((s) => [s.target!.key, s.flag]));

/**
 * Restates a library validation message about a model or dataset parameter in terms of its flag
 * ("Marble: dropout must be < 1" → "--dropout must be < 1"); null when the message is about
 * something else (the data, the files).
 */
export function restateForFlags(message: string): string | null {
  const text = message.replace(/^Marble: /, "");
  const first = /^([a-zA-Z]+)/.exec(text)?.[1];
  if (!first || !FLAG_OF_KEY.has(first)) return null;
  let out = text.replace(/^[a-zA-Z]+/, `--${FLAG_OF_KEY.get(first)}`);
  // camelCase parameter names are unambiguous anywhere in the message;
  // ordinary words ("order", "k") only where they are compared with a value ("set order ≥ 1")
  for (const [key, flag] of FLAG_OF_KEY) {
    const pattern = /[A-Z]/.test(key) ? `\\b${key}\\b` : `(?<![-\\w])${key}(?= [≥≤<>=] )`;
    out = out.replace(new RegExp(pattern, "g"), `--${flag}`);
  }
  return out;
}
