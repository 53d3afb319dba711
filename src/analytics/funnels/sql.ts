import { propertySql } from '../../segments/event-resolver.ts';
import type { PropertyPredicate } from '../../segments/rule.ts';
import type { BusinessCalendar } from '../../shared/clock.ts';
import { addDays } from '../../shared/day.ts';
import type { QueryParams } from '../../store/events/store.ts';
import { windowMs, type FunnelDefinition } from './definition.ts';

// The funnel in ClickHouse SQL, over events_dedup (a re-sent event id counts once), in three layers:
//
//   rows      one row per event of a step's name from the start of business day `from` (the bank's midnight) to the
//             end of business day `to` + window: its time in ms, one flag per step
//             and the flags as a bit mask
//   customer  per customer with a first-step event in range: one sorted array of (time << 8) | mask (`xs`), split
//             into each step's sorted times a1…an, and the breakdown key (the property of the customer's first
//             first-step event)
//   chains    per first-step event, the greedy chain of the later steps (see `chainsSql`); the customer's level is the
//             deepest chain, and the median times are read from the first chain of that depth
//
// The levels are those of ClickHouse's windowFunnel(window)(ts, c1…cn) (default mode): it sorts a customer's
// (time, step) pairs by time and then by step index, so a next step at the very same millisecond counts as following
// (the UCI file records contact and subscription at one instant), as the chains' `>=` does. The chains are needed for
// the median times anyway, and computing windowFunnel beside them took 4.6 s instead of 2.5 s on the benchmark's 20M
// events for the same answer; `windowFunnelCheckSql` compares the two customer by customer, and the
// tests (fixture, UCI file) and the benchmark assert they never differ.

/** Names of the key sentinel: no breakdown, and a first-step event without the property. */
export const NO_KEY = '';
export const MISSING_KEY = '\u0000';

export interface FunnelSql {
  readonly sql: string;
  readonly params: QueryParams;
}

/** Low bits of a packed event for its step mask (at most 8 steps); times in ms stay far below 2^56. */
const MASK_BITS = 8;

/**
 * Bound parameters and the per-customer query (`withWindowFunnel`: also windowFunnel's level, as `wl`); the range
 * of the first step is cut into business days by `calendar`.
 */
function customerLayer(
  def: FunnelDefinition,
  calendar: BusinessCalendar,
  withWindowFunnel = false,
): {
  sql: string;
  params: Record<string, string | number | string[]>;
} {
  const params: Record<string, string | number | string[]> = {};
  let n = 0;
  const bind = (value: string | number, type: 'String' | 'Float64'): string => {
    const name = `p${n++}`;
    params[name] = value;
    return `{${name}:${type}}`;
  };
  const fromMs = calendar.startOf(def.from).getTime();
  const toEndMs = calendar.startOf(addDays(def.to, 1)).getTime();
  params['fromMs'] = fromMs;
  params['firstEndMs'] = toEndMs;
  const endMs = toEndMs + windowMs(def.window);
  params['endMs'] = endMs;
  params['w'] = windowMs(def.window);
  params['names'] = [...new Set(def.steps.map((s) => s.event))];

  const flags = def.steps.map((step, i) => {
    const parts = [`event = ${bind(step.event, 'String')}`];
    for (const [key, value] of Object.entries(step.where ?? {})) {
      const predicate: PropertyPredicate = typeof value === 'object' ? value : { eq: value };
      parts.push(propertySql(bind(key, 'String'), predicate, bind));
    }
    if (i === 0) parts.push('ts < {firstEndMs:UInt64}');
    return `(${parts.join(' AND ')}) AS c${i + 1}`;
  });
  let keyExpr = `'${NO_KEY}'`;
  if (def.breakdown?.by === 'property') {
    const p = bind(def.breakdown.property, 'String');
    // Strings as they are, numbers and booleans as their JSON text; a missing or null property gets its own key.
    keyExpr =
      `multiIf(JSONType(properties, ${p}) = 'String', JSONExtractString(properties, ${p}), ` +
      `JSONType(properties, ${p}) IN ('Null', 'Nothing'), '${MISSING_KEY}', JSONExtractRaw(properties, ${p}))`;
  }
  const steps = def.steps.map((_, i) => `c${i + 1}`).join(', ');
  // The steps an event matches, as bits (step k = bit k − 1; one event may match several steps).
  const mask = def.steps.map((_, i) => `bitShiftLeft(toUInt64(c${i + 1}), ${i})`).join(' + ');
  const rows =
    `SELECT customer_id, toUInt64(toUnixTimestamp64Milli(time)) AS ts, ${flags.join(', ')}, ${mask} AS m, ${keyExpr} AS k0 ` +
    `FROM events_dedup WHERE customer_id > 0 AND event IN {names:Array(String)} ` +
    `AND time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC') AND time < fromUnixTimestamp64Milli({endMs:Int64}, 'UTC')`;
  // The block layer unless a per-customer state is needed (windowFunnel, a per-customer key) or the range overflows
  // its time bits; otherwise one array state per customer.
  const perCustomerState =
    withWindowFunnel || def.breakdown?.by === 'property' || endMs - fromMs >= 2 ** TIME_BITS - 1;
  if (!perCustomerState) return { sql: blockLayer(rows, def.steps.length), params };
  const check = withWindowFunnel ? `windowFunnel({w:UInt64})(ts, ${steps}) AS wl, ` : '';
  // Without a property breakdown the key is a constant: no per-customer aggregate state for it.
  const key = def.breakdown?.by === 'property' ? 'argMinIf(k0, ts, c1)' : `'${NO_KEY}'`;
  // One array state per customer of (ms << 8) | mask, sorted once (by time, then mask); each step's sorted times a{k}
  // are the elements with its bit. One state and one sort instead of n of each: 2.12 s instead of 2.52 s for the
  // whole funnel on the benchmark's 20M events (src/analytics/README.md).
  const perStep = def.steps
    .map(
      (_, i) =>
        `arrayMap(v -> bitShiftRight(v, ${MASK_BITS}), arrayFilter(v -> bitTest(v, ${i}), xs)) AS a${i + 1}`,
    )
    .join(', ');
  const sql =
    `SELECT customer_id, ${check}arraySort(groupArrayIf(bitOr(bitShiftLeft(ts, ${MASK_BITS}), m), m > 0)) AS xs, ` +
    `${perStep}, ${key} AS k FROM (${rows}) GROUP BY customer_id HAVING notEmpty(a1)`;
  return { sql, params };
}

