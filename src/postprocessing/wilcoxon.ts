/**
 * Wilcoxon signed-rank test for paired samples, following scipy.stats.wilcoxon's defaults
 * (zero_method "wilcox", no continuity correction, mode "auto"):
 * - zero differences are dropped;
 * - the exact null distribution is used for n ≤ 50 differences when there are neither zeros nor
 *   ties; otherwise the normal approximation with the tie correction of the variance.
 * One deliberate difference from scipy 1.10 (Debian 12): with ties and n ≤ 50, scipy 1.10 still
 * uses the exact distribution on a truncated statistic; here (as in scipy ≥ 1.13) ties switch to
 * the normal approximation. The statistic is min(R+, R−) for "two-sided", R+ otherwise.
 */
import { ValidationError, assertFinite, withDefaults, checkOneOf } from "../core/validate.js";

export type Alternative = "two-sided" | "greater" | "less";

export interface WilcoxonResult {
  statistic: number;
  pValue: number;
  /** Which null distribution gave the p-value. */
  method: "exact" | "approx";
  /** Number of non-zero differences used. */
  n: number;
}

export function wilcoxonSignedRank(
  a: ArrayLike<number>,
  b?: ArrayLike<number> | null,
  options: { alternative?: Alternative } = {},
): WilcoxonResult {
  const { alternative } = withDefaults<{ alternative: Alternative }>({ alternative: "two-sided" }, options, "wilcoxonSignedRank");
  checkOneOf(alternative, "wilcoxonSignedRank alternative", ["two-sided", "greater", "less"] as const);
  if (!a || typeof a.length !== "number") throw new ValidationError("wilcoxonSignedRank a: pass an array of numbers");
  assertFinite(a, "wilcoxonSignedRank a");
  if (b !== undefined && b !== null) {
    assertFinite(b, "wilcoxonSignedRank b");
    if (b.length !== a.length) {
      throw new ValidationError(`wilcoxonSignedRank: a has ${a.length} values and b has ${b.length}; paired samples need equal lengths`);
    }
  }
  const all = Array.from(a, (v, i) => v - (b ? b[i] : 0));
  const nTotal = all.length;
  const d = all.filter((v) => v !== 0);
  const n = d.length;
  if (n === 0) throw new ValidationError("wilcoxonSignedRank: every difference is zero; the test is undefined");
  // Average ranks of |d|, tie group sizes.
  const order = Array.from(d.keys()).sort((p, q) => Math.abs(d[p]) - Math.abs(d[q]));
  const rank = new Float64Array(n);
  const tieSizes: number[] = [];
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && Math.abs(d[order[e]]) === Math.abs(d[order[s]])) e++;
    const r = (s + 1 + e) / 2;
    for (let t = s; t < e; t++) rank[order[t]] = r;
    if (e - s > 1) tieSizes.push(e - s);
    s = e;
  }
  let rPlus = 0, rMinus = 0;
  for (let i = 0; i < n; i++) {
    if (d[i] > 0) rPlus += rank[i];
    else rMinus += rank[i];
  }
  const statistic = alternative === "two-sided" ? Math.min(rPlus, rMinus) : rPlus;
  const exact = nTotal <= 50 && n === nTotal && tieSizes.length === 0;
  if (exact) {
    const pmf = signedRankPmf(n);
    const r = Math.round(rPlus);
    const below = (k: number) => {
      let s = 0;
      for (let i = 0; i <= k; i++) s += pmf[i];
      return s;
    };
    const above = (k: number) => {
      let s = 0;
      for (let i = k; i < pmf.length; i++) s += pmf[i];
      return s;
    };
    let p: number;
    if (alternative === "two-sided") p = r === (pmf.length - 1) / 2 ? 1 : 2 * Math.min(below(r), above(r));
    else if (alternative === "greater") p = above(r);
    else p = below(r);
    return { statistic, pValue: Math.min(Math.max(p, 0), 1), method: "exact", n };
  }
  const mean = (n * (n + 1)) / 4;
  let v = n * (n + 1) * (2 * n + 1);
  for (const t of tieSizes) v -= 0.5 * t * (t * t - 1);
  const se = Math.sqrt(v / 24);
  const z = (statistic - mean) / se;
  let p: number;
  if (alternative === "two-sided") p = 2 * normalSf(Math.abs(z));
  else if (alternative === "greater") p = normalSf(z);
  else p = normalSf(-z);
  return { statistic, pValue: Math.min(p, 1), method: "approx", n };
}

/** P(R+ = k), k = 0 … n(n+1)/2, under the null (each sign equally likely). */
export function signedRankPmf(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  let counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) {
    const next = counts.slice();
    for (let k = r; k <= max; k++) next[k] += counts[k - r];
    counts = next;
  }
  const total = 2 ** n;
  return counts.map((c) => c / total);
}

/** Upper tail of the standard normal, accurate to ~1e-15 relative for the usual range. */
export function normalSf(z: number): number {
  if (z < 0) return 1 - normalSf(-z);
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function: power series below 2, continued fraction (modified Lentz) above. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π Σ (−1)^k x^(2k+1) / (k! (2k+1))
    let term = x, sum = x;
    const x2 = x * x;
    for (let k = 1; k < 200; k++) {
      term *= -x2 / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x, C = x, D = 0;
  for (let k = 1; k < 500; k++) {
    const an = k / 2;
    D = x + an * D;
    D = Math.abs(D) < tiny ? 1 / tiny : 1 / D;
    C = x + an / C;
    if (Math.abs(C) < tiny) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}
