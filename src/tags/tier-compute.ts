import { sql, type Kysely } from 'kysely';
import { RoaringBitmap32 } from '../segments/bitmap.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { TierSpec } from './definition.ts';
import { nextEffective, qualify, stepMonth, TIER_NAMES, type TierCode, type TierPolicy } from './tier.ts';

// The tier tag on a business day: the tier in force in that day's month. Closed months are replayed through the state
// machine (tier.ts) from monthly daily-average AUM in the event store (customer_daily), once: each closed month's
// state is persisted in customer_tier_months and later runs start from the latest stored month. Customers without
// any closed month are assessed on their month-to-date average, and those without daily facts on today's AUM.

/** Customers per event-store request: customer_daily is ordered by (date, customer_id), so ranges are cheap. */
const BLOCK = 1 << 20;
/** Rows per INSERT of monthly states. */
const INSERT_ROWS = 50_000;
/** Customers per PostgreSQL read of stored states. */
const STATE_CHUNK = 262_144;

/** What the tier computation did, besides the tag values. */
export interface TierOutcome {
  readonly values: Map<string, RoaringBitmap32>;
  /** Closed months replayed and stored by this run. */
  readonly monthsComputed: string[];
  /** The stored month the run started from, if any. */
  readonly startedFrom: string | null;
}

/** The tier policy a tier tag's spec describes. */
export function tierPolicy(spec: TierSpec): TierPolicy {
  return {
    thresholds: spec.thresholds,
    downgradeAfter: spec.downgrade_after_months,
    privateDowngradeAfter: spec.private_downgrade_after_months,
  };
}

/** Closed months replayed up to the month before the business day: the state each customer enters the month with. */
export interface PreparedTier {
  readonly policy: TierPolicy;
  readonly month: string;
  readonly maxOrdinal: number;
  readonly state: StateArrays;
  readonly monthsComputed: string[];
  readonly startedFrom: string | null;
}

/** Computes the tier of every customer of `universe` on `asOf`, storing newly closed months on the way. */
export async function computeTier(
  deps: { db: Kysely<Database>; events: EventStore },
  spec: TierSpec,
  options: { asOf: string; universe: RoaringBitmap32; maxOrdinal: number },
): Promise<TierOutcome> {
  const prepared = await prepareTier(deps, spec, options);
  const values = await assignTiers(deps, prepared, options.asOf, options.universe);
  return { values, monthsComputed: prepared.monthsComputed, startedFrom: prepared.startedFrom };
}

/**
 * Loads the latest stored month before the business day's month and replays (and stores) the closed months after
 * it. Needs no universe, so it runs while the customers are being scanned.
 */
export async function prepareTier(
  deps: { db: Kysely<Database>; events: EventStore },
  spec: TierSpec,
  options: { asOf: string; maxOrdinal: number },
): Promise<PreparedTier> {
  const { db, events } = deps;
  const policy = tierPolicy(spec);
  const month = `${options.asOf.slice(0, 7)}-01`;
  const previous = addMonths(month, -1);
  const stored = await sql<{ m: string | null }>`
    select max(month)::text as m from customer_tier_months where month <= ${previous}::date`.execute(db);
  const startedFrom = stored.rows[0]?.m ?? null;
  const from = startedFrom ? addMonths(startedFrom, 1) : addMonths(month, -spec.history_months);
  const dataMonths = await events.query<{ m: string }>(
    `SELECT DISTINCT toString(toStartOfMonth(date)) AS m FROM customer_daily
      WHERE date >= toDate({from:String}) AND date < toDate({month:String}) ORDER BY m`,
    { from, month },
  );
  const state = new StateArrays(options.maxOrdinal);
  if (startedFrom) await state.load(db, startedFrom);
  const monthsComputed: string[] = [];
  for (const { m } of dataMonths) {
    await replayMonth(deps, state, policy, m, options.maxOrdinal);
    monthsComputed.push(m);
  }
  return { policy, month, maxOrdinal: options.maxOrdinal, state, monthsComputed, startedFrom };
}

