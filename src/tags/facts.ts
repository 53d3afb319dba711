import { sql, type Kysely } from 'kysely';
import { AppError } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { FIELDS, type FactSource, type FieldDef } from './fields.ts';

// Reads customer facts from the operational store in keyset-paginated chunks of customer ids, straight into typed
// arrays: never one JS object per customer. Each source (customers, holdings, consents) is one aggregate query per
// chunk that packs the chunk into a single bytea of fixed-width records (id, float8 per number, 2-bit codes per
// boolean); string facts come as one delimited text. At 10M customers that is ~80 chunks × 3 small results instead
// of tens of millions of rows through the driver.

/** Boolean codes in a chunk: 0 empty, 1 false, 2 true. */
export const BOOL_NULL = 0;
export const BOOL_FALSE = 1;
export const BOOL_TRUE = 2;

/** One chunk of customers with the requested facts, by field name. */
export interface FactChunk {
  /** Customer ordinals, ascending. */
  readonly ids: Uint32Array;
  /** Number and date facts (dates as day numbers since 1970-01-01); NaN when empty. */
  readonly numbers: ReadonlyMap<string, Float64Array>;
  /** String facts as codes into `FactScanner.dictionary(name)`; 0 when empty. */
  readonly strings: ReadonlyMap<string, Uint32Array>;
  /** Boolean facts as BOOL_* codes. */
  readonly booleans: ReadonlyMap<string, Uint8Array>;
}

/** Default customers per chunk: bounds memory and keeps each packed result a few MB. */
export const DEFAULT_CHUNK = 131_072;

// Separators for string facts: rows by \x1f, fields by \x1e, an empty value is \x15. Profile values never carry
// these control characters; any that do are turned into spaces on the way out.
const ROW_SEP = '\x1f';
const FIELD_SEP = '\x1e';
const NULL_MARK = '\x15';

interface SourcePlan {
  readonly numbers: FieldDef[];
  readonly booleans: FieldDef[];
  readonly strings: FieldDef[];
}

/** Scans the customers with the given facts, chunk by chunk, in ascending id order. */
export class FactScanner {
  readonly #db: Kysely<Database>;
  readonly #asOf: string;
  readonly #chunk: number;
  readonly #plans: Map<FactSource, SourcePlan>;
  readonly #dictionaries = new Map<string, { codes: Map<string, number>; values: string[] }>();

  constructor(db: Kysely<Database>, fields: Iterable<string>, asOf: string, chunk = DEFAULT_CHUNK) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new AppError('bad_request', `not a day: ${asOf}`);
    this.#db = db;
    this.#asOf = asOf;
    this.#chunk = chunk;
    this.#plans = new Map();
    for (const name of new Set(fields)) {
      const field = FIELDS.get(name);
      if (!field) throw new AppError('internal', `unknown fact ${name}`);
      let plan = this.#plans.get(field.source);
      if (!plan) this.#plans.set(field.source, (plan = { numbers: [], booleans: [], strings: [] }));
      if (field.type === 'string') plan.strings.push(field);
      else if (field.type === 'boolean') plan.booleans.push(field);
      else plan.numbers.push(field);
    }
    for (const field of this.#plans.get('customer')?.strings ?? [])
      this.#dictionaries.set(field.name, { codes: new Map(), values: [''] });
  }

  /** The values of a string fact; code i is values[i] (code 0 = empty). Grows while scanning. */
  dictionary(name: string): readonly string[] {
    return this.#dictionaries.get(name)?.values ?? [''];
  }

  /** The code of a string value, or undefined when no customer scanned so far has it. */
  code(name: string, value: string): number | undefined {
    return this.#dictionaries.get(name)?.codes.get(value);
  }

