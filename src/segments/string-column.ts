import { bitmapBytes, fromSorted, RoaringBitmap32, unionAll } from '../shared/bitmap.ts';

// Dictionary-encoded string columns and boolean columns, indexed by customer ordinal (slot 0 unused).

/** String conditions a column answers: membership in a set of values (or its complement), or a substring. */
export type StringMatch =
  | { readonly kind: 'strings'; readonly values: readonly string[]; readonly negate: boolean }
  | { readonly kind: 'contains'; readonly needle: string };

/** Default largest dictionary that gets one bitmap per value (cities, occupations: yes; names: no). */
export const POSTINGS_UP_TO = 4096;

/** A string column: codes by ordinal (0 = null, k = dictionary[k - 1]), with per-value bitmaps when few values. */
export class StringColumn {
  readonly codes: Uint32Array;
  readonly dictionary: readonly string[];
  readonly nonNull: RoaringBitmap32;
  readonly #codeOf: ReadonlyMap<string, number>;
  /** #postings[k - 1] = customers with code k; undefined for large dictionaries, which are scanned instead. */
  readonly #postings: readonly RoaringBitmap32[] | undefined;

  private constructor(
    codes: Uint32Array,
    dictionary: readonly string[],
    postings: RoaringBitmap32[] | undefined,
  ) {
    this.codes = codes;
    this.dictionary = dictionary;
    this.#codeOf = new Map(dictionary.map((s, i) => [s, i + 1]));
    this.#postings = postings;
    this.nonNull = (postings ? unionAll(postings) : scan(codes, (c) => c !== 0)).freeze();
  }

  /** Indexes codes over a dictionary; builds per-value bitmaps when the dictionary has at most `postingsUpTo` values. */
  static build(
    codes: Uint32Array,
    dictionary: readonly string[],
    postingsUpTo = POSTINGS_UP_TO,
  ): StringColumn {
    if (dictionary.length > postingsUpTo) return new StringColumn(codes, dictionary, undefined);
    // Counting sort by code keeps ordinals ascending within each value: every posting is a fast sorted build.
    const starts = new Uint32Array(dictionary.length + 2);
    for (let i = 1; i < codes.length; i++) starts[codes[i]! + 1]!++;
    for (let k = 1; k < starts.length; k++) starts[k]! += starts[k - 1]!;
    const cursor = starts.slice();
    const sorted = new Uint32Array(codes.length);
    for (let i = 1; i < codes.length; i++) sorted[cursor[codes[i]!]!++] = i;
    const postings = dictionary.map((_, k) =>
      fromSorted(sorted.subarray(starts[k + 1]!, starts[k + 2]!)).freeze(),
    );
    return new StringColumn(codes, dictionary, postings);
  }

  /** A lookup table by code: 1 where the value matches (never for null, code 0). */
  matcher(match: StringMatch): Uint8Array {
    const table = new Uint8Array(this.dictionary.length + 1);
    if (match.kind === 'contains') {
      this.dictionary.forEach((s, i) => (table[i + 1] = s.includes(match.needle) ? 1 : 0));
      return table;
    }
    if (match.negate) table.fill(1, 1);
    for (const v of match.values) {
      const code = this.#codeOf.get(v);
      if (code !== undefined) table[code] = match.negate ? 0 : 1;
    }
    return table;
  }

  /** Customers whose value matches, as a new bitmap. */
  select(match: StringMatch): RoaringBitmap32 {
    const postings = this.#postings;
    if (!postings) {
      const table = this.matcher(match);
      return scan(this.codes, (c) => table[c] === 1);
    }
    if (match.kind === 'strings' && match.negate) {
      // everyone with a value minus the few excluded values: cheaper than a union of all the others
      const excluded = match.values.map((v) => this.#codeOf.get(v)).filter((c) => c !== undefined);
      if (excluded.length === 1) return RoaringBitmap32.andNot(this.nonNull, postings[excluded[0]! - 1]!);
      const union = unionAll(excluded.map((c) => postings[c - 1]!));
      const rest = RoaringBitmap32.andNot(this.nonNull, union);
      union.dispose();
      return rest;
    }
    const table = this.matcher(match);
    return unionAll(postings.filter((_, k) => table[k + 1] === 1));
  }

  /** An upper bound of `select(match).size`. */
  estimate(match: StringMatch): number {
    const postings = this.#postings;
    if (!postings) return this.nonNull.size;
    const table = this.matcher(match);
    let total = 0;
    postings.forEach((p, k) => (total += table[k + 1] === 1 ? p.size : 0));
    return total;
  }

  /** True when a scan is needed to select (no per-value bitmaps): filtering candidates is then much cheaper. */
  get scans(): boolean {
    return this.#postings === undefined;
  }

  /** Bytes of the codes array and of the bitmaps. */
  memory(): { columnBytes: number; bitmapBytes: number } {
    let bytes = bitmapBytes(this.nonNull);
    for (const p of this.#postings ?? []) bytes += bitmapBytes(p);
    return { columnBytes: this.codes.byteLength, bitmapBytes: bytes };
  }
}

/** Boolean column values: 0 = null (so a fresh array is all null), 1 = false, 2 = true. */
export const BOOL_NULL = 0;
export const BOOL_FALSE = 1;
export const BOOL_TRUE = 2;

/** A boolean column: values by ordinal (see BOOL_*), with the true and the false customers as bitmaps. */
export class BooleanColumn {
  readonly values: Uint8Array;
  readonly trueBits: RoaringBitmap32;
  readonly falseBits: RoaringBitmap32;
  readonly nonNull: RoaringBitmap32;

  constructor(values: Uint8Array) {
    this.values = values;
    this.trueBits = scan(values, (v) => v === BOOL_TRUE).freeze();
    this.falseBits = scan(values, (v) => v === BOOL_FALSE).freeze();
    this.nonNull = RoaringBitmap32.or(this.trueBits, this.falseBits).freeze();
  }

  /** Bytes of the values array and of the bitmaps. */
  memory(): { columnBytes: number; bitmapBytes: number } {
    return {
      columnBytes: this.values.byteLength,
      bitmapBytes: bitmapBytes(this.trueBits) + bitmapBytes(this.falseBits) + bitmapBytes(this.nonNull),
    };
  }
}

/** Ordinals (≥ 1) whose slot passes the test, as a bitmap; a full pass over the array. */
function scan(slots: Uint32Array | Uint8Array, keep: (slot: number) => boolean): RoaringBitmap32 {
  const out = new Uint32Array(slots.length);
  let n = 0;
  for (let i = 1; i < slots.length; i++) if (keep(slots[i]!)) out[n++] = i;
  return fromSorted(out.subarray(0, n));
}