/** The tier in force on the business day for every customer of `universe`: tier name → members. */
export async function assignTiers(
  deps: { db: Kysely<Database>; events: EventStore },
  prepared: PreparedTier,
  asOf: string,
  universe: RoaringBitmap32,
): Promise<Map<string, RoaringBitmap32>> {
  const { policy, state, month } = prepared;
  // The tier of each customer of the universe as a code per ordinal (255: not assessed yet).
  const codes = new Uint8Array(prepared.maxOrdinal + 1).fill(255);
  const members = universe.toUint32Array();
  const missing: number[] = [];
  for (let i = 0; i < members.length; i++) {
    const o = members[i]!;
    if (o >= codes.length) continue;
    if (state.has[o]) {
      codes[o] = nextEffective(
        {
          qualified: state.qualified[o] as TierCode,
          effective: state.effective[o] as TierCode,
          monthsBelow: state.below[o]!,
        },
        policy,
      );
    } else missing.push(o);
  }
  if (missing.length > 0) await assessNewcomers(deps, policy, asOf, month, missing, codes);
  return bitmapsByCode(codes, TIER_NAMES.length);
}

/** Per-ordinal state of the latest month seen: qualified and effective codes and months below. */
export class StateArrays {
  readonly has: Uint8Array;
  readonly qualified: Uint8Array;
  readonly effective: Uint8Array;
  readonly below: Uint8Array;

  constructor(maxOrdinal: number) {
    this.has = new Uint8Array(maxOrdinal + 1);
    this.qualified = new Uint8Array(maxOrdinal + 1);
    this.effective = new Uint8Array(maxOrdinal + 1);
    this.below = new Uint8Array(maxOrdinal + 1);
  }

  /** Reads the stored states of one month, in packed chunks. */
  async load(db: Kysely<Database>, month: string): Promise<void> {
    let after = 0;
    for (;;) {
      const result = await sql<{ rec: Uint8Array | null; n: number; last: number | null }>`
        select string_agg(int4send(customer_id) || int2send(q) || int2send(e) || int2send(b), ''::bytea order by customer_id) as rec,
               count(*)::int as n, max(customer_id) as last
          from (select customer_id,
                       (array_position(${sql.raw(TIER_ARRAY)}, qualified_tier) - 1)::int2 as q,
                       (array_position(${sql.raw(TIER_ARRAY)}, effective_tier) - 1)::int2 as e,
                       least(months_below, 255)::int2 as b
                  from customer_tier_months where month = ${month}::date and customer_id > ${after}
                 order by customer_id limit ${STATE_CHUNK}) t`.execute(db);
      const row = result.rows[0];
      if (!row?.rec || row.n === 0) return;
      const view = new DataView(row.rec.buffer, row.rec.byteOffset, row.rec.byteLength);
      for (let off = 0; off < row.rec.byteLength; off += 10) {
        const o = view.getUint32(off);
        if (o >= this.has.length) continue; // a customer beyond today's max ordinal no longer exists
        this.has[o] = 1;
        this.qualified[o] = view.getInt16(off + 4);
        this.effective[o] = view.getInt16(off + 6);
        this.below[o] = view.getInt16(off + 8);
      }
      if (row.n < STATE_CHUNK || row.last === null) return;
      after = row.last;
    }
  }
}

const TIER_ARRAY = `array[${TIER_NAMES.map((t) => `'${t}'`).join(', ')}]::text[]`;

/** Steps every customer with daily facts in `month` and stores the month's states (one transaction). */
async function replayMonth(
  deps: { db: Kysely<Database>; events: EventStore },
  state: StateArrays,
  policy: TierPolicy,
  month: string,
  maxOrdinal: number,
): Promise<void> {
  const last = addDays(addMonths(month, 1), -1);
  await deps.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('customer_tier_months').where('month', '=', month).execute();
    for (let lo = 0; lo <= maxOrdinal; lo += BLOCK) {
      const { ids, averages } = await monthlyAverages(deps.events, month, last, lo, lo + BLOCK);
      const q: number[] = [];
      const e: number[] = [];
      const b: number[] = [];
      const keep: number[] = [];
      const avg: number[] = [];
      for (let k = 0; k < ids.length; k++) {
        const o = ids[k]!;
        if (o > maxOrdinal) continue;
        const previous = state.has[o]
          ? {
              qualified: state.qualified[o] as TierCode,
              effective: state.effective[o] as TierCode,
              monthsBelow: state.below[o]!,
            }
          : undefined;
        const next = stepMonth(previous, averages[k]!, policy);
        state.has[o] = 1;
        state.qualified[o] = next.qualified;
        state.effective[o] = next.effective;
        state.below[o] = Math.min(next.monthsBelow, 255);
        keep.push(o);
        avg.push(averages[k]!);
        q.push(next.qualified);
        e.push(next.effective);
        b.push(next.monthsBelow);
      }
      for (let at = 0; at < keep.length; at += INSERT_ROWS) {
        const slice = (a: number[]) => a.slice(at, at + INSERT_ROWS);
        await sql`
          insert into customer_tier_months (month, customer_id, avg_daily_aum, qualified_tier, effective_tier, months_below)
          select ${month}::date, u.id, u.avg, (${sql.raw(TIER_ARRAY)})[u.q + 1], (${sql.raw(TIER_ARRAY)})[u.e + 1], u.b
            from unnest(${slice(keep)}::int4[], ${slice(avg)}::float8[], ${slice(q)}::int2[], ${slice(e)}::int2[], ${slice(b)}::int4[])
              as u(id, avg, q, e, b)`.execute(tx);
      }
    }
  });
}

