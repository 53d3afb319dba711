/**
 * Remembers the natural keys seen in one file, to refuse a key that appears twice, in little memory: a V8 Set of
 * strings costs ~60 bytes a key and stops at 2^24 entries, while this open-addressing table keeps an 85-bit hash per
 * key (a 53-bit and an independent 32-bit one: a false "duplicate" among 10^8 keys has odds near 10^-10) and the row
 * it came from, 16 bytes a slot at most 75% full: ~270 MB for 10 million keys.
 */
export class KeySet {
  #h1 = new Float64Array(1 << 16);
  #h2 = new Uint32Array(1 << 16);
  #rows = new Uint32Array(1 << 16);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds a key seen on `row` (≥ 1); returns the earlier row when the key was already there, else 0. */
  add(key: string, row: number): number {
    const a = hash53(key, 0x9e3779b9);
    const b = (hash53(key, 0x85ebca6b) % 0xffffffff) + 1; // never 0: 0 marks an empty slot
    if ((this.#size + 1) * 4 > this.#h1.length * 3) this.#grow();
    const mask = this.#h1.length - 1;
    for (let i = a % (mask + 1); ; i = (i + 1) & mask) {
      const h = this.#h2[i]!;
      if (h === 0) {
        this.#h1[i] = a;
        this.#h2[i] = b;
        this.#rows[i] = row;
        this.#size++;
        return 0;
      }
      if (h === b && this.#h1[i] === a) return this.#rows[i]!;
    }
  }

  #grow(): void {
    const [h1, h2, rows] = [this.#h1, this.#h2, this.#rows];
    const capacity = h1.length * 2;
    this.#h1 = new Float64Array(capacity);
    this.#h2 = new Uint32Array(capacity);
    this.#rows = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let j = 0; j < h1.length; j++) {
      const b = h2[j]!;
      if (b === 0) continue;
      const a = h1[j]!;
      let i = a % capacity;
      while (this.#h2[i] !== 0) i = (i + 1) & mask;
      this.#h1[i] = a;
      this.#h2[i] = b;
      this.#rows[i] = rows[j]!;
    }
  }
}

/** cyrb53: a fast 53-bit string hash with good dispersion (not cryptographic). */
function hash53(str: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