  /** Yields chunks until every customer was seen. */
  async *chunks(): AsyncGenerator<FactChunk> {
    let after = 0;
    for (;;) {
      const chunk = await this.#customers(after);
      if (chunk.ids.length === 0) return;
      const last = chunk.ids[chunk.ids.length - 1]!;
      for (const source of ['holdings', 'consents'] as const) {
        const plan = this.#plans.get(source);
        if (plan) await this.#joinSource(source, plan, chunk, after, last);
      }
      yield chunk;
      if (chunk.ids.length < this.#chunk) return;
      after = last;
    }
  }

  async #customers(after: number): Promise<FactChunk & { numbers: Map<string, Float64Array> }> {
    const plan = this.#plans.get('customer') ?? { numbers: [], booleans: [], strings: [] };
    const columns = new Set(['id']);
    for (const f of [...plan.numbers, ...plan.booleans, ...plan.strings])
      for (const c of f.columns ?? []) columns.add(c);
    const strings =
      plan.strings.length === 0
        ? sql`null::text`
        : sql.raw(
            `string_agg(concat_ws(chr(30), ${plan.strings
              .map(
                (f) =>
                  `coalesce(translate((${f.sql(this.#asOf)})::text, chr(30) || chr(31) || chr(21), '   '), chr(21))`,
              )
              .join(', ')}), chr(31) order by c.id)`,
          );
    const result = await sql<{ rec: Uint8Array | null; strs: string | null }>`
      select ${sql.raw(this.#recordSql(plan, 'c.id'))} as rec, ${strings} as strs
        from (select ${sql.raw([...columns].join(', '))} from customers where id > ${after} order by id limit ${this.#chunk}) c`.execute(
      this.#db,
    );
    const row = result.rows[0];
    const decoded = this.#decode(plan, row?.rec ?? null);
    const chunk = {
      ids: decoded.ids,
      numbers: new Map<string, Float64Array>(decoded.numbers),
      strings: new Map<string, Uint32Array>(),
      booleans: new Map<string, Uint8Array>(decoded.booleans),
    };
    if (plan.strings.length > 0) this.#decodeStrings(plan.strings, row?.strs ?? '', chunk);
    return chunk;
  }

  /** Reads one source for the chunk's id range and places its values by id (customers without rows get absent). */
  async #joinSource(
    source: 'holdings' | 'consents',
    plan: SourcePlan,
    chunk: FactChunk,
    after: number,
    last: number,
  ) {
    const from =
      source === 'holdings'
        ? `holdings h join products p on p.id = h.product_id
            where h.customer_id > ${after} and h.customer_id <= ${last} and h.status = 'active' group by h.customer_id`
        : `consents k where k.customer_id > ${after} and k.customer_id <= ${last} group by k.customer_id`;
    const idColumn = source === 'holdings' ? 'h.customer_id' : 'k.customer_id';
    const inner = [
      `${idColumn} as id`,
      ...[...plan.numbers, ...plan.booleans].map((f, i) => `${f.sql(this.#asOf)} as f${i}`),
    ].join(', ');
    const outerPlan: SourcePlan = {
      numbers: plan.numbers.map((f, i) => ({ ...f, sql: () => `x.f${i}` })),
      booleans: plan.booleans.map((f, i) => ({ ...f, sql: () => `x.f${plan.numbers.length + i}` })),
      strings: [],
    };
    const result = await sql<{ rec: Uint8Array | null }>`
      select ${sql.raw(this.#recordSql(outerPlan, 'x.id'))} as rec from (select ${sql.raw(inner)} from ${sql.raw(from)}) x`.execute(
      this.#db,
    );
    const rows = this.#decode(outerPlan, result.rows[0]?.rec ?? null);
    const n = chunk.ids.length;
    const place = <T extends Float64Array | Uint8Array>(
      out: Map<string, T>,
      make: () => T,
      name: string,
      values: T,
      absent: number,
    ) => {
      const column = make().fill(absent) as T;
      let j = 0;
      for (let r = 0; r < rows.ids.length; r++) {
        const id = rows.ids[r]!;
        while (j < n && chunk.ids[j]! < id) j++;
        if (j < n && chunk.ids[j] === id) column[j] = values[r]!;
      }
      out.set(name, column);
    };
    for (const f of plan.numbers)
      place(
        chunk.numbers as Map<string, Float64Array>,
        () => new Float64Array(n),
        f.name,
        rows.numbers.get(f.name)!,
        f.absent ?? NaN,
      );
    for (const f of plan.booleans)
      place(
        chunk.booleans as Map<string, Uint8Array>,
        () => new Uint8Array(n),
        f.name,
        rows.booleans.get(f.name)!,
        0,
      );
  }

  /** One bytea per chunk: per row int4 id, float8 per number field, int4 per 16 booleans (2 bits each). */
  #recordSql(plan: SourcePlan, id: string): string {
    const parts = [`int4send(${id})`];
    for (const f of plan.numbers) {
      const expr =
        f.type === 'date' ? `((${f.sql(this.#asOf)}) - date '1970-01-01')` : `(${f.sql(this.#asOf)})`;
      parts.push(`float8send(coalesce(${expr}::float8, 'NaN'::float8))`);
    }
    for (let g = 0; g < plan.booleans.length; g += 16) {
      const codes = plan.booleans
        .slice(g, g + 16)
        .map(
          (f, j) =>
            `(case when (${f.sql(this.#asOf)}) is null then 0 when (${f.sql(this.#asOf)}) then 2 else 1 end << ${2 * j})`,
        );
      parts.push(`int4send(${codes.join(' | ')})`);
    }
    return `string_agg(${parts.join(' || ')}, ''::bytea order by ${id})`;
  }

  #decode(plan: SourcePlan, rec: Uint8Array | null) {
    const stride = 4 + 8 * plan.numbers.length + 4 * Math.ceil(plan.booleans.length / 16);
    const n = rec ? rec.byteLength / stride : 0;
    if (!Number.isInteger(n))
      throw new AppError(
        'internal',
        `fact record of ${rec?.byteLength} bytes is not a multiple of ${stride}`,
      );
    const view = rec
      ? new DataView(rec.buffer, rec.byteOffset, rec.byteLength)
      : new DataView(new ArrayBuffer(0));
    const ids = new Uint32Array(n);
    const numbers = plan.numbers.map(() => new Float64Array(n));
    const booleans = plan.booleans.map(() => new Uint8Array(n));
    for (let r = 0, off = 0; r < n; r++, off += stride) {
      ids[r] = view.getUint32(off);
      let at = off + 4;
      for (let k = 0; k < numbers.length; k++, at += 8) numbers[k]![r] = view.getFloat64(at);
      for (let g = 0; g < booleans.length; g += 16, at += 4) {
        const word = view.getUint32(at);
        for (let j = 0; j < 16 && g + j < booleans.length; j++) booleans[g + j]![r] = (word >>> (2 * j)) & 3;
      }
    }
    return {
      ids,
      numbers: new Map(plan.numbers.map((f, k) => [f.name, numbers[k]!])),
      booleans: new Map(plan.booleans.map((f, k) => [f.name, booleans[k]!])),
    };
  }

  #decodeStrings(
    fields: readonly FieldDef[],
    text: string,
    chunk: { ids: Uint32Array; strings: Map<string, Uint32Array> },
  ) {
    const n = chunk.ids.length;
    const columns = fields.map(() => new Uint32Array(n));
    const dictionaries = fields.map((f) => this.#dictionaries.get(f.name)!);
    const rows = n === 0 ? [] : text.split(ROW_SEP);
    if (rows.length !== n)
      throw new AppError('internal', `string facts: ${rows.length} rows for ${n} customers`);
    for (let r = 0; r < n; r++) {
      const values = rows[r]!.split(FIELD_SEP);
      for (let k = 0; k < fields.length; k++) {
        const value = values[k] ?? NULL_MARK;
        if (value === NULL_MARK) continue;
        const dictionary = dictionaries[k]!;
        let code = dictionary.codes.get(value);
        if (code === undefined) {
          code = dictionary.values.length;
          dictionary.codes.set(value, code);
          dictionary.values.push(value);
        }
        columns[k]![r] = code;
      }
    }
    fields.forEach((f, k) => chunk.strings.set(f.name, columns[k]!));
  }
}

/** Customer ordinals packed as big-endian int4s (PostgreSQL `string_agg(int4send(id), '')`). */
export function unpackIds(bytes: Uint8Array | null): Uint32Array {
  if (!bytes) return new Uint32Array(0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ids = new Uint32Array(bytes.byteLength >>> 2);
  for (let i = 0; i < ids.length; i++) ids[i] = view.getUint32(4 * i);
  return ids;
}

/** The largest customer ordinal (0 when there are no customers). */
export async function maxCustomerId(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('customers')
    .select(sql<number | null>`max(id)`.as('max'))
    .executeTakeFirst();
  return row?.max ?? 0;
}
