import { sql, type Kysely } from 'kysely';
import type { Clock } from '../shared/clock.ts';
import { calendarDayNumber, shiftDay } from '../shared/day.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { DEFAULT_WINDOW_DAYS } from './attribution.ts';
import { listChannels, type MediaChannel } from './channels.ts';
import {
  DIMENSION_DEFINITIONS,
  DIMENSIONS,
  METRIC_DEFINITIONS,
  METRICS,
  type Definition,
  type Dimension,
  type MetricKey,
} from './definitions.ts';
import { dimensionScores, type Metrics } from './scores.ts';

// The media comparison: per registered channel the five dimensions' metrics over [from, to] (new customers by their
// customer_since, reports by their day/period) and the 0–100 score of each dimension. Reads the stored attribution of
// the window (one aggregate), the spend and brand reports, and the bank's new customers per day for organic lift.

/** One channel's row of the comparison. */
export interface ChannelComparison {
  readonly channel: MediaChannel;
  readonly metrics: Metrics;
  readonly scores: Record<Dimension, number | null>;
}

/** The whole comparison, with every definition, the window and the freshness of its data. */
export interface Comparison {
  readonly from: string;
  readonly to: string;
  readonly windowDays: number;
  readonly timeZone: string;
  readonly freshness: {
    readonly attributionComputedAt: string;
    readonly dataThrough: string | null;
    readonly lifecycleAsOf: string | null;
    readonly spendThrough: string | null;
    readonly brandThrough: string | null;
  };
  readonly dimensions: { key: Dimension; definition: Definition }[];
  readonly metrics: { key: MetricKey; dimension: Dimension; definition: Definition }[];
  readonly channels: ChannelComparison[];
  /** New customers in [from, to] attributed to no channel. */
  readonly organicNewCustomers: number;
  readonly elapsedMs: number;
}

