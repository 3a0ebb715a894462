/**
 * Seeded pseudo-random numbers (xoshiro128** seeded through splitmix32), so every
 * stochastic step in the library is reproducible from an integer seed.
 */
/** A generator's position in its stream (plain numbers, so it survives JSON). */
export interface RandomState {
  s: number[];
  spare: number | null;
}

export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed = 0) {
    if (!Number.isFinite(seed)) throw new RangeError(`Random: seed must be a finite number, got ${seed}`);
    let x = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.random();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Standard normal (Box–Muller, caching the second draw). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return mean + std * s;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Poisson draw (Knuth for small rates, normal approximation above 500). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 500) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const L = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.random();
    } while (p > L);
    return k - 1;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** The generator's position in its stream, to continue it later (training checkpoints). */
  getState(): RandomState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  /** A generator that continues the stream where `getState` was taken. */
  static fromState(state: RandomState): Random {
    const ok = state && Array.isArray(state.s) && state.s.length === 4 && state.s.every((v) => Number.isInteger(v)) && (state.spare === null || Number.isFinite(state.spare));
    if (!ok) throw new RangeError(`Random.fromState: expected { s: four integers, spare: number | null }, got ${JSON.stringify(state)}`);
    const r = new Random(0);
    [r.s0, r.s1, r.s2, r.s3] = state.s.map((v) => v | 0);
    r.spare = state.spare;
    return r;
  }

  /** An independent generator derived from this one (for parallel streams). */
  fork(): Random {
    return new Random(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
