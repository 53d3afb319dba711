import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { ingestEvents } from '../src/ingest/api.ts';
import { EventWriter } from '../src/ingest/event-writer.ts';
import { processAllDue } from '../src/journeys/engine.ts';
import { enterCustomers } from '../src/journeys/enter.ts';
import { feedJourneyEvents } from '../src/journeys/event-feed.ts';
import { clockOf } from '../src/shared/clock.ts';
import { openEventStore } from '../src/store/events/open.ts';
import {
  engineDepsWithoutRules,
  JOURNEY_CHANNEL,
  liveJourney,
  postJourney,
  seedJourneyBank,
  WAIT_JOURNEY,
} from '../test/support/journey-fixture.ts';
import { openTarget, postgresReachable } from './stores.ts';
import { peakRssMb, type BenchResult } from './support.ts';

// `npm run bench journeys` (issue #14), on PostgreSQL: (1) BENCH_JOURNEY_CUSTOMERS (default 1,000,000) customers
// inside a live journey, each resting on a one-day wait; the worker's own code (processAllDue, as the journey tick
// runs it) takes every timer once the clock has moved past it — target ≥ 5,000 timers/s — with the process's peak
// RSS (< 1.5 GB); (2) events ingested at 1,000/s through the real ingestion path (ingestEvents, behind POST
// /v1/events) into the embedded event store while a journey tick every 500 ms (feed → due steps, as the worker's)
// enters their customers into an event-entered journey whose first node is a send: the time from an event's
// ingestion to its send decision (the step logged at the send node), p95 < 2 s.

const round = (n: number) => Math.round(n * 100) / 100;
const DAY = 86_400_000;

/** Options of the journeys benchmark. */
export interface JourneyBenchOptions {
  readonly customers: number;
  /** Seconds of ingestion at 1,000 events/s for the latency figure. */
  readonly seconds: number;
}

/** The q-quantile of some durations (q = 1: the largest). */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Resets this process's peak RSS (Linux), so the peak read next is the timers' step alone. */
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: the peak covers the whole benchmark process.
  }
}

