import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { CustomerIndexBuilder, type BulkColumn, type CustomerIndex } from './index.ts';
import { JsonColumns } from './json-columns.ts';
import { parseDay, type AttrType } from './predicate.ts';
import { PRODUCT_CATEGORIES, type ProductCategory } from './rule.ts';
import { BOOL_FALSE, BOOL_TRUE } from './string-column.ts';
import type { TagInfo, TagSource } from './tag-source.ts';

// Builds the segment engine's CustomerIndex from the operational store for one business day. Customers are read in
// keyset-paginated chunks by id straight into typed arrays (no object per customer survives a chunk), so memory is
// the columns themselves: ~10 bytes per customer per numeric attribute before indexing.

/** Attributes every index has, from customers columns (age is computed from birth_date for the day). */
export const CUSTOMER_ATTRIBUTES = {
  age: 'number',
  gender: 'string',
  city: 'string',
  occupation: 'string',
  education: 'string',
  marital_status: 'string',
  org_unit_id: 'string',
  branch: 'string',
  risk_level: 'number',
  customer_since: 'date',
  aum: 'number',
  tier: 'string',
  payroll: 'boolean',
  app_user: 'boolean',
  wecom_friend: 'boolean',
} as const satisfies Record<string, AttrType>;

/** Customers read per query; ~50 MB of rows in flight at most. */
export const DEFAULT_CHUNK = 50_000;

/** An index over the stores for one day, with what analyses need beside it. */
export interface StoreIndex {
  readonly asOf: string;
  /** Tags, attributes and holdings; no saved segments or lists (see index-cache.ts for those). */
  readonly index: CustomerIndex;
  /** The day of the tag snapshot used (latest on or before asOf), or null when there is none. */
  readonly tagsAsOf: string | null;
  /** When the customers, holdings, consents and tags were read from the store (ISO instant): the data's freshness. */
  readonly readAt: string;
  /**
   * Customers whose `updated_at` is at or after this instant (the store's clock, as text) may differ from the index:
   * changed while or after it was read. Earlier rows are as indexed (writers of customers stamp `updated_at`).
   */
  readonly changedSince: string;
  readonly tagInfo: ReadonlyMap<string, TagInfo>;
  /** Customers with a granted consent, per channel. */
  readonly consents: { readonly sms: RoaringBitmap32; readonly appPush: RoaringBitmap32 };
  /** customers.attributes keys that did not become attributes, with the reason. */
  readonly skippedAttributes: ReadonlyMap<string, string>;
  /** customers.attributes keys that did (name → type). */
  readonly jsonAttributes: ReadonlyMap<string, AttrType>;
  /**
   * What the customers list shows of each name (masked: `张**`), by ordinal: the first character's code point << 8
   * | the length (at most 255); 0 without a name. The list's name search reads it instead of the table.
   */
  readonly namesShown: Uint32Array;
  /** The customers in customer-number order (the store's collation); customer numbers never change. */
  readonly customerNoOrder: CustomerNoOrder;
  readonly buildMs: number;
}

/** Customer-number order of the customers the index holds: rank by ordinal (1-based, 0: not held) and back. */
export interface CustomerNoOrder {
  readonly rankOf: Uint32Array;
  readonly idByRank: Uint32Array;
}

/** SQL for a customer's shown name as `namesShown` keeps it (customers aliased or not). */
export const NAME_SHOWN = sql`coalesce(ascii(left(name, 1))::bigint * 256 + least(char_length(name), 255), 0)`;

/** The shown-name key of a first character and a length (undefined length: any). */
export function nameShownKey(first: string, length: number): number {
  return (first.codePointAt(0) ?? 0) * 256 + Math.min(length, 255);
}

export interface BuildOptions {
  readonly asOf: string;
  readonly chunk?: number;
  /** Stamps `readAt` (default the wall clock). */
  readonly clock?: Clock;
  /** Where tag values and names come from (the tag module's `tagSource`). */
  readonly tags: TagSource;
}

