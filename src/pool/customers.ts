// Customer read models of the pool: the scoped, masked customer list (also "my pool") and the unassigned queue.
// Every query starts from applyCustomerScope; personal fields leave masked.
import { csvValue } from '../shared/csv.ts';
import { sql, type Kysely } from 'kysely';
import type { Database, Tier } from '../store/operational/database.ts';
import type { HandoverStatus } from '../store/operational/pool-tables.ts';
import { countRows } from './count.ts';
import { maskName } from './mask.ts';
import { subtreeUnitIds } from './org.ts';
import { applyCustomerScope, type DataScope } from './scope.ts';

/** Filters, sorting and paging of a customer list. */
export interface CustomerListQuery {
  /** Only customers owned by this manager ("my pool"). */
  readonly managerId?: string;
  readonly tiers?: readonly Tier[];
  /** Only customers of this org unit and the units below it. */
  readonly orgUnitId?: string;
  /** Customer number (exact or prefix) or a masked name: `张**` or `张` matches on the surname (and length). */
  readonly q?: string;
  readonly sort?: 'aum' | 'customer_no' | 'last_contact' | 'owner_since';
  readonly order?: 'asc' | 'desc';
  readonly limit?: number;
  readonly offset?: number;
}

/** One row of a customer list; the name is masked. */
export interface CustomerListItem {
  /** The dense ordinal (to look up the customer's tags in the bitmaps); not part of the API's answer. */
  readonly customerId: number;
  readonly customerNo: string;
  readonly name: string | null;
  readonly tier: Tier | null;
  readonly aum: number;
  readonly orgUnitId: string | null;
  readonly managerId: string | null;
  readonly ownerSince: string | null;
  readonly handoverStatus: HandoverStatus | null;
  readonly lastContactAt: string | null;
  readonly wecomFriend: boolean;
}

/** A page of customers and the total matching the filters. */
export interface CustomerPage {
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly items: CustomerListItem[];
}

/** The scoped, masked customer list with filters, sorting and paging (the total honours the scope too). */
export async function listCustomers(
  db: Kysely<Database>,
  scope: DataScope,
  query: CustomerListQuery,
): Promise<CustomerPage> {
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  const units = query.orgUnitId === undefined ? undefined : await subtreeUnitIds(db, query.orgUnitId);
  const base = () => {
    let q = applyCustomerScope(
      db
        .selectFrom('customers as c')
        .leftJoin('customer_owners as o', 'o.customer_id', 'c.id')
        .leftJoin('customer_contacts as cc', 'cc.customer_id', 'c.id'),
      scope,
      'c',
    );
    if (query.managerId !== undefined) q = q.where('o.manager_id', '=', query.managerId);
    if (query.tiers && query.tiers.length > 0) q = q.where('c.tier', 'in', query.tiers);
    if (units !== undefined)
      q = units.length === 0 ? q.where(sql<boolean>`false`) : q.where('c.org_unit_id', 'in', units);
    const term = query.q?.trim();
    if (term) q = q.where(searchCondition(term));
    return q;
  };
  const direction = query.order ?? (query.sort === 'customer_no' ? 'asc' : 'desc');
  const sortColumn = {
    aum: sql`c.aum`,
    customer_no: sql`c.customer_no`,
    last_contact: sql`cc.last_contact_at`,
    owner_since: sql`o.since`,
  }[query.sort ?? 'aum'];
  // One query gives the page and the total (a window count over the filtered rows): the pool is read once.
  const rows = await base()
    .select([...CUSTOMER_ROW_COLUMNS, sql<number>`count(*) over ()`.as('total')])
    .orderBy(sql`${sortColumn} ${sql.raw(direction)} nulls last`)
    .orderBy('c.id', direction)
    .limit(limit)
    .offset(offset)
    .execute();
  const total = rows.length > 0 ? Number(rows[0]!.total) : offset === 0 ? 0 : await countRows(base());
  return {
    total,
    limit,
    offset,
    items: rows.map(presentCustomerRow),
  };
}

/** The columns of a customer list row (customers `c`, owners `o`, last contacts `cc`). */
export const CUSTOMER_ROW_COLUMNS = [
  'c.id',
  'c.customer_no',
  'c.name',
  'c.tier',
  'c.aum',
  'c.org_unit_id',
  'c.wecom_friend',
  'o.manager_id',
  'o.since',
  'o.handover_status',
  'cc.last_contact_at',
] as const;

/** A row of CUSTOMER_ROW_COLUMNS as a list item, the name masked. */
export function presentCustomerRow(r: {
  id: number;
  customer_no: string;
  name: string | null;
  tier: Tier | null;
  aum: number | string;
  org_unit_id: string | null;
  wecom_friend: boolean;
  manager_id: string | null;
  since: Date | string | null;
  handover_status: HandoverStatus | null;
  last_contact_at: Date | string | null;
}): CustomerListItem {
  return {
    customerId: r.id,
    customerNo: r.customer_no,
    name: maskName(r.name),
    tier: r.tier,
    aum: Number(r.aum),
    orgUnitId: r.org_unit_id,
    managerId: r.manager_id,
    ownerSince: iso(r.since),
    handoverStatus: r.handover_status,
    lastContactAt: iso(r.last_contact_at),
    wecomFriend: r.wecom_friend,
  };
}

