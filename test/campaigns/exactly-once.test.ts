import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Waterfall } from '../../src/campaigns/runs/plan.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { openEventStore } from '../../src/store/events/open.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { CLI_BIN } from '../support/cli.ts';
import {
  openScenarioStore,
  queueScenario,
  SCENARIO_SECRET,
  spawnWorker,
  waitFor,
  type WorkerProcess,
} from '../support/delivery-scenario.ts';
import { startHttpSink, type HttpSink } from '../support/message-sink.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

// Issue #11 §5: 100,000 recipients, a run queued to a local webhook sink, the worker a real `flywheel start
// --services=worker` process, SIGKILLed mid-send and started again. Every recipient receives the message exactly
// once (by idempotency key and by customer), and the sent delivery rows = the sink's count = the preview's "to send".
// On PostgreSQL two workers share the queue while one of them is killed and restarted.

const CUSTOMERS = 100_000;
const withPostgres = await postgresAvailable();
const clock = systemClock('Asia/Shanghai');
// Short leases so a killed worker's claims come back within seconds on PostgreSQL (the embedded store releases them at
// start, since one process holds it).
const WORKER_ENV = { FLYWHEEL_WORKER_LEASE_SECONDS: '5', LOG_LEVEL: 'info' };

let sink: HttpSink;
const workers: WorkerProcess[] = [];
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-exactly-once-'));
  dirs.push(dir);
  return dir;
};
beforeAll(async () => {
  sink = await startHttpSink(SCENARIO_SECRET);
});
afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  await sink.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function start(dataDir: string, databaseUrl?: string): WorkerProcess {
  const worker = spawnWorker(CLI_BIN, {
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    extra: WORKER_ENV,
  });
  workers.push(worker);
  return worker;
}

async function kill(worker: WorkerProcess): Promise<void> {
  worker.child.kill('SIGKILL');
  await worker.exited;
}

async function stop(worker: WorkerProcess): Promise<void> {
  worker.child.kill('SIGTERM');
  await worker.exited;
  expect(worker.child.exitCode, worker.output()).toBe(0);
}

/** Waits until the sink holds a share of the run, so the kill lands mid-send. */
async function waitForShare(share: number, toSend: number, output: () => string): Promise<void> {
  await waitFor(
    () => sink.received.size >= toSend * share,
    120_000,
    () => `sink has ${sink.received.size} of ${toSend}\n${output()}`,
  );
}

/** The run's outcome as the operational store and the sink see it: exactly once, nothing lost. */
async function expectExactlyOnce(db: Kysely<Database>, runId: number, waterfall: Waterfall) {
  const run = await db
    .selectFrom('campaign_runs')
    .select(['status', 'waterfall'])
    .where('id', '=', String(runId))
    .executeTakeFirstOrThrow();
  expect(run.status).toBe('completed');
  const rows = await db
    .selectFrom('deliveries')
    .select(['idempotency_key', 'customer_id', 'status', 'attempts', 'last_error'])
    .where('run_id', '=', String(runId))
    .execute();
  const sent = rows.filter((r) => r.status === 'sent');
  // The preview's "to send" is what the run wrote and what went out: none lost, none suppressed, none failed.
  expect(waterfall.toSend).toBe((run.waterfall as unknown as Waterfall).toSend);
  expect(rows).toHaveLength(waterfall.toSend);
  // Any delivery not sent is shown with its attempts and last error (a CI run once saw one of 69,347 missing).
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
  expect(sent).toHaveLength(waterfall.toSend);
  // The sink: each key once, each customer once, exactly the sent rows' keys, every request signed.
  expect(sink.received.size).toBe(waterfall.toSend);
  expect(new Set(sent.map((r) => r.idempotency_key))).toEqual(new Set(sink.received.keys()));
  const customers = new Set([...sink.received.values()].map((m) => m.body['customerNo']));
  expect(customers.size).toBe(waterfall.toSend);
  expect([...sink.received.values()].every((m) => m.signed)).toBe(true);
  // The kill cut sends in flight: some were sent again under their key and deduplicated by the provider.
  expect(sink.requests).toBeGreaterThanOrEqual(sink.received.size);
}

describe('exactly once under SIGKILL', () => {
  it('PGlite: a worker killed mid-send and restarted sends every recipient exactly once', async () => {
    sink.received.clear();
    sink.requests = 0;
    const dataDir = tempDir();
    const store = await openScenarioStore({ kind: 'pglite', dataDir });
    const { runId, waterfall } = await queueScenario(store.db, clock, CUSTOMERS, sink.url);
    await store.close();
    expect(waterfall.audience).toBe(CUSTOMERS);
    expect(waterfall.toSend).toBeGreaterThan(60_000);

    const first = start(dataDir);
    await waitForShare(0.15, waterfall.toSend, first.output);
    await kill(first);
    const atKill = sink.received.size;
    expect(atKill).toBeLessThan(waterfall.toSend);

    const second = start(dataDir);
    await waitFor(
      () => second.output().includes('"msg":"campaign runs completed"'),
      240_000,
      () => `sink has ${sink.received.size} of ${waterfall.toSend}\n${second.output().slice(-3000)}`,
    );
    await stop(second);

    const reopened = await openScenarioStore({ kind: 'pglite', dataDir });
    try {
      await expectExactlyOnce(reopened.db, runId, waterfall);
    } finally {
      await reopened.close();
    }
    // The feedback loop: one message_sent event per recipient, a re-sent message being the same event.
    const events = await openEventStore({ kind: 'chdb', dataDir });
    try {
      const [row] = await events.query<{ n: number }>(
        "SELECT uniqExact(event_id) AS n FROM events WHERE event = 'message_sent'",
      );
      expect(Number(row?.n)).toBe(waterfall.toSend);
    } finally {
      await events.close();
    }
  }, 600_000);

  it.skipIf(!withPostgres)(
    'PostgreSQL: two workers share the queue; one killed mid-send and restarted; every recipient exactly once',
    async () => {
      sink.received.clear();
      sink.requests = 0;
      const database = await createTestDatabase('flywheel_once');
      const store = await openScenarioStore({ kind: 'postgres', url: database.url });
      try {
        const { runId, waterfall } = await queueScenario(store.db, clock, CUSTOMERS, sink.url);
        // Each worker process keeps its own embedded event store; the queue is the shared PostgreSQL database.
        const a = start(tempDir(), database.url);
        const b = start(tempDir(), database.url);
        await waitForShare(0.15, waterfall.toSend, () => a.output() + b.output());
        await kill(a);
        expect(sink.received.size).toBeLessThan(waterfall.toSend);
        const again = start(tempDir(), database.url);
        await waitFor(
          async () => {
            const run = await sql<{ status: string }>`
              select status from campaign_runs where id = ${runId}`.execute(store.db);
            return run.rows[0]?.status === 'completed';
          },
          240_000,
          () => `sink has ${sink.received.size} of ${waterfall.toSend}\n${b.output().slice(-2000)}`,
          250,
        );
        await Promise.all([stop(b), stop(again)]);
        await expectExactlyOnce(store.db, runId, waterfall);
      } finally {
        await store.close();
        await database.drop();
      }
    },
    600_000,
  );
});
