/**
 * What a configuration will allocate, known before anything is allocated: the gradient-feature
 * channels that order × dimension give, the arrays they imply, and a check against the memory
 * this process can use. Without it a 900-dimensional input reaches the typed-array constructor
 * and fails there ("Invalid typed array length") with nothing said about why or what to change.
 *
 * The estimate is a lower bound of what training holds at once (the arrays named below, not the
 * smaller temporaries), so a configuration it rejects cannot run; one it accepts may still be slow.
 */
import { constrainedMemory } from "node:process";
import { totalmem } from "node:os";
import { ValidationError } from "../core/validate.js";
// the expansion's terms per node and channel, and the stored values above which it is float32
import { EXPANSION_TERMS, FLOAT64_LIMIT as EXPANSION_FLOAT64_LIMIT } from "./features.js";
import { gradientChannelCount, marbleParameterCount, marbleShape, type MarbleParams, type MarbleShape } from "./params.js";

/** A WebAssembly memory (float32 network, float32 expansion store) holds at most 65536 pages of 64 KiB. */
export const WASM_MEMORY_BYTES = 4 * 1024 ** 3;

export interface MarbleFootprint {
  featureChannels: number;
  /** Weights of the first layer (MLP input × first hidden width): the largest array of the network. */
  firstLayerWeights: number;
  parameters: number;
  /** Bytes of parameters, gradients, momentum and the best-epoch copy (float64), plus the float32 network. */
  networkBytes: number;
  /** Bytes of the cached features over all nodes (0 when the number of nodes is not known). */
  featureBytes: number;
  /** Bytes the float32 network keeps in its WebAssembly memory (0 with float64 precision). */
  wasmNetworkBytes: number;
  /** Bytes of the float32 expansion store of the diffusion features, in a WebAssembly memory of its own (0 when not used). */
  wasmStoreBytes: number;
  /** networkBytes + featureBytes. */
  bytes: number;
}

/** The dataset facts the feature cache depends on (unknown before the dataset is built). */
export interface FootprintNodes {
  numNodes: number;
  localGauges: boolean;
}

/** Sizes of what training allocates for these parameters, this shape and (when given) these nodes. */
export function marbleFootprint(p: MarbleParams, shape: MarbleShape, nodes?: FootprintNodes): MarbleFootprint {
  const parameters = marbleParameterCount(p, shape);
  const firstWidth = p.hiddenChannels.length ? p.hiddenChannels[0] : p.outChannels;
  const firstLayerWeights = shape.mlpInput * firstWidth;
  // float32 network: Wᵀ and W in float32, the float64 staging copy and the float32 weight gradient, per weight
  const wasmNetwork = p.precision === "float32" ? 20 * parameters : 0;
  let networkBytes = 4 * 8 * parameters + wasmNetwork;
  const C = shape.featureChannels;
  let featureBytes = 0, wasmStore = 0;
  if (nodes) {
    const values = nodes.numNodes * C;
    // which feature provider features.ts picks: computed once, expanded in t, or recomputed with its t-derivative
    if (!p.diffusion) featureBytes = 8 * values;
    else if (!nodes.localGauges && !p.vecNorm) {
      const stored = values * EXPANSION_TERMS;
      featureBytes = stored <= EXPANSION_FLOAT64_LIMIT ? 8 * stored : 4 * stored;
      if (stored > EXPANSION_FLOAT64_LIMIT) wasmStore = 4 * stored;
    } else featureBytes = 2 * 8 * values;
    // the batch: 3 rows per anchor, the gathered features and the network input in float64
    networkBytes += 2 * 8 * 3 * p.batchSize * shape.mlpInput;
  }
  return { featureChannels: C, firstLayerWeights, parameters, networkBytes, featureBytes, wasmNetworkBytes: wasmNetwork, wasmStoreBytes: wasmStore, bytes: networkBytes + featureBytes };
}

/** Memory this process may use: the machine's, or the container's limit when lower. */
export function availableMemoryBytes(): number {
  const total = totalmem();
  const limit = typeof constrainedMemory === "function" ? constrainedMemory() : 0;
  return limit && limit > 0 && limit < total ? limit : total;
}