/**
 * Search by customer number (exact or prefix) or by what a masked name shows: its first character, and its length
 * when the term carries `*`. Never by hidden characters, so a search cannot be used to guess a masked name.
 */
function searchCondition(term: string) {
  const prefix = term.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
  const chars = [...term];
  const first = chars[0] ?? '';
  const nameLike =
    /^[^\x20-\x40]/u.test(first) && (chars.length === 1 || chars.slice(1).every((c) => c === '*'));
  if (!nameLike) return sql<boolean>`(c.customer_no = ${term} or c.customer_no like ${prefix})`;
  const byName =
    chars.length === 1
      ? sql<boolean>`left(c.name, 1) = ${first}`
      : sql<boolean>`(left(c.name, 1) = ${first} and char_length(c.name) = ${chars.length})`;
  return sql<boolean>`(c.customer_no = ${term} or c.customer_no like ${prefix} or ${byName})`;
}

/** A customer waiting for an owner: never assigned, or owned by someone who has departed. */
export interface UnassignedItem {
  readonly customerNo: string;
  readonly name: string | null;
  readonly tier: Tier | null;
  readonly aum: number;
  readonly orgUnitId: string | null;
  readonly reason: 'no_owner' | 'owner_departed';
  readonly formerManagerId: string | null;
}

/** The unassigned-customer queue of the scope, richest first. */
export async function unassignedQueue(
  db: Kysely<Database>,
  scope: DataScope,
  page: { limit?: number; offset?: number; orgUnitId?: string } = {},
): Promise<{ total: number; limit: number; offset: number; items: UnassignedItem[] }> {
  const limit = page.limit ?? 50;
  const offset = page.offset ?? 0;
  const units = page.orgUnitId === undefined ? undefined : await subtreeUnitIds(db, page.orgUnitId);
  const base = () => {
    let q = applyCustomerScope(
      db
        .selectFrom('customers as c')
        .leftJoin('customer_owners as o', 'o.customer_id', 'c.id')
        .leftJoin('staff as s', 's.id', 'o.manager_id')
        .where((eb) => eb.or([eb('o.customer_id', 'is', null), eb('s.status', '=', 'departed')])),
      scope,
      'c',
    );
    if (units !== undefined)
      q = units.length === 0 ? q.where(sql<boolean>`false`) : q.where('c.org_unit_id', 'in', units);
    return q;
  };
  const [total, rows] = await Promise.all([
    countRows(base()),
    base()
      .select(['c.customer_no', 'c.name', 'c.tier', 'c.aum', 'c.org_unit_id', 'o.manager_id'])
      .orderBy('c.aum', 'desc')
      .orderBy('c.id')
      .limit(limit)
      .offset(offset)
      .execute(),
  ]);
  return {
    total,
    limit,
    offset,
    items: rows.map((r) => ({
      customerNo: r.customer_no,
      name: maskName(r.name),
      tier: r.tier,
      aum: Number(r.aum),
      orgUnitId: r.org_unit_id,
      reason: r.manager_id === null ? 'no_owner' : 'owner_departed',
      formerManagerId: r.manager_id,
    })),
  };
}

/** A timestamp as ISO text (null stays null). */
export function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** Rows an export may hold; more is refused so that exports stay deliberate (narrow the filters). */
export const EXPORT_LIMIT = 100_000;

/** The columns of the customer export, in order (the header row unless a language is asked for). */
export const CUSTOMER_EXPORT_COLUMNS = [
  'customer_no',
  'name',
  'tier',
  'aum',
  'org_unit_id',
  'manager_id',
  'owner_since',
  'last_contact_at',
  'wecom_friend',
] as const;

/** Header names of the export's columns that are not customer attributes of the data dictionary. */
export const CUSTOMER_EXPORT_NAMES: Readonly<Record<string, { zh: string; en: string }>> = {
  customer_no: { zh: '客户号', en: 'Customer no.' },
  name: { zh: '姓名', en: 'Name' },
  manager_id: { zh: '客户经理', en: 'Account manager' },
  owner_since: { zh: '归属起始时间', en: 'Owner since' },
  last_contact_at: { zh: '最近联系时间', en: 'Last contact' },
};

/** Masked list rows as CSV text; `header` replaces the column keys of the first row (display names, say). */
export function customersCsv(
  items: readonly CustomerListItem[],
  header: readonly string[] = CUSTOMER_EXPORT_COLUMNS,
): string {
  const columns = header.map(csvValue);
  const lines = items.map((c) =>
    [
      c.customerNo,
      c.name,
      c.tier,
      c.aum,
      c.orgUnitId,
      c.managerId,
      c.ownerSince,
      c.lastContactAt,
      c.wecomFriend,
    ]
      .map(csvValue)
      .join(','),
  );
  return [columns.join(','), ...lines].join('\n') + '\n';
}
