import { ValidationError } from "../core/validate.js";

/**
 * Boundary modes of scipy.ndimage for extending a signal of length n beyond its ends:
 * - reflect  (d c b a | a b c d | d c b a) — scipy.ndimage's default
 * - mirror   (d c b | a b c d | c b a)
 * - nearest  (a a a a | a b c d | d d d d)
 * - wrap     (a b c d | a b c d | a b c d)
 * - constant (0 0 0 0 | a b c d | 0 0 0 0)
 */
export type BoundaryMode = "reflect" | "mirror" | "nearest" | "wrap" | "constant";
export const BOUNDARY_MODES: readonly BoundaryMode[] = ["reflect", "mirror", "nearest", "wrap", "constant"];

/** Maps an index (possibly outside [0, n)) to a source index, or −1 for the constant (zero) pad. */
export function boundaryIndex(i: number, n: number, mode: BoundaryMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case "reflect": {
      const period = 2 * n;
      let j = i % period;
      if (j < 0) j += period;
      return j < n ? j : period - 1 - j;
    }
    case "mirror": {
      if (n === 1) return 0;
      const period = 2 * n - 2;
      let j = i % period;
      if (j < 0) j += period;
      return j < n ? j : period - j;
    }
    case "nearest":
      return i < 0 ? 0 : n - 1;
    case "wrap": {
      let j = i % n;
      if (j < 0) j += n;
      return j;
    }
    case "constant":
      return -1;
    default:
      throw new ValidationError(`boundary mode must be one of ${BOUNDARY_MODES.join(", ")}, got "${String(mode)}"`);
  }
}