function gb(bytes: number): string {
  const g = bytes / 1e9;
  return `${g >= 1000 ? Math.round(g).toLocaleString("en-US") : Number(g.toPrecision(3))} GB`;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** "900 × (1 + 900 + 900²)": how order and dimension give the channel count. */
function channelFormula(s: number, m: number, order: number, includeSelf: boolean): string {
  const powers: string[] = [];
  for (let j = includeSelf ? 0 : 1; j <= order; j++) powers.push(j === 0 ? "1" : j === 1 ? `${m}` : `${m}${superscript(j)}`);
  return `${s} × (${powers.join(" + ")})`;
}

function superscript(j: number): string {
  return String(j).replace(/\d/g, (c) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(c)]);
}

export interface FootprintLimits {
  /** Bytes available (default: availableMemoryBytes()). */
  memoryBytes?: number;
}

/**
 * Throws before anything is allocated when the features that order × dimension give would not
 * fit: the message gives the channel count and its formula, the memory needed, and which PCA
 * dimension or order would fit.
 */
export function assertFootprintFits(p: MarbleParams, shape: MarbleShape, nodes: FootprintNodes | undefined, where: string, limits: FootprintLimits = {}): void {
  const budget = limits.memoryBytes ?? availableMemoryBytes();
  const f = marbleFootprint(p, shape, nodes);
  const overMemory = f.bytes > budget;
  const overWasm = Math.max(f.wasmNetworkBytes, f.wasmStoreBytes) > WASM_MEMORY_BYTES;
  if (!overMemory && !overWasm) return;
  const fits = (q: MarbleParams, sh: MarbleShape): boolean => {
    const g = marbleFootprint(q, sh, nodes);
    return g.bytes <= budget && Math.max(g.wasmNetworkBytes, g.wasmStoreBytes) <= WASM_MEMORY_BYTES;
  };
  const s = shape.signalChannels, m = shape.dimMan;
  const lines: string[] = [];
  lines.push(
    `${where}: order ${p.order} on ${s} signal channels with ${m} derivative directions gives ${count(f.featureChannels)} feature channels ` +
      `(${channelFormula(s, m, p.order, p.includeSelf)}${p.innerProductFeatures ? `, ${count(shape.featureVectors)} after inner products` : ""}), ` +
      `so the first layer alone holds ${count(f.firstLayerWeights)} weights`,
  );
  if (overMemory) {
    lines.push(`training would need at least ${gb(f.bytes)} (${gb(f.networkBytes)} for the network${f.featureBytes ? `, ${gb(f.featureBytes)} for the features of ${count(nodes!.numNodes)} nodes` : ""}), more than the ${gb(budget)} available`);
  } else {
    const network = f.wasmNetworkBytes >= f.wasmStoreBytes;
    const what = network ? "the float32 network (precision \"float32\")" : "the float32 store of the diffusion features";
    lines.push(`${what} needs ${gb(network ? f.wasmNetworkBytes : f.wasmStoreBytes)} in one WebAssembly memory, whose limit is ${gb(WASM_MEMORY_BYTES)}`);
  }
  // the largest dimension that fits at this order, with PCA applied to anchors and vectors alike
  let bestDim = 0;
  for (let d = 1; d < Math.max(s, m); d++) {
    if (fits(p, marbleShape(p, d, d, d))) bestDim = d;
    else break;
  }
  const fixes: string[] = [];
  fixes.push(
    bestDim > 0
      ? `reduce the data with PCA before building the dataset: at order ${p.order} at most ${bestDim} dimensions fit in memory, and MARBLE typically works in 3–10 (RecordingPipeline's pcaDims "auto" picks one from the diagnostics)`
      : "reduce the data to fewer dimensions with PCA before building the dataset",
  );
  for (let o = p.order - 1; o >= (p.includeSelf ? 0 : 1); o--) {
    const q = { ...p, order: o };
    if (fits(q, marbleShape(q, s, m, shape.dim))) {
      fixes.push(`or lower the order to ${o} (${count(gradientChannelCount(s, m, o, p.includeSelf))} channels)`);
      break;
    }
  }
  if (nodes && f.featureBytes + f.wasmStoreBytes > f.networkBytes) fixes.push("or use fewer nodes (constructDataset's spacing subsamples evenly)");
  throw new ValidationError(`${lines.join("; ")}. To fix: ${fixes.join(", ")}`);
}
