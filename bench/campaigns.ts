import { sql } from 'kysely';
import type { ChannelSender } from '../src/campaigns/channels/channel.ts';
import { webhookChannel } from '../src/campaigns/channels/http-provider.ts';
import { Composer } from '../src/campaigns/delivery/composer.ts';
import { runDeliveryWorker } from '../src/campaigns/delivery/worker.ts';
import { decideContact } from '../src/campaigns/policy/decide.ts';
import { DEFAULT_CONTACT_POLICY } from '../src/campaigns/policy/settings.ts';
import { planRun } from '../src/campaigns/runs/plan.ts';
import { RoaringBitmap32 } from '../src/shared/bitmap.ts';
import { clockOf } from '../src/shared/clock.ts';
import { queueCampaignRun, seedCampaignBank } from '../test/support/campaign-fixture.ts';
import { startHttpSink } from '../test/support/message-sink.ts';
import { openTarget, postgresReachable } from './stores.ts';
import type { BenchResult } from './support.ts';

// `npm run bench campaigns` (issue #11): (1) the contact policy per message, alone and as the run plan applies it
// (target < 50 µs); (2) preparing a broadcast to BENCH_CAMPAIGN_CUSTOMERS (default 1,000,000) recipients — audience,
// consent, caps, holdout, delivery rows written (targets < 30 s PostgreSQL, < 60 s PGlite) with peak RSS (< 1.5 GB);
// (3) delivery of BENCH_CAMPAIGN_DELIVER messages (default 100,000) to a local webhook sink by two workers
// (targets ≥ 5,000/s PostgreSQL, ≥ 2,000/s PGlite), exactly once at the sink.

const SECRET = 'bench-signing-secret-0123456789';
const round = (n: number) => Math.round(n * 100) / 100;

/** Options of the campaigns benchmark. */
export interface CampaignBenchOptions {
  readonly customers: number;
  readonly deliver: number;
}

function benchPolicy(): BenchResult[] {
  const n = 1_000_000;
  const audience = new RoaringBitmap32(Array.from({ length: n }, (_, i) => i + 1));
  const facts = {
    consent: (id: number) =>
      id % 10 === 0
        ? { state: 'revoked' as const, at: null }
        : { state: 'granted' as const, at: '2026-01-01' },
    doNotContact: (id: number) => id % 997 === 0,
    sent: (id: number) => (id % 11 === 0 ? { day: 1, week: 1, month: 1 } : { day: 0, week: 0, month: 0 }),
  };
  const caps = DEFAULT_CONTACT_POLICY.caps.sms;
  let started = performance.now();
  let sent = 0;
  for (let id = 1; id <= n; id++) {
    const d = decideContact(
      DEFAULT_CONTACT_POLICY,
      'marketing',
      caps,
      { open: true },
      {
        consent: facts.consent(id).state,
        doNotContact: facts.doNotContact(id),
        sent: facts.sent(id),
        inControlGroup: id % 13 === 0,
        inGlobalHoldout: id % 50 === 0,
      },
    );
    if (d.outcome === 'send') sent++;
  }
  const decideUs = ((performance.now() - started) * 1000) / n;
  started = performance.now();
  const plan = planRun({
    audience,
    purpose: 'marketing',
    channels: [
      { key: 'wecom', reaches: 'wecom' },
      { key: 'sms', reaches: 'sms' },
    ],
    policy: DEFAULT_CONTACT_POLICY,
    window: { open: true },
    facts,
    inControlGroup: (id) => id % 13 === 0,
    inGlobalHoldout: (id) => id % 50 === 0,
  });
  const planUs = ((performance.now() - started) * 1000) / n;
  return [
    {
      bench: 'campaigns.policy.decide',
      metric: 'per_message',
      value: round(decideUs),
      unit: 'µs',
      target: '< 50',
      pass: decideUs < 50,
      details: { messages: n, sent },
    },
    {
      bench: 'campaigns.policy.plan',
      metric: 'per_customer',
      value: round(planUs),
      unit: 'µs',
      target: '< 50',
      pass: planUs < 50,
      details: { customers: n, channels: 2, toSend: plan.waterfall.toSend },
    },
  ];
}

