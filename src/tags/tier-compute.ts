import { sql, type Kysely } from 'kysely';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { monthStart, shiftDay } from '../shared/day.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { TierSpec } from './definition.ts';
import { readUint32 } from './fact-sources.ts';
import { nextEffective, qualify, stepMonth, TIER_NAMES, type TierCode, type TierPolicy } from './tier.ts';

// The tier tag on a business day: the tier in force in that day's month. Closed months are replayed through the state
// machine (tier.ts) from monthly daily-average AUM in the event store (customer_daily). The state after the newest
// closed month is stored in customer_tier_months, and later runs start from the latest stored month (so a closed
// month is read from the event store once). Customers without any closed month are assessed on their month-to-date
// average, and those without daily facts on today's AUM.

/** Customers per event-store request: customer_daily is ordered by (date, customer_id), so ranges are cheap. */
const BLOCK = 1 << 20;
/** Rows per INSERT of monthly states. */
const INSERT_ROWS = 50_000;

/** What the tier computation did, besides the tag values. */
export interface TierOutcome {
  readonly values: Map<string, RoaringBitmap32>;
  /** Closed months replayed by this run (the newest one is stored). */
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
  const previous = monthStart(month, -1);
  const stored = await sql<{ m: string | null }>`
    select max(month)::text as m from customer_tier_months where month <= ${previous}::date`.execute(db);
  const startedFrom = stored.rows[0]?.m ?? null;
  const from = startedFrom ? monthStart(startedFrom, 1) : monthStart(month, -spec.history_months);
  const dataMonths = await events.query<{ m: string }>(
    `SELECT DISTINCT toString(toStartOfMonth(date)) AS m FROM customer_daily
      WHERE date >= toDate({from:String}) AND date < toDate({month:String}) ORDER BY m`,
    { from, month },
  );
  const state = new StateArrays(options.maxOrdinal);
  if (startedFrom) await state.load(db, startedFrom);
  const monthsComputed: string[] = [];
  // Only the newest closed month is stored: it is all later runs start from (the months before it, replayed when no
  // state exists yet, would cost as many rows each).
  for (const [i, { m }] of dataMonths.entries()) {
    await replayMonth(deps, state, policy, m, {
      maxOrdinal: options.maxOrdinal,
      store: i === dataMonths.length - 1,
    });
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

  /** Reads the stored states of one month, by ranges of customer ids, each one packed row. */
  async load(db: Kysely<Database>, month: string): Promise<void> {
    const max = this.has.length - 1;
    for (let lo = 0; lo < max; lo += BLOCK) {
      const result = await sql<{ ids: string | null; s: string | null }>`
        select encode(string_agg(int4send(customer_id), ''::bytea), 'base64') as ids,
               encode(string_agg(int4send(
                 -- | and << share one precedence level in PostgreSQL: parenthesise each term
                 (array_position(${sql.raw(TIER_ARRAY)}, qualified_tier) - 1)
                 | ((array_position(${sql.raw(TIER_ARRAY)}, effective_tier) - 1) << 4)
                 | (least(months_below, 255) << 8)), ''::bytea), 'base64') as s
          from customer_tier_months
         where month = ${month}::date and customer_id > ${lo} and customer_id <= ${lo + BLOCK}`.execute(db);
      const ids = readUint32(result.rows[0]?.ids);
      const packed = readUint32(result.rows[0]?.s);
      for (let i = 0; i < ids.length; i++) {
        const o = ids[i]!;
        if (o > max) continue; // a customer beyond today's max ordinal no longer exists
        const v = packed[i]!;
        this.has[o] = 1;
        this.qualified[o] = v & 15;
        this.effective[o] = (v >>> 4) & 15;
        this.below[o] = (v >>> 8) & 255;
      }
    }
  }
}

const TIER_ARRAY = `array[${TIER_NAMES.map((t) => `'${t}'`).join(', ')}]::text[]`;

/**
 * Steps every customer with daily facts in `month`; when `store`, replaces the month's stored states (one
 * transaction). Ids, cents and (qualified | effective << 4 | months below << 8) go as three arrays per INSERT.
 */
async function replayMonth(
  deps: { db: Kysely<Database>; events: EventStore },
  state: StateArrays,
  policy: TierPolicy,
  month: string,
  options: { maxOrdinal: number; store: boolean },
): Promise<void> {
  const last = shiftDay(monthStart(month, 1), -1);
  const replay = async (
    write: ((ids: number[], cents: number[], packed: number[]) => Promise<void>) | null,
  ) => {
    for (let lo = 0; lo <= options.maxOrdinal; lo += BLOCK) {
      const { ids, averages } = await monthlyAverages(deps.events, month, last, lo, lo + BLOCK);
      const keep: number[] = [];
      const cents: number[] = [];
      const packed: number[] = [];
      for (let k = 0; k < ids.length; k++) {
        const o = ids[k]!;
        if (o > options.maxOrdinal) continue;
        const previous = state.has[o]
          ? {
              qualified: state.qualified[o] as TierCode,
              effective: state.effective[o] as TierCode,
              monthsBelow: state.below[o]!,
            }
          : undefined;
        const next = stepMonth(previous, averages[k]!, policy);
        const below = Math.min(next.monthsBelow, 255);
        state.has[o] = 1;
        state.qualified[o] = next.qualified;
        state.effective[o] = next.effective;
        state.below[o] = below;
        if (!write) continue;
        keep.push(o);
        cents.push(Math.round(averages[k]! * 100));
        packed.push(next.qualified | (next.effective << 4) | (below << 8));
      }
      if (write)
        for (let at = 0; at < keep.length; at += INSERT_ROWS) {
          const slice = (a: number[]) => a.slice(at, at + INSERT_ROWS);
          await write(slice(keep), slice(cents), slice(packed));
        }
    }
  };
  if (!options.store) return replay(null);
  await deps.db.transaction().execute(async (tx) => {
    // Two runs storing the same month (two processes) take turns; the later one replaces the earlier's rows.
    await sql`select pg_advisory_xact_lock(hashtext(${`flywheel:tier-month:${month}`}))`.execute(tx);
    await tx.deleteFrom('customer_tier_months').where('month', '=', month).execute();
    await replay(async (ids, cents, packed) => {
      await sql`
        insert into customer_tier_months (month, customer_id, avg_daily_aum, qualified_tier, effective_tier, months_below)
        select ${month}::date, u.id, u.cents / 100.0, (${sql.raw(TIER_ARRAY)})[(u.p & 15) + 1],
               (${sql.raw(TIER_ARRAY)})[((u.p >> 4) & 15) + 1], u.p >> 8
          from unnest(${ids}::int4[], ${cents}::int8[], ${packed}::int4[]) as u(id, cents, p)`.execute(tx);
    });
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
  const pending = new Uint8Array(codes.length);
  for (const o of missing) pending[o] = 1;
  // A short list is sent as a filter; a long one (e.g. no history at all) reads the month for everyone.
  const max = missing[missing.length - 1]!;
  const filter = missing.length <= 100_000 ? missing : undefined;
  for (let lo = 0; lo < max; lo += BLOCK) {
    const { ids, averages } = await monthlyAverages(deps.events, month, asOf, lo, lo + BLOCK, filter);
    ids.forEach((o, k) => {
      if (!pending[o]) return;
      codes[o] = qualify(averages[k]!, policy.thresholds);
      pending[o] = 0;
    });
  }
  // No daily facts at all: today's AUM from the customer record, read by ranges of ids.
  const rest = missing.filter((o) => pending[o]);
  if (rest.length === 0) return;
  for (let lo = rest[0]! - 1; lo < rest[rest.length - 1]!; lo += BLOCK) {
    const result = await sql<{ ids: string | null; aum: string | null }>`
      select encode(string_agg(int4send(id), ''::bytea), 'base64') as ids,
             encode(string_agg(float8send(aum::float8), ''::bytea), 'base64') as aum
        from customers where id > ${lo} and id <= ${lo + BLOCK}`.execute(deps.db);
    const ids = readUint32(result.rows[0]?.ids);
    const aum = Buffer.from(result.rows[0]?.aum ?? '', 'base64');
    for (let i = 0; i < ids.length; i++)
      if (pending[ids[i]!]) codes[ids[i]!] = qualify(aum.readDoubleBE(8 * i), policy.thresholds);
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