/** Reads customers, holdings, consents and tags for the day into an index. */
export async function buildStoreIndex(db: Kysely<Database>, options: BuildOptions): Promise<StoreIndex> {
  const started = performance.now();
  const asOfDay = parseDay(options.asOf);
  if (asOfDay === undefined) throw new RangeError(`asOf must be a date 'YYYY-MM-DD': ${options.asOf}`);
  const chunk = options.chunk ?? DEFAULT_CHUNK;
  const readAt = (options.clock?.now() ?? new Date()).toISOString(); // an instant, not a business day
  const changedSince = await storeInstantBefore(db);
  // Customers created while the build runs are left for the next build: every part reads ids up to this one.
  const top = await db
    .selectFrom('customers')
    .select(sql<number | null>`max(id)`.as('max'))
    .executeTakeFirstOrThrow();
  const maxId = Number(top.max ?? 0);
  const [tags, tagInfo, branches] = await Promise.all([
    options.tags.latest(db, options.asOf),
    options.tags.info(db),
    branchOfUnits(db),
  ]);
  const builder = new CustomerIndexBuilder({ attributes: {}, capacity: maxId });
  const customers = await readCustomers(db, builder, { maxId, chunk, asOf: options.asOf, branches });
  await readHoldings(db, builder, maxId, chunk * 4);
  const consents = await readConsents(db, maxId, chunk * 4);
  const customerNoOrder = await readCustomerNoOrder(db, maxId, chunk);
  for (const [tag, values] of tags.tags)
    for (const [value, bitmap] of values) builder.addTagValue(tag, value, bitmap);
  // Defined tags without values yet still exist for rules: a value nobody holds selects nobody.
  for (const info of tagInfo.values()) {
    if (info.status !== 'active' && !tags.tags.has(info.key)) continue;
    for (const v of info.values) builder.addTagValue(info.key, v.value, []);
  }
  const index = builder.build();
  for (const b of [consents.sms, consents.appPush]) b.andInPlace(index.universe as RoaringBitmap32).freeze();
  return {
    asOf: options.asOf,
    index,
    tagsAsOf: tags.asOf,
    readAt,
    changedSince,
    tagInfo,
    consents,
    skippedAttributes: customers.skipped,
    jsonAttributes: customers.jsonTypes,
    namesShown: customers.names,
    customerNoOrder,
    buildMs: performance.now() - started,
  };
}

/**
 * The store's clock now, or earlier when a transaction of another session is open: that transaction stamps its rows'
 * `updated_at` with its own start, and may commit after the customers are read.
 */
async function storeInstantBefore(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ at: string }>`
    select least(now(), (select min(xact_start) from pg_stat_activity
      where xact_start is not null and pid <> pg_backend_pid()))::text as at`.execute(db);
  return rows[0]!.at;
}

type Columns = {
  [K in keyof typeof CUSTOMER_ATTRIBUTES]: (typeof CUSTOMER_ATTRIBUTES)[K] extends 'string'
    ? { codes: Uint32Array; dictionary: Map<string, number> }
    : (typeof CUSTOMER_ATTRIBUTES)[K] extends 'boolean'
      ? Uint8Array
      : Float64Array;
};

/** One customer as the chunk query returns it (json_build_array order). */
type CustomerRow = [
  id: number,
  birth: string | null,
  gender: string | null,
  city: string | null,
  occupation: string | null,
  education: string | null,
  marital: string | null,
  unit: string | null,
  risk: number | null,
  since: string | null,
  aum: number | string,
  tier: string | null,
  payroll: boolean,
  appUser: boolean,
  wecom: boolean,
  attributes: Record<string, unknown> | null,
  nameShown: number,
];

