// Where a walk of the AUM index may start for a set of customers: a key no member sorts before. Gold customers sit
// in one band of AUM below every platinum and diamond one; walking from the top of the bank, page 1 of "gold" read
// ~500,000 index entries before the first member. The segment index holds every customer's AUM as of its build, so
// the set's largest (or smallest) AUM is a loop over the members; customers changed since the build (by
// `updated_at`, one indexed read of the few rows written since) and those it does not hold are read from the store,
// so the start is exact for the live data, not for the index's day.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/operational/database.ts';

/** The segment index's AUM by ordinal (NaN: not held) and the instant from which the store's rows may differ. */
export interface AumSnapshot {
  readonly values: Float64Array;
  readonly changedSince: string;
}

/** Past this many changed rows or customers unknown to the index, the walk starts at the top (still exact). */
const LIVE_LIMIT = 5_000;

/**
 * A key (numeric text) such that every member's AUM is ≤ it (desc) or ≥ it (asc); undefined when the set's extreme
 * is not known cheaply (many rows changed since the index was read).
 */
export async function aumStart(
  db: Kysely<Database>,
  member: Uint32Array,
  isMember: (id: number) => boolean,
  snapshot: AumSnapshot,
  direction: 'asc' | 'desc',
): Promise<string | undefined> {
  const sign = direction === 'desc' ? 1 : -1;
  const values = snapshot.values;
  // The extreme as sign × value: the largest for desc, the smallest (negated) for asc.
  let extreme = -Infinity;
  const unknown: number[] = [];
  for (const id of member) {
    const v = values[id];
    if (v === undefined || v !== v) {
      if (unknown.push(id) > LIVE_LIMIT) return undefined;
    } else if (sign * v > extreme) extreme = sign * v;
  }
  if (extreme > -Infinity) {
    // Rows written since the index was read that would move the start: members whose AUM is now beyond it.
    const cmp = sql.raw(direction === 'desc' ? '>' : '<');
    const { rows: changed } = await sql<{ id: number; aum: string }>`
      select id, aum::text as aum from customers
      where updated_at >= ${snapshot.changedSince}::timestamptz
        and aum ${cmp} ${String(sign * widen(extreme))}::numeric
      limit ${LIVE_LIMIT + 1}`.execute(db);
    if (changed.length > LIVE_LIMIT) return undefined;
    for (const row of changed)
      if (isMember(Number(row.id))) extreme = Math.max(extreme, sign * Number(row.aum));
  }
  if (unknown.length > 0) {
    const { rows } = await sql<{ aum: string | null }>`
      select ${sql.raw(direction === 'desc' ? 'max' : 'min')}(aum)::text as aum from customers
      where id = any(${unknown}::int[])`.execute(db);
    const live = rows[0]?.aum;
    if (live != null) extreme = Math.max(extreme, sign * Number(live));
  }
  if (extreme === -Infinity) return undefined;
  return String(sign * widen(extreme));
}

/**
 * Just past a value read as a float: a numeric(18, 2) has more digits than a float64 keeps, and the key is compared
 * as numeric; a start a little beyond the extreme reads at most a few extra entries, never skips a member.
 */
function widen(x: number): number {
  return x === -Infinity ? x : x + Math.abs(x) * 2 ** -48 + 0.01;
}
