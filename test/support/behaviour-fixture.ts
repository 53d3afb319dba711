import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChdbHttpServer } from './chdb-http-server.ts';
import { openMigratedMemoryStore } from './pglite.ts';
import { seedSegmentFixture } from './segments-fixture.ts';
import { segmentService } from './memory-stores.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import { openEventStore } from '../../src/store/events/open.ts';
import type { BehaviourEvent, EventStore, TransactionRecord } from '../../src/store/events/store.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import type { BehaviourDeps } from '../../src/analytics/funnels/groups.ts';

// Test support: a hand-built behaviour history over the ten customers of the segment fixture (aum_tier mass = 1..4,
// gold = 5..10; city Hangzhou = 1..3), with answers worked out by hand in funnel.test.ts and retention.test.ts, on
// either engine: chDB in-process, or the ClickHouse client over HTTP against the chDB shim.

const H = 3_600_000;
/** 2026-11-02 10:00 UTC, a Monday. */
export const T = Date.parse('2026-11-02T10:00:00Z');

let seq = 0;
const ev = (
  customer: number,
  event: string,
  time: number,
  properties: Record<string, unknown> = {},
  id?: string,
) =>
  ({
    event_id: id ?? `fx-${++seq}`,
    customer_id: customer,
    distinct_id: `d${customer}`,
    event,
    time,
    properties,
  }) satisfies BehaviourEvent;
const at = (day: string, hour = 12) => Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);

/** Funnel view → apply → approve (window 1 day), then signup/login for retention and churn. */
export function fixtureEvents(): BehaviourEvent[] {
  seq = 0;
  return [
    // 1: all three steps: apply after 1 h, approve 2 h later.
    ev(1, 'view', T, { channel: 'app' }),
    ev(1, 'apply', T + H),
    ev(1, 'approve', T + 3 * H),
    // 2: apply at the very same millisecond as the view (the UCI case); its id sorts first and it is sent twice.
    ev(2, 'apply', T, {}, 'a-0002'),
    ev(2, 'apply', T, {}, 'a-0002'),
    ev(2, 'view', T, { channel: 'app' }, 'z-0002'),
    // 3: apply two days later, outside the window.
    ev(3, 'view', T, { channel: 'web' }),
    ev(3, 'apply', T + 48 * H),
    // 4: apply before the view does not count.
    ev(4, 'apply', T),
    ev(4, 'view', T + H, { channel: 'web' }),
    // 5: a second view restarts the chain: apply 23 h after it (28 h after the first); approve too late.
    ev(5, 'view', T, { channel: 'app' }),
    ev(5, 'view', T + 5 * H, { channel: 'web' }),
    ev(5, 'apply', T + 28 * H),
    ev(5, 'approve', T + 40 * H),
    // 6: no channel; the earliest apply starts the step time of approve (19 h).
    ev(6, 'view', T),
    ev(6, 'apply', T + H),
    ev(6, 'apply', T + 2 * H),
    ev(6, 'approve', T + 20 * H),
    // 7: before the date range; 0: an unknown customer.
    ev(7, 'view', at('2026-10-31')),
    ev(7, 'apply', at('2026-10-31', 13)),
    ev(0, 'view', T),
    ev(0, 'apply', T + H),
    // Retention: signups and logins (weeks start on Monday: 11-02, 11-09, 11-16, 11-23).
    ev(1, 'signup', at('2026-11-02', 8)),
    ev(1, 'login', at('2026-11-03')),
    ev(1, 'login', at('2026-11-10')),
    ev(1, 'login', at('2026-11-24')),
    ev(2, 'signup', at('2026-11-04')),
    ev(2, 'login', at('2026-11-12')),
    ev(3, 'signup', at('2026-11-09', 10)),
    ev(3, 'login', at('2026-11-09')),
    ev(3, 'login', at('2026-11-17')),
    ev(3, 'login', at('2026-11-18'), {}, 'login-3-18'),
    ev(3, 'login', at('2026-11-18'), {}, 'login-3-18'),
    ev(4, 'signup', at('2026-10-20')),
    ev(4, 'signup', at('2026-11-03')),
    ev(5, 'signup', at('2026-11-10')),
    ev(0, 'signup', at('2026-11-05')),
  ];
}

const txn = (
  id: string,
  customer: number,
  kind: TransactionRecord['kind'],
  time: number,
): TransactionRecord => ({
  txn_id: id,
  customer_id: customer,
  account_no: `A${customer}`,
  product_id: 'F1',
  kind,
  amount: 100,
  channel: 'app',
  time,
});

/** Purchases for "first purchase" cohorts and transaction churn. */
export function fixtureTransactions(): TransactionRecord[] {
  return [
    txn('t1', 1, 'purchase', at('2026-11-02', 9)),
    txn('t2', 2, 'purchase', at('2026-10-15')),
    txn('t3', 2, 'purchase', at('2026-11-05')),
    txn('t4', 3, 'deposit', at('2026-11-03')),
    txn('t5', 3, 'purchase', at('2026-11-11')),
    txn('t6', 2, 'interest', at('2026-11-20')),
  ];
}

/** The two ways the event store is reached, for suites that must agree on both. */
export const ENGINES = ['chDB', 'ClickHouse client over HTTP (chDB shim)'] as const;

/** Opens PGlite with the segment fixture and an event store of the given engine, loaded with the fixture history. */
export async function openBehaviourFixture(
  engine: (typeof ENGINES)[number],
  load: { events?: BehaviourEvent[]; transactions?: TransactionRecord[] } = {},
): Promise<{ deps: BehaviourDeps; store: OperationalStore; events: EventStore; close(): Promise<void> }> {
  const store = await openMigratedMemoryStore();
  await seedSegmentFixture(store.db);
  const dir = await mkdtemp(join(tmpdir(), 'flywheel-behaviour-'));
  const server = engine === 'chDB' ? null : await startChdbHttpServer({ dataDir: dir });
  const events = server
    ? await openEventStore({ kind: 'clickhouse', url: server.url })
    : await openEventStore({ kind: 'chdb', dataDir: null });
  await events.insert('events', load.events ?? fixtureEvents());
  await events.insert('transactions', load.transactions ?? fixtureTransactions());
  const clock = fixedClock('2026-11-23T10:00:00Z');
  const segments = segmentService({ store, events }, clock);
  return {
    deps: { events, clock, segments },
    store,
    events,
    async close() {
      await events.close();
      await server?.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
