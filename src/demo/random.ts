import { fmix32 } from '../shared/hash.ts';

// Seeded randomness for the demo bank. Every stream is derived from (seed, purpose, ordinal), so a customer's data
// depends only on the seed and its own ordinal: never on batch size, iteration order or how many customers exist.

/** 32-bit hash of the parts (FNV-1a over their text, then a murmur3 finaliser to spread nearby inputs). */
export function hash32(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f; // separator, so ('ab','c') and ('a','bc') differ
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/**
 * A small, fast PRNG (sfc32) with 128 bits of state, seeded by a 128-bit hash of its key. A 32-bit generator is
 * not enough here: with a million customers, many per-customer streams would overlap (shifted copies of each
 * other), and two customers would share "random" device ids.
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: readonly [number, number, number, number]) {
    [this.#a, this.#b, this.#c, this.#d] = seed;
    for (let i = 0; i < 12; i++) this.next(); // let the seed's bits spread through the state
  }

  /** A stream for one purpose and ordinal under a seed, e.g. `Rng.for(seed, 'customer', 42)`. */
  static for(...parts: readonly (string | number)[]): Rng {
    return new Rng(hash128(parts.join('\u0001')));
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Poisson-distributed count (Knuth; the means used here are small). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** A hex string of `length` characters. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += ((this.next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}

/** 128-bit hash of a string (cyrb128), as four 32-bit words: the seed of an Rng. */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A categorical distribution sampled by cumulative weights. */
export class Weighted<T> {
  readonly #items: readonly T[];
  readonly #cumulative: number[];

  constructor(entries: readonly (readonly [T, number])[]) {
    this.#items = entries.map(([item]) => item);
    let total = 0;
    this.#cumulative = entries.map(([, weight]) => (total += weight));
    this.#cumulative = this.#cumulative.map((c) => c / total);
  }

  /** Draws one item. */
  sample(rng: Rng): T {
    const u = rng.next();
    const index = this.#cumulative.findIndex((c) => u < c);
    return this.#items[index === -1 ? this.#items.length - 1 : index] as T;
  }
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * The ordinal-th point of a golden-ratio (Weyl) sequence in [0, 1). Used for wealth ranks: any run of consecutive
 * ordinals covers [0, 1) almost evenly, so the AUM distribution (top-20% share, tier mix) is stable even for a
 * bank of 2,000 customers, where independent draws from a heavy tail would swing wildly.
 */
export function weylPoint(offset: number, ordinal: number): number {
  const x = offset + ordinal * GOLDEN;
  return x - Math.floor(x);
}
