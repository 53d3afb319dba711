import { sql, type Kysely } from 'kysely';
import type { Population } from '../contracts/population.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';
import type { CompiledStrategy, DecisionTable } from './decision.ts';
import { DeviceTableBuilder, type DeviceTable } from './device-table.ts';
import type { Strategy } from './model.ts';

// Building a decision table: the device table (from customer_identities, rebuilt daily), and on every strategy change
// the per-customer masks (one pass over each strategy's member bitmap) and the look-alike scores. The result is one
// object the service swaps in by reference.

/** The md5 kinds of customer_identities the platform sends. */
export const DEVICE_KINDS = ['imei_md5', 'oaid_md5', 'idfa_md5', 'caid_md5'] as const;

/** Customer ordinals of a population: the segment engine in production (SegmentService.populationMembers). */
export interface MembersSource {
  members(population: Population): Promise<Uint32Array>;
}

/** What a strategy contributes to a table. */
export interface StrategyMembers {
  readonly strategy: CompiledStrategy;
  readonly members: Uint32Array;
  readonly unknownDevices: boolean;
  readonly minLookalike?: number;
}

/** Reads every device id into a table (keyset pages of 50,000, no object kept per id). */
export async function loadDevices(db: Kysely<Database>): Promise<DeviceTable> {
  const { n } = await db
    .selectFrom('customer_identities')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('kind', 'in', DEVICE_KINDS)
    .executeTakeFirstOrThrow();
  const builder = new DeviceTableBuilder(n);
  let after: { kind: string; value: string } | undefined;
  for (;;) {
    let q = db
      .selectFrom('customer_identities')
      .select(['kind', 'value', 'customer_id'])
      .where('kind', 'in', DEVICE_KINDS)
      .orderBy('kind')
      .orderBy('value')
      .limit(50_000);
    if (after) q = q.where(sql<boolean>`(kind, value) > (${after.kind}, ${after.value})`);
    const rows = await q.execute();
    for (const r of rows) builder.add(r.value, r.customer_id);
    const last = rows.at(-1);
    if (!last || rows.length < 50_000) break;
    after = { kind: last.kind, value: last.value };
  }
  return builder.finish();
}

/** The look-alike scores per ordinal (NaN where none), sized for `maxOrdinal`. */
export async function loadScores(db: Kysely<Database>, maxOrdinal: number): Promise<Float32Array> {
  const scores = new Float32Array(maxOrdinal + 1).fill(Number.NaN);
  const rows = await db
    .selectFrom('customer_scores')
    .select(['customer_id', 'score'])
    .where('kind', '=', 'lookalike')
    .execute();
  for (const r of rows) if (r.customer_id <= maxOrdinal) scores[r.customer_id] = r.score;
  return scores;
}

/** A stored strategy as the decision needs it (its window resolved in the bank's zone). */
export function compileStrategy(s: Strategy, clock: Clock): CompiledStrategy {
  const at = (local: string | undefined, open: number) => {
    if (!local) return open;
    const [day, hhmm] = local.split(' ');
    return clock.at(day!, hhmm!).getTime();
  };
  const bid =
    typeof s.bidFactor === 'number'
      ? { fromScore: false, min: s.bidFactor, max: s.bidFactor }
      : { fromScore: true, min: s.bidFactor.min, max: s.bidFactor.max };
  return {
    id: s.id,
    cacheSeconds: s.cacheSeconds,
    bid,
    from: at(s.activeFrom, Number.NEGATIVE_INFINITY),
    until: at(s.activeUntil, Number.POSITIVE_INFINITY),
  };
}

/** Assembles a table: each strategy's members become its bit in the per-ordinal masks (strategies in bit order). */
export function assembleTable(input: {
  readonly watermark: string;
  readonly devices: DeviceTable;
  readonly maxOrdinal: number;
  readonly scores: Float32Array;
  readonly strategies: readonly StrategyMembers[];
  readonly defaultCacheSeconds: number;
}): DecisionTable {
  const masks = new Uint32Array(input.maxOrdinal + 1);
  const scores =
    input.scores.length >= input.maxOrdinal + 1 ? input.scores : grow(input.scores, input.maxOrdinal);
  let unknownMask = 0;
  input.strategies.forEach((s, i) => {
    const bit = (1 << i) >>> 0;
    const min = s.minLookalike;
    for (const ord of s.members) {
      if (ord > input.maxOrdinal) continue;
      if (min !== undefined && !(scores[ord]! >= min)) continue;
      masks[ord] = (masks[ord]! | bit) >>> 0;
    }
    if (s.unknownDevices) unknownMask = (unknownMask | bit) >>> 0;
  });
  return {
    watermark: input.watermark,
    devices: input.devices,
    masks,
    scores,
    unknownMask,
    strategies: input.strategies.map((s) => s.strategy),
    defaultCacheSeconds: input.defaultCacheSeconds,
  };
}

function grow(scores: Float32Array, maxOrdinal: number): Float32Array {
  const out = new Float32Array(maxOrdinal + 1).fill(Number.NaN);
  out.set(scores);
  return out;
}