async function readCustomers(
  db: Kysely<Database>,
  builder: CustomerIndexBuilder,
  options: { maxId: number; chunk: number; asOf: string; branches: ReadonlyMap<string, string> },
) {
  const size = options.maxId + 1;
  const text = () => ({ codes: new Uint32Array(size), dictionary: new Map<string, number>() });
  const numbers = () => new Float64Array(size).fill(NaN);
  const c: Columns = {
    age: numbers(),
    gender: text(),
    city: text(),
    occupation: text(),
    education: text(),
    marital_status: text(),
    org_unit_id: text(),
    branch: text(),
    risk_level: numbers(),
    customer_since: numbers(),
    aum: numbers(),
    tier: text(),
    payroll: new Uint8Array(size),
    app_user: new Uint8Array(size),
    wecom_friend: new Uint8Array(size),
  };
  const json = new JsonColumns(size);
  const names = new Uint32Array(size);
  const setText = (
    column: { codes: Uint32Array; dictionary: Map<string, number> },
    i: number,
    v: string | null,
  ) => {
    if (v === null || v === '') return;
    let code = column.dictionary.get(v);
    if (code === undefined) column.dictionary.set(v, (code = column.dictionary.size + 1));
    column.codes[i] = code;
  };
  const bool = (v: boolean) => (v ? BOOL_TRUE : BOOL_FALSE);
  const [ay, am, ad] = options.asOf.split('-').map(Number) as [number, number, number];
  let after = 0;
  for (;;) {
    const rows = await jsonRows<CustomerRow>(
      db,
      sql`select coalesce(json_agg(json_build_array(id, birth_date, gender, city, occupation, education,
            marital_status, org_unit_id, risk_level, customer_since, aum, tier, payroll, app_user, wecom_friend,
            attributes, ${NAME_SHOWN}) order by id), '[]')::text as rows
          from (select * from customers where id > ${after} and id <= ${options.maxId}
                order by id limit ${options.chunk}) c`,
    );
    if (rows.length === 0) break;
    const ids = new Uint32Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const [i, birth, gender, city, occupation, education, marital, unit, risk, since, aum, tier, ...rest] =
        rows[r]!;
      const [payroll, appUser, wecom, attributes, nameShown] = rest;
      ids[r] = i;
      names[i] = nameShown;
      if (birth) {
        const [y, m, d] = [Number(birth.slice(0, 4)), Number(birth.slice(5, 7)), Number(birth.slice(8, 10))];
        // whole years completed on asOf
        c.age[i] = ay - y - (am < m || (am === m && ad < d) ? 1 : 0);
      }
      setText(c.gender, i, gender);
      setText(c.city, i, city);
      setText(c.occupation, i, occupation);
      setText(c.education, i, education);
      setText(c.marital_status, i, marital);
      setText(c.org_unit_id, i, unit);
      setText(c.branch, i, unit ? (options.branches.get(unit) ?? null) : null);
      if (risk !== null) c.risk_level[i] = risk;
      if (since) c.customer_since[i] = parseDay(since) ?? NaN;
      c.aum[i] = Number(aum);
      setText(c.tier, i, tier);
      c.payroll[i] = bool(payroll);
      c.app_user[i] = bool(appUser);
      c.wecom_friend[i] = bool(wecom);
      json.add(i, attributes);
    }
    builder.addCustomers(ids);
    after = rows[rows.length - 1]![0];
    if (rows.length < options.chunk) break;
  }
  const fixed = new Map<string, BulkColumn>();
  for (const [name, type] of Object.entries(CUSTOMER_ATTRIBUTES)) {
    const slots = c[name as keyof Columns];
    fixed.set(
      name,
      type === 'string'
        ? {
            type,
            codes: (slots as { codes: Uint32Array }).codes,
            dictionary: [...(slots as { dictionary: Map<string, number> }).dictionary.keys()],
          }
        : type === 'boolean'
          ? { type, values: slots as Uint8Array }
          : { type, values: slots as Float64Array },
    );
  }
  const skipped = new Map(json.skipped);
  const jsonTypes = new Map<string, AttrType>();
  for (const [key, column] of json.finish()) {
    const own = fixed.get(key);
    if (own) {
      // A JSON key named like a column (e.g. an imported `age` without a birth date) fills the column's gaps.
      if (!fillGaps(own, column)) skipped.set(key, `a customers column of another type has this name`);
      continue;
    }
    fixed.set(key, column);
    jsonTypes.set(key, column.type);
  }
  for (const [name, column] of fixed) builder.setColumn(name, column);
  return { skipped, jsonTypes, names };
}

/** The held customers (ids up to `maxId`) in customer-number order, read along the unique index in keyset chunks. */
async function readCustomerNoOrder(
  db: Kysely<Database>,
  maxId: number,
  chunk: number,
): Promise<CustomerNoOrder> {
  const rankOf = new Uint32Array(maxId + 1);
  const ids: number[] = [0];
  let after: string | undefined;
  for (;;) {
    const { rows } = await sql<{ rows: string }>`
      select coalesce(json_agg(json_build_array(id, customer_no) order by customer_no), '[]')::text as rows
        from (select id, customer_no from customers
               where id <= ${maxId} ${after === undefined ? sql`` : sql`and customer_no > ${after}`}
               order by customer_no limit ${chunk}) c`.execute(db);
    const page = JSON.parse(rows[0]?.rows ?? '[]') as [number, string][];
    for (const [id] of page) rankOf[id] = ids.push(id) - 1;
    if (page.length < chunk) break;
    after = page[page.length - 1]![1];
  }
  return { rankOf, idByRank: Uint32Array.from(ids) };
}

