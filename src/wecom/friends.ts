import { sql, type Kysely } from 'kysely';
import { maskName } from '../pool/mask.ts';
import { customerScopeFilter, staffScopeFilter, type DataScope } from '../pool/scope.ts';
import type { Clock } from '../shared/clock.ts';
import { calendarDayNumber, dayOfNumber } from '../shared/day.ts';
import type { Database } from '../store/operational/database.ts';
import type { WecomMatchedBy, WecomRemovedBy } from '../store/operational/wecom-tables.ts';

// Read models of the WeCom friendships: the friends of the staff members in the caller's scope (masked: the name is
// WeCom's and personal; the remark may hold a mobile, so it is not answered) and coverage per manager.

/** One friendship as the API answers it. */
export interface FriendRow {
  readonly staffId: string;
  readonly externalUserid: string;
  /** WeCom's name of the customer, masked. */
  readonly name: string | null;
  /** The linked customer's number, when that customer is in the caller's scope too. */
  readonly customerNo: string | null;
  readonly matched: boolean;
  readonly matchedBy: WecomMatchedBy | null;
  readonly addedAt: string;
  readonly removedAt: string | null;
  readonly removedBy: WecomRemovedBy | null;
}

/** A page of friendships of staff in the scope: active ones unless `includeRemoved`; newest first. */
export async function listFriends(
  db: Kysely<Database>,
  scope: DataScope,
  filter: {
    readonly staffId?: string | undefined;
    readonly matched?: boolean | undefined;
    readonly includeRemoved?: boolean | undefined;
    readonly limit: number;
    readonly offset: number;
  },
): Promise<{ total: number; items: FriendRow[] }> {
  let q = db
    .selectFrom('wecom_friendships as f')
    .innerJoin('staff', 'staff.id', 'f.staff_id')
    .where(staffScopeFilter(scope));
  if (filter.staffId !== undefined) q = q.where('f.staff_id', '=', filter.staffId);
  if (filter.matched !== undefined) q = q.where('f.customer_id', filter.matched ? 'is not' : 'is', null);
  if (!filter.includeRemoved) q = q.where('f.removed_at', 'is', null);
  const [count, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    q
      .leftJoin('wecom_contacts as wc', 'wc.external_userid', 'f.external_userid')
      .leftJoin('customers as c', 'c.id', 'f.customer_id')
      .select([
        'f.staff_id',
        'f.external_userid',
        'f.customer_id',
        'f.matched_by',
        'f.added_at',
        'f.removed_at',
        'f.removed_by',
        'wc.name',
        sql<string | null>`case when c.id is not null and ${customerScopeFilter(scope, 'c')}
          then c.customer_no end`.as('customer_no'),
      ])
      .orderBy('f.added_at', 'desc')
      .orderBy('f.staff_id')
      .orderBy('f.external_userid')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      staffId: r.staff_id,
      externalUserid: r.external_userid,
      name: maskName(r.name),
      customerNo: r.customer_no,
      matched: r.customer_id !== null,
      matchedBy: r.matched_by,
      addedAt: new Date(r.added_at).toISOString(),
      removedAt: r.removed_at === null ? null : new Date(r.removed_at).toISOString(),
      removedBy: r.removed_by,
    })),
  };
}

/** The bank's business week around now: Monday (bank's zone) to the Monday after. */
export function businessWeek(clock: Clock): { from: string; to: string; start: Date; end: Date } {
  const n = calendarDayNumber(clock.today())!;
  // 1970-01-01 was a Thursday: (n + 3) % 7 is days since Monday.
  const monday = n - ((n + 3) % 7);
  const from = dayOfNumber(monday);
  const to = dayOfNumber(monday + 6);
  return { from, to, start: clock.startOf(from), end: clock.startOf(dayOfNumber(monday + 7)) };
}

/** One manager's WeCom coverage. */
export interface WecomCoverageRow {
  readonly staffId: string;
  readonly name: string;
  readonly orgUnitId: string;
  readonly friends: number;
  readonly matched: number;
  readonly unmatched: number;
  readonly addedThisWeek: number;
  readonly lostThisWeek: number;
}

/** Per manager in the scope (account managers and anyone with friendships): friends, matching, this week's moves. */
export async function wecomCoverage(
  db: Kysely<Database>,
  scope: DataScope,
  clock: Clock,
): Promise<{ week: { from: string; to: string }; managers: WecomCoverageRow[] }> {
  const week = businessWeek(clock);
  const rows = await db
    .selectFrom('staff')
    .leftJoin('wecom_friendships as f', 'f.staff_id', 'staff.id')
    .where(staffScopeFilter(scope))
    .where((eb) => eb.or([eb('staff.role', '=', 'account_manager'), eb('f.staff_id', 'is not', null)]))
    .select([
      'staff.id',
      'staff.name',
      'staff.org_unit_id',
      sql<number>`count(f.staff_id) filter (where f.removed_at is null)`.as('friends'),
      sql<number>`count(f.staff_id) filter (where f.removed_at is null and f.customer_id is not null)`.as(
        'matched',
      ),
      sql<number>`count(f.staff_id) filter (where f.added_at >= ${week.start} and f.added_at < ${week.end})`.as(
        'added',
      ),
      sql<number>`count(f.staff_id) filter (where f.removed_at >= ${week.start} and f.removed_at < ${week.end})`.as(
        'lost',
      ),
    ])
    .groupBy(['staff.id', 'staff.name', 'staff.org_unit_id'])
    .orderBy('staff.id')
    .execute();
  return {
    week: { from: week.from, to: week.to },
    managers: rows.map((r) => ({
      staffId: r.id,
      name: r.name,
      orgUnitId: r.org_unit_id,
      friends: Number(r.friends),
      matched: Number(r.matched),
      unmatched: Number(r.friends) - Number(r.matched),
      addedThisWeek: Number(r.added),
      lostThisWeek: Number(r.lost),
    })),
  };
}
