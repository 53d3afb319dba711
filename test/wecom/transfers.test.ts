import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandoverJob } from '../../src/pool/handover/jobs.ts';
import { HandoverRunner } from '../../src/pool/handover/runner.ts';
import type { DataScope } from '../../src/pool/scope.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { HttpWecomClient } from '../../src/wecom/client.ts';
import { startWecomSimulator, type RunningSimulator } from '../../src/wecom/simulator/server.ts';
import { retryTransfer } from '../../src/wecom/transfer-retry.ts';
import { driveWecomTransfers, type TransferDeps } from '../../src/wecom/transfers.ts';
import { openMigratedMemoryStore } from '../support/pglite.ts';
import { seedSyntheticBank } from '../support/synthetic-bank.ts';

// Issue #13, item 6: a departed manager's handover completed in WeCom against the simulator. Flywheel moves the
// ownership; the driver asks WeCom (resigned/transfer_customer, ≤ 100 a call), reads transfer_result after WeCom's
// 24 hours (the simulator's clock), and the customers' handover status follows: done, or refused by the customer and
// retried with another taker. A driver that dies mid-request resumes and moves nothing twice.

const AS_OF = '2026-11-23';
const ALL: DataScope = { kind: 'all' };
const CORP = 'wwflywheeltest';
const SECRET = 'simulator-secret';
const logger = createLogger('silent');
const POOL = 230;

