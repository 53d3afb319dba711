// The customers list a manager lives in (issue #12): a filtered set from the segment index and SQL
// (customer-filter.ts), its exact total, one page in the chosen order (customer-order.ts), the page's rows read by
// ordinal with personal fields masked. The CSV export reads the same set.
import { sql, type Kysely } from 'kysely';
import type { SegmentService } from '../segments/service.ts';
import type { RoaringBitmap32 } from '../shared/bitmap.ts';
import { ok, type Failure, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { filterMembers, type CustomerFilter } from './customer-filter.ts';
import { pageIds, SORT_IN_STORE, type CustomerSort } from './customer-order.ts';
import {
  CUSTOMER_ROW_COLUMNS,
  customersCsv,
  EXPORT_LIMIT,
  presentCustomerRow,
  type CustomerListItem,
} from './customers.ts';
import { maskPhone } from './mask.ts';
import type { DataScope } from './scope.ts';

/** What the list reads from: the operational store and the segment service's index. */
export interface CustomerListDeps {
  readonly db: Kysely<Database>;
  readonly segments: SegmentService;
}

/** The order and page of a list. */
export interface CustomerListOrder {
  readonly sort?: CustomerSort;
  readonly order?: 'asc' | 'desc';
  readonly limit?: number;
  readonly offset?: number;
}

/** A list row with what the list page shows beside the pool's columns: masked phone, owner's and unit's names. */
export interface BrowseItem extends CustomerListItem {
  readonly phone: string | null;
  readonly managerName: string | null;
  readonly orgUnitName: string | null;
}

/** A page of the list; `total` is exact (the size of the filtered set). */
export interface BrowsePage {
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly items: BrowseItem[];
}

/** One page of the filtered, scoped list with its exact total. */
export async function browseCustomers(
  deps: CustomerListDeps,
  scope: DataScope,
  filter: CustomerFilter,
  order: CustomerListOrder = {},
): Promise<Result<BrowsePage, Failure>> {
  const members = await filterMembers(deps, scope, filter);
  if (!members.ok) return members;
  const limit = order.limit ?? 50;
  const offset = order.offset ?? 0;
  const ids = await orderedIds(deps, members.value, order, limit, offset);
  return ok({ total: members.value.size, limit, offset, items: await rowsByIds(deps.db, ids) });
}

/** Ordinals of a page of the set in the list's order (the default: richest first). */
export async function orderedIds(
  deps: CustomerListDeps,
  members: RoaringBitmap32,
  order: CustomerListOrder,
  limit: number,
  offset: number,
): Promise<number[]> {
  const sort = order.sort ?? 'aum';
  const direction = order.order ?? (sort === 'customer_no' ? 'asc' : 'desc');
  const page = { sort, direction, limit, offset };
  if (sort === 'customer_no') {
    // Customer numbers never change: the day's index knows their order, the page is sorted in memory.
    const { base } = await deps.segments.entry();
    return pageIds(deps.db, members, page, { customerNo: base.customerNoOrder });
  }
  if (sort !== 'aum' || members.size <= SORT_IN_STORE) return pageIds(deps.db, members, page);
  // The day's index (cached; the filter was just evaluated on it) knows every member's AUM: the walk starts at the band.
  const { base } = await deps.segments.entry();
  const aum = base.index.attribute('aum');
  if (aum?.type !== 'number') return pageIds(deps.db, members, page);
  return pageIds(deps.db, members, page, {
    aum: { values: aum.column.values, changedSince: base.changedSince },
  });
}

/** Rows read per query when a whole set is read (an export). */
const ROWS_CHUNK = 10_000;

/** The list rows of ordinals, in the order given, masked. */
export async function rowsByIds(db: Kysely<Database>, ids: readonly number[]): Promise<BrowseItem[]> {
  const byId = new Map<number, BrowseItem>();
  for (let at = 0; at < ids.length; at += ROWS_CHUNK) {
    const chunk = ids.slice(at, at + ROWS_CHUNK);
    const rows = await db
      .selectFrom('customers as c')
      .leftJoin('customer_owners as o', 'o.customer_id', 'c.id')
      .leftJoin('customer_contacts as cc', 'cc.customer_id', 'c.id')
      .leftJoin('staff as s', 's.id', 'o.manager_id')
      .leftJoin('org_units as u', 'u.id', 'c.org_unit_id')
      .select([...CUSTOMER_ROW_COLUMNS, 'c.phone', 's.name as manager_name', 'u.name as unit_name'])
      .where(sql<boolean>`c.id = any(${chunk}::int[])`)
      .execute();
    for (const r of rows)
      byId.set(r.id, {
        ...presentCustomerRow(r),
        phone: maskPhone(r.phone),
        managerName: r.manager_name,
        orgUnitName: r.unit_name,
      });
  }
  return ids.map((id) => byId.get(id)).filter((r): r is BrowseItem => r !== undefined);
}

/** The filtered, scoped list as masked CSV in the list's order; refused past EXPORT_LIMIT rows. */
export async function exportFiltered(
  deps: CustomerListDeps,
  scope: DataScope,
  filter: CustomerFilter,
  order: CustomerListOrder = {},
  header?: readonly string[],
): Promise<Result<{ csv: string; rows: number } | { tooMany: number }, Failure>> {
  const members = await filterMembers(deps, scope, filter);
  if (!members.ok) return members;
  if (members.value.size > EXPORT_LIMIT) return ok({ tooMany: members.value.size });
  const ids = await orderedIds(deps, members.value, order, members.value.size, 0);
  const items = await rowsByIds(deps.db, ids);
  return ok({ csv: customersCsv(items, header), rows: items.length });
}
