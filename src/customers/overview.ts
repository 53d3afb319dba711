import { sql, type Kysely } from 'kysely';
import { shiftDay } from '../shared/day.ts';
import { daySql, withinDaysSql } from '../store/events/business-day.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database, Tier } from '../store/operational/database.ts';

export const TIERS: readonly Tier[] = ['mass', 'gold', 'platinum', 'diamond', 'private'];

/** The bank at a glance, as the Overview page shows it. Every figure comes from the stores at request time. */
export interface BankOverview {
  readonly asOf: string;
  readonly customers: number;
  readonly aum: number;
  readonly tiers: { tier: Tier | 'unknown'; customers: number; aum: number }[];
  /** Cumulative AUM share held by the top k% of customers, k = 1..100 (richest first). */
  readonly pareto: { customerShare: number; aumShare: number }[];
  readonly top20AumShare: number;
  readonly newCustomersPerDay: { date: string; customers: number }[];
  readonly eventsPerDay: { date: string; events: number }[];
  /** The bank's time zone: the days above are its business days. */
  readonly timeZone: string;
  readonly definitions: Readonly<Record<string, string>>;
}

/** Computes the overview over the last `days` business days (cut in `timeZone`) ending at `asOf` (YYYY-MM-DD). */
export async function bankOverview(
  deps: { db: Kysely<Database>; events: EventStore },
  options: { asOf: string; days: number; timeZone: string },
): Promise<BankOverview> {
  const { db, events } = deps;
  const totals = await db
    .selectFrom('customers')
    .select([sql<number>`count(*)`.as('customers'), sql<number>`coalesce(sum(aum), 0)`.as('aum')])
    .executeTakeFirstOrThrow();
  const tierRows = await db
    .selectFrom('customers')
    .select(['tier', sql<number>`count(*)`.as('customers'), sql<number>`coalesce(sum(aum), 0)`.as('aum')])
    .groupBy('tier')
    .execute();
  const byTier = new Map(tierRows.map((r) => [r.tier ?? 'unknown', r]));
  const tiers = [...TIERS, 'unknown' as const]
    .map((tier) => ({
      tier,
      customers: Number(byTier.get(tier)?.customers ?? 0),
      aum: Number(byTier.get(tier)?.aum ?? 0),
    }))
    .filter((t) => t.tier !== 'unknown' || t.customers > 0);

  // Customers ranked by AUM, richest first. The point at percentile k is the AUM of the top ceil(k% × N)
  // customers, so customer rank rn first counts at k = floor(100 (rn − 1) / N) + 1; summing per k and
  // accumulating stays exact for any N in one sort (a join per percentile was 10× slower).
  const buckets = await sql<{ k: number; aum: number }>`
    select (100 * (rn - 1) / n) + 1 as k, sum(aum) as aum from (
      select aum, row_number() over (order by aum desc, id) as rn, count(*) over () as n from customers
    ) ranked group by 1 order by 1`.execute(db);
  const total = Number(totals.aum);
  const byPercentile = new Map(buckets.rows.map((b) => [Number(b.k), Number(b.aum)]));
  let running = 0;
  const pareto =
    totals.customers > 0
      ? Array.from({ length: 100 }, (_, i) => {
          running += byPercentile.get(i + 1) ?? 0;
          return { customerShare: (i + 1) / 100, aumShare: total > 0 ? running / total : 0 };
        })
      : [];
  const top20AumShare = pareto.find((p) => Math.abs(p.customerShare - 0.2) < 1e-9)?.aumShare ?? 0;

  const from = shiftDay(options.asOf, -(options.days - 1));
  const newRows = await db
    .selectFrom('customers')
    .select(['customer_since as date', sql<number>`count(*)`.as('customers')])
    .where('customer_since', '>=', from)
    .where('customer_since', '<=', options.asOf)
    .groupBy('customer_since')
    .orderBy('customer_since')
    .execute();
  const eventRows = await events.query<{ date: string; events: number }>(
    `SELECT toString(${daySql('time')}) AS date, count() AS events
       FROM events_dedup
      WHERE ${withinDaysSql('time', '{from:String}', '{to:String}')}
      GROUP BY date ORDER BY date`,
    { from, to: options.asOf, tz: options.timeZone },
  );
  const days = dateRange(from, options.asOf);
  const newMap = new Map(newRows.map((r) => [String(r.date), Number(r.customers)]));
  const eventMap = new Map(eventRows.map((r) => [r.date, Number(r.events)]));
  return {
    asOf: options.asOf,
    customers: Number(totals.customers),
    aum: total,
    tiers,
    pareto,
    top20AumShare,
    newCustomersPerDay: days.map((date) => ({ date, customers: newMap.get(date) ?? 0 })),
    eventsPerDay: days.map((date) => ({ date, events: eventMap.get(date) ?? 0 })),
    timeZone: options.timeZone,
    definitions: {
      aum: 'Sum of AUM (current assets under management, CNY) at request time',
      tier: 'Tier as loaded from core banking: mass < 50k, gold ≥ 50k, platinum ≥ 500k, diamond ≥ 1M, private ≥ 6M CNY',
      pareto: 'Customers ranked by AUM, richest first, in 100 equal-count buckets; cumulative AUM share',
      newCustomersPerDay: 'Customers by the date the bank relationship began',
      eventsPerDay:
        "Behaviour events by the bank's business day (see timeZone), duplicate event ids counted once",
    },
  };
}

function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = shiftDay(d, 1)) out.push(d);
  return out;
}
