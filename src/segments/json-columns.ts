import type { BulkColumn } from './index.ts';
import { parseDay } from './predicate.ts';
import { BOOL_FALSE, BOOL_TRUE } from './string-column.ts';

// Collects customers.attributes (free-form JSON) into typed columns while customers are read in chunks, so a
// 10M-customer load never holds an object per customer. A key's type is decided at the end from what was seen:
// only booleans → boolean, only numbers → number, only 'YYYY-MM-DD' strings → date, anything else → string (numbers
// and booleans then become their text). Nested objects and arrays are not attributes and are skipped.

/** At most this many JSON keys become attributes (the first seen); each takes a column of the customer count. */
export const MAX_JSON_ATTRIBUTES = 64;
/** A string key with more distinct values is an identifier, not a groupable attribute: it is dropped. */
export const MAX_JSON_DICTIONARY = 100_000;

interface Staged {
  numbers?: Float64Array;
  codes?: Uint32Array;
  bools?: Uint8Array;
  readonly dictionary: Map<string, number>;
  dropped: boolean;
}

/** Typed columns of customers.attributes keys, filled customer by customer. */
export class JsonColumns {
  readonly #capacity: number;
  readonly #columns = new Map<string, Staged>();
  /** Keys not turned into attributes, with the reason. */
  readonly skipped = new Map<string, string>();

  /** `capacity` = largest ordinal + 1. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Records one customer's attributes object. */
  add(ordinal: number, attributes: Readonly<Record<string, unknown>> | null | undefined): void {
    if (!attributes) return;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === null || value === undefined) continue;
      const column = this.#column(key, value);
      if (!column) continue;
      if (typeof value === 'number') {
        if (Number.isFinite(value))
          (column.numbers ??= new Float64Array(this.#capacity).fill(NaN))[ordinal] = value;
      } else if (typeof value === 'boolean') {
        (column.bools ??= new Uint8Array(this.#capacity))[ordinal] = value ? BOOL_TRUE : BOOL_FALSE;
      } else if (typeof value === 'string') {
        let code = column.dictionary.get(value);
        if (code === undefined) {
          if (column.dictionary.size >= MAX_JSON_DICTIONARY) {
            this.#drop(key, column, `more than ${MAX_JSON_DICTIONARY} distinct values`);
            continue;
          }
          column.dictionary.set(value, (code = column.dictionary.size + 1));
        }
        (column.codes ??= new Uint32Array(this.#capacity))[ordinal] = code;
      }
    }
  }

  /** The finished columns by key (the arrays are handed over, not copied). */
  finish(): Map<string, BulkColumn> {
    const out = new Map<string, BulkColumn>();
    for (const [key, c] of this.#columns) {
      if (c.dropped) continue;
      const column = resolve(c);
      if (column) out.set(key, column);
    }
    return out;
  }

  #column(key: string, value: unknown): Staged | undefined {
    const known = this.#columns.get(key);
    if (known) return known.dropped ? undefined : known;
    if (typeof value === 'object') {
      this.skipped.set(key, 'nested objects and lists are not attributes');
      return undefined;
    }
    if (this.#columns.size >= MAX_JSON_ATTRIBUTES) {
      this.skipped.set(key, `more than ${MAX_JSON_ATTRIBUTES} attribute keys`);
      return undefined;
    }
    const column: Staged = { dictionary: new Map(), dropped: false };
    this.#columns.set(key, column);
    return column;
  }

  #drop(key: string, column: Staged, reason: string): void {
    column.dropped = true;
    column.numbers = column.codes = column.bools = undefined;
    column.dictionary.clear();
    this.skipped.set(key, reason);
  }
}

function resolve(c: Staged): BulkColumn | undefined {
  const { numbers, codes, bools } = c;
  if (bools && !numbers && !codes) return { type: 'boolean', values: bools };
  if (numbers && !codes && !bools) return { type: 'number', values: numbers };
  if (!codes) {
    // numbers and booleans mixed: their text
    return mixedToText(c, new Uint32Array(numbers?.length ?? bools!.length));
  }
  const dictionary = [...c.dictionary.keys()];
  if (!numbers && !bools) {
    const days = dictionary.map((s) => parseDay(s));
    if (days.every((d) => d !== undefined)) {
      const values = new Float64Array(codes.length).fill(NaN);
      for (let i = 0; i < codes.length; i++) if (codes[i] !== 0) values[i] = days[codes[i]! - 1]!;
      return { type: 'date', values };
    }
    return { type: 'string', codes, dictionary };
  }
  return mixedToText(c, codes);
}

/** A string column from a key seen with several types: numbers and booleans join the dictionary as text. */
function mixedToText(c: Staged, codes: Uint32Array): BulkColumn {
  const code = (text: string) => {
    let k = c.dictionary.get(text);
    if (k === undefined) c.dictionary.set(text, (k = c.dictionary.size + 1));
    return k;
  };
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] !== 0) continue;
    const n = c.numbers?.[i];
    if (n !== undefined && n === n) codes[i] = code(String(n));
    else if (c.bools?.[i]) codes[i] = code(c.bools[i] === BOOL_TRUE ? 'true' : 'false');
  }
  return { type: 'string', codes, dictionary: [...c.dictionary.keys()] };
}
