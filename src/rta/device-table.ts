// Hashed device ids (md5, 32 hex) → customer ordinal, off the JS heap: an open-addressing table keyed on the md5's
// first 64 bits in two Uint32Arrays (high, low word) and a Uint32Array of ordinal + 1 (0 marks an empty slot), linear
// probing, capacity a power of two at least twice the ids (load factor ≤ 0.5). No object per entry, so 10M ids cost
// the GC nothing. Md5 is uniform, so the key's own low bits pick the slot. Two different devices whose md5s share
// their first 64 bits (odds ~n²/2⁶⁵, 3·10⁻⁶ at 10M) would answer for the same customer; the second one added keeps
// the first one's customer.

/** Parses 8 hex digits of `s` from `at` into a uint32, or -1 when one is not a hex digit. */
function hexWord(s: string, at: number): number {
  let v = 0;
  for (let i = at; i < at + 8; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Whether a string is an md5 as the platform sends it (32 hex digits; case is ignored). */
export function isMd5(s: string): boolean {
  return (
    s.length === 32 && hexWord(s, 0) >= 0 && hexWord(s, 8) >= 0 && hexWord(s, 16) >= 0 && hexWord(s, 24) >= 0
  );
}

/** A finished table: lookups only. */
export class DeviceTable {
  readonly #hi: Uint32Array;
  readonly #lo: Uint32Array;
  readonly #ordinals: Uint32Array;
  readonly #mask: number;
  /** Device ids held. */
  readonly size: number;

  /** Used by the builder. */
  constructor(hi: Uint32Array, lo: Uint32Array, ordinals: Uint32Array, size: number) {
    this.#hi = hi;
    this.#lo = lo;
    this.#ordinals = ordinals;
    this.#mask = hi.length - 1;
    this.size = size;
  }

  /** Slots in the table. */
  get capacity(): number {
    return this.#hi.length;
  }

  /** Bytes of the three arrays. */
  get bytes(): number {
    return this.#hi.byteLength + this.#lo.byteLength + this.#ordinals.byteLength;
  }

  /** The customer ordinal of an md5 (hex, either case), or -1 when unknown or not an md5. */
  lookup(md5: string): number {
    if (md5.length !== 32) return -1;
    const hi = hexWord(md5, 0);
    const lo = hexWord(md5, 8);
    if (hi < 0 || lo < 0) return -1;
    return this.lookupKey(hi, lo);
  }

  /** The customer ordinal of a 64-bit key, or -1. */
  lookupKey(hi: number, lo: number): number {
    const mask = this.#mask;
    let slot = (lo ^ hi) & mask;
    for (;;) {
      const stored = this.#ordinals[slot]!;
      if (stored === 0) return -1;
      if (this.#lo[slot] === lo && this.#hi[slot] === hi) return stored - 1;
      slot = (slot + 1) & mask;
    }
  }
}

/** Fills a table of a known size; `finish()` hands the table over. */
export class DeviceTableBuilder {
  readonly #hi: Uint32Array;
  readonly #lo: Uint32Array;
  readonly #ordinals: Uint32Array;
  readonly #mask: number;
  readonly #limit: number;
  #size = 0;
  /** Ids refused as not being 32 hex digits. */
  rejected = 0;

  /** `expected`: how many ids will be added at most (sizes the table for load ≤ 0.5). */
  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.#hi = new Uint32Array(capacity);
    this.#lo = new Uint32Array(capacity);
    this.#ordinals = new Uint32Array(capacity);
    this.#mask = capacity - 1;
    this.#limit = capacity / 2;
  }

  /** Adds an md5 (hex) of a customer; false when it is not an md5 (counted in `rejected`). */
  add(md5: string, ordinal: number): boolean {
    if (!isMd5(md5)) {
      this.rejected++;
      return false;
    }
    this.addKey(hexWord(md5, 0), hexWord(md5, 8), ordinal);
    return true;
  }

  /** Adds a 64-bit key (the md5's first two words) of a customer. */
  addKey(hi: number, lo: number, ordinal: number): void {
    if (!(ordinal >= 0 && ordinal < 0xffffffff)) throw new RangeError(`ordinal out of range: ${ordinal}`);
    const mask = this.#mask;
    let slot = (lo ^ hi) & mask;
    for (;;) {
      const stored = this.#ordinals[slot]!;
      if (stored === 0) break;
      if (this.#lo[slot] === lo && this.#hi[slot] === hi) return; // the same key: the first customer stays
      slot = (slot + 1) & mask;
    }
    if (this.#size >= this.#limit)
      throw new RangeError(`device table full: more than ${this.#limit} ids for the size it was given`);
    this.#hi[slot] = hi;
    this.#lo[slot] = lo;
    this.#ordinals[slot] = ordinal + 1;
    this.#size++;
  }

  /** The table (the builder must not be used after). */
  finish(): DeviceTable {
    return new DeviceTable(this.#hi, this.#lo, this.#ordinals, this.#size);
  }
}
