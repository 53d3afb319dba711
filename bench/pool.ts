import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/store/operational/database.ts';
import { AuthService } from '../src/auth/service.ts';
import { createHandoverJob } from '../src/pool/handover/jobs.ts';
import { HandoverRunner } from '../src/pool/handover/runner.ts';
import {
  seedSyntheticBank,
  type SyntheticPool,
  type SyntheticStaff,
} from '../test/support/synthetic-bank.ts';
import { fixedClock, systemClock } from '../src/shared/clock.ts';
import { createLogger } from '../src/shared/logger.ts';
import { openTarget, postgresReachable } from './stores.ts';
import { startServerProcess, stopProcess, type BenchResult } from './support.ts';

// `npm run bench pool`: (1) a one-click handover of 20,000 customers from one manager to 3 takers, plan and
// execution, on PGlite (on disk) and PostgreSQL; (2) over HTTP against a server process holding a synthetic bank of
// BENCH_POOL_CUSTOMERS customers (default 1,000,000) in pools of 5,000: p95 latency of "my pool" with filters and of
// the customer 360 profile, as an account manager signed in with a session.

const AS_OF = '2026-11-23';
const POOL = 5000;
const SUB_BRANCHES = ['SB-A1', 'SB-A2', 'SB-B1'];

/** Sizes of the pool benchmark. */
export interface PoolBenchOptions {
  /** Customers of the bank behind the HTTP figures. */
  readonly customers: number;
  readonly handoverCustomers?: number;
  /** Requests per HTTP figure (after 20 warm-up requests). */
  readonly requests?: number;
  readonly engines?: readonly ('pglite' | 'postgres')[];
}

/** The pool benchmark's figures. */
export async function benchPool(options: PoolBenchOptions): Promise<BenchResult[]> {
  const engines = options.engines ?? [
    'pglite',
    ...((await postgresReachable()) ? (['postgres'] as const) : []),
  ];
  const results: BenchResult[] = [];
  for (const engine of engines)
    results.push(await benchHandover(engine, options.handoverCustomers ?? 20_000));
  for (const engine of engines) results.push(...(await benchHttp(engine, options)));
  return results;
}

async function benchHandover(engine: 'pglite' | 'postgres', customers: number): Promise<BenchResult> {
  const target = await openTarget(engine);
  try {
    const store = target.store;
    await seedSyntheticBank(store.db, {
      staff: [
        { id: 'FROM', orgUnitId: 'SB-A1', role: 'account_manager', capacity: customers, status: 'departed' },
        ...['T1', 'T2', 'T3'].map((id) => ({
          id,
          orgUnitId: 'SB-A1',
          role: 'account_manager' as const,
          capacity: customers,
        })),
      ],
      pools: [
        { managerId: 'FROM', orgUnitId: 'SB-A1', customers },
        ...['T1', 'T2', 'T3'].map((id) => ({ managerId: id, orgUnitId: 'SB-A1', customers: 1000 })),
      ],
      asOf: AS_OF,
      taskEvery: 4,
    });
    await sql`analyze`.execute(store.db);
    const clock = fixedClock(`${AS_OF}T10:00:00Z`);
    const started = performance.now();
    const created = await createHandoverJob(
      { db: store.db, clock },
      { actor: 'bench', scope: { kind: 'all' } },
      { fromManagerId: 'FROM', takerIds: ['T1', 'T2', 'T3'], split: 'aum' },
    );
    if (!created.ok) throw new Error(created.error.message);
    const planned = performance.now();
    const runner = new HandoverRunner(
      { db: store.db, clock, logger: createLogger('silent') },
      { chunk: 500, chunkDelayMs: 0 },
    );
    await runner.run(created.value.job.id);
    const done = performance.now();
    const job = await store.db
      .selectFrom('handover_jobs')
      .selectAll()
      .where('id', '=', created.value.job.id)
      .executeTakeFirstOrThrow();
    if (job.status !== 'done' || job.moved !== customers)
      throw new Error(`handover ended ${job.status} with ${job.moved} moved`);
    const seconds = (done - started) / 1000;
    const limit = engine === 'pglite' ? 10 : 5;
    return {
      bench: `pool.handover.${engine}`,
      metric: 'seconds',
      value: round(seconds),
      unit: 's',
      target: `< ${limit}`,
      pass: seconds < limit,
      details: {
        customers,
        takers: 3,
        split: 'aum',
        chunk: 500,
        tasksMoved: job.tasks_moved,
        planSeconds: round((planned - started) / 1000),
        executeSeconds: round((done - planned) / 1000),
        store: engine === 'pglite' ? 'PGlite on disk' : 'PostgreSQL',
      },
    };
  } finally {
    await target.dispose();
  }
}

