/**
 * A small, fast, seeded pseudo-random number generator (sfc32, 128-bit state) and the
 * distributions the demo generator needs. Same seed and stream → same sequence, on every
 * platform: only 32-bit integer arithmetic decides the bits.
 */

/** FNV-1a over the decimal text of `seed`: any finite number (integer or not) becomes 32 bits. */
export function hashSeed(seed: number): number {
  const text = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param seed   any finite number
   * @param stream independent sub-sequence (e.g. one per concern), so that drawing more numbers
   *               for one concern (events) never shifts another (orders)
   */
  constructor(seed: number, stream = 0) {
    // splitmix32 turns (seed, stream) into four well-mixed state words.
    let s = (hashSeed(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) | 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Standard normal (Box-Muller; one value per call, simplicity over speed: not on hot paths). */
  gaussian(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Geometric number of failures before a success, with the given mean (0, 1, 2, …). */
  geometric(mean: number): number {
    if (mean <= 0) return 0;
    const q = mean / (1 + mean); // continuation probability
    return Math.floor(Math.log(1 - this.next()) / Math.log(q));
  }

  /**
   * Binomial(n, p). Exact inversion while the mean is small, a rounded normal approximation
   * when it is large (n·p·(1-p) > 40), where the difference does not show in a demo.
   */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    const flip = p > 0.5;
    const pp = flip ? 1 - p : p;
    const mean = n * pp;
    let x: number;
    if (mean * (1 - pp) > 40) {
      x = Math.round(mean + Math.sqrt(mean * (1 - pp)) * this.gaussian());
      x = Math.min(n, Math.max(0, x));
    } else {
      const q = 1 - pp;
      const s = pp / q;
      const a = (n + 1) * s;
      let r = Math.exp(n * Math.log(q));
      let u = this.next();
      x = 0;
      while (u > r && x < n) {
        u -= r;
        x++;
        r *= a / x - s;
        if (r <= 0) break;
      }
    }
    return flip ? n - x : x;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}

/** Samples indexes 0..n-1 in proportion to fixed weights: O(log n) per draw. */
export class WeightedSampler {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(weights: ArrayLike<number>) {
    if (weights.length === 0) throw new RangeError("WeightedSampler needs at least one weight");
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${i} is not a finite number >= 0`);
      sum += w;
      this.cumulative[i] = sum;
    }
    if (sum <= 0) throw new RangeError("WeightedSampler needs a positive total weight");
    this.total = sum;
  }

  get size(): number {
    return this.cumulative.length;
  }

  sample(rng: Rng): number {
    const target = rng.next() * this.total;
    const c = this.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