/** Runs the journeys benchmark on PostgreSQL (skipped, and said so, when it does not answer). */
export async function benchJourneys(options: JourneyBenchOptions): Promise<BenchResult[]> {
  if (!(await postgresReachable())) {
    console.error('journeys benchmark: PostgreSQL does not answer; skipped');
    return [];
  }
  const target = await openTarget('postgres');
  const eventsDir = mkdtempSync(join(tmpdir(), 'flywheel-bench-events-'));
  const events = await openEventStore({ kind: 'chdb', dataDir: eventsDir });
  try {
    const db = target.store.db;
    let now = new Date('2026-12-07T02:00:00Z');
    const clock = clockOf(() => now, 'Asia/Shanghai');
    const { contentId } = await seedJourneyBank(db, clock, options.customers, '2027-06-01');
    await sql`analyze`.execute(db);
    const deps = engineDepsWithoutRules(db, clock);

    // (1) Timers: everyone enters a journey that rests a day, then leaves.
    const rest = await liveJourney(db, clock, 'Rest a day', WAIT_JOURNEY);
    const enterStart = performance.now();
    for (let from = 1; from <= options.customers; from += 50_000) {
      const ids = Array.from({ length: Math.min(50_000, options.customers - from + 1) }, (_, i) => from + i);
      await enterCustomers({ db, clock }, rest.versionId, ids, now);
    }
    const enterSeconds = (performance.now() - enterStart) / 1000;
    // Everyone in the graph takes the first step (the wait starts), then rests.
    await processAllDue(deps, { now, limit: 5_000 });
    await sql`analyze`.execute(db);
    const { rows: resting } = await sql<{ n: number }>`
      select count(*)::int as n from journey_memberships where journey_id = ${rest.journeyId} and state = 'waiting'`.execute(
      db,
    );
    now = new Date(now.getTime() + DAY + 60_000);
    resetPeakRss();
    const timersStart = performance.now();
    const processed = await processAllDue(deps, { now, limit: 5_000 });
    const timersSeconds = (performance.now() - timersStart) / 1000;
    const rssMb = peakRssMb(process.pid) ?? 0;
    const timersRate = processed / timersSeconds;
    await sql`update journeys set status = 'stopped' where id = ${rest.journeyId}`.execute(db);

    // (2) Event to first send decision, under 1,000 events/s of ingestion.
    now = new Date(now.getTime() + 60_000);
    const realClock = clockOf(() => new Date(), 'Asia/Shanghai');
    const post = await liveJourney(db, realClock, 'On app open, a post', postJourney(contentId));
    const writer = new EventWriter(events);
    const ingestedAt = new Map<number, number>();
    let stop = false;
    // How long each part of a tick took: where an event's wait goes.
    const feedMs: number[] = [];
    const stepMs: number[] = [];
    const tick = async () => {
      while (!stop) {
        const started = Date.now();
        await feedJourneyEvents({ db, clock: realClock, events });
        const fed = Date.now();
        await processAllDue(
          { ...engineDepsWithoutRules(db, realClock) },
          { now: new Date(), limit: 2_000, maxBatches: 50 },
        );
        feedMs.push(fed - started);
        stepMs.push(Date.now() - fed);
        await new Promise((r) => setTimeout(r, Math.max(0, 500 - (Date.now() - started))));
      }
    };
    const ticking = tick();
    const total = options.seconds * 1000;
    const start = Date.now();
    let customer = 0;
    // 100 events every 100 ms: 1,000/s, each a new customer opening the app.
    for (let sent = 0; sent < total; sent += 100) {
      const due = start + (sent / 1000) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      const batch = Array.from({ length: 100 }, () => ++customer);
      const time = new Date().toISOString();
      const result = await ingestEvents(
        batch.map((id) => ({
          event_id: `bench-open-${id}`,
          distinct_id: `K${String(id).padStart(7, '0')}`,
          event: 'app_open',
          time,
        })),
        { db, writer, calendar: realClock },
      );
      if (result.rejected > 0) throw new Error(`ingestion rejected ${result.rejected} events`);
      const at = Date.now();
      for (const id of batch) ingestedAt.set(id, at);
    }
    const ingestSeconds = (Date.now() - start) / 1000;
    // Let the last events through, then stop the tick.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from journey_steps s join journey_memberships m on m.id = s.membership_id
         where m.journey_id = ${post.journeyId} and s.node_id = 'post'`.execute(db);
      if (rows[0]!.n >= customer * 0.999 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    stop = true;
    await ticking;
    const { rows: decided } = await sql<{ customer_id: number; at: Date }>`
      select m.customer_id, s.at from journey_steps s join journey_memberships m on m.id = s.membership_id
       where m.journey_id = ${post.journeyId} and s.node_id = 'post'`.execute(db);
    const latencies = decided
      .map((r) => new Date(r.at).getTime() - (ingestedAt.get(r.customer_id) ?? NaN))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    const pick = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    const p95 = pick(0.95) / 1000;
    const { rows: queued } = await sql<{ n: number }>`
      select count(*)::int as n from deliveries where idempotency_key like 'j%' and channel = ${JOURNEY_CHANNEL}`.execute(
      db,
    );
    return [
      {
        bench: 'journeys.timers.postgres',
        metric: 'timers_per_second',
        value: Math.round(timersRate),
        unit: 'timers/s',
        target: '>= 5000',
        pass: timersRate >= 5000,
        details: {
          customersInside: resting[0]!.n,
          processed,
          seconds: round(timersSeconds),
          enterSeconds: round(enterSeconds),
          batch: 5000,
        },
      },
      {
        bench: 'journeys.worker.rss',
        metric: 'peak_rss',
        value: Math.round(rssMb),
        unit: 'MB',
        target: '< 1536',
        pass: rssMb < 1536,
        details: { customersInside: resting[0]!.n, while: 'processing every due timer' },
      },
      {
        bench: 'journeys.event_to_decision',
        metric: 'p95',
        value: round(p95),
        unit: 's',
        target: '< 2',
        pass: p95 < 2,
        details: {
          events: customer,
          decided: latencies.length,
          eventsPerSecond: Math.round(customer / ingestSeconds),
          p50: round(pick(0.5) / 1000),
          p99: round(pick(0.99) / 1000),
          queuedDeliveries: queued[0]!.n,
          tickMs: 500,
          ticks: feedMs.length,
          feedMsP50: quantile(feedMs, 0.5),
          feedMsMax: quantile(feedMs, 1),
          stepsMsP50: quantile(stepMs, 0.5),
          stepsMsMax: quantile(stepMs, 1),
          eventStore: 'chdb (embedded)',
        },
      },
    ];
  } finally {
    await events.close().catch(() => undefined);
    rmSync(eventsDir, { recursive: true, force: true });
    await target.dispose();
  }
}
