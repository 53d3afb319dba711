import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterCustomers } from '../../src/journeys/enter.ts';
import type { JourneyBody } from '../../src/journeys/model.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { migrate } from '../../src/store/operational/migrate.ts';
import { openOperationalStore } from '../../src/store/operational/open.ts';
import type { Database } from '../../src/store/operational/database.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { openScenarioStore, waitFor, type WorkerProcess } from '../support/delivery-scenario.ts';
import { JOURNEY_CHANNEL, liveJourney, repeatedSteps, seedJourneyBank } from '../support/journey-fixture.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';

// Issue #14 §2: journey workers are child processes; two are SIGKILLed mid-way through processing (each batch is one
// transaction, so a kill rolls back the batch it was in), a third finishes. On PostgreSQL the two share the timers at
// once; on the embedded store (one process at a time) they run one after the other on its directory. Every
// membership ends having taken each step once, every message is queued once (by key and by membership), every cap
// reservation counted once, every task created once.

const CUSTOMERS = 3000;
const NOW = new Date('2026-12-07T02:00:00Z');
const withPostgres = await postgresAvailable();
const clock = clockOf(() => NOW);

const children: WorkerProcess[] = [];
afterAll(async () => {
  for (const c of children) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
});

type Target = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

function startChild(target: Target): WorkerProcess {
  const store =
    target.kind === 'postgres'
      ? { DATABASE_URL: target.url }
      : { DATABASE_URL: '', JOURNEY_PGLITE_DIR: target.dataDir };
  const child = spawn(process.execPath, ['bin/run-ts.mjs', 'test/support/journey-child.ts'], {
    env: { ...process.env, ...store, JOURNEY_NOW: NOW.toISOString(), JOURNEY_LIMIT: '40' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const worker = { child, output: () => output, exited };
  children.push(worker);
  return worker;
}

const batches = (w: WorkerProcess) =>
  w
    .output()
    .split('\n')
    .filter((l) => l.startsWith('batch')).length;

const body = (contentId: number): JourneyBody => ({
  entry: { kind: 'event', event: 'app_open' },
  start: 'notice',
  nodes: [
    {
      id: 'notice',
      kind: 'send',
      content: { id: contentId, version: 1 },
      channels: [JOURNEY_CHANNEL],
      purpose: 'marketing',
    },
    {
      id: 'ab',
      kind: 'split',
      arms: [
        { key: 'a', share: 50 },
        { key: 'b', share: 50 },
      ],
    },
    { id: 'call', kind: 'task', title: '跟进', dueDays: 1 },
    { id: 'touch', kind: 'tag', action: 'add', tag: 'journey_touch', value: 'maturity' },
    { id: 'done', kind: 'exit' },
  ],
  edges: [
    { from: 'notice', exit: 'next', to: 'ab' },
    { from: 'ab', exit: 'a', to: 'call' },
    { from: 'ab', exit: 'b', to: 'touch' },
    { from: 'call', exit: 'next', to: 'touch' },
    { from: 'touch', exit: 'next', to: 'done' },
  ],
  reentry: { kind: 'once' },
  controlPercent: 10,
});

/** Seeds the bank and a live journey, enters everyone; the journey's id. */
async function prepare(db: Kysely<Database>): Promise<number> {
  const { contentId } = await seedJourneyBank(db, clock, CUSTOMERS, '2026-12-20');
  const { journeyId, versionId } = await liveJourney(db, clock, 'Crash', body(contentId));
  const ids = Array.from({ length: CUSTOMERS }, (_, i) => i + 1);
  const entered = await enterCustomers({ db, clock }, versionId, ids, NOW);
  expect(entered.entered + entered.control).toBe(CUSTOMERS);
  return journeyId;
}

/** Starts a worker and SIGKILLs it once it has committed a few batches. */
async function killMidway(worker: WorkerProcess): Promise<void> {
  await waitFor(() => batches(worker) >= 3 || worker.child.exitCode !== null, 60_000, worker.output);
  worker.child.kill('SIGKILL');
  await worker.exited;
  expect(worker.output()).not.toContain('done');
}

async function activeLeft(db: Kysely<Database>, journeyId: number): Promise<number> {
  const left = await db
    .selectFrom('journey_memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('journey_id', '=', journeyId)
    .where('state', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(left.n);
}

/** Every membership advanced exactly once; no message, reservation, task or tag twice. */
async function expectExactlyOnce(db: Kysely<Database>, journeyId: number): Promise<void> {
  const members = await db
    .selectFrom('journey_memberships')
    .select(['id', 'customer_id', 'state', 'arm', 'steps', 'exit_reason'])
    .where('journey_id', '=', journeyId)
    .execute();
  expect(members).toHaveLength(CUSTOMERS);
  const inside = members.filter((m) => m.arm !== 'control');
  for (const m of inside) {
    expect([m.state, m.exit_reason]).toEqual(['exited', 'exit']);
    expect(m.steps).toBe(m.arm === 'a' ? 5 : 4);
  }
  expect(await repeatedSteps(db)).toEqual([]);
  const { rows: gaps } = await sql<{ n: number }>`
    select count(*)::int as n from journey_memberships m
     where m.journey_id = ${journeyId}
       and m.steps <> (select count(*) from journey_steps s where s.membership_id = m.id)`.execute(db);
  expect(gaps[0]!.n).toBe(0);
  // Messages: one per member with marketing consent, keyed by membership and node; caps reserved once each.
  const consenting = inside.filter((m) => m.customer_id % 7 !== 0 && m.customer_id % 10 !== 0);
  const { rows: deliveries } = await sql<{ key: string; customer_id: number }>`
    select idempotency_key as key, customer_id from deliveries`.execute(db);
  expect(deliveries).toHaveLength(consenting.length);
  expect(new Set(deliveries.map((d) => d.key))).toEqual(new Set(consenting.map((m) => `j${m.id}-notice`)));
  expect(new Set(deliveries.map((d) => d.customer_id)).size).toBe(deliveries.length);
  const { rows: ledger } = await sql<{ n: number; max: number }>`
    select coalesce(sum(messages), 0)::int as n, coalesce(max(messages), 0)::int as max from contact_ledger`.execute(
    db,
  );
  expect(ledger[0]).toEqual({ n: consenting.length, max: 1 });
  // Tasks for arm a, the tag for everyone inside.
  const tasks = await db.selectFrom('tasks').select('customer_id').execute();
  expect(tasks).toHaveLength(inside.filter((m) => m.arm === 'a').length);
  const tagged = await db.selectFrom('manual_tag_values').select('customer_id').execute();
  expect(tagged).toHaveLength(inside.length);
}

describe.skipIf(!withPostgres)('journey workers killed mid-batch on PostgreSQL', () => {
  let database: TestDatabase;
  let store: OperationalStore;
  let db: Kysely<Database>;

  beforeAll(async () => {
    database = await createTestDatabase('flywheel_journey_crash');
    store = await openOperationalStore({ kind: 'postgres', url: database.url });
    await migrate(store);
    db = store.db;
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('advances every membership exactly once and queues no message twice', async () => {
    const journeyId = await prepare(db);
    const target: Target = { kind: 'postgres', url: database.url };
    const rollbacks = async () =>
      Number(
        (
          await sql<{ n: string }>`
            select xact_rollback::text as n from pg_stat_database where datname = current_database()`.execute(
            db,
          )
        ).rows[0]!.n,
      );
    const before = await rollbacks();
    // Two workers share the timers; each is killed once it has committed a few batches.
    const [first, second] = [startChild(target), startChild(target)];
    await killMidway(first);
    await killMidway(second);
    // Killed before the end: work was left for the third.
    expect(await activeLeft(db, journeyId)).toBeGreaterThan(0);
    // Killed inside a batch: the server rolled back the transaction a dead worker left open.
    await waitFor(
      async () => (await rollbacks()) > before,
      10_000,
      () => 'no transaction was rolled back',
    );
    const third = startChild(target);
    await third.exited;
    expect(third.output()).toContain('done');
    await expectExactlyOnce(db, journeyId);
  }, 180_000);
});

describe('a journey worker killed mid-batch on the embedded store', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'flywheel-journey-crash-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('advances every membership exactly once and queues no message twice', async () => {
    let store = await openScenarioStore({ kind: 'pglite', dataDir });
    const journeyId = await prepare(store.db);
    await store.close();
    const target: Target = { kind: 'pglite', dataDir };
    // One process at a time holds the directory: killed, then another killed, then a third finishes.
    await killMidway(startChild(target));
    await killMidway(startChild(target));
    const third = startChild(target);
    await third.exited;
    expect(third.output()).toContain('done');
    store = await openScenarioStore({ kind: 'pglite', dataDir });
    try {
      await expectExactlyOnce(store.db, journeyId);
    } finally {
      await store.close();
    }
  }, 180_000);
});
