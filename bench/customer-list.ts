import { AuthService } from '../src/auth/service.ts';
import { listCustomers } from '../src/pool/customers.ts';
import { systemClock } from '../src/shared/clock.ts';
import { figure, seedPoolBank, waitForReminderRun, waitForTagRun } from './pool.ts';
import { openTarget } from './stores.ts';
import { startServerProcess, stopProcess, type BenchResult } from './support.ts';

// `npm run bench customers-list`: the customers list (issue #12) over HTTP against a server process holding the pool
// benchmark's bank of BENCH_LIST_CUSTOMERS customers (default 1,000,000), as an administrator (scope: the whole bank,
// the largest sets): page 1 with its exact total for a search of each kind and for each filter combination, p95 per
// query; then a bulk assignment of the customers a filter selects (a 5% sample group, ~50,000) to one manager.
// Baseline, same run, same data: the SQL list the route used before (`listCustomers`, a window count over the
// filtered rows) for the filters it had, in-process before the server starts.

const BULK_MANAGER = 'BULK';

/** The customers-list benchmark's figures. */
export async function benchCustomerList(options: {
  customers: number;
  requests?: number;
}): Promise<BenchResult[]> {
  const n = options.customers;
  const requests = options.requests ?? 30;
  const target = await openTarget('pglite');
  let closed = false;
  try {
    const generated = performance.now();
    await seedPoolBank(target.store.db, n);
    await target.store.db
      .insertInto('staff')
      .values({
        id: BULK_MANAGER,
        name: 'Bulk taker',
        org_unit_id: 'SB-B1',
        role: 'account_manager',
        pool_capacity: 200_000,
      })
      .execute();
    const generateSeconds = (performance.now() - generated) / 1000;
    const baseline = await baselineSql(target.store.db);
    const auth = new AuthService({
      db: target.store.db,
      clock: systemClock('Asia/Shanghai'),
      sessionTtlHours: 12,
    });
    const key = (await auth.createApiKey({ name: 'bench', role: 'admin' }, 'bench')).key;
    await target.store.close();
    closed = true;

    const server = await startServerProcess(
      {
        FLYWHEEL_DATA_DIR: target.dataDir,
        FLYWHEEL_SEED_DEMO: 'never',
        FLYWHEEL_TAGS_DAILY_AT: 'off',
        LOG_LEVEL: 'warn',
      },
      async (url) => (await fetch(`${url}/readyz`)).status === 200,
      600_000,
    );
    try {
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const call = async (method: string, path: string, body?: unknown) => {
        const t = performance.now();
        const res = await fetch(server.url + path, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
        return { ms: performance.now() - t, body: JSON.parse(text) as Record<string, unknown> };
      };
      await waitForTagRun(server.url, { authorization: headers.authorization });
      await waitForReminderRun(server.url, { authorization: headers.authorization });
      const group = await call('POST', '/v1/segments', {
        name: 'Five percent sample',
        rule: { sample: { percent: 5, seed: 'bench' } },
      });
      const gold = await call('POST', '/v1/segments', {
        name: 'Gold and above with a fund',
        rule: { all: [{ attr: 'aum', op: '>=', value: 50_000 }, { holds: 'fund' }] },
      });
      const tag = await pickTag((path) => call('GET', path));
      const q = encodeURIComponent;
      const queries = [
        '/v1/customers?limit=50',
        '/v1/customers?tier=gold&limit=50',
        '/v1/customers?tier=platinum,diamond&orgUnitId=BR-A&limit=50',
        '/v1/customers?orgUnitId=SB-B1&sort=last_contact&limit=50',
        '/v1/customers?stage=transaction&limit=50',
        '/v1/customers?managerId=M0007&sort=owner_since&limit=50',
        `/v1/customers?tag=${q(tag.key)}&tagValue=${q(tag.value)}&limit=50`,
        `/v1/customers?segmentId=${q(String(gold.body['id']))}&limit=50`,
        `/v1/customers?segmentId=${q(String(group.body['id']))}&tier=gold&orgUnitId=BR-B&sort=customer_no&limit=50`,
        `/v1/customers?tag=${q(tag.key)}&tagValue=${q(tag.value)}&stage=transaction&managerId=M0011&limit=50`,
        '/v1/customers?tier=mass&sort=customer_no&offset=5000&limit=50',
        '/v1/customers?q=C000123456',
        '/v1/customers?q=C0001234',
        `/v1/customers?q=${q('138****3456')}`,
        '/v1/customers?q=3456',
        `/v1/customers?q=${q('张**')}&tier=gold`,
        `/v1/customers?q=${q('王')}&orgUnitId=SB-A2`,
      ];
      // The first request builds the day's segment index (once per process and day).
      const warm = performance.now();
      await call('GET', '/v1/customers?tier=gold&limit=1');
      const indexSeconds = (performance.now() - warm) / 1000;
      for (const path of queries) for (let i = 0; i < 3; i++) await call('GET', path);
      const times = new Map<string, number[]>(queries.map((p) => [p, []]));
      const totals = new Map<string, number>();
      for (let i = 0; i < requests; i++)
        for (const path of queries) {
          const r = await call('GET', path);
          times.get(path)!.push(r.ms);
          totals.set(path, Number(r.body['total']));
        }
      const perQuery = queries.map((path) => {
        const f = figure(path, times.get(path)!, 150, {});
        return { query: path, total: totals.get(path), p95Ms: f.value, p50Ms: f.details?.['p50Ms'] };
      });
      const worst = Math.max(...perQuery.map((p) => p.p95Ms));
      const all = [...times.values()].flat();
      const overall = figure('customers.list.pglite', all, 150, {});

      const bulkFilter = { segmentId: String(group.body['id']) };
      const bulkStarted = performance.now();
      const bulk = await call('POST', '/v1/customers/bulk', {
        target: { filter: bulkFilter },
        action: { kind: 'assign', managerId: BULK_MANAGER, reason: 'bench' },
      });
      const bulkSeconds = (performance.now() - bulkStarted) / 1000;
      const details = {
        customers: n,
        requests,
        engine: 'PGlite on disk',
        generateSeconds: round(generateSeconds),
      };
      return [
        {
          bench: 'customers.list.pglite',
          metric: 'p95_ms',
          value: round(worst),
          unit: 'ms',
          target: '< 150 for every query',
          pass: worst < 150,
          details: {
            ...details,
            allQueriesP95Ms: overall.value,
            allQueriesP50Ms: overall.details?.['p50Ms'],
            indexBuildSeconds: round(indexSeconds),
            perQuery,
            baselineSqlList: baseline,
          },
        },
        {
          bench: 'customers.bulk_assign.pglite',
          metric: 'seconds',
          value: round(bulkSeconds),
          unit: 's',
          target: '< 10',
          pass: bulkSeconds < 10 && Number(bulk.body['matched']) >= 45_000,
          details: { ...details, filter: bulkFilter, outcome: bulk.body },
        },
      ];
    } finally {
      await stopProcess(server.child);
    }
  } finally {
    if (!closed) await target.store.close();
    await target.dispose();
  }
}

/** The SQL list the route used before, for the filters it had: ms per page 1 with its window-count total. */
async function baselineSql(db: Parameters<typeof listCustomers>[0]) {
  const cases = {
    none: {},
    tierGold: { tiers: ['gold'] as const },
    tierBranch: { tiers: ['platinum', 'diamond'] as const, orgUnitId: 'BR-A' },
    number: { q: 'C000123456' },
  };
  const out: Record<string, number> = {};
  for (const [name, query] of Object.entries(cases)) {
    await listCustomers(db, { kind: 'all' }, { ...query, limit: 50 });
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await listCustomers(db, { kind: 'all' }, { ...query, limit: 50 });
      ms.push(performance.now() - t);
    }
    out[`${name}MedianMs`] = round([...ms].sort((a, b) => a - b)[2]!);
  }
  return out;
}

/** A tag of the catalogue to filter by: a value held by between 1% and 90% of the bank, not tier or stage. */
async function pickTag(
  get: (path: string) => Promise<{ body: Record<string, unknown> }>,
): Promise<{ key: string; value: string }> {
  const { body } = await get('/v1/tags');
  const tags = body['tags'] as { key: string; values: { value: string; share: number }[] }[];
  for (const t of tags) {
    if (t.key === 'aum_tier' || t.key === 'lifecycle_stage') continue;
    const v = t.values.find((x) => x.share >= 0.01 && x.share <= 0.9);
    if (v) return { key: t.key, value: v.value };
  }
  throw new Error('no tag value held by 1-90% of the bank');
}

const round = (n: number) => Math.round(n * 100) / 100;
