/**
 * Adam (Kingma & Ba, 2015) with bias correction, as PyTorch's `torch.optim.Adam` without
 * weight decay or amsgrad — CEBRA's optimiser. Updates parameter arrays in place.
 * Generic; it could move to src/model alongside the SGD optimiser.
 */
export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export class Adam {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(private readonly params: Float64Array[], private readonly opts: AdamOptions) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  /** One update with gradients aligned to the parameter arrays. */
  step(grads: Float64Array[]): void {
    const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps } = this.opts;
    this.t++;
    const c1 = 1 - Math.pow(b1, this.t);
    const c2 = 1 - Math.pow(b2, this.t);
    const stepSize = lr / c1;
    const sqrtC2 = Math.sqrt(c2);
    for (let a = 0; a < this.params.length; a++) {
      const p = this.params[a], g = grads[a], m = this.m[a], v = this.v[a];
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        p[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / sqrtC2 + eps);
      }
    }
  }
}
