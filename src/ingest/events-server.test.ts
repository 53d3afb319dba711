import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChdbHttpServer, type ChdbHttpServer } from '../../test/support/chdb-http-server.ts';
import { IDENTITY_EVENT_MAPPING } from '../../test/support/event-mapping.ts';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { fixedClock } from '../shared/clock.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { runImport } from './run.ts';

// Events into a ClickHouse server through the ClickHouse driver (chDB behind the HTTP shim: no server runs here).
// A server cannot read our files, so every import takes the row path and streams the staged file to the server.

let server: ChdbHttpServer;
let store: OperationalStore;
let events: EventStore;
let dir: string;
const T = Date.UTC(2026, 10, 1, 8, 0, 0);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flywheel-ingest-server-'));
  server = await startChdbHttpServer({ dataDir: join(dir, 'ch') });
  events = await openEventStore({ kind: 'clickhouse', url: server.url });
  store = await openMigratedMemoryStore();
  await store.db
    .insertInto('customers')
    .values([{ id: 1, customer_no: 'C1' }])
    .execute();
});
afterAll(async () => {
  await events?.close();
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('events import into a ClickHouse server', () => {
  it('stages, loads, and on re-import counts every event unchanged', async () => {
    const path = join(dir, 'events.ndjson');
    const lines = Array.from({ length: 2500 }, (_, i) =>
      JSON.stringify({
        event_id: `s${i}`,
        distinct_id: i % 2 ? 'C1' : `anon-${i}`,
        event: 'view',
        time: T + i,
        properties: { i },
      }),
    );
    writeFileSync(path, lines.join('\n') + '\n');
    const mapping = { value: IDENTITY_EVENT_MAPPING };
    const run = () =>
      runImport(
        { kind: 'events', file: path, mapping, actor: 'test', batchSize: 1000 },
        { operational: store, events, clock: fixedClock('2026-11-23T10:00:00Z') },
      );
    const first = await run();
    expect(first.ok && first.value).toMatchObject({ status: 'committed', read: 2500, inserted: 2500 });
    const again = await run();
    expect(again.ok && again.value).toMatchObject({
      status: 'committed',
      inserted: 0,
      updated: 0,
      unchanged: 2500,
    });
    const counts = await events.query<{ n: number; known: number }>(
      'SELECT count() AS n, countIf(customer_id = 1) AS known FROM events_dedup',
    );
    expect(counts).toEqual([{ n: 2500, known: 1250 }]);

    writeFileSync(path, lines.slice(0, 10).join('\n') + '\n{"event_id": "broken"\n');
    const bad = await run();
    expect(bad.ok && bad.value).toMatchObject({
      status: 'rejected',
      rejected: 1,
      firstErrors: [{ row: 11, line: 11 }],
    });
  });
});