async function benchHttp(engine: 'pglite' | 'postgres', options: PoolBenchOptions): Promise<BenchResult[]> {
  const n = options.customers;
  const requests = options.requests ?? 200;
  const managers = Math.max(1, Math.ceil(n / POOL));
  const target = await openTarget(engine);
  const env: Record<string, string> = {
    FLYWHEEL_DATA_DIR: target.dataDir,
    FLYWHEEL_SEED_DEMO: 'never',
    FLYWHEEL_TAGS_DAILY_AT: 'off',
    LOG_LEVEL: 'warn',
    ...(target.url ? { DATABASE_URL: target.url } : {}),
  };
  let closed = false;
  try {
    const generated = performance.now();
    await seedPoolBank(target.store.db, n);
    const auth = new AuthService({
      db: target.store.db,
      clock: systemClock('Asia/Shanghai'),
      sessionTtlHours: 12,
    });
    await auth.createUser(
      {
        username: 'bench.am',
        role: 'account_manager',
        password: 'bench-password',
        staffId: 'M0001',
        orgUnitId: 'SB-A1',
      },
      'bench',
    );
    const generateSeconds = (performance.now() - generated) / 1000;
    await target.store.close();
    closed = true;

    const server = await startServerProcess(
      env,
      async (url) => (await fetch(`${url}/readyz`)).status === 200,
      600_000,
    );
    try {
      const login = await fetch(`${server.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bench.am', password: 'bench-password' }),
      });
      const cookie = /fw_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')?.[0];
      if (!cookie) throw new Error(`login failed: ${login.status} ${await login.text()}`);
      await waitForTagRun(server.url, { cookie });
      const get = async (path: string) => {
        const t = performance.now();
        const res = await fetch(server.url + path, { headers: { cookie } });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
        return performance.now() - t;
      };
      const poolSize = Math.min(POOL, n);
      const listings = [
        '/v1/workbench/my-pool?limit=50',
        '/v1/workbench/my-pool?tier=gold&sort=last_contact&limit=50',
        '/v1/workbench/my-pool?q=C0000012&limit=50',
        `/v1/workbench/my-pool?q=${encodeURIComponent('张')}&sort=aum&limit=50`,
        `/v1/workbench/my-pool?sort=customer_no&offset=${Math.floor(poolSize / 2)}&limit=50`,
        '/v1/workbench/my-pool?tier=mass,gold&sort=owner_since&order=asc&limit=100',
        `/v1/workbench/my-pool?q=C${String(Math.min(4321, poolSize)).padStart(9, '0')}`,
      ];
      let seed = 12345;
      const nextCustomer = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return `/v1/customers/C${String(1 + (seed % poolSize)).padStart(9, '0')}`;
      };
      for (let i = 0; i < 20; i++) {
        await get(listings[i % listings.length]!);
        await get(nextCustomer());
      }
      const myPool: number[] = [];
      const profile: number[] = [];
      for (let i = 0; i < requests; i++) myPool.push(await get(listings[i % listings.length]!));
      for (let i = 0; i < requests; i++) profile.push(await get(nextCustomer()));
      const details = {
        customers: n,
        poolSize,
        managers,
        requests,
        engine: engine === 'pglite' ? 'PGlite on disk' : 'PostgreSQL',
        generateSeconds: round(generateSeconds),
      };
      return [
        figure(`pool.my_pool.${engine}`, myPool, 100, { ...details, queries: listings }),
        figure(`pool.customer_360.${engine}`, profile, 150, details),
      ];
    } finally {
      await stopProcess(server.child);
    }
  } finally {
    if (!closed) await target.store.close();
    await target.dispose();
  }
}

/**
 * The million-customer bank of the HTTP figures: pools of 5,000 customers per account manager (M0001…) over the three
 * sub-branches, a task for every tenth customer, and a third of the customers contacted in the last two months.
 */
export async function seedPoolBank(db: Kysely<Database>, n: number): Promise<void> {
  const managers = Math.max(1, Math.ceil(n / POOL));
  const staff: SyntheticStaff[] = Array.from({ length: managers }, (_, i) => ({
    id: `M${String(i + 1).padStart(4, '0')}`,
    orgUnitId: SUB_BRANCHES[i % SUB_BRANCHES.length]!,
    role: 'account_manager',
    capacity: POOL * 2,
  }));
  const pools: SyntheticPool[] = staff.map((s, i) => ({
    managerId: s.id,
    orgUnitId: s.orgUnitId,
    customers: Math.min(POOL, n - i * POOL),
  }));
  await seedSyntheticBank(db, { staff, pools, asOf: AS_OF, taskEvery: 10 });
  // A third of the customers were contacted in the last two months, so "last contact" sorts on real values.
  await sql`insert into customer_contacts (customer_id, last_contact_at, last_outbound_at, last_staff_id)
    select c.id, ${`${AS_OF}T08:00:00Z`}::timestamptz - (c.id % 60) * interval '1 day', null, o.manager_id
    from customers c join customer_owners o on o.customer_id = c.id where c.id % 3 = 0`.execute(db);
  await sql`analyze`.execute(db);
}

/** Waits for the tag computation the server starts at boot, so it does not compete with the measured requests. */
export async function waitForTagRun(url: string, headers: Record<string, string>): Promise<void> {
  const deadline = performance.now() + 30 * 60_000;
  while (performance.now() < deadline) {
    const res = await fetch(`${url}/v1/tags/runs?limit=5`, { headers }).catch(() => undefined);
    if (!res || res.status !== 200) return;
    const { runs } = (await res.json()) as { runs: { status: string }[] };
    if (runs.length > 0 && runs.every((r) => r.status !== 'running')) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/**
 * Waits for the rest of the daily batch the server starts at boot (after its tags: the day's reminders, ~900,000 on
 * a 1M bank, a minute of writes), so that it competes neither with the measured requests nor with a bulk action.
 */
export async function waitForReminderRun(url: string, headers: Record<string, string>): Promise<void> {
  const deadline = performance.now() + 30 * 60_000;
  while (performance.now() < deadline) {
    const res = await fetch(`${url}/v1/audit?action=reminders.generate&limit=1`, { headers }).catch(
      () => undefined,
    );
    if (!res || res.status !== 200) return;
    const { items } = (await res.json()) as { items: unknown[] };
    if (items.length > 0) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** A p95 figure of request times. */
export function figure(
  bench: string,
  ms: number[],
  targetMs: number,
  details: Record<string, unknown>,
): BenchResult {
  const sorted = [...ms].sort((a, b) => a - b);
  const p = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0);
  return {
    bench,
    metric: 'p95_ms',
    value: p(0.95),
    unit: 'ms',
    target: `< ${targetMs}`,
    pass: p(0.95) < targetMs,
    details: { ...details, p50Ms: p(0.5), maxMs: p(1) },
  };
}

/** A fresh, migrated operational store: PGlite in a temp dir, or a new PostgreSQL database. */
const round = (n: number) => Math.round(n * 100) / 100;