describe('WeCom transfers of a departed manager’s handover, against the simulator', () => {
  let store: OperationalStore;
  let sim: RunningSimulator;
  let deps: TransferDeps;
  const clock = fixedClock(`${AS_OF}T10:00:00Z`);
  const control = async (action: string, body: unknown) => {
    const res = await fetch(`${sim.url}/simulator/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return res.json();
  };
  const states = async () =>
    Object.fromEntries(
      (
        await sql<{
          state: string;
          n: string;
        }>`select state, count(*) n from wecom_transfers group by state`.execute(store.db)
      ).rows.map((r) => [r.state, Number(r.n)]),
    );
  const handoverStatuses = async () =>
    Object.fromEntries(
      (
        await sql<{ s: string; n: string }>`select handover_status s, count(*) n from customer_owners
          where handover_status is not null group by handover_status`.execute(store.db)
      ).rows.map((r) => [r.s, Number(r.n)]),
    );

  beforeEach(async () => {
    store = await openMigratedMemoryStore();
    await seedSyntheticBank(store.db, {
      staff: [
        { id: 'AM1', orgUnitId: 'SB-A1', role: 'account_manager' },
        { id: 'AM2', orgUnitId: 'SB-A1', role: 'account_manager', capacity: 1000 },
        { id: 'AM3', orgUnitId: 'SB-A1', role: 'account_manager', capacity: 1000 },
        { id: 'AM4', orgUnitId: 'SB-A1', role: 'account_manager', capacity: 1000 },
      ],
      pools: [{ managerId: 'AM1', orgUnitId: 'SB-A1', customers: POOL }],
      asOf: AS_OF,
    });
    // Every customer of AM1 is his WeCom friend; he has left the bank (in Flywheel and in WeCom).
    await sql`update customers set wecom_friend = true, wecom_external_userid = 'wm' || lpad(id::text, 6, '0')`.execute(
      store.db,
    );
    await sql`update staff set status = 'departed' where id = 'AM1'`.execute(store.db);
    const customers = (
      await sql<{
        id: number;
        ext: string;
      }>`select id, wecom_external_userid ext from customers order by id`.execute(store.db)
    ).rows;
    sim = await startWecomSimulator({
      corpId: CORP,
      secret: SECRET,
      world: {
        staff: ['AM1', 'AM2', 'AM3', 'AM4'].map((userid) => ({ userid, name: userid })),
        customers: customers.map((c) => ({ external_userid: c.ext, name: `Customer ${c.id}` })),
        friendships: customers.map((c) => ({
          userid: 'AM1',
          external_userid: c.ext,
          createtime: 1_700_000_000,
        })),
      },
    });
    await control('staff/depart', { userid: 'AM1' });
    deps = {
      db: store.db,
      api: new HttpWecomClient({
        corpId: CORP,
        secret: SECRET,
        baseUrl: sim.url,
        logger,
        retry: { attempts: 2, baseMs: 1, maxMs: 5 },
        timeoutMs: 2_000,
      }),
      clock,
      logger,
    };
    const job = await createHandoverJob(
      { db: store.db, clock },
      { actor: 'user:bh', scope: ALL },
      {
        fromManagerId: 'AM1',
        takerIds: ['AM2', 'AM3'],
        split: 'even',
        reason: 'AM1 left the bank',
      },
    );
    if (!job.ok) throw new Error(job.error.message);
    await new HandoverRunner({ db: store.db, clock, logger }, { chunk: 100, chunkDelayMs: 0 }).run(
      job.value.job.id,
    );
    jobId = job.value.job.id;
  });
  let jobId = 0;
  afterEach(async () => {
    await sim?.close();
    await store?.close();
  });

  it('requests in batches of ≤ 100, completes after 24 h, and a refused customer is retried with another taker', async () => {
    expect(await handoverStatuses()).toEqual({ waiting: POOL });
    const refuser = 'wm000007';
    await control('customers/refuse', { external_userid: refuser });

    const first = await driveWecomTransfers(deps, jobId);
    expect(first).toMatchObject({ planned: POOL, requested: POOL, settled: 0, finished: false });
    expect(await states()).toEqual({ waiting: POOL });
    // Two takers, 115 customers each: two calls per taker (100 + 15), never more than 100 customers in one.
    const calls = (
      await sql<{
        attempts: number;
        n: string;
      }>`select attempts, count(*) n from wecom_transfers group by attempts`.execute(store.db)
    ).rows.map((r) => ({ attempts: r.attempts, n: Number(r.n) }));
    expect(calls).toEqual([{ attempts: 1, n: POOL }]);

    // Before WeCom's 24 hours nothing is final; after them, all but the refuser are done.
    expect((await driveWecomTransfers(deps, jobId)).settled).toBe(0);
    await control('clock', { advance_seconds: 86_400 + 60 });
    const second = await driveWecomTransfers(deps, jobId);
    expect(second).toMatchObject({ settled: POOL, finished: true, states: { done: POOL - 1, refused: 1 } });
    expect(await handoverStatuses()).toEqual({ done: POOL - 1, refused: 1 });

    // The branch head gives the refuser to AM4: ownership moves, WeCom is asked again, and it completes.
    await control('customers/refuse', { external_userid: refuser, refuse: false });
    const customerNo = (
      await sql<{
        no: string;
      }>`select customer_no no from customers where wecom_external_userid = ${refuser}`.execute(store.db)
    ).rows[0]!.no;
    const retried = await retryTransfer(
      { db: store.db, clock },
      { actor: 'user:bh', scope: ALL },
      {
        jobId,
        customerNo,
        takerId: 'AM4',
      },
    );
    expect(retried).toMatchObject({ ok: true, value: { to: 'AM4' } });
    await driveWecomTransfers(deps, jobId);
    await control('clock', { advance_seconds: 86_400 + 60 });
    expect(await driveWecomTransfers(deps, jobId)).toMatchObject({ finished: true, states: { done: POOL } });
    const owner = await sql<{
      m: string;
      s: string;
    }>`select o.manager_id m, o.handover_status s from customer_owners o
      join customers c on c.id = o.customer_id where c.wecom_external_userid = ${refuser}`.execute(store.db);
    expect(owner.rows[0]).toEqual({ m: 'AM4', s: 'done' });
  });

  it('resumes after a crash mid-request: customers WeCom already scheduled are not moved twice', async () => {
    // A previous driver asked WeCom for the first 40 customers and died before writing the answer.
    const first40 = (
      await sql<{ ext: string }>`select c.wecom_external_userid ext from customer_owners o
        join customers c on c.id = o.customer_id where o.manager_id = 'AM2' order by c.id limit 40`.execute(
        store.db,
      )
    ).rows.map((r) => r.ext);
    await deps.api.transferCustomer('resigned', {
      handover_userid: 'AM1',
      takeover_userid: 'AM2',
      external_userid: first40,
    });
    await sql`insert into wecom_transfers (job_id, customer_id, external_userid, handover_userid, takeover_userid, kind,
        state, attempts)
      select ${jobId}, c.id, c.wecom_external_userid, 'AM1', 'AM2', 'resigned', 'requested', 1 from customers c
      where c.wecom_external_userid = any(${first40}::text[])`.execute(store.db);
    // And WeCom is down for the next call: the pass is interrupted, nothing is lost.
    await control('faults', {
      api: 'externalcontact/resigned/transfer_customer',
      kind: 'http_500',
      count: 2,
    });
    const interrupted = await driveWecomTransfers(deps, jobId);
    expect(interrupted.interrupted).toBeDefined();
    expect(interrupted.finished).toBe(false);

    const resumed = await driveWecomTransfers(deps, jobId);
    expect(resumed.interrupted).toBeUndefined();
    expect(await states()).toEqual({ waiting: POOL });
    await control('clock', { advance_seconds: 86_400 + 60 });
    expect(await driveWecomTransfers(deps, jobId)).toMatchObject({ finished: true, states: { done: POOL } });
    // WeCom holds exactly one transfer per customer.
    const state = (await (await fetch(`${sim.url}/simulator/state`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(state)).toContain(String(POOL));
    expect(sim.world.transfers.length).toBe(POOL);
    expect(new Set(sim.world.transfers.map((t) => t.external_userid)).size).toBe(POOL);
  });
});
