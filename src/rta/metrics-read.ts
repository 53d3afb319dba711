import type { Kysely } from 'kysely';
import type { Database } from '../store/operational/database.ts';
import { histogramPercentile, LATENCY_BOUNDS_US } from './metrics.ts';

// The RTA counters of the last N minutes, added up over every RTA process (rta_metrics), for GET /v1/rta/metrics.

/** Counters of one strategy, or of all requests. */
export interface RtaFigures {
  readonly requests: number;
  readonly matches: number;
  /** matches / requests (null without requests). */
  readonly matchRate: number | null;
  readonly errors: number;
}

/** Latency percentiles (µs) from the fixed buckets: each the upper bound of the bucket reaching it (the last bound for slower). */
export interface RtaLatency {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly boundsUs: readonly number[];
  readonly buckets: readonly number[];
}

/** What the metrics route answers. */
export interface RtaMetricsView {
  readonly from: string;
  readonly until: string;
  readonly totals: RtaFigures & { readonly latency: RtaLatency };
  /** Test traffic (is_test), counted apart from the real. */
  readonly test: RtaFigures;
  readonly strategies: readonly (RtaFigures & { readonly id: string })[];
  /** Real requests, matches and errors per minute of the window, oldest first (minutes without traffic left out). */
  readonly perMinute: readonly { minute: string; requests: number; matches: number; errors: number }[];
}

const figures = (requests: number, matches: number, errors: number): RtaFigures => ({
  requests,
  matches,
  matchRate: requests > 0 ? matches / requests : null,
  errors,
});

/** The counters of the `minutes` before `now`. */
export async function readRtaMetrics(
  db: Kysely<Database>,
  now: Date,
  minutes: number,
): Promise<RtaMetricsView> {
  const from = new Date(now.getTime() - minutes * 60_000);
  const rows = await db.selectFrom('rta_metrics').selectAll().where('minute', '>=', from).execute();
  const sum = (test: boolean, strategy: string) => {
    let requests = 0;
    let matches = 0;
    let errors = 0;
    const buckets = new Array<number>(LATENCY_BOUNDS_US.length + 1).fill(0);
    for (const r of rows)
      if (r.is_test === test && r.strategy_id === strategy) {
        requests += Number(r.requests);
        matches += Number(r.matches);
        errors += Number(r.errors);
        r.latency_buckets.forEach((n, i) => (buckets[i] = (buckets[i] ?? 0) + Number(n)));
      }
    return { requests, matches, errors, buckets };
  };
  const real = sum(false, '');
  const test = sum(true, '');
  const ids = [...new Set(rows.map((r) => r.strategy_id).filter((id) => id !== ''))].sort();
  return {
    from: from.toISOString(),
    until: now.toISOString(),
    totals: {
      ...figures(real.requests, real.matches, real.errors),
      latency: {
        p50: histogramPercentile(real.buckets, 0.5),
        p95: histogramPercentile(real.buckets, 0.95),
        p99: histogramPercentile(real.buckets, 0.99),
        boundsUs: LATENCY_BOUNDS_US,
        buckets: real.buckets,
      },
    },
    test: figures(test.requests, test.matches, test.errors),
    strategies: ids.map((id) => {
      const s = sum(false, id);
      return { id, ...figures(s.requests, s.matches, s.errors) };
    }),
    perMinute: rows
      .filter((r) => !r.is_test && r.strategy_id === '')
      .map((r) => ({
        minute: new Date(r.minute).toISOString(),
        requests: Number(r.requests),
        matches: Number(r.matches),
        errors: Number(r.errors),
      }))
      .sort((a, b) => a.minute.localeCompare(b.minute)),
  };
}
