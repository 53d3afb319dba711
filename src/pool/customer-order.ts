// One page of a filtered customer set in the list's order. A small set is sorted by PostgreSQL (its ids as one array
// parameter); a large one is read in the order of an index (migration 0013), in keyset batches, keeping the members
// of the set (a bitset lookup per row): page 1 of a set holding 5% of the bank reads about a thousand index entries,
// never the whole bank. A set in a band of the order (gold customers below every platinum one) is walked from the
// band: by AUM, from its members' largest (or smallest) AUM, known from the segment index (aum-start.ts). Both give
// the order of `listCustomers`: the sort column, nulls last, then the ordinal.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { Database } from '../store/operational/database.ts';
import type { CustomerNoOrder } from '../segments/source.ts';
import { aumStart, type AumSnapshot } from './aum-start.ts';

/** The orders of the customers list. */
export type CustomerSort = 'aum' | 'customer_no' | 'last_contact' | 'owner_since';

/** Sets up to this size are sorted by the store; larger ones walk an index. */
export const SORT_IN_STORE = 5_000;
const BATCH_MIN = 1_000;
const BATCH_MAX = 50_000;

/** The ordinals of one page of `members` in the given order. */
export async function pageIds(
  db: Kysely<Database>,
  members: RoaringBitmap32,
  order: { sort: CustomerSort; direction: 'asc' | 'desc'; limit: number; offset: number },
  options: {
    /** The segment index's AUM: an AUM walk starts at the set's band instead of the top of the bank. */
    aum?: AumSnapshot;
    /** The segment index's customer-number order: a page by customer number is sorted in memory. */
    customerNo?: CustomerNoOrder;
    /** Tests lower both to walk the indexes, batch after batch, on a small bank. */
    sortInStoreUpTo?: number;
    batchMin?: number;
  } = {},
): Promise<number[]> {
  if (order.offset >= members.size || order.limit === 0) return [];
  if (order.sort === 'customer_no' && options.customerNo) {
    const page = byCustomerNo(members, order, options.customerNo);
    if (page) return page;
  }
  if (members.size <= (options.sortInStoreUpTo ?? SORT_IN_STORE)) return sortInStore(db, members, order);
  const member = members.toUint32Array();
  const max = member[member.length - 1] ?? 0;
  const bits = new Uint8Array(max + 1);
  for (const id of member) bits[id] = 1;
  // No member sorts before this key: the first batch seeks to it (the ordinal beyond any, so the key itself is read).
  const startKey =
    order.sort === 'aum' && options.aum
      ? await aumStart(db, member, (id) => bits[id] === 1, options.aum, order.direction)
      : undefined;
  const want = order.offset + order.limit;
  // Expected rows to read for the page, from the set's density; bounded both ways.
  const density = members.size / Math.max(1, max);
  const batchMin = options.batchMin ?? BATCH_MIN;
  let batch = Math.min(BATCH_MAX, Math.max(batchMin, Math.ceil((want / density) * 1.2)));
  const out: number[] = [];
  let skipped = 0;
  for (const [at, phase] of phases(order.sort, order.direction).entries()) {
    let cursor: Cursor | undefined =
      at === 0 && startKey !== undefined
        ? { key: startKey, id: order.direction === 'desc' ? ORDINAL_MAX : -ORDINAL_MAX }
        : undefined;
    for (;;) {
      const rows = await phase(db, cursor, batch);
      const before = skipped + out.length;
      for (const row of rows) {
        if (bits[row.id] !== 1) continue;
        if (skipped < order.offset) skipped++;
        else out.push(row.id);
        if (out.length === order.limit) return out;
      }
      if (rows.length < batch) break;
      cursor = rows[rows.length - 1];
      // The set is not spread evenly along the order (gold customers sit in one band of AUM): a batch that found
      // fewer members than its share grows the next one, so a band far down the order is reached in a few reads.
      if (skipped + out.length - before < (density * batch) / 2) batch = Math.min(BATCH_MAX, batch * 4);
    }
  }
  return out;
}

/**
 * A page by customer number from the index's ranks (customer numbers never change, so the ranks stay true); undefined
 * when a member is not held by the index (created since it was read): the store sorts then.
 */
function byCustomerNo(
  members: RoaringBitmap32,
  order: { direction: 'asc' | 'desc'; limit: number; offset: number },
  customerNo: CustomerNoOrder,
): number[] | undefined {
  const ranks = new Uint32Array(members.size);
  let i = 0;
  for (const id of members) {
    const rank = customerNo.rankOf[id] ?? 0;
    if (rank === 0) return undefined;
    ranks[i++] = rank;
  }
  ranks.sort();
  const n = ranks.length;
  const out: number[] = [];
  for (let k = order.offset; k < Math.min(n, order.offset + order.limit); k++)
    out.push(customerNo.idByRank[ranks[order.direction === 'asc' ? k : n - 1 - k]!]!);
  return out;
}

