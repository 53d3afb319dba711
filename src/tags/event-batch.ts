import { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { EventCondition, Interval } from '../segments/predicate.ts';
import type { PropertyPredicate, Scalar } from '../segments/rule.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import { daySql } from '../store/events/business-day.ts';
import type { EventStore } from '../store/events/store.ts';
import { bitmapAggregate, decodeGroupBitmap, queryBitmaps } from './ch-bitmap.ts';
import { NOT_BANK_MESSAGE_SQL } from '../shared/bank-messages.ts';

// Every event question of one computation, answered with as few scans of the events table as possible: "did the
// customer do X in the window" for all conditions at once in one pass (a groupBitmapStateIf per condition, no
// per-customer state), and the counted or summed ones in one GROUP BY customer_id pass that buckets each measure
// into values inside ClickHouse. Results come back as bitmaps. If a batched query fails, each item is retried on
// its own so that one faulty tag does not fail the others.
//
// Days are the bank's business days of the event time (FLYWHEEL_TIMEZONE, bound as {tz:String}), as everywhere.

/** Which events to look at: a name (null: every event), an inclusive day window and property conditions. */
export interface EventFilter {
  readonly event: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly where: Readonly<Record<string, PropertyPredicate>>;
}

/** What is measured per customer over the matching events. */
export type Measure = { readonly kind: 'count' } | { readonly kind: 'sum'; readonly property: string };

/** A band of the measure: [min, max). */
export interface Band {
  readonly value: string;
  readonly min?: number | undefined;
  readonly max?: number | undefined;
}

/** Members of a rule's event condition: `members` lie in `having`; `any` did at least one matching event. */
export interface ConditionResult {
  readonly members: RoaringBitmap32;
  readonly any: RoaringBitmap32;
}

/** Customers with at least one matching event, per band of their measure; `any` is the union. */
export interface BandResult {
  readonly byValue: Map<string, RoaringBitmap32>;
  readonly any: RoaringBitmap32;
}

type Item =
  | { kind: 'condition'; key: string; filter: EventFilter; measure: Measure; having: Interval }
  | { kind: 'bands'; key: string; filter: EventFilter; measure: Measure; bands: readonly Band[] };

/** Parameters of one query, bound server-side; `tz` is the bank's time zone the days are cut in. */
class Params {
  readonly values: Record<string, string | number>;
  #n = 0;
  constructor(timeZone: string) {
    this.values = { tz: timeZone };
  }
  add(value: Scalar, type?: 'String' | 'Float64'): string {
    const name = `p${this.#n++}`;
    if (typeof value === 'boolean') {
      this.values[name] = value ? 1 : 0;
      return `{${name}:UInt8}`;
    }
    this.values[name] = value;
    return `{${name}:${type ?? (typeof value === 'number' ? 'Float64' : 'String')}}`;
  }
}

/** The SQL of an event filter over `events_dedup` columns. */
function filterSql(filter: EventFilter, params: Params): string {
  const parts: string[] = [];
  // "Every event" means the customer's own activity: the bank's messages to them are not.
  parts.push(filter.event !== null ? `event = ${params.add(filter.event, 'String')}` : NOT_BANK_MESSAGE_SQL);
  if (filter.from !== null) parts.push(`${daySql('time')} >= toDate(${params.add(filter.from, 'String')})`);
  if (filter.to !== null) parts.push(`${daySql('time')} <= toDate(${params.add(filter.to, 'String')})`);
  for (const [key, predicate] of Object.entries(filter.where))
    parts.push(propertySql(key, predicate, params));
  return `(${parts.join(' AND ')})`;
}

// A property matches only when present and not null; order comparisons need the same type on both sides
// (see referenceMatchesWhere in test/support/segments-reference.ts, the oracle these semantics follow).
function propertySql(key: string, p: PropertyPredicate, params: Params): string {
  const k = params.add(key, 'String');
  const type = `JSONType(properties, ${k})`;
  const isNumber = `${type} IN ('Int64', 'UInt64', 'Double')`;
  const isString = `${type} = 'String'`;
  const eq = (v: Scalar) =>
    typeof v === 'number'
      ? `(${isNumber} AND JSONExtractFloat(properties, ${k}) = ${params.add(v)})`
      : typeof v === 'string'
        ? `(${isString} AND JSONExtractString(properties, ${k}) = ${params.add(v)})`
        : `(${type} = 'Bool' AND JSONExtractBool(properties, ${k}) = ${params.add(v)})`;
  const order = (op: string, v: number | string) =>
    typeof v === 'number'
      ? `(${isNumber} AND JSONExtractFloat(properties, ${k}) ${op} ${params.add(v)})`
      : `(${isString} AND JSONExtractString(properties, ${k}) ${op} ${params.add(v)})`;
  const parts = [`${type} != 'Null'`];
  if (p.eq !== undefined) parts.push(eq(p.eq));
  if (p.ne !== undefined) parts.push(`NOT ${eq(p.ne)}`);
  if (p.in !== undefined) parts.push(`(${p.in.map(eq).join(' OR ')})`);
  if (p.contains !== undefined)
    parts.push(
      `(${isString} AND position(JSONExtractString(properties, ${k}), ${params.add(p.contains)}) > 0)`,
    );
  if (p.gt !== undefined) parts.push(order('>', p.gt));
  if (p.gte !== undefined) parts.push(order('>=', p.gte));
  if (p.lt !== undefined) parts.push(order('<', p.lt));
  if (p.lte !== undefined) parts.push(order('<=', p.lte));
  return `(${parts.join(' AND ')})`;
}

function intervalSql(x: string, i: Interval): string {
  const parts: string[] = [];
  if (i.lo !== -Infinity) parts.push(`${x} ${i.loInclusive ? '>=' : '>'} ${i.lo}`);
  if (i.hi !== Infinity) parts.push(`${x} ${i.hiInclusive ? '<=' : '<'} ${i.hi}`);
  return parts.length === 0 ? '1' : parts.join(' AND ');
}

const bandSql = (x: string, b: Band) =>
  [b.min !== undefined ? `${x} >= ${b.min}` : '', b.max !== undefined ? `${x} < ${b.max}` : '']
    .filter(Boolean)
    .join(' AND ') || '1';

/** True when the answer only depends on "at least one matching event" (no per-customer counting needed). */
function existenceOnly(item: Item): boolean {
  if (item.measure.kind !== 'count') return false;
  if (item.kind === 'condition') {
    const h = item.having;
    return (
      h.hi === Infinity && (h.lo === 1 ? h.loInclusive : h.lo > 0 ? false : h.lo === 0 && !h.loInclusive)
    );
  }
  // every band either holds all counts ≥ 1 or none of them
  return item.bands.every(
    (b) =>
      (b.max === undefined && (b.min === undefined || b.min <= 1)) || (b.max !== undefined && b.max <= 1),
  );
}

/** Collects event questions, answers them in batched queries, and hands out the results. */
export class EventBatch {
  readonly #events: EventStore;
  readonly #timeZone: string;
  readonly #items = new Map<string, Item>();
  readonly #results = new Map<string, Result<ConditionResult | BandResult, string>>();

  /** Questions to `events`, their days cut in the bank's `timeZone`. */
  constructor(events: EventStore, timeZone: string) {
    this.#events = events;
    this.#timeZone = timeZone;
  }

  /** Asks a rule's event condition (keyed by eventConditionKey). */
  addCondition(key: string, c: EventCondition): void {
    const filter = { event: c.event, from: c.from, to: c.to, where: c.where };
    this.#items.set(`c:${key}`, {
      kind: 'condition',
      key: `c:${key}`,
      filter,
      measure: c.measure,
      having: c.having,
    });
  }

  /** Asks an event tag's bands (keyed by tag key). */
  addBands(key: string, filter: EventFilter, measure: Measure, bands: readonly Band[]): void {
    this.#items.set(`b:${key}`, { kind: 'bands', key: `b:${key}`, filter, measure, bands });
  }

  /** The answer to a condition, or why the event store could not give it. */
  condition(key: string): Result<ConditionResult, string> {
    return (this.#results.get(`c:${key}`) ?? err('not asked')) as Result<ConditionResult, string>;
  }

  /** The answer to an event tag's bands. */
  bands(key: string): Result<BandResult, string> {
    return (this.#results.get(`b:${key}`) ?? err('not asked')) as Result<BandResult, string>;
  }

  /** Runs every question: one existence pass and one aggregate pass, each item alone when its batch fails. */
  async run(): Promise<void> {
    const items = [...this.#items.values()];
    const existence = items.filter(existenceOnly);
    const aggregates = items.filter((i) => !existenceOnly(i));
    await Promise.all([
      this.#guarded(existence, (batch) => this.#existence(batch)),
      this.#guarded(aggregates, (batch) => this.#aggregates(batch)),
    ]);
  }

  async #guarded(items: Item[], run: (batch: Item[]) => Promise<void>): Promise<void> {
    if (items.length === 0) return;
    try {
      await run(items);
    } catch (error) {
      if (items.length === 1) {
        this.#results.set(items[0]!.key, err(error instanceof Error ? error.message : String(error)));
        return;
      }
      for (const item of items) await this.#guarded([item], run);
    }
  }

  async #existence(items: Item[]): Promise<void> {
    const params = new Params(this.#timeZone);
    const filters = items.map((i) => filterSql(i.filter, params));
    const columns = filters.map((f, n) => `${bitmapAggregate('customer_id', f)} AS b${n}`);
    const rows = await this.#events.query<Record<string, string>>(
      `SELECT ${columns.join(', ')} FROM events_dedup WHERE customer_id > 0 AND (${filters.join(' OR ')})`,
      params.values,
    );
    items.forEach((item, n) => {
      const any = decodeGroupBitmap(rows[0]?.[`b${n}`] ?? '');
      if (item.kind === 'condition') {
        this.#results.set(item.key, ok({ members: any, any }));
      } else {
        const byValue = new Map<string, RoaringBitmap32>();
        // the first band holding counts ≥ 1 gets everyone with an event; zero bands are added by the caller
        const positive = item.bands.find((b) => b.max === undefined && (b.min === undefined || b.min <= 1));
        for (const b of item.bands)
          byValue.set(b.value, b === positive ? any.clone() : new RoaringBitmap32());
        this.#results.set(item.key, ok({ byValue, any }));
      }
    });
  }

  async #aggregates(items: Item[]): Promise<void> {
    const params = new Params(this.#timeZone);
    const measures: string[] = [];
    const pairs: string[] = [];
    const filters: string[] = [];
    items.forEach((item, n) => {
      const f = filterSql(item.filter, params);
      filters.push(f);
      measures.push(`countIf(${f}) AS n${n}`);
      let m = `n${n}`;
      if (item.measure.kind === 'sum') {
        const p = params.add(item.measure.property, 'String');
        const numeric = `JSONType(properties, ${p}) IN ('Int64', 'UInt64', 'Double')`;
        measures.push(`sumIf(JSONExtractFloat(properties, ${p}), ${f} AND ${numeric}) AS m${n}`);
        m = `m${n}`;
      }
      const value =
        item.kind === 'condition'
          ? `if(${intervalSql(m, item.having)}, 'in', 'out')`
          : `multiIf(${item.bands.map((b) => `${bandSql(m, b)}, '${b.value}'`).join(', ')}, '~')`;
      pairs.push(`if(n${n} > 0, (${n}, ${value}), (-1, ''))`);
    });
    const query = `SELECT toString(pair.1) AS k, pair.2 AS v, ${bitmapAggregate('customer_id')} AS b FROM (
        SELECT customer_id, ${measures.join(', ')} FROM events_dedup
         WHERE customer_id > 0 AND (${filters.join(' OR ')}) GROUP BY customer_id
      ) ARRAY JOIN arrayFilter(x -> x.1 >= 0, [${pairs.join(', ')}]) AS pair
      GROUP BY k, v`;
    const found = await queryBitmaps(this.#events, query, params.values);
    items.forEach((item, n) => {
      const values = found.get(String(n)) ?? new Map<string, RoaringBitmap32>();
      const any = RoaringBitmap32.orMany([...values.values()]);
      if (item.kind === 'condition') {
        this.#results.set(item.key, ok({ members: values.get('in') ?? new RoaringBitmap32(), any }));
      } else {
        const byValue = new Map(
          item.bands.map((b) => [b.value, values.get(b.value) ?? new RoaringBitmap32()]),
        );
        this.#results.set(item.key, ok({ byValue, any }));
      }
    });
  }
}
