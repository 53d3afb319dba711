import { AppError } from '../shared/errors.ts';
import { bitmapBytes, RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../shared/bitmap.ts';
import { NumericColumn, type NumericColumnOptions } from './numeric-column.ts';
import { parseDay, type AttrType } from './predicate.ts';
import { PRODUCT_CATEGORIES, type ProductCategory } from './rule.ts';
import { BOOL_FALSE, BOOL_TRUE, BooleanColumn, POSTINGS_UP_TO, StringColumn } from './string-column.ts';

// An immutable in-memory snapshot of everything a rule can ask about, over dense customer ordinals. Bitmaps handed
// out are frozen: evaluation combines them into new bitmaps and never changes them. Everything is intersected with
// the universe at build time, so `not` (universe minus …) and every other condition agree on who exists.

export type AttributeColumn =
  | { readonly type: 'number' | 'date'; readonly column: NumericColumn }
  | { readonly type: 'string'; readonly column: StringColumn }
  | { readonly type: 'boolean'; readonly column: BooleanColumn };

/** A customer's attribute value as given to the builder; dates as 'YYYY-MM-DD' or as day numbers since 1970-01-01. */
export type AttrValue = number | string | boolean | null | undefined;

/** Ordinals as an iterable (any order, duplicates allowed) or a bitmap. */
export type Ordinals = Iterable<number> | ReadonlyRoaringBitmap32;

/** Bytes of one part of the index. */
export interface MemoryUse {
  /** Serialized size of the bitmaps (croaring format). */
  readonly bitmapBytes: number;
  /** Bytes of the typed-array columns. */
  readonly columnBytes: number;
}

export interface IndexMemory extends MemoryUse {
  readonly parts: Readonly<
    Record<'universe' | 'tags' | 'attributes' | 'holdings' | 'segmentsAndLists', MemoryUse>
  >;
}

/** An immutable snapshot of tags, attributes, holdings, saved segments and lists over customer ordinals. */
export class CustomerIndex {
  /** Every customer of the snapshot. */
  readonly universe: ReadonlyRoaringBitmap32;
  /** The largest ordinal (column arrays have maxOrdinal + 1 slots). */
  readonly maxOrdinal: number;
  readonly #tags: ReadonlyMap<string, ReadonlyMap<string, RoaringBitmap32>>;
  readonly #attributes: ReadonlyMap<string, AttributeColumn>;
  readonly #holdings: ReadonlyMap<ProductCategory, NumericColumn>;
  readonly #segments: ReadonlyMap<string, RoaringBitmap32>;
  readonly #lists: ReadonlyMap<string, RoaringBitmap32>;

  /** @internal use CustomerIndexBuilder */
  constructor(parts: {
    universe: RoaringBitmap32;
    maxOrdinal: number;
    tags: Map<string, Map<string, RoaringBitmap32>>;
    attributes: Map<string, AttributeColumn>;
    holdings: Map<ProductCategory, NumericColumn>;
    segments: Map<string, RoaringBitmap32>;
    lists: Map<string, RoaringBitmap32>;
  }) {
    this.universe = parts.universe;
    this.maxOrdinal = parts.maxOrdinal;
    this.#tags = parts.tags;
    this.#attributes = parts.attributes;
    this.#holdings = parts.holdings;
    this.#segments = parts.segments;
    this.#lists = parts.lists;
  }

  /** Number of customers. */
  get size(): number {
    return this.universe.size;
  }

  /** The customers with a tag value; undefined when the tag is unknown, empty when only the value is. */
  tagValue(tag: string, value: string): ReadonlyRoaringBitmap32 | undefined {
    const values = this.#tags.get(tag);
    return values ? (values.get(value) ?? EMPTY) : undefined;
  }

  /** True when the tag is known to the snapshot. */
  hasTag(tag: string): boolean {
    return this.#tags.has(tag);
  }

  /** An attribute column, or undefined when unknown. */
  attribute(name: string): AttributeColumn | undefined {
    return this.#attributes.get(name);
  }

  /** Total balance per customer in a product category (NaN when not held), with its index. */
  holdings(category: ProductCategory): NumericColumn {
    const column = this.#holdings.get(category);
    if (!column) throw new AppError('internal', `no holdings column for ${category}`);
    return column;
  }

  /** A saved segment's members as of the snapshot, or undefined when unknown. */
  segment(id: string): ReadonlyRoaringBitmap32 | undefined {
    return this.#segments.get(id);
  }

  /** An uploaded list's members, or undefined when unknown. */
  list(id: string): ReadonlyRoaringBitmap32 | undefined {
    return this.#lists.get(id);
  }

  /**
   * The same snapshot with other saved-segment and list bitmaps (clipped to the universe and frozen here). Everything
   * else is shared, so a new list or segment snapshot is visible at once without rebuilding columns and tags.
   */
  withSegmentsAndLists(
    segments: Map<string, RoaringBitmap32>,
    lists: Map<string, RoaringBitmap32>,
  ): CustomerIndex {
    for (const b of [...segments.values(), ...lists.values()]) {
      if (b.isFrozen) continue;
      b.andInPlace(this.universe as RoaringBitmap32);
      b.runOptimize();
      b.freeze();
    }
    return new CustomerIndex({
      universe: this.universe as RoaringBitmap32,
      maxOrdinal: this.maxOrdinal,
      tags: this.#tags as Map<string, Map<string, RoaringBitmap32>>,
      attributes: this.#attributes as Map<string, AttributeColumn>,
      holdings: this.#holdings as Map<ProductCategory, NumericColumn>,
      segments,
      lists,
    });
  }

  /** What the snapshot knows, for building a validation catalogue or a rule editor. */
  describe(): {
    tags: Map<string, string[]>;
    attributes: Map<string, AttrType>;
    segments: string[];
    lists: string[];
  } {
    return {
      tags: new Map([...this.#tags].map(([tag, values]) => [tag, [...values.keys()]])),
      attributes: new Map([...this.#attributes].map(([name, a]) => [name, a.type])),
      segments: [...this.#segments.keys()],
      lists: [...this.#lists.keys()],
    };
  }

  /** Memory taken by the snapshot's bitmaps and columns. */
  memory(): IndexMemory {
    const bitmaps = (list: Iterable<ReadonlyRoaringBitmap32>): MemoryUse => {
      let bytes = 0;
      for (const b of list) bytes += bitmapBytes(b);
      return { bitmapBytes: bytes, columnBytes: 0 };
    };
    const columns = (list: Iterable<{ memory(): MemoryUse }>): MemoryUse => {
      let [b, c] = [0, 0];
      for (const column of list) {
        const m = column.memory();
        [b, c] = [b + m.bitmapBytes, c + m.columnBytes];
      }
      return { bitmapBytes: b, columnBytes: c };
    };
    const parts = {
      universe: bitmaps([this.universe]),
      tags: bitmaps([...this.#tags.values()].flatMap((values) => [...values.values()])),
      attributes: columns([...this.#attributes.values()].map((a) => a.column)),
      holdings: columns(this.#holdings.values()),
      segmentsAndLists: bitmaps([...this.#segments.values(), ...this.#lists.values()]),
    };
    const all = Object.values(parts);
    return {
      bitmapBytes: all.reduce((sum, p) => sum + p.bitmapBytes, 0),
      columnBytes: all.reduce((sum, p) => sum + p.columnBytes, 0),
      parts,
    };
  }
}

const EMPTY = new RoaringBitmap32().freeze();

export interface IndexBuilderOptions {
  /** Attribute names and types; values of other attributes given to addCustomer are refused. */
  readonly attributes: Readonly<Record<string, AttrType>>;
  /** Expected largest ordinal, to size columns once (they grow when exceeded). */
  readonly capacity?: number;
  /** Tuning of the numeric range index (tests use tiny bins to exercise every path). */
  readonly numeric?: NumericColumnOptions;
  /** Largest string dictionary that gets per-value bitmaps. */
  readonly postingsUpTo?: number;
}

type Slots = Float64Array | Uint32Array | Uint8Array;

/** A whole attribute column for `CustomerIndexBuilder.setColumn`. */
export type BulkColumn =
  | { readonly type: 'number' | 'date'; readonly values: Float64Array }
  | { readonly type: 'string'; readonly codes: Uint32Array; readonly dictionary: readonly string[] }
  | { readonly type: 'boolean'; readonly values: Uint8Array };

/** Builds a CustomerIndex from rows: customers with attributes, tag values, holdings, segments and lists. */
export class CustomerIndexBuilder {
  readonly #options: IndexBuilderOptions;
  #capacity: number;
  #present: Uint8Array;
  #maxOrdinal = 0;
  readonly #columns = new Map<string, { type: AttrType; slots: Slots; dictionary?: Map<string, number> }>();
  readonly #holdings = new Map<ProductCategory, Float64Array>();
  readonly #tags = new Map<string, Map<string, RoaringBitmap32>>();
  readonly #segments = new Map<string, RoaringBitmap32>();
  readonly #lists = new Map<string, RoaringBitmap32>();

  constructor(options: IndexBuilderOptions) {
    this.#options = options;
    this.#capacity = Math.max(16, (options.capacity ?? 1024) + 1);
    this.#present = new Uint8Array(this.#capacity);
    for (const [name, type] of Object.entries(options.attributes)) {
      const slots =
        type === 'string'
          ? new Uint32Array(this.#capacity)
          : type === 'boolean'
            ? new Uint8Array(this.#capacity)
            : new Float64Array(this.#capacity).fill(NaN);
      this.#columns.set(name, { type, slots, ...(type === 'string' ? { dictionary: new Map() } : {}) });
    }
  }

  /** Adds (or replaces) a customer with its attribute values; absent and null values are null. */
  addCustomer(ordinal: number, attrs: Readonly<Record<string, AttrValue>> = {}): this {
    this.#ensure(ordinal);
    this.#present[ordinal] = 1;
    for (const [name, column] of this.#columns) {
      const value = attrs[name];
      if (column.type === 'string')
        column.slots[ordinal] = value == null ? 0 : this.#code(column.dictionary!, name, value, ordinal);
      else if (column.type === 'boolean')
        column.slots[ordinal] =
          value == null
            ? 0
            : typeof value === 'boolean'
              ? value
                ? BOOL_TRUE
                : BOOL_FALSE
              : bad(name, 'a boolean', value, ordinal);
      else
        column.slots[ordinal] =
          value == null
            ? NaN
            : column.type === 'number'
              ? number(name, value, ordinal)
              : day(name, value, ordinal);
    }
    for (const name of Object.keys(attrs))
      if (!this.#columns.has(name)) bad(name, 'a declared attribute', attrs[name], ordinal);
    return this;
  }

  /** Adds customers without attribute values, for loaders that fill whole columns with `setColumn`. */
  addCustomers(ordinals: ArrayLike<number>): this {
    for (let i = 0; i < ordinals.length; i++) {
      const ordinal = ordinals[i]!;
      this.#ensure(ordinal);
      this.#present[ordinal] = 1;
    }
    return this;
  }

  /**
   * Sets a whole attribute column, slots by ordinal as `addCustomer` fills them (number/date: NaN = null; string:
   * code 0 = null, k = dictionary[k - 1]; boolean: BOOL_*). Bulk loaders fill typed arrays chunk by chunk instead of
   * making an object per customer. The arrays are used as they are (not copied); slots of non-customers are cleared.
   */
  setColumn(name: string, column: BulkColumn): this {
    const slots = column.type === 'string' ? column.codes : column.values;
    const dictionary =
      column.type === 'string' ? new Map(column.dictionary.map((s, i) => [s, i + 1])) : undefined;
    let sized: Slots = slots;
    if (slots.length < this.#capacity) {
      sized = new (slots.constructor as new (n: number) => Slots)(this.#capacity);
      sized.set(slots as never);
      if (column.type === 'number' || column.type === 'date') sized.fill(NaN, slots.length);
    }
    this.#columns.set(name, { type: column.type, slots: sized, ...(dictionary ? { dictionary } : {}) });
    return this;
  }

  /** Adds a holding: the category's total balance of the customer grows by `balance` (a zero balance still holds). */
  addHolding(ordinal: number, category: ProductCategory, balance: number): this {
    this.#ensure(ordinal);
    if (!PRODUCT_CATEGORIES.includes(category)) bad('holds', 'a product category', category, ordinal);
    if (!Number.isFinite(balance)) bad(category, 'a finite balance', balance, ordinal);
    // allocated on first use: seven full-size Float64Arrays would be 560 MB at 10M customers
    let totals = this.#holdings.get(category);
    if (!totals) this.#holdings.set(category, (totals = new Float64Array(this.#capacity).fill(NaN)));
    const current = totals[ordinal]!;
    totals[ordinal] = (current !== current ? 0 : current) + balance;
    return this;
  }

  /** Gives the customers a tag value (a tag may have several values per customer). Declares the tag and value. */
  addTagValue(tag: string, value: string, ordinals: Ordinals = []): this {
    let values = this.#tags.get(tag);
    if (!values) this.#tags.set(tag, (values = new Map()));
    let bitmap = values.get(value);
    if (!bitmap) values.set(value, (bitmap = new RoaringBitmap32()));
    add(bitmap, ordinals);
    return this;
  }

  /** Sets a saved segment's members as of the snapshot. */
  setSegment(id: string, ordinals: Ordinals): this {
    this.#segments.set(id, add(new RoaringBitmap32(), ordinals));
    return this;
  }

  /** Sets an uploaded list's members (customer numbers already resolved to ordinals). */
  setList(id: string, ordinals: Ordinals): this {
    this.#lists.set(id, add(new RoaringBitmap32(), ordinals));
    return this;
  }

  /** Builds the immutable index; the builder must not be used afterwards. */
  build(): CustomerIndex {
    const size = this.#maxOrdinal + 1;
    const members = new Uint32Array(size);
    let n = 0;
    for (let i = 1; i < size; i++) if (this.#present[i]) members[n++] = i;
    const universe = new RoaringBitmap32(members.subarray(0, n));
    universe.runOptimize();
    universe.freeze();
    // Holdings and columns of ordinals that never became customers are dropped, as tags are below.
    // Columns are used in place when they have the exact size (give `capacity`), else trimmed to it.
    const absent = <T extends Slots>(slots: T, none: number): T => {
      const out = slots.length === size ? slots : (slots.slice(0, size) as T);
      for (let i = 1; i < size; i++) if (!this.#present[i]) out[i] = none;
      return out;
    };
    const attributes = new Map<string, AttributeColumn>();
    for (const [name, c] of this.#columns) {
      if (c.type === 'string') {
        const codes = absent(c.slots as Uint32Array, 0);
        attributes.set(name, {
          type: 'string',
          column: StringColumn.build(
            codes,
            [...c.dictionary!.keys()],
            this.#options.postingsUpTo ?? POSTINGS_UP_TO,
          ),
        });
      } else if (c.type === 'boolean') {
        const values = absent(c.slots as Uint8Array, 0);
        attributes.set(name, { type: 'boolean', column: new BooleanColumn(values) });
      } else {
        const values = absent(c.slots as Float64Array, NaN);
        attributes.set(name, { type: c.type, column: NumericColumn.build(values, this.#options.numeric) });
      }
    }
    const holdings = new Map<ProductCategory, NumericColumn>();
    for (const category of PRODUCT_CATEGORIES) {
      const totals = this.#holdings.get(category);
      // a category nobody holds needs no slots: reads past the end are null
      holdings.set(
        category,
        NumericColumn.build(totals ? absent(totals, NaN) : new Float64Array(0), this.#options.numeric),
      );
    }
    const clip = (b: RoaringBitmap32) => (b.andInPlace(universe), b.runOptimize(), b.freeze());
    for (const values of this.#tags.values()) for (const b of values.values()) clip(b);
    for (const b of [...this.#segments.values(), ...this.#lists.values()]) clip(b);
    return new CustomerIndex({
      universe,
      maxOrdinal: this.#maxOrdinal,
      tags: this.#tags,
      attributes,
      holdings,
      segments: this.#segments,
      lists: this.#lists,
    });
  }

  #ensure(ordinal: number): void {
    if (!Number.isInteger(ordinal) || ordinal < 1 || ordinal > 0xfffffffe)
      bad('ordinal', 'an integer in 1..2^32-2', ordinal, ordinal);
    if (ordinal > this.#maxOrdinal) this.#maxOrdinal = ordinal;
    if (ordinal < this.#capacity) return;
    let capacity = this.#capacity;
    while (capacity <= ordinal) capacity *= 2;
    const grow = <T extends Slots>(old: T, fill: number): T => {
      const next = new (old.constructor as new (n: number) => T)(capacity);
      next.set(old as never);
      if (fill !== 0) next.fill(fill, old.length);
      return next;
    };
    this.#present = grow(this.#present, 0);
    for (const c of this.#columns.values())
      c.slots = grow(c.slots, c.type === 'number' || c.type === 'date' ? NaN : 0);
    for (const [category, totals] of this.#holdings) this.#holdings.set(category, grow(totals, NaN));
    this.#capacity = capacity;
  }

  #code(dictionary: Map<string, number>, name: string, value: AttrValue, ordinal: number): number {
    if (typeof value !== 'string') bad(name, 'a string', value, ordinal);
    let code = dictionary.get(value as string);
    if (code === undefined) dictionary.set(value as string, (code = dictionary.size + 1));
    return code;
  }
}

function add(bitmap: RoaringBitmap32, ordinals: Ordinals): RoaringBitmap32 {
  if (ordinals instanceof RoaringBitmap32) bitmap.orInPlace(ordinals);
  else bitmap.addMany(ordinals as Iterable<number>);
  return bitmap;
}

function number(name: string, value: AttrValue, ordinal: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) bad(name, 'a finite number', value, ordinal);
  return (value as number) + 0; // turns -0 into 0
}

function day(name: string, value: AttrValue, ordinal: number): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value + 0;
  const d = typeof value === 'string' ? parseDay(value) : undefined;
  if (d === undefined) bad(name, "a date 'YYYY-MM-DD'", value, ordinal);
  return d as number;
}

// A malformed row is a bug in the loader that feeds the builder, not an expected outcome: throw.
function bad(field: string, expected: string, value: unknown, ordinal: number): never {
  throw new AppError(
    'validation_failed',
    `customer ${ordinal}: ${field} must be ${expected}, got ${JSON.stringify(value)}`,
    { ordinal, field },
  );
}
