import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/service.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { seedSyntheticBank } from '../support/synthetic-bank.ts';
import { closeStores } from '../../src/server/stores.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { TEST_PASSWORD_COST, TEST_PASSWORD_ENV } from '../support/password-cost.ts';
import { openTestStores } from '../support/app.ts';

// Crash safety of the one-click handover, end to end: the real server process runs a handover through the HTTP API,
// is killed with SIGKILL in the middle of the job, is started again, and must finish the job with every customer
// owned exactly once, every task moved once and an audit trail that names every customer once.

const CUSTOMERS = 3000;
const dir = mkdtempSync(join(tmpdir(), 'flywheel-handover-kill-'));
const env: Record<string, string> = {
  FLYWHEEL_DATA_DIR: dir,
  FLYWHEEL_SEED_DEMO: 'never',
  ...TEST_PASSWORD_ENV,
  FLYWHEEL_TAGS_DAILY_AT: 'off',
  LOG_LEVEL: 'warn',
  // Small chunks with a pause between them make the job last long enough to be killed mid-way.
  FLYWHEEL_HANDOVER_CHUNK: '50',
  FLYWHEEL_HANDOVER_CHUNK_DELAY_MS: '80',
};
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function config(): Config {
  const parsed = loadConfig(env);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function startServer(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/flywheel.mjs', 'start'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { child, url, output: () => output };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not ready:\n${output}`);
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

describe('handover survives a SIGKILL of the server mid-job', () => {
  it('resumes after restart and completes with every customer owned once, tasks moved once, audit complete', async () => {
    // The bank: AM1 owns 3,000 customers (every third with an open task) and hands them to three colleagues.
    let key: string;
    {
      const stores = await openTestStores(config());
      try {
        await seedSyntheticBank(stores.operational.db, {
          staff: [
            { id: 'AM1', orgUnitId: 'SB-A1', role: 'account_manager', capacity: 5000 },
            { id: 'AM2', orgUnitId: 'SB-A1', role: 'account_manager', capacity: 5000 },
            { id: 'AM3', orgUnitId: 'SB-A2', role: 'account_manager', capacity: 5000 },
            { id: 'AM4', orgUnitId: 'SB-B1', role: 'account_manager', capacity: 5000 },
          ],
          pools: [
            { managerId: 'AM1', orgUnitId: 'SB-A1', customers: CUSTOMERS },
            { managerId: 'AM2', orgUnitId: 'SB-A1', customers: 100 },
          ],
          asOf: '2026-11-23',
          taskEvery: 3,
        });
        await stores.operational.db
          .updateTable('staff')
          .set({ status: 'departed' })
          .where('id', '=', 'AM1')
          .execute();
        const auth = new AuthService({
          db: stores.operational.db,
          clock: systemClock('Asia/Shanghai'),
          sessionTtlHours: 1,
          passwordCost: TEST_PASSWORD_COST,
        });
        key = (await auth.createApiKey({ name: 'reliability', role: 'admin' }, 'test')).key;
      } finally {
        await closeStores(stores);
      }
    }
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const job = async (url: string, id: number) => {
      const res = await fetch(`${url}/v1/handovers/${id}?limit=1`, { headers });
      return (
        (await res.json()) as {
          job: { status: string; total: number; pending: number; moved: number; chunks: number };
        }
      ).job;
    };

    const first = await startServer();
    const created = await fetch(`${first.url}/v1/handovers`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ fromManagerId: 'AM1', takerIds: ['AM2', 'AM3', 'AM4'], split: 'aum' }),
    });
    expect(created.status).toBe(201);
    const { job: started } = (await created.json()) as { job: { id: number; total: number } };
    expect(started.total).toBe(CUSTOMERS);
    // Kill it once between a quarter and three quarters of the customers have been processed.
    let before = await job(first.url, started.id);
    while (before.pending > CUSTOMERS * 0.75) {
      await new Promise((r) => setTimeout(r, 50));
      before = await job(first.url, started.id);
    }
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(before.status).toBe('running');
    expect(before.pending).toBeGreaterThan(CUSTOMERS * 0.25);

    const second = await startServer();
    let after = await job(second.url, started.id);
    const deadline = Date.now() + 120_000;
    while (after.status === 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      after = await job(second.url, started.id);
    }
    expect(after).toMatchObject({ status: 'done', pending: 0, moved: CUSTOMERS });
    second.child.kill('SIGTERM');
    await exited(second.child);

    const stores = await openTestStores(config());
    try {
      const db = stores.operational.db;
      const { rows } = await sql<Record<string, number>>`select
        (select count(*) from customers) as customers,
        (select count(*) from customer_owners) as owned,
        (select count(*) from customer_owners where manager_id = 'AM1') as left_with_am1,
        (select count(*) from ownership_history where job_id = ${started.id}) as history,
        (select count(distinct customer_id) from ownership_history where job_id = ${started.id}) as history_customers,
        (select count(*) from handover_items where job_id = ${started.id} and status = 'moved') as items_moved,
        (select count(*) from tasks where assignee_id = 'AM1') as tasks_left,
        (select count(*) from tasks t join customer_owners o on o.customer_id = t.customer_id
          where t.assignee_id <> o.manager_id) as tasks_astray`.execute(db);
      expect(rows[0]).toEqual({
        customers: CUSTOMERS + 100,
        owned: CUSTOMERS + 100,
        left_with_am1: 0,
        history: CUSTOMERS,
        history_customers: CUSTOMERS,
        items_moved: CUSTOMERS,
        tasks_left: 0,
        tasks_astray: 0,
      });
      const audit = await db
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('entity_type', '=', 'handover_job')
        .where('entity_id', '=', String(started.id))
        .orderBy('id')
        .execute();
      const chunks = audit.filter((a) => a.action === 'handover.chunk');
      expect(audit.filter((a) => a.action === 'handover.create')).toHaveLength(1);
      expect(audit.filter((a) => a.action === 'handover.finish')).toHaveLength(1);
      const final = await db
        .selectFrom('handover_jobs')
        .selectAll()
        .where('id', '=', started.id)
        .executeTakeFirstOrThrow();
      expect(chunks).toHaveLength(final.chunks);
      const moved = chunks.flatMap((a) => (a.details['moved'] as [number, string][]).map((m) => m[0]));
      expect(moved).toHaveLength(CUSTOMERS);
      expect(new Set(moved).size).toBe(CUSTOMERS);
      const taskIds = chunks.flatMap((a) => a.details['tasksMoved'] as number[]);
      expect(taskIds).toHaveLength(CUSTOMERS / 3);
      expect(new Set(taskIds).size).toBe(CUSTOMERS / 3);
      expect(final.tasks_moved).toBe(CUSTOMERS / 3);
    } finally {
      await closeStores(stores);
    }
  }, 300_000);
});
