import type { Breakdown } from '../../contracts/population.ts';
import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import type { SegmentIndexEntry } from '../../segments/index-cache.ts';
import { formatDay, parseDay } from '../../segments/predicate.ts';
import type { SegmentService } from '../../segments/service.ts';
import type { Bilingual } from '../../segments/tag-source.ts';
import type { Clock } from '../../shared/clock.ts';
import { err, ok } from '../../shared/errors.ts';
import { daySql, withinDaysSql } from '../../store/events/business-day.ts';
import type { EventStore } from '../../store/events/store.ts';
import {
  populationView,
  resolvePopulation,
  type AnalysisResult,
  type PopulationInput,
  type PopulationView,
} from '../lifecycle/population.ts';
import { bitmapParamSql, groupBitmapState } from './bitmap-param.ts';

// The trend of one metric by day, week or month of the bank's business days (FLYWHEEL_TIMEZONE), optionally broken down by a tag (the tag snapshot of the segment
// index of the last day), an attribute or saved segments. One ClickHouse query over the table where the metric lives;
// the population and the groups travel as groupBitmap states (bitmap-param.ts), so no customer list crosses the wire.

export const TREND_METRICS = [
  'customers',
  'aum',
  'active_customers',
  'events',
  'transaction_amount',
] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];
export const TREND_INTERVALS = ['day', 'week', 'month'] as const;
export type TrendInterval = (typeof TREND_INTERVALS)[number];

export interface TrendOptions extends PopulationInput {
  readonly metric: TrendMetric;
  readonly interval?: TrendInterval | undefined;
  /** Default: 90 days before `to`. */
  readonly from?: string | undefined;
  /** Default: today. */
  readonly to?: string | undefined;
  /** events / active_customers: only this event name. */
  readonly event?: string | undefined;
  /** transaction_amount: only this transaction kind. */
  readonly kind?: string | undefined;
  readonly breakdown?: Breakdown | undefined;
  /** Groups kept (largest first); the rest are "other". Default 5, at most 20. */
  readonly top?: number | undefined;
}

export interface TrendSeries {
  /** Group key ('all' without a breakdown, 'other' for the rest). */
  readonly key: string;
  readonly label: Bilingual;
  /** Customers of the population in the group (null for 'all' and 'other'). */
  readonly customers: number | null;
  /** One value per period (0 where the group has none). */
  readonly values: number[];
}

export interface MetricTrend {
  readonly metric: TrendMetric;
  readonly interval: TrendInterval;
  readonly from: string;
  readonly to: string;
  /** The bank's time zone: events and transactions count on its business days (balances are per business day). */
  readonly timeZone: string;
  readonly event: string | null;
  readonly kind: string | null;
  readonly breakdown: Breakdown | null;
  readonly population: PopulationView;
  /** The first day of each period with data, ascending ('YYYY-MM-DD'; weeks start on Monday). */
  readonly periods: string[];
  /** customers and aum: the day whose balances stand for each period (its latest day with balances). */
  readonly stockDays: string[] | null;
  readonly series: TrendSeries[];
  /** Sum of the series per period (for customers and active customers: distinct customers, not a sum). */
  readonly totals: number[];
  readonly computedAt: string;
  readonly elapsedMs: number;
}

/** Most days one trend covers. */
export const MAX_TREND_DAYS = 732;
const PERIOD: Record<TrendInterval, string> = { day: 'toDate', week: 'toMonday', month: 'toStartOfMonth' };

interface Group {
  readonly key: string;
  readonly label: Bilingual;
  readonly members: RoaringBitmap32;
}