const ORDINAL_MAX = 2 ** 31 - 1;

/** The last row of a batch: where the next one starts. */
interface Cursor {
  readonly id: number;
  readonly key: unknown;
}
type Phase = (db: Kysely<Database>, after: Cursor | undefined, batch: number) => Promise<Cursor[]>;

/**
 * The index walks of an order, one after the other: customers with a value for the sort column, then (nulls last)
 * those without one, by ordinal.
 */
function phases(sort: CustomerSort, direction: 'asc' | 'desc'): Phase[] {
  const cmp = sql.raw(direction === 'asc' ? '>' : '<');
  const dir = sql.raw(direction);
  const walk =
    (table: RawBuilder<unknown>, key: RawBuilder<unknown>, id: RawBuilder<unknown>, cast: string): Phase =>
    async (db, after, batch) => {
      const bound = sql`${after?.key}::${sql.raw(cast)}`;
      // A unique key bounds alone (its own index); others with the ordinal (a two-column index, 0013).
      const where = !after
        ? sql``
        : cast === 'text'
          ? sql`where ${key} ${cmp} ${bound}`
          : sql`where (${key}, ${id}) ${cmp} (${bound}, ${after.id}::int)`;
      const { rows } = await sql<{ id: number; key: unknown }>`
        select ${id} as id, ${key} as key from ${table} ${where}
        order by ${key} ${dir}, ${id} ${dir} limit ${batch}`.execute(db);
      return rows.map((r) => ({ id: Number(r.id), key: keyText(r.key) }));
    };
  const withoutRow =
    (table: string): Phase =>
    async (db, after, batch) => {
      const { rows } = await sql<{ id: number }>`
      select c.id from customers c
      where not exists (select 1 from ${sql.table(table)} x where x.customer_id = c.id)
        ${after ? sql`and c.id ${cmp} ${after.id}::int` : sql``}
      order by c.id ${dir} limit ${batch}`.execute(db);
      return rows.map((r) => ({ id: Number(r.id), key: null }));
    };
  switch (sort) {
    case 'aum':
      return [walk(sql`customers`, sql`aum`, sql`id`, 'numeric')];
    case 'customer_no':
      // Unique: the unique index gives the collation's order, the one the store sorts small sets in.
      return [walk(sql`customers`, sql`customer_no`, sql`id`, 'text')];
    case 'last_contact':
      return [
        walk(sql`customer_contacts`, sql`last_contact_at`, sql`customer_id`, 'timestamptz'),
        withoutRow('customer_contacts'),
      ];
    case 'owner_since':
      return [
        walk(sql`customer_owners`, sql`since`, sql`customer_id`, 'timestamptz'),
        withoutRow('customer_owners'),
      ];
  }
}

/** A key as the next batch's bound: timestamps as ISO text, numerics as their text. */
function keyText(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** A small set sorted by the store, with the same order as the index walks. */
async function sortInStore(
  db: Kysely<Database>,
  members: RoaringBitmap32,
  order: { sort: CustomerSort; direction: 'asc' | 'desc'; limit: number; offset: number },
): Promise<number[]> {
  const column = {
    aum: sql`c.aum`,
    customer_no: sql`c.customer_no`,
    last_contact: sql`cc.last_contact_at`,
    owner_since: sql`o.since`,
  }[order.sort];
  // Only the table the order reads is joined.
  const join =
    order.sort === 'last_contact'
      ? sql`left join customer_contacts cc on cc.customer_id = c.id`
      : order.sort === 'owner_since'
        ? sql`left join customer_owners o on o.customer_id = c.id`
        : sql``;
  const dir = sql.raw(order.direction);
  const ids = Array.from(members.toUint32Array());
  // Orders by a contact or an owner read only that table (one index lookup per member): the customers table's pages
  // are not visited at all, which halves a 5,000-customer pool's sort.
  const { rows } =
    order.sort === 'last_contact' || order.sort === 'owner_since'
      ? await sql<{ id: number }>`
          select c.id from unnest(${ids}::int[]) as c(id) ${join}
          order by ${column} ${dir} nulls last, c.id ${dir}
          limit ${order.limit} offset ${order.offset}`.execute(db)
      : await sql<{ id: number }>`
          select c.id from customers c ${join}
          where c.id = any(${ids}::int[])
          order by ${column} ${dir} nulls last, c.id ${dir}
          limit ${order.limit} offset ${order.offset}`.execute(db);
  return rows.map((r) => Number(r.id));
}