async function benchEngine(
  engine: 'pglite' | 'postgres',
  options: CampaignBenchOptions,
): Promise<BenchResult[]> {
  const target = await openTarget(engine);
  const sink = await startHttpSink(SECRET);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  try {
    const db = target.store.db;
    let now = new Date('2026-12-07T02:00:00Z');
    const clock = clockOf(() => new Date(now));
    const { contentId } = await seedCampaignBank(db, clock, options.customers, [
      { key: 'bank_sms', kind: 'webhook' },
    ]);
    await sql`analyze`.execute(db);
    const started = performance.now();
    const { runId, waterfall } = await queueCampaignRun(db, clock, contentId, 'bank_sms', {
      controlPercent: 10,
    });
    const prepareSeconds = (performance.now() - started) / 1000;
    const prepareLimit = engine === 'pglite' ? 60 : 30;

    // Deliver the first BENCH_CAMPAIGN_DELIVER messages with two workers, then stop them.
    now = new Date();
    const live = clockOf(() => new Date());
    await sql`update deliveries set not_before = ${new Date(0)} where run_id = ${runId}`.execute(db);
    const channels = new Map([
      ['bank_sms', { key: 'bank_sms', reaches: 'sms' as const, variant: 'sms' as const }],
    ]);
    const senders = new Map<string, ChannelSender>([
      ['bank_sms', webhookChannel({ url: sink.url, secret: SECRET, timeoutMs: 10_000 })],
    ]);
    const stop = new AbortController();
    const deliverStart = performance.now();
    const workers = ['w1', 'w2'].map((workerId) =>
      runDeliveryWorker(
        {
          db,
          clock: live,
          workerId,
          senders,
          composer: new Composer(db, channels, 'Bench Bank'),
          batchSize: 500,
          concurrency: 64,
        },
        stop.signal,
        50,
      ),
    );
    while (sink.received.size < options.deliver) await new Promise((r) => setTimeout(r, 100));
    const deliverSeconds = (performance.now() - deliverStart) / 1000;
    stop.abort();
    await Promise.all(workers);
    const rate = sink.received.size / deliverSeconds;
    const rateTarget = engine === 'pglite' ? 2000 : 5000;
    const rssMb = peakRss / 2 ** 20;
    return [
      {
        bench: `campaigns.prepare.${engine}`,
        metric: 'seconds',
        value: round(prepareSeconds),
        unit: 's',
        target: `< ${prepareLimit}`,
        pass: prepareSeconds < prepareLimit,
        details: { audience: waterfall.audience, toSend: waterfall.toSend, excluded: waterfall.excluded },
      },
      {
        bench: `campaigns.deliver.${engine}`,
        metric: 'messages_per_second',
        value: Math.round(rate),
        unit: 'msg/s',
        target: `>= ${rateTarget}`,
        pass: rate >= rateTarget,
        details: {
          messages: sink.received.size,
          requests: sink.requests,
          workers: 2,
          seconds: round(deliverSeconds),
        },
      },
      {
        bench: `campaigns.rss.${engine}`,
        metric: 'peak_rss',
        value: Math.round(rssMb),
        unit: 'MB',
        target: '< 1536',
        pass: rssMb < 1536,
        details: {
          customers: options.customers,
          note: 'the whole benchmark process: seeding, preparing, two workers and the sink',
        },
      },
    ];
  } finally {
    clearInterval(sampler);
    await sink.close();
    await target.dispose();
  }
}

/** Runs the campaigns benchmark. */
export async function benchCampaigns(options: CampaignBenchOptions): Promise<BenchResult[]> {
  const results = benchPolicy();
  const engines = ['pglite', ...((await postgresReachable()) ? (['postgres'] as const) : [])] as const;
  for (const engine of engines) results.push(...(await benchEngine(engine, options)));
  return results;
}