/** Customers per block of the block layer (low bits of the ordinal), and bits for a time in ms since `fromMs`. */
const BLOCK_BITS = 12;
const TIME_BITS = 64 - BLOCK_BITS - MASK_BITS;

/**
 * The customer layer without a hash-table state per customer: rows are grouped by block of 2^12 consecutive
 * ordinals into one array of (ordinal's low bits << 52) | (ms since fromMs + 1) << 8 | mask, sorted once — so by
 * customer, then time, then mask — and split into one array per customer where the low bits change. On the
 * benchmark's 20M events grouping and sorting this way takes ~0.05 s instead of ~0.8 s for 2M per-customer array
 * states (src/analytics/README.md). Times are relative, +1 so that 0 still means "not reached" in the chains;
 * only their differences are reported. Not for a property breakdown (a per-customer key) or windowFunnel.
 */
function blockLayer(rows: string, steps: number): string {
  const low = 2 ** BLOCK_BITS - 1;
  const shift = 64 - BLOCK_BITS;
  const packed =
    `bitOr(bitOr(bitShiftLeft(toUInt64(bitAnd(customer_id, ${low})), ${shift}), ` +
    `bitShiftLeft(toUInt64(ts - toUInt64({fromMs:Int64}) + 1), ${MASK_BITS})), m)`;
  const blocks =
    `SELECT bitShiftRight(customer_id, ${BLOCK_BITS}) AS b, arraySort(groupArrayIf(${packed}, m > 0)) AS ys ` +
    `FROM (${rows}) GROUP BY b`;
  const customers =
    `SELECT b, arrayJoin(arraySplit((v, d) -> d != 0, ys, ` +
    `arrayDifference(arrayMap(v -> toInt32(bitShiftRight(v, ${shift})), ys)))) AS x FROM (${blocks})`;
  // Each step's times straight from the customer's packed array (no masked copy of it first).
  const perStep = Array.from(
    { length: steps },
    (_, i) =>
      `arrayMap(v -> bitShiftRight(bitAnd(v, toUInt64(${2 ** shift - 1})), ${MASK_BITS}), ` +
      `arrayFilter(v -> bitTest(v, ${i}), x)) AS a${i + 1}`,
  ).join(', ');
  return (
    `SELECT toUInt32(bitOr(bitShiftLeft(b, ${BLOCK_BITS}), bitShiftRight(x[1], ${shift}))) AS customer_id, ` +
    `${perStep}, '${NO_KEY}' AS k FROM (${customers}) WHERE notEmpty(a1)`
  );
}

