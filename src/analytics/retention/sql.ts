import { propertySql } from '../../segments/event-resolver.ts';
import type { PropertyPredicate } from '../../segments/rule.ts';
import type { BusinessCalendar } from '../../shared/clock.ts';
import { daySql } from '../../store/events/business-day.ts';
import { CUSTOMER_TRANSACTION_KINDS, type QueryParams } from '../../store/events/store.ts';
import {
  addPeriods,
  dayNumber,
  dayText,
  periodDiffSql,
  periodStart,
  periodStartSql,
  type ChurnDefinition,
  type RetentionDefinition,
} from './definition.ts';
import { NOT_BANK_MESSAGE_SQL } from '../../shared/bank-messages.ts';

// Retention and churn in ClickHouse SQL over the *_dedup views (a re-sent id counts once). Each query has a count
// form (everything aggregated in the store) and a bitmap form (a groupBitmap state per cell, for populations and
// group breakdowns held as bitmaps in Node). Days are the bank's business days: day numbers are calendar days, their
// bounds become instants at the bank's midnight (`calendar.startOf`), and an event's day is toDate(time, {tz}).

export interface BuiltSql {
  readonly sql: string;
  readonly params: QueryParams;
}

type Binder = (value: string | number, type: 'String' | 'Float64') => string;

function binder(params: Record<string, string | number | readonly (string | number)[]>): Binder {
  let n = 0;
  return (value, type) => {
    const name = `p${n++}`;
    params[name] = value;
    return `{${name}:${type}}`;
  };
}

function eventCondition(
  bind: Binder,
  spec: { kind: 'any_event' } | { kind: 'event'; event: string; where?: Record<string, unknown> | undefined },
): string {
  // Any event of the customer's own: the bank's messages to them are not a return.
  if (spec.kind === 'any_event') return NOT_BANK_MESSAGE_SQL;
  const parts = [`event = ${bind(spec.event, 'String')}`];
  for (const [key, value] of Object.entries(spec.where ?? {})) {
    const predicate = (typeof value === 'object' ? value : { eq: value }) as PropertyPredicate;
    parts.push(propertySql(bind(key, 'String'), predicate, bind));
  }
  return `(${parts.join(' AND ')})`;
}

/** Whether every start occurrence is also a return (any event returns, or the same event with the same filter). */
export function startIsReturn(def: RetentionDefinition): boolean {
  if (def.start.kind === 'first_purchase') return false;
  if (def.return.kind === 'any_event') return true;
  return (
    def.start.kind === 'event' &&
    def.start.event === def.return.event &&
    JSON.stringify(def.start.where ?? {}) === JSON.stringify(def.return.where ?? {})
  );
}

/** Day numbers of the cohort range and of the end of the last observed period (exclusive). */
export function retentionSpan(def: RetentionDefinition): { from: number; toEnd: number; returnEnd: number } {
  const from = dayNumber(def.from);
  const toEnd = dayNumber(def.to) + 1;
  const returnEnd = addPeriods(periodStart(toEnd - 1, def.period), def.period, def.periods);
  return { from, toEnd, returnEnd };
}

/** The instant (ms) business day number `day` starts at in the bank's zone. */
const startMs = (calendar: BusinessCalendar, day: number) => calendar.startOf(dayText(day)).getTime();

/**
 * Per customer whose first start occurrence falls in [from, to]: its cohort (period start, day number) and the
 * offsets of the periods with a return (offset 0 only for a return at or after the start), plus offset −1 for
 * membership (so a customer without returns still counts in the cohort size). Then either counts per (cohort, offset)
 * or groupBitmap states. Days and periods are cut in `calendar`'s zone.
 */
