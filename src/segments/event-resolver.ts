import { TZ, withinDaysSql } from '../store/events/business-day.ts';
import type { EventStore, QueryParams } from '../store/events/store.ts';
import { fromSorted, RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../shared/bitmap.ts';
import type { EventResolver } from './evaluate.ts';
import { eventConditionKey, type EventCondition } from './predicate.ts';
import type { PropertyPredicate, Scalar } from './rule.ts';
import { NOT_BANK_MESSAGE_SQL } from '../shared/bank-messages.ts';

// Event conditions of segment rules, answered by the event store in ClickHouse SQL over events_dedup (a re-sent
// event id counts once). Days are the bank's business days of `time` (FLYWHEEL_TIMEZONE), as everywhere else. The semantics
// are those of src/segments/README.md and of the row-by-row oracle (test/support/segments-reference.ts): a missing or null property matches
// nothing; `eq`/`in` need the same JSON type (5 ≠ "5"); `ne` matches any present value that is not equal; order
// comparisons apply between two numbers or two strings only; a sum adds the numeric values of the property.

const NUMERIC = `('Int64', 'UInt64', 'Double')`;

/**
 * The SQL (and its bound parameters) selecting the customers that satisfy one event condition, its days cut in
 * `timeZone`.
 */
export function eventConditionSql(
  condition: EventCondition,
  timeZone: string,
): { sql: string; params: QueryParams } {
  const params: Record<string, string | number> = { event: condition.event, tz: timeZone };
  let n = 0;
  const bind = (value: string | number, type: 'String' | 'Float64'): string => {
    const name = `p${n++}`;
    params[name] = value;
    return `{${name}:${type}}`;
  };
  const filters = ['event = {event:String}', 'customer_id > 0'];
  if (condition.from !== null)
    filters.push(`time >= toDateTime64(${bind(condition.from, 'String')}, 3, ${TZ})`);
  if (condition.to !== null)
    filters.push(`time < toDateTime64(${bind(condition.to, 'String')}, 3, ${TZ}) + INTERVAL 1 DAY`);
  for (const [key, predicate] of Object.entries(condition.where)) {
    filters.push(propertySql(bind(key, 'String'), predicate, bind));
  }
  const measure =
    condition.measure.kind === 'count'
      ? 'count()'
      : (() => {
          const p = bind(condition.measure.property, 'String');
          return `sum(if(JSONType(properties, ${p}) IN ${NUMERIC}, JSONExtractFloat(properties, ${p}), 0))`;
        })();
  const having: string[] = [];
  const h = condition.having;
  if (h.lo !== -Infinity) having.push(`${measure} ${h.loInclusive ? '>=' : '>'} ${bind(h.lo, 'Float64')}`);
  if (h.hi !== Infinity) having.push(`${measure} ${h.hiInclusive ? '<=' : '<'} ${bind(h.hi, 'Float64')}`);
  const sql =
    `SELECT arraySort(groupArray(customer_id)) AS ids FROM (` +
    `SELECT customer_id FROM events_dedup WHERE ${filters.join(' AND ')} GROUP BY customer_id` +
    (having.length > 0 ? ` HAVING ${having.join(' AND ')}` : '') +
    `)`;
  return { sql, params };
}

/** One property condition; `key` is the bound parameter holding the property name. */
export function propertySql(
  key: string,
  p: PropertyPredicate,
  bind: (value: string | number, type: 'String' | 'Float64') => string,
): string {
  const type = `JSONType(properties, ${key})`;
  const num = `JSONExtractFloat(properties, ${key})`;
  const str = `JSONExtractString(properties, ${key})`;
  const equals = (v: Scalar): string =>
    typeof v === 'number'
      ? `(${type} IN ${NUMERIC} AND ${num} = ${bind(v, 'Float64')})`
      : typeof v === 'string'
        ? `(${type} = 'String' AND ${str} = ${bind(v, 'String')})`
        : `(${type} = 'Bool' AND JSONExtractBool(properties, ${key}) = ${v ? 1 : 0})`;
  const compare = (op: string, v: number | string): string =>
    typeof v === 'number'
      ? `(${type} IN ${NUMERIC} AND ${num} ${op} ${bind(v, 'Float64')})`
      : `(${type} = 'String' AND ${str} ${op} ${bind(v, 'String')})`;
  const parts = [`${type} != 'Null'`];
  if (p.eq !== undefined) parts.push(equals(p.eq));
  if (p.ne !== undefined) parts.push(`NOT ${equals(p.ne)}`);
  if (p.in !== undefined) parts.push(`(${p.in.map(equals).join(' OR ')})`);
  if (p.contains !== undefined)
    parts.push(`(${type} = 'String' AND position(${str}, ${bind(p.contains, 'String')}) > 0)`);
  if (p.gt !== undefined) parts.push(compare('>', p.gt));
  if (p.gte !== undefined) parts.push(compare('>=', p.gte));
  if (p.lt !== undefined) parts.push(compare('<', p.lt));
  if (p.lte !== undefined) parts.push(compare('<=', p.lte));
  return `(${parts.join(' AND ')})`;
}

/** Runs a query of the form `SELECT arraySort(groupArray(customer_id)) AS ids …` into a frozen bitmap. */
async function idsBitmap(events: EventStore, sql: string, params: QueryParams): Promise<RoaringBitmap32> {
  const rows = await events.query<{ ids: number[] }>(sql, params);
  return fromSorted(Uint32Array.from(rows[0]?.ids ?? [])).freeze();
}

export interface ResolverOptions {
  /** The bank's time zone: the days of `from`/`to` and `within_days` are cut in it. */
  readonly timeZone: string;
  /** How long an answer is reused for the same condition (default 30 s): the builder previews as the user types. */
  readonly ttlMs?: number;
  /** Answers kept (default 64). */
  readonly size?: number;
}

/** An EventResolver over the event store, reusing recent answers for equal conditions. */
export function createEventResolver(events: EventStore, options: ResolverOptions): EventResolver {
  const ttl = options.ttlMs ?? 30_000;
  const size = options.size ?? 64;
  const recent = new Map<string, { at: number; answer: Promise<ReadonlyRoaringBitmap32> }>();
  return (condition) => {
    const key = eventConditionKey(condition);
    const now = performance.now();
    const hit = recent.get(key);
    if (hit && now - hit.at < ttl) return hit.answer;
    const { sql, params } = eventConditionSql(condition, options.timeZone);
    const answer = idsBitmap(events, sql, params);
    recent.delete(key);
    recent.set(key, { at: now, answer });
    answer.catch(() => recent.delete(key)); // a failure is not remembered
    if (recent.size > size) recent.delete(recent.keys().next().value!);
    return answer;
  };
}

/** Customers with at least one behaviour event on the business days [from, to] (cut in `timeZone`). */
export function activeCustomers(
  events: EventStore,
  days: { from: string; to: string; timeZone: string },
): Promise<RoaringBitmap32> {
  return idsBitmap(
    events,
    `SELECT arraySort(groupArray(customer_id)) AS ids FROM (SELECT DISTINCT customer_id FROM events_dedup ` +
      `WHERE customer_id > 0 AND ${NOT_BANK_MESSAGE_SQL} AND ${withinDaysSql('time', '{from:String}', '{to:String}')})`,
    { from: days.from, to: days.to, tz: days.timeZone },
  );
}

/** Event names and the property keys seen on them (over the 30 days up to the latest event), for rule builders. */
export async function eventCatalogue(events: EventStore): Promise<{ name: string; properties: string[] }[]> {
  const [names, keys] = await Promise.all([
    events.query<{ name: string }>('SELECT DISTINCT event AS name FROM events ORDER BY name'),
    events.query<{ name: string; properties: string[] }>(
      `SELECT event AS name, arraySort(groupUniqArrayArray(200)(JSONExtractKeys(properties))) AS properties
         FROM (SELECT event, properties FROM events
                WHERE time >= (SELECT max(time) FROM events) - INTERVAL 30 DAY LIMIT 2000 BY event)
        GROUP BY event`,
    ),
  ]);
  const byName = new Map(keys.map((k) => [k.name, k.properties]));
  return names.map((n) => ({ name: n.name, properties: byName.get(n.name) ?? [] }));
}
