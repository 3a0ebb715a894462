/**
 * The network's hyperparameters: defaults, validation (the one place options are checked)
 * and the derived sizes (feature channels, parameter count).
 */
import { checkReference, type Reference } from "../core/reference.js";
import { ValidationError, withDefaults, checkInteger, checkNumber, checkOneOf, checkBoolean, describeValue } from "../core/validate.js";

export interface MarbleParams {
  /** Passes over the training nodes. */
  epochs: number;
  /** Anchor nodes per batch (each batch also holds as many positives and negatives). */
  batchSize: number;
  /** Initial learning rate of SGD with momentum. */
  lr: number;
  momentum: number;
  /** Dropout probability after each hidden layer. */
  dropout: number;
  batchNorm: boolean;
  hiddenChannels: number[];
  bias: boolean;
  /** Order of the gradient features. */
  order: number;
  innerProductFeatures: boolean;
  diffusion: boolean;
  /** Fraction of each node's neighbours used by the derivative kernels; −1 for all of them. */
  fracSampledNb: number;
  includePositions: boolean;
  includeSelf: boolean;
  outChannels: number;
  vecNorm: boolean;
  embNorm: boolean;
  seed: number;
  /**
   * Arithmetic of the MLP's matrix products: "float32" runs WebAssembly SIMD kernels (several
   * times faster; parameters and gradients stay float64), "float64" the exact reference loops.
   */
  precision: MlpPrecision;
  /**
   * "marblelab" (default): positives are true graph neighbours. "authors": a node's positive is drawn
   * from its neighbours and itself, as in the reference, whose graphs keep self loops.
   */
  reference: Reference;
}

export type MlpPrecision = "float32" | "float64";

export const MARBLE_DEFAULTS: Readonly<MarbleParams> = Object.freeze({
  epochs: 100,
  batchSize: 64,
  lr: 0.01,
  momentum: 0.9,
  dropout: 0,
  batchNorm: true,
  hiddenChannels: [32],
  bias: true,
  order: 2,
  innerProductFeatures: false,
  diffusion: true,
  fracSampledNb: -1,
  includePositions: false,
  includeSelf: true,
  outChannels: 3,
  vecNorm: false,
  embNorm: false,
  seed: 0,
  precision: "float32",
  reference: "marblelab",
});

/** Merges `given` over the defaults and checks every value; the only place options are validated. */
export function resolveMarbleParams(given?: Partial<MarbleParams>): MarbleParams {
  const p = withDefaults({ ...MARBLE_DEFAULTS, hiddenChannels: [...MARBLE_DEFAULTS.hiddenChannels] }, given, "Marble");
  checkInteger(p.epochs, "Marble: epochs", 0);
  checkInteger(p.batchSize, "Marble: batchSize", 1);
  checkNumber(p.lr, "Marble: lr (the learning rate)", Number.MIN_VALUE);
  checkNumber(p.momentum, "Marble: momentum", 0, 1);
  checkNumber(p.dropout, "Marble: dropout", 0, 1);
  if (p.dropout >= 1) throw new ValidationError(`Marble: dropout must be < 1, got ${p.dropout}`);
  checkBoolean(p.batchNorm, "Marble: batchNorm");
  if (!Array.isArray(p.hiddenChannels)) {
    throw new ValidationError(`Marble: hiddenChannels must be an array of layer widths such as [32] (or [] for none), got ${describeValue(p.hiddenChannels)}`);
  }
  p.hiddenChannels.forEach((h, i) => checkInteger(h, `Marble: hiddenChannels[${i}]`, 1));
  p.hiddenChannels = [...p.hiddenChannels];
  checkBoolean(p.bias, "Marble: bias");
  checkInteger(p.order, "Marble: order", 0, 6);
  checkBoolean(p.innerProductFeatures, "Marble: innerProductFeatures");
  checkBoolean(p.diffusion, "Marble: diffusion");
  if (p.fracSampledNb !== -1) checkNumber(p.fracSampledNb, "Marble: fracSampledNb (or −1 for all neighbours)", Number.MIN_VALUE, 1);
  checkBoolean(p.includePositions, "Marble: includePositions");
  checkBoolean(p.includeSelf, "Marble: includeSelf");
  checkInteger(p.outChannels, "Marble: outChannels", 1);
  checkBoolean(p.vecNorm, "Marble: vecNorm");
  checkBoolean(p.embNorm, "Marble: embNorm");
  checkInteger(p.seed, "Marble: seed", 0);
  checkOneOf(p.precision, "Marble: precision", ["float32", "float64"]);
  checkReference(p.reference, "Marble");
  if (!p.includeSelf && p.order === 0) {
    throw new ValidationError("Marble: order 0 with includeSelf false leaves no features; set order ≥ 1 or includeSelf true");
  }
  if (p.batchNorm && p.batchSize < 2) {
    // fit skips batches of one anchor under batch norm, so every batch would be skipped and the loss read 0
    throw new ValidationError(`Marble: batchSize ${p.batchSize} with batchNorm true trains nothing: batch normalisation needs at least 2 anchors per batch. Set batchSize ≥ 2 (the default is ${MARBLE_DEFAULTS.batchSize}) or batchNorm false`);
  }
  return p;
}

/** Number of gradient-feature channels: s (m^(o+1) − 1)/(m − 1), minus s without the signal itself. */
export function gradientChannelCount(signalChannels: number, dimMan: number, order: number, includeSelf = true): number {
  let vectors = 0;
  for (let j = includeSelf ? 0 : 1; j <= order; j++) vectors += dimMan ** j;
  return signalChannels * vectors;
}

/** The sizes that fix the network's shape, derived from the data and the parameters. */
export interface MarbleShape {
  /** Signal channels s after mapping to frames (m with local gauges, D otherwise). */
  signalChannels: number;
  /** Manifold dimension m (number of derivative directions). */
  dimMan: number;
  /** Anchor dimension d (prepended with includePositions). */
  dim: number;
  /** Gradient-feature channels (before inner products). */
  featureChannels: number;
  /** Number of s-vectors the features form (inner products output one channel per vector). */
  featureVectors: number;
  /** Input width of the MLP. */
  mlpInput: number;
}

export function marbleShape(p: MarbleParams, signalChannels: number, dimMan: number, dim: number): MarbleShape {
  const featureChannels = gradientChannelCount(signalChannels, dimMan, p.order, p.includeSelf);
  const featureVectors = signalChannels === 1 ? featureChannels : featureChannels / signalChannels;
  const base = p.innerProductFeatures ? featureVectors : featureChannels;
  return { signalChannels, dimMan, dim, featureChannels, featureVectors, mlpInput: base + (p.includePositions ? dim : 0) };
}

/**
 * Trainable parameters: the diffusion time (always counted, as in the paper), the inner-product
 * matrices O_j (one s × s per feature vector, when on), and the MLP's weights, biases and
 * batch-norm scales and shifts.
 */
export function marbleParameterCount(p: MarbleParams, shape: MarbleShape): number {
  let count = 1;
  if (p.innerProductFeatures) count += shape.featureVectors * shape.signalChannels * shape.signalChannels;
  let width = shape.mlpInput;
  for (const h of p.hiddenChannels) {
    count += width * h + (p.bias ? h : 0) + (p.batchNorm ? 2 * h : 0);
    width = h;
  }
  count += width * p.outChannels + (p.bias ? p.outChannels : 0);
  return count;
}
