// Small, fast, seedable random numbers. The simulator must be reproducible from a seed, so it never
// touches Math.random: every machine owns a few independent streams derived from (seed, path, stream).

/** FNV-1a over the UTF-16 code units of a string: a stable 32-bit hash for seeding. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A 32-bit finaliser (good avalanche): turns nearby inputs into unrelated outputs. */
function mix32(value: number): number {
  let z = value | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * xoshiro128** (Blackman and Vigna): 128 bits of state, period 2^128 - 1, a few integer operations per
 * number. Not for cryptography; plenty for noise and event times.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds the four state words from one 32-bit seed through a splitmix-style sequence. */
  constructor(seed: number) {
    let s = seed >>> 0;
    const nextSeed = () => {
      s = (s + 0x9e3779b9) >>> 0;
      return mix32(s);
    };
    this.a = nextSeed();
    this.b = nextSeed();
    this.c = nextSeed();
    this.d = nextSeed();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  /** A stream for one purpose of one machine: same (seed, key, stream) -> same numbers. */
  static forKey(seed: number, key: string, stream: string): Rng {
    return new Rng(mix32(hashString(key) ^ mix32(seed | 0) ^ Math.imul(hashString(stream), 0x27d4eb2d)));
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.float();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Exponentially distributed with the given mean (waiting times of a Poisson process). */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /**
   * Standard normal deviate, drawn from a precomputed table (mean 0, standard deviation 1, tails to
   * about 4 sigma). A lookup is several times cheaper than Box-Muller, and since every signal is
   * rounded to its sensor resolution the table's granularity never shows.
   */
  normal(): number {
    return NORMAL_TABLE[this.next() >>> NORMAL_SHIFT];
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const NORMAL_BITS = 14;
const NORMAL_SHIFT = 32 - NORMAL_BITS;

/** 2^14 normal deviates from a fixed seed (Box-Muller), then shifted and scaled to mean 0, sd 1 exactly. */
const NORMAL_TABLE: Float64Array = (() => {
  const size = 1 << NORMAL_BITS;
  const table = new Float64Array(size);
  const rng = new Rng(0x5eed1e55);
  for (let i = 0; i < size; i += 2) {
    const u1 = 1 - rng.float();
    const u2 = rng.float();
    const r = Math.sqrt(-2 * Math.log(u1));
    table[i] = r * Math.cos(2 * Math.PI * u2);
    table[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  let mean = 0;
  for (const v of table) mean += v;
  mean /= size;
  let variance = 0;
  for (const v of table) variance += (v - mean) ** 2;
  const sd = Math.sqrt(variance / size);
  for (let i = 0; i < size; i++) table[i] = (table[i] - mean) / sd;
  return table;
})();
