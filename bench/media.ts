import { sql } from 'kysely';
import { compareChannels } from '../src/media/comparison.ts';
import { fixedClock } from '../src/shared/clock.ts';
import { openTarget } from './stores.ts';
import type { BenchResult } from './support.ts';

// `npm run bench media` (issue #15): the Media page's comparison (GET /v1/media/comparison's work) over N attributed
// customers on PGlite on disk — N customers joined over a year, every one attributed to one of the four media with
// its quality facts, daily spend of the four media and monthly brand figures. Median of 5 warm runs, the whole year
// (every attributed customer aggregated) and the default 90 days.

const AS_OF = '2026-11-30';
const CHANNELS = ['tencent_ads', 'ocean_engine', 'baidu', 'wechat_moments'];

/** The media comparison's figures. */
export async function benchMedia(options: { customers: number }): Promise<BenchResult[]> {
  const n = options.customers;
  const target = await openTarget('pglite');
  try {
    const db = target.store.db;
    const t0 = performance.now();
    for (let from = 1; from <= n; from += 250_000) {
      const to = Math.min(n, from + 249_999);
      await sql`insert into customers (id, customer_no, customer_since)
        select i, 'C' || lpad(i::text, 8, '0'), ${AS_OF}::date - (i % 365) from generate_series(${from}::int, ${to}::int) i`.execute(
        db,
      );
      await sql`insert into media_attribution (customer_id, window_days, customer_since, first_channel, first_touch_at,
          last_channel, last_touch_at, touches, active_30d, active_90d, activated, first_purchase_at, aum, stage_reached,
          referrals, computed_at)
        select i, 30, ${AS_OF}::date - (i % 365), (${CHANNELS}::text[])[1 + i % 4], now(), (${CHANNELS}::text[])[1 + (i / 7) % 4],
          now(), 1 + i % 3, case when i % 365 >= 60 then i % 3 = 0 end, case when i % 365 >= 120 then i % 5 = 0 end,
          i % 2 = 0, case when i % 4 = 0 then now() end, (i % 1000) * 50, i % 6 = 0, (i % 20 = 0)::int, now()
        from generate_series(${from}::int, ${to}::int) i where i % 10 <> 0`.execute(db);
    }
    await sql`insert into media_spend (channel_key, campaign, day, impressions, clicks, cost)
      select c, 'always-on', ${AS_OF}::date - d, 100000 + d, 1000 + d, 5000 + d from unnest(${CHANNELS}::text[]) c,
        generate_series(0, 364) d`.execute(db);
    await sql`insert into media_brand (channel_key, period, branded_search, direct_visits, awareness)
      select c, (date_trunc('month', ${AS_OF}::date) - make_interval(months => m))::date, 2000 + 10 * m, 800 + m, 40
      from unnest(${CHANNELS}::text[]) c, generate_series(0, 14) m`.execute(db);
    await sql`insert into media_attribution_runs (window_days, computed_at, data_through, customers, attributed,
        elapsed_ms, actor) values (30, now(), ${AS_OF}, ${n}, ${n - Math.floor(n / 10)}, 0, 'bench')`.execute(
      db,
    );
    await sql`vacuum analyze`.execute(db);
    const seedMs = performance.now() - t0;
    const clock = fixedClock(`${AS_OF}T08:00:00Z`, 'Asia/Shanghai');
    const time = async (from: string) => {
      const runs: number[] = [];
      let attributed = 0;
      for (let i = 0; i < 6; i++) {
        const t = performance.now();
        const c = await compareChannels({ db, clock }, { from, to: AS_OF });
        if (!c.ok) throw new Error(c.error.message);
        if (i > 0) runs.push(performance.now() - t);
        attributed = c.value.channels.reduce((a, x) => a + (x.metrics.newCustomers ?? 0), 0);
      }
      runs.sort((a, b) => a - b);
      return { median: runs[2]!, max: runs.at(-1)!, attributed };
    };
    const year = await time('2025-12-01');
    const quarter = await time('2026-09-01');
    const result = (metric: string, r: { median: number; max: number; attributed: number }): BenchResult => ({
      bench: 'media',
      metric,
      value: Math.round(r.median),
      unit: 'ms',
      target: '< 2000 ms',
      pass: r.median < 2000,
      details: {
        customers: n,
        attributedInWindow: r.attributed,
        maxMs: Math.round(r.max),
        seedMs: Math.round(seedMs),
      },
    });
    return [result('comparison_year_ms', year), result('comparison_90d_ms', quarter)];
  } finally {
    await target.dispose();
  }
}
