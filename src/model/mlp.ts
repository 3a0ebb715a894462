/**
 * Multilayer perceptron: Linear → BatchNorm → ReLU → Dropout for each hidden layer, then a
 * plain Linear to the output width. With precision "float32" the whole network runs in
 * ResidentMlpF32 (src/model/mlp-f32.ts); the layer-by-layer code below is the float64 reference
 * (and the fallback without WebAssembly SIMD).
 */
import type { Random } from "../core/random.js";
import { Linear } from "./linear.js";
import { BatchNorm, type BatchNormCache } from "./batchnorm.js";
import { reluForward, reluBackward, dropoutForward, dropoutBackward } from "./activation.js";
import type { Tensor } from "./tensor.js";
import type { MlpPrecision } from "./params.js";
import { createSimdKernels } from "../kernels/simd.js";
import { ResidentMlpF32, type ResidentMlpCache } from "./mlp-f32.js";

interface HiddenCache {
  input: Float64Array;
  bn: BatchNormCache | null;
  relu: Float64Array;
  dropMask: Float64Array | null;
}

interface LayerByLayerCache {
  kind: "layers";
  rows: number;
  hidden: HiddenCache[];
  lastInput: Float64Array;
}

/** What the backward pass needs of a forward pass. */
export type MlpCache = LayerByLayerCache | ResidentMlpCache;

export class MLP {
  readonly linears: Linear[];
  readonly norms: (BatchNorm | null)[];
  readonly dropout: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** With precision "float32" (and WebAssembly SIMD): the whole network run in resident float32 buffers. */
  private readonly resident: ResidentMlpF32 | null;

  constructor(inFeatures: number, hidden: number[], outFeatures: number, opts: { bias: boolean; batchNorm: boolean; dropout: number; precision?: MlpPrecision }, rng: Random) {
    const precision = opts.precision ?? "float64";
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.dropout = opts.dropout;
    this.linears = [];
    this.norms = [];
    let width = inFeatures;
    hidden.forEach((h, k) => {
      this.linears.push(new Linear(width, h, opts.bias, rng, `mlp.lins.${k}`, precision));
      this.norms.push(opts.batchNorm ? new BatchNorm(h, `mlp.norms.${k}`) : null);
      width = h;
    });
    this.linears.push(new Linear(width, outFeatures, opts.bias, rng, `mlp.lins.${hidden.length}`, precision));
    const kernels = precision === "float32" ? createSimdKernels() : null;
    this.resident = kernels ? new ResidentMlpF32(kernels, this.linears, this.norms, this.dropout) : null;
  }

  get parameters(): Tensor[] {
    const out: Tensor[] = [];
    this.linears.forEach((l, k) => {
      out.push(...l.parameters);
      const bn = this.norms[k];
      if (bn) out.push(...bn.parameters);
    });
    return out;
  }

  get buffers(): Tensor[] {
    return this.norms.flatMap((bn) => (bn ? bn.buffers : []));
  }

  /** `rng` drives dropout; pass null in evaluation mode. */
  forward(x: Float64Array, rows: number, training: boolean, rng: Random | null): { y: Float64Array; cache: MlpCache } {
    if (this.resident) return this.resident.forward(x, rows, training, rng);
    const hidden: HiddenCache[] = [];
    let h = x;
    for (let k = 0; k < this.linears.length - 1; k++) {
      const input = h;
      let z = this.linears[k].forward(input, rows);
      let bnCache: BatchNormCache | null = null;
      const bn = this.norms[k];
      if (bn) {
        const r = bn.forward(z, rows, training);
        z = r.y;
        bnCache = r.cache;
      }
      const a = reluForward(z);
      let dropMask: Float64Array | null = null;
      h = a;
      if (training && this.dropout > 0 && rng) {
        const d = dropoutForward(a, this.dropout, rng);
        h = d.y;
        dropMask = d.mask;
      }
      hidden.push({ input, bn: bnCache, relu: a, dropMask });
    }
    const y = this.linears[this.linears.length - 1].forward(h, rows);
    return { y, cache: { kind: "layers", rows, hidden, lastInput: h } };
  }

  /**
   * Accumulates parameter gradients; returns dL/dx when `needInput` (in float32 the array is
   * reused by the next backward pass: copy it to keep it). Needs a training-mode cache.
   */
  backward(cache: MlpCache, gy: Float64Array, needInput: boolean): Float64Array | null {
    if (cache.kind === "resident") {
      if (!this.resident) throw new Error("MLP.backward: the cache comes from another network");
      return this.resident.backward(cache, gy, needInput);
    }
    const L = this.linears.length;
    const rows = cache.rows;
    let g = this.linears[L - 1].backward(cache.lastInput, gy, rows, L > 1 || needInput);
    for (let k = L - 2; k >= 0; k--) {
      const c = cache.hidden[k];
      let gk = g!;
      if (c.dropMask) gk = dropoutBackward(c.dropMask, gk);
      gk = reluBackward(c.relu, gk);
      const bn = this.norms[k];
      if (bn) {
        if (!c.bn) throw new Error("MLP.backward: the forward pass ran in evaluation mode");
        gk = bn.backward(c.bn, gk);
      }
      g = this.linears[k].backward(c.input, gk, rows, k > 0 || needInput);
    }
    return needInput ? g : null;
  }
}