export function retentionSql(
  def: RetentionDefinition,
  form: 'count' | 'bitmap',
  calendar: BusinessCalendar,
): BuiltSql {
  const params: Record<string, string | number | readonly (string | number)[]> = { tz: calendar.timeZone };
  const bind = binder(params);
  const { from, toEnd, returnEnd } = retentionSpan(def);
  params['fromMs'] = startMs(calendar, from);
  params['toEndMs'] = startMs(calendar, toEnd);
  params['returnEndMs'] = startMs(calendar, returnEnd);
  params['n'] = def.periods;
  const ms = (name: string) => `fromUnixTimestamp64Milli({${name}:Int64}, 'UTC')`;
  const ret = eventCondition(bind, def.return);
  const period = periodStartSql('time', def.period);
  const exact = !startIsReturn(def);
  // In the cohort's own period only a return at or after the start counts. When the start event is itself a return,
  // that holds by construction and the periods with a return suffice; otherwise each period keeps its latest return
  // time (maxMap, about 4x the CPU of groupUniqArray on the benchmark's data).
  const returnPeriods = exact
    ? `maxMapIf([${period}], [toUnixTimestamp64Milli(time)], ${ret} AND time >= ${ms('fromMs')})`
    : `groupUniqArrayIf(${period}, ${ret} AND time >= ${ms('fromMs')})`;
  let perCustomer: string;
  if (def.start.kind === 'first_purchase') {
    // The first purchase over all history decides the cohort; returns come from behaviour events.
    perCustomer =
      `SELECT s.customer_id AS customer_id, s.t0 AS t0, r.ps AS ps FROM (` +
      `SELECT customer_id, min(time) AS t0 FROM transactions_dedup WHERE customer_id > 0 AND kind = 'purchase' ` +
      `AND time < ${ms('toEndMs')} GROUP BY customer_id HAVING t0 >= ${ms('fromMs')}) AS s ` +
      `LEFT JOIN (SELECT customer_id, ${returnPeriods} AS ps FROM events_dedup WHERE customer_id > 0 ` +
      `AND time >= ${ms('fromMs')} AND time < ${ms('returnEndMs')} GROUP BY customer_id) AS r ` +
      `ON s.customer_id = r.customer_id`;
  } else {
    const start = eventCondition(bind, def.start);
    // The first occurrence over all history (no lower time bound), in the same pass as the returns.
    perCustomer =
      `SELECT customer_id, minIf(time, ${start}) AS t0, ${returnPeriods} AS ps FROM events_dedup ` +
      `WHERE customer_id > 0 AND time < ${ms('returnEndMs')} GROUP BY customer_id ` +
      `HAVING countIf(${start}) > 0 AND t0 >= ${ms('fromMs')} AND t0 < ${ms('toEndMs')}`;
  }
  const cohort = periodStartSql('t0', def.period);
  const offsets =
    `arrayJoin(arrayPushFront(arrayFilter(o -> o >= 0 AND o < {n:Int32}, ` +
    (exact
      ? `arrayMap((p, t) -> if(p = c AND t < toUnixTimestamp64Milli(t0), -1, ${periodDiffSql('c', 'p', def.period)}), ps.1, ps.2)), -1))`
      : `arrayMap(p -> ${periodDiffSql('c', 'p', def.period)}, ps)), -1))`);
  const measure =
    form === 'count'
      ? 'count() AS n'
      : `base64Encode(toString(groupBitmapState(toUInt32(customer_id)))) AS b`;
  const sql =
    `SELECT c AS cohort, off, ${measure} FROM (SELECT customer_id, ${cohort} AS c, ${offsets} AS off ` +
    `FROM (${perCustomer})) GROUP BY cohort, off ORDER BY cohort, off`;
  return { sql, params };
}

/**
 * Per period [s, e): the customers active in the D days before s (at risk) and, of those, the ones with no activity
 * in the D days before e (churned during the period). `starts`/`ends` are day numbers of business days in `calendar`.
 */
export function churnSql(
  def: ChurnDefinition,
  starts: readonly number[],
  ends: readonly number[],
  form: 'count' | 'bitmap',
  calendar: BusinessCalendar,
): BuiltSql {
  const params: Record<string, string | number | readonly (string | number)[]> = {
    starts: [...starts],
    ends: [...ends],
    d: def.days,
    lowMs: startMs(calendar, Math.min(...starts) - def.days),
    highMs: startMs(calendar, Math.max(...ends)),
    tz: calendar.timeZone,
  };
  const bind = binder(params);
  const source =
    def.activity.kind === 'transaction'
      ? {
          table: 'transactions_dedup',
          cond: `kind IN ${bindList(params, 'kinds', def.activity.kinds ?? [...CUSTOMER_TRANSACTION_KINDS])}`,
        }
      : {
          table: 'events_dedup',
          cond: def.activity.event ? `event = ${bind(def.activity.event, 'String')}` : '1',
        };
  const days =
    `SELECT customer_id, groupUniqArray(toInt32(${daySql('time')})) AS ds FROM ${source.table} ` +
    `WHERE customer_id > 0 AND ${source.cond} AND time >= fromUnixTimestamp64Milli({lowMs:Int64}, 'UTC') ` +
    `AND time < fromUnixTimestamp64Milli({highMs:Int64}, 'UTC') GROUP BY customer_id`;
  const flags =
    `SELECT customer_id, i, arrayExists(x -> x >= s - {d:Int32} AND x < s, ds) AS a, ` +
    `NOT arrayExists(x -> x >= e - {d:Int32} AND x < e, ds) AS gone FROM (${days}) ` +
    `ARRAY JOIN arrayEnumerate({starts:Array(Int32)}) AS i, {starts:Array(Int32)} AS s, {ends:Array(Int32)} AS e`;
  const measure =
    form === 'count'
      ? 'countIf(a) AS active, countIf(a AND gone) AS churned'
      : `base64Encode(toString(groupBitmapStateIf(toUInt32(customer_id), a))) AS active, ` +
        `base64Encode(toString(groupBitmapStateIf(toUInt32(customer_id), a AND gone))) AS churned`;
  return { sql: `SELECT i, ${measure} FROM (${flags}) GROUP BY i ORDER BY i`, params };
}

function bindList(
  params: Record<string, string | number | readonly (string | number)[]>,
  name: string,
  values: readonly string[],
): string {
  params[name] = [...values];
  return `{${name}:Array(String)}`;
}