/**
 * Daily-average AUM per customer with ordinal in (lo, hi] over [from, to], floored to the cent (flooring keeps
 * "average ≥ threshold" exact for thresholds in whole cents).
 */
async function monthlyAverages(
  events: EventStore,
  from: string,
  to: string,
  lo: number,
  hi: number,
  only?: readonly number[],
): Promise<{ ids: number[]; averages: number[] }> {
  const rows = await events.query<{ ids: number[]; averages: number[] }>(
    `SELECT groupArray(customer_id) AS ids, groupArray(a) AS averages FROM (
       SELECT customer_id, floor(avg(toFloat64(aum)), 2) AS a FROM customer_daily_dedup
        WHERE date >= toDate({from:String}) AND date <= toDate({to:String})
          AND customer_id > {lo:UInt32} AND customer_id <= {hi:UInt32}
          ${only ? 'AND customer_id IN {only:Array(UInt32)}' : ''}
        GROUP BY customer_id)`,
    { from, to, lo, hi, ...(only ? { only } : {}) },
  );
  return rows[0] ?? { ids: [], averages: [] };
}

/** Customers without a closed month: month-to-date average, else today's AUM from the customer record. */
async function assessNewcomers(
  deps: { db: Kysely<Database>; events: EventStore },
  policy: TierPolicy,
  asOf: string,
  month: string,
  missing: number[],
  codes: Uint8Array,
): Promise<void> {
  const assessed = new Set<number>();
  // A short list is sent as a filter; a long one (e.g. no history at all) reads the month for everyone.
  const max = missing[missing.length - 1]!;
  const filter = missing.length <= 100_000 ? missing : undefined;
  const wanted = filter ? undefined : new Set(missing);
  for (let lo = 0; lo < max; lo += BLOCK) {
    const { ids, averages } = await monthlyAverages(deps.events, month, asOf, lo, lo + BLOCK, filter);
    ids.forEach((o, k) => {
      if (wanted && !wanted.has(o)) return;
      codes[o] = qualify(averages[k]!, policy.thresholds);
      assessed.add(o);
    });
  }
  const rest = missing.filter((o) => !assessed.has(o));
  for (let at = 0; at < rest.length; at += 10_000) {
    const rows = await deps.db
      .selectFrom('customers')
      .select(['id', 'aum'])
      .where('id', 'in', rest.slice(at, at + 10_000))
      .execute();
    for (const r of rows) codes[r.id] = qualify(Number(r.aum), policy.thresholds);
  }
}

/** Bitmaps of the ordinals holding each code 0..n-1 (ordinals are ascending, the fast path of the constructor). */
function bitmapsByCode(codes: Uint8Array, n: number): Map<string, RoaringBitmap32> {
  const counts = new Uint32Array(n);
  for (let o = 0; o < codes.length; o++) if (codes[o]! < n) counts[codes[o]!]!++;
  const lists = Array.from(counts, (c) => new Uint32Array(c));
  counts.fill(0);
  for (let o = 0; o < codes.length; o++) {
    const c = codes[o]!;
    if (c < n) lists[c]![counts[c]!++] = o;
  }
  return new Map(lists.map((list, code) => [TIER_NAMES[code] as string, new RoaringBitmap32(list)]));
}

/** The first day of the month `n` months after (before, when negative) the month starting on `monthStart`. */
export function addMonths(monthStart: string, n: number): string {
  const d = new Date(`${monthStart.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
