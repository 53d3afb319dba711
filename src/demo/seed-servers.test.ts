import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startChdbHttpServer, type ChdbHttpServer } from '../../test/support/chdb-http-server.ts';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { createTestDatabase, postgresAvailable } from '../../test/support/postgres.ts';
import { openEventStore } from '../store/events/open.ts';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { seedDemoBank } from './seed.ts';

// The production path: PostgreSQL (when one answers) and the ClickHouse driver over HTTP (files streamed as request
// bodies, parameters bound by the server), here against chDB behind the test shim since no ClickHouse server runs.
const withPostgres = await postgresAvailable();
let dir: string;
let server: ChdbHttpServer;
let store: OperationalStore;
let events: EventStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flywheel-demo-ch-'));
  server = await startChdbHttpServer({ dataDir: dir });
  events = await openEventStore({ kind: 'clickhouse', url: server.url });
  store = await openMigratedMemoryStore();
});

afterAll(async () => {
  await events?.close();
  await server?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function seedAndCompare(target: OperationalStore) {
  for (const table of ['events', 'transactions', 'customer_daily'])
    await events.command(`TRUNCATE TABLE ${table}`);
  const result = await seedDemoBank(
    { store: target, events },
    { customers: 400, days: 45, seed: 'server', asOf: '2025-03-31' },
  );
  if (!result.ok) throw new Error(result.error.message);
  const counts = result.value.counts;
  const [row] = await events.query<{ events: number; transactions: number; daily: number; aum: number }>(`
    SELECT (SELECT count() FROM events_dedup) AS events, (SELECT count() FROM transactions_dedup) AS transactions,
           (SELECT count() FROM customer_daily_dedup) AS daily,
           (SELECT sum(aum) FROM customer_daily_dedup WHERE date = '2025-03-31') AS aum`);
  expect(row).toEqual({
    events: counts['events'],
    transactions: counts['transactions'],
    daily: counts['customer_daily'],
    aum: expect.closeTo(result.value.aum.total, 2),
  });
  return result.value;
}

it('seeds the demo bank through a ClickHouse server as through chDB', async () => {
  await seedAndCompare(store);
});

it.runIf(withPostgres)('seeds the demo bank into PostgreSQL, with the same rows as into PGlite', async () => {
  const embedded = await store.db.selectFrom('customers').selectAll().orderBy('id').execute();
  const db = await createTestDatabase('flywheel_demo');
  const server = await openOperationalStore({ kind: 'postgres', url: db.url });
  try {
    await migrate(server);
    const summary = await seedAndCompare(server);
    expect(summary.counts['customers']).toBe(400);
    const rows = await server.db.selectFrom('customers').selectAll().orderBy('id').execute();
    expect(JSON.stringify(rows)).toBe(JSON.stringify(embedded));
  } finally {
    await server.close();
    await db.drop();
  }
});