/** Copies `extra`'s values into `own`'s null slots when both have the same type; false when they differ. */
function fillGaps(own: BulkColumn, extra: BulkColumn): boolean {
  if (own.type !== extra.type) return false;
  if (own.type === 'string' && extra.type === 'string') {
    const dictionary = [...own.dictionary];
    const codeOf = new Map(dictionary.map((s, i) => [s, i + 1]));
    const remap = extra.dictionary.map((s) => {
      let code = codeOf.get(s);
      if (code === undefined) codeOf.set(s, (code = dictionary.push(s)));
      return code;
    });
    for (let i = 0; i < own.codes.length; i++)
      if (own.codes[i] === 0 && extra.codes[i]) own.codes[i] = remap[extra.codes[i]! - 1]!;
    (own as { dictionary: readonly string[] }).dictionary = dictionary;
    return true;
  }
  if (own.type === 'string' || extra.type === 'string') return false;
  const [a, b] = [own.values, extra.values];
  const isNull = own.type === 'boolean' ? (v: number) => v === 0 : (v: number) => v !== v;
  for (let i = 0; i < a.length; i++) if (isNull(a[i]!) && !isNull(b[i]!)) a[i] = b[i]!;
  return true;
}

/** Sub-branch → its branch (the nearest ancestor of kind 'branch', itself when it is one). */
async function branchOfUnits(db: Kysely<Database>): Promise<Map<string, string>> {
  const units = await db.selectFrom('org_units').select(['id', 'parent_id', 'kind']).execute();
  const byId = new Map(units.map((u) => [u.id, u]));
  const out = new Map<string, string>();
  for (const unit of units) {
    let at: typeof unit | undefined = unit;
    for (let hops = 0; at && at.kind !== 'branch' && hops < 32; hops++)
      at = at.parent_id ? byId.get(at.parent_id) : undefined;
    if (at?.kind === 'branch') out.set(unit.id, at.id);
  }
  return out;
}

/** Total active balance per customer and product category, in id ranges of `step`. */
async function readHoldings(
  db: Kysely<Database>,
  builder: CustomerIndexBuilder,
  maxId: number,
  step: number,
): Promise<void> {
  const categories = new Set<string>(PRODUCT_CATEGORIES);
  for (let lo = 0; lo < maxId; lo += step) {
    const rows = await jsonRows<[number, string, number]>(
      db,
      sql`select coalesce(json_agg(json_build_array(customer_id, category, balance)), '[]')::text as rows
          from (select h.customer_id, p.category, sum(h.balance) as balance
                  from holdings h join products p on p.id = h.product_id
                 where h.status = 'active' and h.customer_id > ${lo} and h.customer_id <= ${Math.min(maxId, lo + step)}
                 group by h.customer_id, p.category) t`,
    );
    for (const [customer, category, balance] of rows) {
      if (categories.has(category))
        builder.addHolding(customer, category as ProductCategory, Number(balance));
    }
  }
}

/** Customers with a granted SMS and app-push marketing consent, in id ranges of `step`. */
async function readConsents(db: Kysely<Database>, maxId: number, step: number) {
  const sms = new RoaringBitmap32();
  const appPush = new RoaringBitmap32();
  for (let lo = 0; lo < maxId; lo += step) {
    const rows = await jsonRows<[number, string]>(
      db,
      sql`select coalesce(json_agg(json_build_array(customer_id, channel)), '[]')::text as rows
            from consents
           where status = 'granted' and purpose = 'marketing' and channel in ('sms', 'app_push')
             and customer_id > ${lo} and customer_id <= ${Math.min(maxId, lo + step)}`,
    );
    for (const [customer, channel] of rows) (channel === 'sms' ? sms : appPush).add(customer);
  }
  return { sms, appPush };
}

/**
 * Rows of a query that aggregates them server-side into one JSON text (`… as rows`). Measured on PGlite: 2.5x faster
 * than the same rows as result rows (100,000 customers: 2.1 s against 5.3 s), as decoding one text and one JSON.parse
 * beat decoding 16 fields per row; on PostgreSQL it also saves per-row protocol overhead.
 */
async function jsonRows<Row>(db: Kysely<Database>, query: RawBuilder<{ rows: string }>): Promise<Row[]> {
  const { rows } = await query.execute(db);
  return JSON.parse(rows[0]?.rows ?? '[]') as Row[];
}