/**
 * The chains of a customer: for every first-step event x₁ (in time order), the greedy chain — each next step's
 * earliest event at or after the previous one and at most x₁ + window — as n times in ms, 0 from the first step not
 * reached. Greedy is optimal for a given x₁, so the deepest chain is the customer's level; `path` is the first chain of
 * that depth (level ≥ 2), and step k's time to convert is path[k] − path[k − 1].
 */
function chainsSql(steps: number): string {
  // Column-wise: ch{j} holds step j's time in every chain, aligned with a1 (the starts). The lambdas capture only
  // scalars (the start, the previous step's time) and search the small per-step array a{j}: a lambda copies what it
  // captures once per element, and building each chain as an array (or searching xs) took 0.3 s more on the
  // benchmark.
  const cols = ['a1 AS ch1'];
  for (let j = 2; j <= steps; j++) {
    cols.push(
      `arrayMap((s, q) -> if(q = 0, toUInt64(0), arrayFirst(y -> y >= q AND y <= s + {w:UInt64}, a${j})), ` +
        `a1, ch${j - 1}) AS ch${j}`,
    );
  }
  const later = Array.from({ length: steps - 1 }, (_, i) => i + 2);
  // A chain has times up to its last step reached and 0 after: its depth is 1 + the later steps with a time.
  const depths =
    `arrayMap((${later.map((j) => `v${j}`).join(', ')}) -> 1 + ${later.map((j) => `(v${j} > 0)`).join(' + ')}, ` +
    `${later.map((j) => `ch${j}`).join(', ')}) AS depths`;
  const path = Array.from({ length: steps }, (_, i) => `ch${i + 1}[first]`).join(', ');
  return (
    `${cols.join(', ')}, ${depths}, arrayMax(depths) AS level, indexOf(depths, level) AS first, ` +
    `if(level >= 2, [${path}], []) AS path`
  );
}

/**
 * The whole funnel in one query: per breakdown key (and a total row, t = 1) the customers at each step and the
 * median time from the previous step.
 */
export function funnelAggregateSql(def: FunnelDefinition, calendar: BusinessCalendar): FunnelSql {
  const { sql, params } = customerLayer(def, calendar);
  const n = def.steps.length;
  const counts = def.steps.map((_, i) =>
    i === 0 ? 'count() AS s1' : `countIf(level >= ${i + 1}) AS s${i + 1}`,
  );
  const medians = def.steps
    .slice(1)
    .map(
      (_, i) =>
        `quantileExactInclusiveIf(0.5)(toFloat64(path[${i + 2}] - path[${i + 1}]), path[${i + 2}] > 0) AS m${i + 2}`,
    );
  const grouped = def.breakdown?.by === 'property';
  // Each customer counts once in its key's row and once in the total row (arrayJoin), in a single pass.
  const groupCol = grouped ? `arrayJoin([(0, k), (1, '')]) AS g` : `(1, '') AS g`;
  const query =
    `SELECT g.1 AS t, g.2 AS k, ${counts.join(', ')}, ${medians.join(', ')} ` +
    `FROM (SELECT ${chainsSql(n)}, ${groupCol} FROM (${sql})) GROUP BY t, k ORDER BY t DESC, s1 DESC`;
  return { sql: query, params };
}

/**
 * The funnel per (key, level) as groupBitmap states of the customers, with the chains of the converted ones, for
 * intersecting with populations and groups held as bitmaps in Node.
 */
export function funnelBitmapSql(def: FunnelDefinition, calendar: BusinessCalendar): FunnelSql {
  const { sql, params } = customerLayer(def, calendar);
  const query =
    `SELECT k, level, base64Encode(toString(groupBitmapState(toUInt32(customer_id)))) AS b, ` +
    `groupArrayIf((customer_id, path), level >= 2) AS conv ` +
    `FROM (SELECT customer_id, k, ${chainsSql(def.steps.length)} FROM (${sql})) GROUP BY k, level`;
  return { sql: query, params };
}

/**
 * The cross-check of the chains against ClickHouse's windowFunnel: customers with a first-step event in range, and
 * how many of them get a different level from the two (always 0: asserted by the tests and the benchmark).
 */
export function windowFunnelCheckSql(def: FunnelDefinition, calendar: BusinessCalendar): FunnelSql {
  const { sql, params } = customerLayer(def, calendar, true);
  const query =
    `SELECT count() AS customers, countIf(wl != level) AS mismatched ` +
    `FROM (SELECT wl, ${chainsSql(def.steps.length)} FROM (${sql}))`;
  return { sql: query, params };
}
