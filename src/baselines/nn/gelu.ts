/**
 * GELU with the exact Gaussian CDF, x·Φ(x), as PyTorch's default `nn.GELU()` (CEBRA's choice),
 * and its derivative Φ(x) + x·φ(x).
 */

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Error function from W. J. Cody's rational approximations (ACM TOMS 1969/1993), accurate to
 * about double precision, so finite differences of gelu agree with geluDerivative.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  if (z < 0.5) return erfSmall(x);
  const r = erfcPositive(z);
  return x > 0 ? 1 - r : r - 1;
}

/** erf(x) for |x| < 0.5 (Cody's first rational approximation). */
function erfSmall(x: number): number {
  const z2 = x * x;
  const num = ((((0.18577770618460315 * z2 + 3.1611237438705655) * z2 + 113.86415415105016) * z2 + 377.485237685302) * z2 + 3209.3775891384694);
  const den = ((((z2 + 23.601290952344122) * z2 + 244.02463793444417) * z2 + 1282.6165260773723) * z2 + 2844.236833439171);
  return (x * num) / den;
}

/** erfc for z ≥ 0.5 (Cody's two rational approximations). */
function erfcPositive(z: number): number {
  if (z > 27) return 0;
  return Math.exp(-z * z) * erfcScaled(z);
}

/** erfc(z) · exp(z²) for 0.5 ≤ z ≤ 27, so a caller that also needs exp(−z²) computes it once. */
function erfcScaled(z: number): number {
  if (z <= 4) {
    const num = (((((((2.1531153547440383e-08 * z + 0.5641884969886701) * z + 8.883149794388377) * z + 66.11919063714163) * z + 298.6351381974001) * z + 881.952221241769) * z + 1712.0476126340707) * z + 2051.0783778260716) * z + 1230.3393547979972;
    const den = (((((((z + 15.744926110709835) * z + 117.6939508913125) * z + 537.1811018620099) * z + 1621.3895745666903) * z + 3290.7992357334597) * z + 4362.619090143247) * z + 3439.3676741437216) * z + 1230.3393548037495;
    return num / den;
  }
  const iz2 = 1 / (z * z);
  const num = ((((0.016315387137302097 * iz2 + 0.30532663496123236) * iz2 + 0.36034489994980445) * iz2 + 0.12578172611122926) * iz2 + 0.016083785148742275) * iz2 + 0.0006587491615298378;
  const den = ((((iz2 + 2.568520192289822) * iz2 + 1.8729528499234673) * iz2 + 0.5279051029514285) * iz2 + 0.06051834131244132) * iz2 + 0.0023352049762686918;
  const r = iz2 * num / den;
  return (INV_SQRT_2PI * Math.SQRT2 - r) / z;
}

export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * INV_SQRT2));
}

export function geluDerivative(x: number): number {
  return 0.5 * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** out[i] = gelu(x[i]) for the first n entries. */
export function geluForward(x: Float64Array, out: Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) out[i] = gelu(x[i]);
}

/** dx[i] = dOut[i] · gelu'(x[i]), where x is the layer's input. */
export function geluBackward(x: Float64Array, dOut: Float64Array, dx: Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) dx[i] = dOut[i] * geluDerivative(x[i]);
}

/**
 * out[i] = gelu(x[i]) and slope[i] = gelu'(x[i]) in one pass, for a backward pass that needs
 * only the slope: Φ and φ share one exp(−x²/2), which is most of the cost.
 */
export function geluWithDerivative(x: Float64Array, out: Float64Array, slope: Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const z = Math.abs(v) * INV_SQRT2;
    const e = Math.exp(-0.5 * v * v);
    const erfAbs = z < 0.5 ? erfSmall(z) : z > 27 ? 1 : 1 - e * erfcScaled(z);
    const cdf = 0.5 * (1 + (v < 0 ? -erfAbs : erfAbs));
    out[i] = v * cdf;
    slope[i] = cdf + v * INV_SQRT_2PI * e;
  }
}