/** Why a comparison cannot be answered. */
export type ComparisonProblem =
  | { code: 'bad_request'; message: string }
  | { code: 'not_enough_data'; message: string; details: Record<string, unknown> };

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** The comparison over [from, to] (default: the 90 days to the attribution's data day) for one attribution window. */
export async function compareChannels(
  deps: { db: Kysely<Database>; clock: Clock },
  options: { from?: string | undefined; to?: string | undefined; windowDays?: number | undefined },
): Promise<Result<Comparison, ComparisonProblem>> {
  const t0 = performance.now();
  const { db } = deps;
  const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
  const run = await db
    .selectFrom('media_attribution_runs')
    .selectAll()
    .where('window_days', '=', windowDays)
    .executeTakeFirst();
  if (!run)
    return err({
      code: 'not_enough_data',
      message: `not enough data: no attribution computed for a ${windowDays}-day window (run it: POST /v1/media/attribution/run, flywheel media attribute --window ${windowDays})`,
      details: { reason: 'no_attribution', windowDays },
    });
  const to = options.to ?? run.data_through ?? deps.clock.today();
  const from = options.from ?? shiftDay(to, -89);
  if (from > to) return err({ code: 'bad_request', message: `from (${from}) is after to (${to})` });
  const channels = await listChannels(db);
  // The organic baseline of a channel's span lies at most one window-length before `from`.
  const lo = shiftDay(from, -(calendarDayNumber(to)! - calendarDayNumber(from)! + 1));
  const inside = sql`customer_since >= ${from}`;
  const [grouped, spend, brand, joined, through] = await Promise.all([
    // One scan: per first-touch channel (the acquired's figures), per last-touch channel, per customer_since day.
    sql<Record<string, number | string>>`select
        case when grouping(first_channel) = 0 then 'first' when grouping(last_channel) = 0 then 'last' else 'day' end
          as kind,
        coalesce(first_channel, last_channel, customer_since::text) as key,
        count(*) filter (where ${inside})::int as n, count(*)::int as all_days,
        count(active_30d) filter (where ${inside})::int as eligible30,
        count(*) filter (where ${inside} and active_30d)::int as retained30,
        count(active_90d) filter (where ${inside})::int as eligible90,
        count(*) filter (where ${inside} and active_90d)::int as retained90,
        count(*) filter (where ${inside} and activated)::int as activated,
        coalesce(sum(aum) filter (where ${inside}), 0)::float8 as aum,
        count(first_purchase_at) filter (where ${inside})::int as purchased,
        count(*) filter (where ${inside} and stage_reached)::int as reached,
        coalesce(sum(referrals) filter (where ${inside}), 0)::int as referrals
      from media_attribution where window_days = ${windowDays} and customer_since between ${lo} and ${to}
      group by grouping sets ((first_channel), (last_channel), (customer_since))`.execute(db),
    sql<{
      channel: string;
      impressions: number;
      clicks: number;
      cost: number;
      first_day: string | null;
      last_day: string | null;
    }>`select channel_key as channel, sum(impressions)::float8 as impressions, sum(clicks)::float8 as clicks,
        sum(cost)::float8 as cost, min(day) filter (where cost > 0 or impressions > 0)::text as first_day,
        max(day) filter (where cost > 0 or impressions > 0)::text as last_day
      from media_spend where day between ${from} and ${to} group by channel_key`.execute(db),
    sql<{
      channel: string;
      inside: boolean;
      search: number | null;
      visits: number | null;
      awareness: number | null;
    }>`select channel, inside, avg(branded_search)::float8 as search, avg(direct_visits)::float8 as visits,
        avg(awareness)::float8 as awareness, sum(branded_search)::float8 as search_sum,
        sum(direct_visits)::float8 as visits_sum
      from (select channel_key as channel, period >= ${from} as inside, branded_search, direct_visits, awareness
            from media_brand where period <= ${to}) b
      group by channel, inside`.execute(db),
    sql<{ day: string; n: number }>`select customer_since::text as day, count(*)::int as n from customers
      where customer_since between ${lo} and ${to} group by customer_since`.execute(db),
    sql<{
      spend: string | null;
      brand: string | null;
    }>`select (select max(day)::text from media_spend) as spend,
        (select max(period)::text from media_brand) as brand`.execute(db),
  ]);
  const by = <T extends { channel: string }>(rows: T[]) => new Map(rows.map((r) => [r.channel, r]));
  type Group = Record<string, number> & { kind: string; key: string };
  const groups = grouped.rows as Group[];
  const acq = new Map(groups.filter((g) => g.kind === 'first').map((g) => [g.key, g]));
  const last = new Map(groups.filter((g) => g.kind === 'last').map((g) => [g.key, g]));
  // Organic new customers per day: all who joined that day minus the attributed.
  const days = new Map(joined.rows.map((r) => [r.day, r.n]));
  for (const g of groups) if (g.kind === 'day') days.set(g.key, (days.get(g.key) ?? 0) - g['all_days']!);
  const sp = by(spend.rows);
  const brandRows = brand.rows as ((typeof brand.rows)[number] & {
    search_sum: number | null;
    visits_sum: number | null;
  })[];
  const metrics: Metrics[] = channels.map((c) => {
    const a = acq.get(c.key);
    const n = a?.['n'] ?? 0;
    const s = sp.get(c.key);
    const cost = s?.cost ?? 0;
    const aum = a?.['aum'] ?? 0;
    const inside = brandRows.find((b) => b.channel === c.key && b.inside);
    const before = brandRows.find((b) => b.channel === c.key && !b.inside);
    const indices = (['search', 'visits', 'awareness'] as const)
      .map((k) => (inside?.[k] != null && before?.[k] ? inside[k]! / before[k]! : null))
      .filter((x): x is number => x !== null);
    const referrals = a?.['referrals'] ?? 0;
    return {
      impressions: s?.impressions ?? 0,
      clicks: s?.clicks ?? 0,
      ctr: ratio(s?.clicks ?? 0, s?.impressions ?? 0),
      newCustomers: n,
      newCustomersLastTouch: last.get(c.key)?.n ?? 0,
      retention30dRate: ratio(a?.['retained30'] ?? 0, a?.['eligible30'] ?? 0),
      retention90dRate: ratio(a?.['retained90'] ?? 0, a?.['eligible90'] ?? 0),
      activationRate: ratio(a?.['activated'] ?? 0, n),
      aum,
      aumPerCustomer: ratio(aum, n),
      firstPurchaseRate: ratio(a?.['purchased'] ?? 0, n),
      stageReachedRate: run.lifecycle_as_of === null ? null : ratio(a?.['reached'] ?? 0, n),
      cost,
      cpa: ratio(cost, n),
      costPerActive: ratio(cost, a?.['activated'] ?? 0),
      costPer10kAum: ratio(cost, aum / 10_000),
      brandedSearch: inside?.search_sum ?? null,
      directVisits: inside?.visits_sum ?? null,
      awareness: inside?.awareness ?? null,
      brandIndex: indices.length ? (100 * indices.reduce((x, y) => x + y, 0)) / indices.length : null,
      referrals,
      referralRate: ratio(referrals, n),
      organicLift: s?.first_day && s.last_day ? organicLift(days, s.first_day, s.last_day) : null,
    };
  });
  const scores = dimensionScores(metrics);
  let organic = 0;
  for (const [day, count] of days) if (day >= from && day <= to) organic += count;
  const freshness = through.rows[0];
  return ok({
    from,
    to,
    windowDays,
    timeZone: deps.clock.timeZone,
    freshness: {
      attributionComputedAt: new Date(run.computed_at).toISOString(),
      dataThrough: run.data_through,
      lifecycleAsOf: run.lifecycle_as_of,
      spendThrough: freshness?.spend ?? null,
      brandThrough: freshness?.brand ?? null,
    },
    dimensions: DIMENSIONS.map((key) => ({ key, definition: DIMENSION_DEFINITIONS[key] })),
    metrics: (Object.keys(METRICS) as MetricKey[]).map((key) => ({
      key,
      dimension: METRICS[key],
      definition: METRIC_DEFINITIONS[key],
    })),
    channels: channels.map((channel, i) => ({ channel, metrics: metrics[i]!, scores: scores[i]! })),
    organicNewCustomers: organic,
    elapsedMs: Math.round(performance.now() - t0),
  });
}

/**
 * Organic new customers per day over [first, last] against the same number of days just before `first`, − 1;
 * null when the baseline has none.
 */
export function organicLift(days: ReadonlyMap<string, number>, first: string, last: string): number | null {
  const span = calendarDayNumber(last)! - calendarDayNumber(first)! + 1;
  let during = 0;
  let before = 0;
  for (let i = 0; i < span; i++) {
    during += days.get(shiftDay(first, i)) ?? 0;
    before += days.get(shiftDay(first, -1 - i)) ?? 0;
  }
  return before > 0 ? during / before - 1 : null;
}
