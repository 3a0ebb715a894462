/**
 * Multilayer perceptron: Linear → BatchNorm → ReLU → Dropout for each hidden layer, then a
 * plain Linear to the output width.
 */
import type { Random } from "../core/random.js";
import { Linear } from "./linear.js";
import { BatchNorm, type BatchNormCache } from "./batchnorm.js";
import { reluForward, reluBackward, dropoutForward, dropoutBackward } from "./activation.js";
import type { Tensor } from "./tensor.js";
import type { MlpPrecision } from "./params.js";

interface HiddenCache {
  input: Float64Array;
  bn: BatchNormCache | null;
  relu: Float64Array;
  dropMask: Float64Array | null;
}

export interface MlpCache {
  rows: number;
  hidden: HiddenCache[];
  lastInput: Float64Array;
}

export class MLP {
  readonly linears: Linear[];
  readonly norms: (BatchNorm | null)[];
  readonly dropout: number;
  readonly inFeatures: number;
  readonly outFeatures: number;

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
    return { y, cache: { rows, hidden, lastInput: h } };
  }

  /** Accumulates parameter gradients; returns dL/dx when `needInput`. Needs a training-mode cache. */
  backward(cache: MlpCache, gy: Float64Array, needInput: boolean): Float64Array | null {
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
