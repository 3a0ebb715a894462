import type { OdeRhs } from "./ode.js";

/** Van der Pol oscillator ẋ = y, ẏ = μ(1 − x²)y − x (Hopf bifurcation at μ = 0). */
export function vanDerPolField(mu: number): OdeRhs {
  return (_t, s, out) => {
    out[0] = s[1];
    out[1] = mu * (1 - s[0] * s[0]) * s[1] - s[0];
  };
}

/** The four planar fields of the paper's toy experiment (authors' examples/toy_examples). */
export const TOY_FIELD_NAMES = ["constant (−1, −1)", "constant (1, 1)", "vortex around (−1, 0)", "vortex around (1, 0)"] as const;

/**
 * Evaluates toy field `which` (0–3) at (x, y), writing (u, v) into out:
 * 0: (−1, −1); 1: (1, 1); 2, 3: a rotation around (∓1, 0), u = y/r, v = −(x ± 1)/r with
 * r = √((x ± 1)² + y² + 0.1). As in the authors' code, both vortices turn the same way (clockwise)
 * and differ by their centre, so on [−1, 1]² each shows a different half-vortex.
 */
export function toyField(which: number, x: number, y: number, out: Float64Array | number[]): void {
  switch (which) {
    case 0:
      out[0] = -1;
      out[1] = -1;
      return;
    case 1:
      out[0] = 1;
      out[1] = 1;
      return;
    case 2:
    case 3: {
      const cx = which === 2 ? -1 : 1;
      const r = Math.sqrt((x - cx) * (x - cx) + y * y + 0.1);
      out[0] = y / r;
      out[1] = -(x - cx) / r;
      return;
    }
    default:
      throw new RangeError(`toyField: which must be 0, 1, 2 or 3, got ${which}`);
  }
}
