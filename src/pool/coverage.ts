// Contact coverage and response, per manager and per branch: how much of each pool was contacted in the window,
// and what share of outbound contacts had a positive outcome.
import { sql, type Kysely } from 'kysely';
import type { BusinessCalendar } from '../shared/clock.ts';
import { shiftDay } from '../shared/day.ts';
import type { Database } from '../store/operational/database.ts';
import { branchOfUnits } from './org.ts';
import { staffScopeFilter, type DataScope } from './scope.ts';

/** Coverage and response of one manager or branch. */
export interface CoverageRow {
  readonly poolSize: number;
  readonly contacted: number;
  /** contacted / poolSize (0 for an empty pool). */
  readonly coverage: number;
  readonly outbound: number;
  readonly outboundPositive: number;
  /** outboundPositive / outbound (null without outbound contacts). */
  readonly responseRate: number | null;
}

/** The coverage report of the scope. */
export interface CoverageReport {
  readonly asOf: string;
  readonly window: { readonly from: string; readonly to: string; readonly days: number };
  readonly managers: (CoverageRow & {
    managerId: string;
    name: string;
    orgUnitId: string;
    branchId: string;
  })[];
  readonly branches: (CoverageRow & { branchId: string; name: string })[];
  readonly definitions: Readonly<Record<string, string>>;
}

/** Coverage and response over the `days` days ending on `asOf` (inclusive), for managers in the scope. */
export async function contactCoverage(
  db: Kysely<Database>,
  scope: DataScope,
  options: { asOf: string; days?: number; calendar: BusinessCalendar },
): Promise<CoverageReport> {
  const days = options.days ?? 30;
  // The window's business days run from the bank's midnight to the bank's midnight after `asOf`.
  const from = options.calendar.startOf(shiftDay(options.asOf, -(days - 1))).toISOString();
  const to = options.calendar.startOf(shiftDay(options.asOf, 1)).toISOString();
  const managers = await db
    .selectFrom('staff')
    .select(['id', 'name', 'org_unit_id'])
    .where(staffScopeFilter(scope))
    .where((eb) =>
      eb.or([
        eb('role', '=', 'account_manager'),
        eb.exists(
          eb
            .selectFrom('customer_owners as o')
            .select('o.customer_id')
            .whereRef('o.manager_id', '=', 'staff.id'),
        ),
      ]),
    )
    .orderBy('id')
    .execute();
  const ids = managers.map((m) => m.id);
  const [pools, contacted, outbound, units, branches] = await Promise.all([
    ids.length === 0
      ? []
      : db
          .selectFrom('customer_owners')
          .select(['manager_id', sql<number>`count(*)`.as('n')])
          .where('manager_id', 'in', ids)
          .groupBy('manager_id')
          .execute(),
    ids.length === 0
      ? []
      : sql<{ manager_id: string; n: number }>`
          select o.manager_id, count(distinct i.customer_id) as n
          from interactions i join customer_owners o on o.customer_id = i.customer_id
          where o.manager_id in (${sql.join(ids)}) and i.at >= ${from}::timestamptz and i.at < ${to}::timestamptz
          group by o.manager_id`
          .execute(db)
          .then((r) => r.rows),
    ids.length === 0
      ? []
      : sql<{ staff_id: string; n: number; positive: number }>`
          select staff_id, count(*) as n, count(*) filter (where outcome = 'positive') as positive
          from interactions
          where staff_id in (${sql.join(ids)}) and direction = 'out'
            and at >= ${from}::timestamptz and at < ${to}::timestamptz
          group by staff_id`
          .execute(db)
          .then((r) => r.rows),
    branchOfUnits(db),
    db.selectFrom('org_units').select(['id', 'name']).execute(),
  ]);
  const poolOf = new Map(pools.map((p) => [p.manager_id, Number(p.n)]));
  const contactedOf = new Map(contacted.map((c) => [c.manager_id, Number(c.n)]));
  const outOf = new Map(outbound.map((o) => [o.staff_id, { n: Number(o.n), positive: Number(o.positive) }]));
  const rows = managers.map((m) => {
    const out = outOf.get(m.id) ?? { n: 0, positive: 0 };
    return {
      managerId: m.id,
      name: m.name,
      orgUnitId: m.org_unit_id,
      branchId: units.get(m.org_unit_id) ?? m.org_unit_id,
      ...figures(poolOf.get(m.id) ?? 0, contactedOf.get(m.id) ?? 0, out.n, out.positive),
    };
  });
  const byBranch = new Map<string, { pool: number; contacted: number; out: number; positive: number }>();
  for (const r of rows) {
    const b = byBranch.get(r.branchId) ?? { pool: 0, contacted: 0, out: 0, positive: 0 };
    b.pool += r.poolSize;
    b.contacted += r.contacted;
    b.out += r.outbound;
    b.positive += r.outboundPositive;
    byBranch.set(r.branchId, b);
  }
  const nameOf = new Map(branches.map((b) => [b.id, b.name]));
  return {
    asOf: options.asOf,
    window: { from, to: options.asOf, days },
    managers: rows,
    branches: [...byBranch.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([branchId, b]) => ({
        branchId,
        name: nameOf.get(branchId) ?? branchId,
        ...figures(b.pool, b.contacted, b.out, b.positive),
      })),
    definitions: {
      poolSize: 'Customers the manager owns now (customer_owners)',
      contacted:
        'Customers of the pool with at least one interaction (any staff, any direction) in the window',
      coverage: 'contacted / poolSize',
      outbound: "The manager's outbound interactions in the window",
      responseRate: 'Outbound interactions with outcome "positive" / outbound interactions',
      window: 'Days from window.from to window.to inclusive, by the database session time zone',
      branch: "The manager's branch (the parent of a sub-branch); figures are sums over its managers",
    },
  };
}

function figures(pool: number, contacted: number, outbound: number, positive: number): CoverageRow {
  return {
    poolSize: pool,
    contacted,
    coverage: pool > 0 ? round4(contacted / pool) : 0,
    outbound,
    outboundPositive: positive,
    responseRate: outbound > 0 ? round4(positive / outbound) : null,
  };
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