/** The trend of a metric over [from, to] by interval, for the bank or a population, with an optional breakdown. */
export async function metricTrend(
  deps: { segments: SegmentService; events: EventStore; clock: Clock },
  options: TrendOptions,
): Promise<AnalysisResult<MetricTrend>> {
  const started = performance.now();
  const interval = options.interval ?? 'day';
  const to = options.to ?? deps.segments.today();
  const from = options.from ?? formatDay(parseDay(to)! - 89);
  const span = parseDay(to)! - parseDay(from)! + 1;
  if (span < 1) return err({ code: 'bad_request', message: `from (${from}) is after to (${to})` });
  if (span > MAX_TREND_DAYS)
    return err({ code: 'bad_request', message: `at most ${MAX_TREND_DAYS} days per trend (asked ${span})` });
  if (options.event !== undefined && !['events', 'active_customers'].includes(options.metric))
    return err({ code: 'bad_request', message: 'event applies to the metrics events and active_customers' });
  if (options.kind !== undefined && options.metric !== 'transaction_amount')
    return err({ code: 'bad_request', message: 'kind applies to the metric transaction_amount' });
  const population = await resolvePopulation(deps.segments, options, to);
  if (!population.ok) return population;
  const members = population.value.members;
  let groups: Group[] = [];
  if (options.breakdown) {
    const entry = population.value.entry ?? (await deps.segments.entry(to));
    const found = await breakdownGroups(deps.segments, entry, options.breakdown);
    if (!found.ok) return found;
    groups = topGroups(found.value, members, Math.min(20, Math.max(1, options.top ?? 5)));
  }
  const params: Record<string, string | number> = { from, to, tz: deps.clock.timeZone };
  const filters: string[] = [];
  if (members) {
    params.pop = groupBitmapState(members);
    filters.push(`bitmapContains(${bitmapParamSql('pop')}, toUInt32(customer_id))`);
  }
  groups.forEach((g, i) => (params[`g${i}`] = groupBitmapState(g.members)));
  const groupSql =
    groups.length === 0
      ? '0'
      : `multiIf(${groups.map((_, i) => `bitmapContains(${bitmapParamSql(`g${i}`)}, toUInt32(customer_id)), ${i}`).join(', ')}, ${groups.length})`;
  const query = trendQuery(options, interval, groupSql, filters, params);
  const rows = await deps.events.query<{ p: string; g: number; v: number; d: string }>(query, params);
  // distinct customers do not add up over groups: the totals come from the same query without groups
  const totalsRows =
    groups.length > 0 && ['customers', 'active_customers'].includes(options.metric)
      ? await deps.events.query<{ p: string; g: number; v: number; d: string }>(
          trendQuery(options, interval, '0', filters, params),
          params,
        )
      : null;
  const periods = [...new Set(rows.map((r) => String(r.p)))].sort();
  const at = new Map(periods.map((p, i) => [p, i]));
  const keys: { key: string; label: Bilingual; customers: number | null }[] =
    groups.length === 0
      ? [{ key: 'all', label: { en: 'All', zh: '全部' }, customers: null }]
      : [
          ...groups.map((g) => ({ key: g.key, label: g.label, customers: g.members.size })),
          { key: 'other', label: { en: 'Other', zh: '其他' }, customers: null },
        ];
  const series: TrendSeries[] = keys.map((k) => ({ ...k, values: periods.map(() => 0) }));
  const stock = new Map<string, string>();
  for (const r of rows) {
    const i = at.get(String(r.p))!;
    series[Number(r.g)]!.values[i] = round(Number(r.v));
    if (r.d) stock.set(String(r.p), String(r.d));
  }
  const totals = periods.map((_, i) => round(series.reduce((sum, s) => sum + s.values[i]!, 0)));
  for (const r of totalsRows ?? []) totals[at.get(String(r.p)) ?? -1] = round(Number(r.v));
  for (const g of groups) g.members.dispose();
  return ok({
    metric: options.metric,
    interval,
    from,
    to,
    timeZone: deps.clock.timeZone,
    event: options.event ?? null,
    kind: options.kind ?? null,
    breakdown: options.breakdown ?? null,
    population: populationView(population.value),
    periods,
    stockDays: ['customers', 'aum'].includes(options.metric) ? periods.map((p) => stock.get(p) ?? p) : null,
    series,
    totals,
    computedAt: deps.clock.now().toISOString(),
    elapsedMs: Math.round((performance.now() - started) * 10) / 10,
  });
}

const round = (v: number) => Math.round(v * 100) / 100;

/**
 * The one ClickHouse query of a trend: rows (p = period start, g = group index, v = value, d = stock day); `params`
 * holds `from`, `to` (days) and `tz`, the zone events are cut into days in.
 */
