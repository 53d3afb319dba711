import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/operational/database.ts';
import type { Answer } from './answer.ts';
import type { DecisionTable } from './decision.ts';

// Counters of the RTA service, kept in memory per minute and flushed every ~10 s into rta_metrics, where the rows of
// every RTA process add up (an upsert that adds). Telemetry, not a change of the bank's data: not audited.

/** Upper bounds (µs, inclusive) of the latency buckets; the last bucket is everything slower. */
export const LATENCY_BOUNDS_US = [25, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 50_000] as const;
const BUCKETS = LATENCY_BOUNDS_US.length + 1;

interface Counters {
  requests: number;
  matches: number;
  errors: number;
  readonly latency: Float64Array;
}

const fresh = (): Counters => ({ requests: 0, matches: 0, errors: 0, latency: new Float64Array(BUCKETS) });

/** The bucket of a latency in µs. */
export function latencyBucket(us: number): number {
  let i = 0;
  while (i < LATENCY_BOUNDS_US.length && us > LATENCY_BOUNDS_US[i]!) i++;
  return i;
}

/** In-memory counters of one process. */
export class RtaMetrics {
  // key: `${minute}|${strategy}|${test}`; strategy '' = totals
  #pending = new Map<string, Counters>();
  #minuteStart = 0;
  #minuteKey = '';
  #totals: [Counters, Counters] = [fresh(), fresh()];
  #table: DecisionTable | undefined;
  #byBit: [Counters[], Counters[]] = [[], []];

  /** Records one answered request (pings are not counted). */
  record(a: Answer, now: number): void {
    if (a.ping) return;
    if (now - this.#minuteStart >= 60_000 || now < this.#minuteStart) this.#rollMinute(now);
    const t = a.test ? 1 : 0;
    const totals = this.#totals[t];
    totals.requests++;
    if (a.decision.error) totals.errors++;
    if (a.decision.matched !== 0) totals.matches++;
    totals.latency[latencyBucket(a.nanos / 1000)]!++;
    const byBit = this.#byBit[t];
    for (let bits = a.decision.matched, i = 0; bits !== 0; bits >>>= 1, i++)
      if (bits & 1) {
        const c = byBit[i];
        if (c) c.matches++;
      }
  }

  /** Points per-strategy counters at a new table's strategies. */
  useTable(table: DecisionTable | undefined): void {
    this.#table = table;
    this.#minuteStart = 0; // re-resolve on the next record
  }

  #rollMinute(now: number): void {
    this.#minuteStart = now - (now % 60_000);
    this.#minuteKey = new Date(this.#minuteStart).toISOString();
    const get = (strategy: string, test: boolean) => {
      const key = `${this.#minuteKey}|${strategy}|${test}`;
      let c = this.#pending.get(key);
      if (!c) this.#pending.set(key, (c = fresh()));
      return c;
    };
    this.#totals = [get('', false), get('', true)];
    const ids = this.#table?.strategies.map((s) => s.id) ?? [];
    this.#byBit = [ids.map((id) => get(id, false)), ids.map((id) => get(id, true))];
  }

  /** Adds the pending counters to the store and forgets them. */
  async flush(db: Kysely<Database>): Promise<void> {
    const pending = this.#pending;
    this.#pending = new Map();
    this.#minuteStart = 0;
    // A strategy's requests are the minute's requests while it was in the table (its matches are its own).
    const requestsOf = new Map<string, number>();
    for (const [key, c] of pending) {
      const [minute, strategy, test] = key.split('|');
      if (strategy === '') requestsOf.set(`${minute}|${test}`, c.requests);
    }
    const rows = [...pending].flatMap(([key, c]) => {
      const [minute, strategy, test] = key.split('|') as [string, string, string];
      const requests = strategy === '' ? c.requests : (requestsOf.get(`${minute}|${test}`) ?? 0);
      if (requests === 0 && c.matches === 0) return [];
      return [
        {
          minute,
          strategy_id: strategy,
          is_test: test === 'true',
          requests,
          matches: c.matches,
          errors: strategy === '' ? c.errors : 0,
          latency_buckets: `{${[...c.latency].join(',')}}`,
        },
      ];
    });
    if (rows.length === 0) return;
    await db
      .insertInto('rta_metrics')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['minute', 'strategy_id', 'is_test']).doUpdateSet({
          requests: sql`rta_metrics.requests + excluded.requests`,
          matches: sql`rta_metrics.matches + excluded.matches`,
          errors: sql`rta_metrics.errors + excluded.errors`,
          latency_buckets: sql`(select array_agg(a + b order by i) from unnest(rta_metrics.latency_buckets, excluded.latency_buckets) with ordinality as u(a, b, i))`,
        }),
      )
      .execute();
  }
}

/**
 * A percentile (0..1) of a latency histogram: the upper bound of the bucket reaching it, µs (null when empty); in
 * the overflow bucket, the last bound (read "at least that").
 */
export function histogramPercentile(buckets: readonly number[], p: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]!;
    if (seen >= p * total) return LATENCY_BOUNDS_US[Math.min(i, LATENCY_BOUNDS_US.length - 1)]!;
  }
  return LATENCY_BOUNDS_US[LATENCY_BOUNDS_US.length - 1]!;
}
