// The account manager's workbench read models: "my day" (tasks and reminders due) and pool KPIs ("my pool" is the
// customer list filtered to the manager, see customers.ts).
import { sql, type Kysely } from 'kysely';
import { TIERS } from '../customers/overview.ts';
import type { BusinessCalendar, Clock } from '../shared/clock.ts';
import { shiftDay } from '../shared/day.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database, Tier } from '../store/operational/database.ts';
import type { ReminderKind, TaskSource } from '../store/operational/pool-tables.ts';
import { listReminders, type ReminderPage, type ReminderView } from './reminder-list.ts';
import { applyCustomerScope, type DataScope } from './scope.ts';
import { listTasks, type TaskView } from './tasks.ts';

/** What a manager has to do today. */
export interface MyDay {
  readonly asOf: string;
  readonly staffId: string;
  /** Open tasks due today or overdue (or in the asked window), earliest first: one page. */
  readonly tasks: TaskView[];
  readonly tasksTotal: number;
  /** Open reminders due from today to `asOf + lookaheadDays`, plus overdue ones (or in the asked window): one page. */
  readonly reminders: ReminderView[];
  readonly remindersTotal: number;
  /** Open reminders of the window per kind (whatever kind was asked), for the workbench's tabs. */
  readonly remindersByKind: ReminderPage['byKind'];
}

/** The filters and pages of "my day". */
export interface MyDayOptions {
  readonly staffId: string;
  readonly asOf: string;
  readonly lookaheadDays?: number;
  /** Reminders of this kind only. */
  readonly kind?: ReminderKind;
  /** Due window (both lists); default: anything overdue up to today (tasks) or today + 7 days (reminders). */
  readonly dueFrom?: string;
  readonly dueTo?: string;
  /** Tasks of this source only. */
  readonly taskSource?: TaskSource;
  /** Page size of each list (default 200) and where each page starts. */
  readonly limit?: number;
  readonly tasksOffset?: number;
  readonly remindersOffset?: number;
}

/** Tasks and reminders due for a staff member, within the caller's scope, filtered and paged. */
export async function myDay(
  deps: { db: Kysely<Database>; clock: Clock },
  scope: DataScope,
  options: MyDayOptions,
): Promise<MyDay> {
  const limit = options.limit ?? 200;
  const [tasks, reminders] = await Promise.all([
    listTasks(deps.db, scope, {
      assigneeId: options.staffId,
      status: 'open',
      source: options.taskSource,
      dueFrom: options.dueFrom,
      dueBy: options.dueTo ?? options.asOf,
      limit,
      offset: options.tasksOffset ?? 0,
    }),
    listReminders(deps, scope, {
      assigneeId: options.staffId,
      status: 'open',
      kind: options.kind,
      dueFrom: options.dueFrom,
      dueTo: options.dueTo ?? shiftDay(options.asOf, options.lookaheadDays ?? 7),
      limit,
      offset: options.remindersOffset ?? 0,
    }),
  ]);
  return {
    asOf: options.asOf,
    staffId: options.staffId,
    tasks: tasks.items,
    tasksTotal: tasks.total,
    reminders: reminders.items,
    remindersTotal: reminders.total,
    remindersByKind: reminders.byKind,
  };
}

/** Pool KPIs: size, AUM and its change over 30 days, tier mix, contacted rate. */
export interface PoolKpis {
  readonly asOf: string;
  readonly managerId: string | null;
  readonly customers: number;
  readonly aum: number;
  readonly tiers: { tier: Tier | 'unknown'; customers: number; aum: number }[];
  /** From the event store's daily facts; null when they are unavailable for the pool. */
  readonly aumChange: {
    from: { date: string; aum: number };
    to: { date: string; aum: number };
    change: number;
    changeShare: number | null;
  } | null;
  readonly contacted30d: number;
  readonly contactedRate: number;
  readonly definitions: Readonly<Record<string, string>>;
}

/** Daily facts are summed for at most this many customers by id (a bigger population is summed whole or skipped). */
const MAX_IDS_FOR_DAILY = 100_000;