export function trendQuery(
  options: Pick<TrendOptions, 'metric' | 'event' | 'kind'>,
  interval: TrendInterval,
  groupSql: string,
  filters: readonly string[],
  params: Record<string, string | number>,
): string {
  const period = PERIOD[interval];
  const where = [...filters];
  const timeRange = withinDaysSql('time', '{from:String}', '{to:String}');
  switch (options.metric) {
    case 'customers':
    case 'aum': {
      // a stock: each period shows the balances of its latest day with balances
      const value = options.metric === 'customers' ? 'uniqExact(customer_id)' : 'sum(aum)';
      const days =
        `SELECT max(date) FROM customer_daily_dedup ` +
        `WHERE date >= toDate({from:String}) AND date <= toDate({to:String}) GROUP BY ${period}(date)`;
      return (
        `SELECT toString(${period}(date)) AS p, ${groupSql} AS g, toFloat64(${value}) AS v, toString(max(date)) AS d ` +
        `FROM customer_daily_dedup WHERE date IN (${days})${where.map((f) => ` AND ${f}`).join('')} ` +
        `GROUP BY p, g ORDER BY p, g`
      );
    }
    case 'events':
    case 'active_customers': {
      if (options.event !== undefined) {
        params.event = options.event;
        where.push('event = {event:String}');
      }
      if (options.metric === 'active_customers') where.push('customer_id > 0');
      const value = options.metric === 'events' ? 'count()' : 'uniqExact(customer_id)';
      return (
        `SELECT toString(${period}(${daySql('time')})) AS p, ${groupSql} AS g, toFloat64(${value}) AS v, '' AS d ` +
        `FROM events_dedup WHERE ${timeRange}${where.map((f) => ` AND ${f}`).join('')} GROUP BY p, g ORDER BY p, g`
      );
    }
    case 'transaction_amount': {
      if (options.kind !== undefined) {
        params.kind = options.kind;
        where.push('kind = {kind:String}');
      }
      return (
        `SELECT toString(${period}(${daySql('time')})) AS p, ${groupSql} AS g, toFloat64(sum(amount)) AS v, '' AS d ` +
        `FROM transactions_dedup WHERE ${timeRange}${where.map((f) => ` AND ${f}`).join('')} GROUP BY p, g ORDER BY p, g`
      );
    }
  }
}

/** Every group of a breakdown with its members on the entry's index (not yet restricted to the population). */
async function breakdownGroups(
  segments: SegmentService,
  entry: SegmentIndexEntry,
  breakdown: Breakdown,
): Promise<AnalysisResult<Group[]>> {
  const index = entry.index;
  if (breakdown.by === 'tag') {
    const values = index.describe().tags.get(breakdown.tag);
    if (!values)
      return err({ code: 'bad_request', message: `unknown tag ${breakdown.tag} (or no snapshot)` });
    const labels = new Map(entry.base.tagInfo.get(breakdown.tag)?.values.map((v) => [v.value, v.label]));
    return ok(
      values.map((value) => ({
        key: value,
        label: labels.get(value) ?? { en: value, zh: value },
        members: (index.tagValue(breakdown.tag, value) as ReadonlyRoaringBitmap32).clone(),
      })),
    );
  }
  if (breakdown.by === 'attribute') {
    const column = index.attribute(breakdown.attribute);
    if (!column) return err({ code: 'bad_request', message: `unknown attribute ${breakdown.attribute}` });
    if (column.type === 'boolean')
      return ok([
        { key: 'true', label: { en: 'Yes', zh: '是' }, members: column.column.trueBits.clone() },
        { key: 'false', label: { en: 'No', zh: '否' }, members: column.column.falseBits.clone() },
      ]);
    if (column.type !== 'string' || column.column.scans)
      return err({
        code: 'bad_request',
        message: `attribute ${breakdown.attribute} cannot break a trend down: only string attributes with at most 4096 values and booleans can`,
      });
    const c = column.column;
    return ok(
      c.dictionary.map((value) => ({
        key: value,
        label: { en: value, zh: value },
        members: c.select({ kind: 'strings', values: [value], negate: false }),
      })),
    );
  }
  const groups: Group[] = [];
  for (const id of breakdown.segments) {
    const found = await segments.segmentMembers(id, entry.asOf);
    if (!found.ok) return found;
    const name = entry.segments.get(id)?.name ?? id;
    groups.push({ key: id, label: { en: name, zh: name }, members: found.value.bitmap });
  }
  return ok(groups);
}

/** The `top` largest groups within the population (ties by key), each restricted to it; the others are disposed. */
function topGroups(all: Group[], population: ReadonlyRoaringBitmap32 | null, top: number): Group[] {
  const sized = all.map((g) => {
    if (population) g.members.andInPlace(population as RoaringBitmap32);
    return g;
  });
  sized.sort((a, b) => b.members.size - a.members.size || a.key.localeCompare(b.key));
  const kept = sized.slice(0, top).filter((g) => g.members.size > 0);
  for (const g of sized) if (!kept.includes(g)) g.members.dispose();
  return kept;
}
