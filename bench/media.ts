import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { runAttribution } from '../src/media/attribution.ts';
import { compareChannels } from '../src/media/comparison.ts';
import type { Clock } from '../src/shared/clock.ts';
import { openEventStore } from '../src/store/events/open.ts';
import type { Database } from '../src/store/operational/database.ts';
import { fixedClock } from '../src/shared/clock.ts';
import { openTarget } from './stores.ts';
import type { BenchResult } from './support.ts';

// `npm run bench media` (issue #15): the Media page's comparison (GET /v1/media/comparison's work) over N attributed
// customers on PGlite on disk — N customers joined over a year, every one attributed to one of the four media with
// its quality facts, daily spend of the four media and monthly brand figures. Median of 5 warm runs, the whole year
// (every attributed customer aggregated) and the default 90 days. Then one attribution run itself (what the daily batch
// and POST /v1/media/attribution/run do) over the same N customers with three touch events each (an ad click and two
// visits carrying channel / utm_source / dsp_tag, one of them outside the window) and a purchase for every fourth, in
// an embedded event store: its time and the process's peak RSS. No target is set for it (a daily batch step).

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
    return [
      result('comparison_year_ms', year),
      result('comparison_90d_ms', quarter),
      await attributionRun(db, clock, n),
    ];
  } finally {
    await target.dispose();
  }
}

/** One attribution run over `n` customers' touch events in an embedded event store: its time and peak RSS. */
async function attributionRun(db: Kysely<Database>, clock: Clock, n: number): Promise<BenchResult> {
  const events = await openEventStore({ kind: 'chdb', dataDir: null });
  try {
    const t0 = performance.now();
    // customer i joined AS_OF - (i % 365); touches 3, 10 and 40 days before (the last outside a 30-day window)
    await events.command(`INSERT INTO events (event_id, customer_id, distinct_id, event, time, properties)
      SELECT concat('t', toString(number)), toUInt32(intDiv(number, 3) + 1), concat('C', toString(intDiv(number, 3) + 1)),
        if(number % 3 = 0, 'ad_click', 'page_view'),
        toDateTime64(toDate('${AS_OF}') - (intDiv(number, 3) + 1) % 365 - [3, 10, 40][number % 3 + 1], 3, 'UTC') + 3600,
        concat('{"', ['channel', 'utm_source', 'dsp_tag'][number % 3 + 1], '":"',
               ['tencent_ads', 'douyin', 'baidu_feed', 'moments'][intDiv(number, 3) % 4 + 1], '"}')
      FROM numbers(${n * 3})`);
    await events.command(`INSERT INTO events (event_id, customer_id, distinct_id, event, time, properties)
      SELECT concat('p', toString(number)), toUInt32(number * 4 + 4), concat('C', toString(number * 4 + 4)), 'purchase',
        toDateTime64(toDate('${AS_OF}') - (number * 4 + 4) % 365 + 5, 3, 'UTC'), '{"amount":1000}'
      FROM numbers(${Math.floor(n / 4)})`);
    const seedMs = performance.now() - t0;
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const t = performance.now();
    const run = await runAttribution({ db, events, clock }, { windowDays: 30, actor: 'bench' });
    const ms = performance.now() - t;
    clearInterval(sampler);
    return {
      bench: 'media',
      metric: 'attribution_run_ms',
      value: Math.round(ms),
      unit: 'ms',
      details: {
        customers: run.customers,
        attributed: run.attributed,
        touchEvents: n * 3,
        peakRssMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20),
        rssBeforeMb: Math.round(rssBefore / 2 ** 20),
        seedMs: Math.round(seedMs),
      },
    };
  } finally {
    await events.close();
  }
}