/** KPIs of one manager's pool (managerId) or of everything in the scope. */
export async function poolKpis(
  deps: { db: Kysely<Database>; events: EventStore },
  scope: DataScope,
  options: { asOf: string; managerId?: string | null; calendar: BusinessCalendar },
): Promise<PoolKpis> {
  const { db } = deps;
  const population = () => {
    const q = applyCustomerScope(db.selectFrom('customers as c'), scope, 'c');
    return options.managerId
      ? q
          .innerJoin('customer_owners as o', 'o.customer_id', 'c.id')
          .where('o.manager_id', '=', options.managerId)
      : q;
  };
  // Contacts on the 30 business days to asOf: from the bank's midnight to the bank's midnight after asOf.
  const from = options.calendar.startOf(shiftDay(options.asOf, -29)).toISOString();
  const to = options.calendar.startOf(shiftDay(options.asOf, 1)).toISOString();
  const [tierRows, contacted] = await Promise.all([
    population()
      .select(['c.tier', sql<number>`count(*)`.as('n'), sql<number>`coalesce(sum(c.aum), 0)`.as('aum')])
      .groupBy('c.tier')
      .execute(),
    population()
      .select(sql<number>`count(*)`.as('n'))
      .where(
        sql<boolean>`exists (select 1 from interactions i where i.customer_id = c.id and i.at >= ${from}::timestamptz and i.at < ${to}::timestamptz)`,
      )
      .executeTakeFirstOrThrow(),
  ]);
  const byTier = new Map(tierRows.map((r) => [r.tier ?? 'unknown', r]));
  const tiers = [...TIERS, 'unknown' as const]
    .map((tier) => ({
      tier,
      customers: Number(byTier.get(tier)?.n ?? 0),
      aum: Number(byTier.get(tier)?.aum ?? 0),
    }))
    .filter((t) => t.tier !== 'unknown' || t.customers > 0);
  const customers = tiers.reduce((s, t) => s + t.customers, 0);
  const aum = round2(tiers.reduce((s, t) => s + t.aum, 0));
  const whole = scope.kind === 'all' && !options.managerId;
  const ids =
    whole || customers > MAX_IDS_FOR_DAILY
      ? null
      : (await population().select('c.id').execute()).map((r) => r.id);
  const aumChange = whole || ids ? await dailyChange(deps.events, options.asOf, ids).catch(() => null) : null;
  return {
    asOf: options.asOf,
    managerId: options.managerId ?? null,
    customers,
    aum,
    tiers,
    aumChange,
    contacted30d: Number(contacted.n),
    contactedRate: customers > 0 ? Math.round((Number(contacted.n) / customers) * 10_000) / 10_000 : 0,
    definitions: {
      customers: options.managerId ? 'Customers the manager owns now' : 'Customers in your scope now',
      aum: 'Sum of AUM (current assets under management, CNY)',
      aumChange:
        'Sum of customer_daily AUM on the last fact day on or before asOf, against the last on or before asOf − 30 days, same customers',
      contactedRate: 'Customers with at least one interaction in the 30 days ending on asOf / customers',
    },
  };
}

async function dailyChange(
  events: EventStore,
  asOf: string,
  ids: readonly number[] | null,
): Promise<PoolKpis['aumChange']> {
  const dayOf = async (d: string) =>
    (
      await events.query<{ d: string }>(
        `SELECT toString(max(date)) AS d FROM customer_daily WHERE date <= toDate({d:String})`,
        { d },
      )
    )[0]?.d;
  const [toDay, fromDay] = await Promise.all([dayOf(asOf), dayOf(shiftDay(asOf, -30))]);
  if (!toDay || !fromDay || toDay === '1970-01-01' || fromDay === '1970-01-01') return null;
  const filter = ids === null ? '' : 'AND customer_id IN {ids:Array(UInt32)}';
  const rows = await events.query<{ d: string; aum: number }>(
    `SELECT toString(date) AS d, sum(aum) AS aum FROM customer_daily_dedup
      WHERE date IN (toDate({a:String}), toDate({b:String})) ${filter} GROUP BY date`,
    { a: fromDay, b: toDay, ...(ids === null ? {} : { ids: [...ids] }) },
  );
  const at = (d: string) => Number(rows.find((r) => r.d === d)?.aum ?? 0);
  const start = at(fromDay);
  const end = at(toDay);
  return {
    from: { date: fromDay, aum: round2(start) },
    to: { date: toDay, aum: round2(end) },
    change: round2(end - start),
    changeShare: start > 0 ? Math.round(((end - start) / start) * 10_000) / 10_000 : null,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
