import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDefinition } from '../../src/tags/definitions.ts';
import { parseTagInput } from '../../src/tags/definition.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';

// Issue #9, item 1, over HTTP: creating or editing an SQL tag needs tags.sql; each escape of the issue is refused at
// save with a located reason and changes nothing; definitions and runs are audited with the SQL text; and on the
// embedded store an analyst's statement cannot stall the process (/healthz keeps answering).

const PII_NAME = '欧阳明华';
const sqlTag = (key: string, text: string, store: 'operational' | 'events' = 'operational') => ({
  key,
  name_en: key,
  name_zh: key,
  category: 'custom',
  kind: 'sql',
  spec: { store, sql: text },
});

const ESCAPES: [string, string, RegExp][] = [
  [
    'operational',
    `select customer_no, '--' as value from customers) q; commit; update users set role='admin' where username='analyst1'; select (select 1`,
    /line 1, column 49: does not parse/,
  ],
  [
    'operational',
    `select customer_no, '--' || (select string_agg(username||':'||password_hash,' ') from users) as value from customers`,
    /line 1, column \d+: users cannot be read by SQL tags/,
  ],
  [
    'operational',
    `select customer_no, name||phone||id_number as value from customers`,
    /column "name" does not exist/,
  ],
  [
    'events',
    `SELECT customer_id, '--' AS value FROM events_dedup) ; CREATE TABLE evil (a UInt8) ENGINE = Memory; SELECT (SELECT 1`,
    /line 1, column 52: does not parse/,
  ],
];

function suite(name: string, open: () => Promise<{ t: TestApp; done: () => Promise<void> }>) {
  describe(`SQL tags over HTTP on ${name}`, () => {
    let t: TestApp;
    let done: () => Promise<void>;
    let admin: string;
    let analyst: string;
    const call = (key: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${key}` },
        ...(payload ? { payload } : {}),
      });
    const state = async () => {
      const db = t.stores.operational.db;
      const rows = await sql<Record<string, unknown>>`
        select (select role from users where username = 'analyst1') as role,
               (select count(*)::int from tag_definitions) as definitions,
               (select count(*)::int from information_schema.tables where table_schema = 'public') as tables,
               (select count(*)::int from audit_log where action like '%reveal%') as reveals`.execute(db);
      const events = await t.stores.events.query<{ n: number }>(
        `SELECT count() AS n FROM system.tables WHERE database = currentDatabase()`,
      );
      return { ...rows.rows[0], eventTables: events[0]?.n };
    };

    beforeAll(async () => {
      ({ t, done } = await open());
      admin = (await t.auth.createApiKey({ name: 'admin', role: 'admin' }, 'test')).key;
      analyst = (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key;
      await t.auth.createUser(
        { username: 'analyst1', role: 'analyst', password: 'analyst-password' },
        'test',
      );
      await t.stores.operational.db
        .insertInto('customers')
        .values([
          { id: 1, customer_no: 'C1', name: PII_NAME, phone: '13911112222', aum: 10, tier: 'mass' },
          { id: 2, customer_no: 'C2', aum: 700_000, tier: 'gold' },
        ])
        .execute();
    });
    afterAll(async () => done?.());

    it('needs tags.sql: an analyst may not create, edit or retire an SQL tag', async () => {
      const text = `select id as customer_id, tier as value from customers`;
      const refused = await call(analyst, 'POST', '/v1/tags', sqlTag('by_tier', text));
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.message).toMatch(/tags\.sql/);
      const created = await call(admin, 'POST', '/v1/tags', sqlTag('by_tier', text));
      expect(created.statusCode).toBe(200);
      const { key: _key, ...body } = sqlTag('by_tier', `select customer_no, tier as value from customers`);
      expect((await call(analyst, 'PUT', '/v1/tags/by_tier', body)).statusCode).toBe(403);
      expect((await call(analyst, 'DELETE', '/v1/tags/by_tier')).statusCode).toBe(403);
      // other kinds stay the analyst's
      const bucket = {
        key: 'rich',
        name_en: 'Rich',
        name_zh: '富',
        category: 'custom',
        kind: 'bucket',
        spec: { field: 'aum', buckets: [{ value: 'yes', label: { en: 'Y', zh: '是' }, min: 1 }] },
      };
      expect((await call(analyst, 'POST', '/v1/tags', bucket)).statusCode).toBe(200);
    });

    it('is granted by name: an analyst given tags.sql writes SQL tags, and loses it when revoked', async () => {
      const user = await t.stores.operational.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'analyst1')
        .executeTakeFirstOrThrow();
      const signIn = async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { username: 'analyst1', password: 'analyst-password' },
        });
        expect(res.statusCode).toBe(200);
        return String(res.cookies.find((c) => c.name === 'fw_session')?.value);
      };
      const asAnalyst = (cookie: string, payload: object) =>
        t.app.inject({ method: 'POST', url: '/v1/tags', cookies: { fw_session: cookie }, payload });
      const text = `select id as customer_id, tier as value from customers`;
      const grant = (grants: string[]) =>
        t.app.inject({
          method: 'PATCH',
          url: `/v1/users/${user.id}`,
          headers: { authorization: `Bearer ${admin}` },
          payload: { grants },
        });
      expect((await grant(['tags.sql'])).statusCode).toBe(200);
      expect((await asAnalyst(await signIn(), sqlTag('granted_tier', text))).statusCode).toBe(200);
      expect((await grant([])).statusCode).toBe(200);
      expect((await asAnalyst(await signIn(), sqlTag('revoked_tier', text))).statusCode).toBe(403);
    });

    it.each(ESCAPES)(
      'refuses the escape on the %s store at save, located, and changes nothing',
      async (store, text, reason) => {
        const before = await state();
        const res = await call(admin, 'POST', '/v1/tags', sqlTag('evil', text, store as 'operational'));
        expect(res.statusCode).toBe(400);
        const body = res.json();
        expect(body.error.code).toBe('invalid_tag');
        expect(body.error.details.issues[0].path).toBe('spec.sql');
        expect(body.error.details.issues[0].message).toMatch(reason);
        expect(JSON.stringify(body)).not.toContain(PII_NAME);
        expect(JSON.stringify(body)).not.toContain('scrypt');
        expect(await state()).toEqual(before);
      },
    );

    it('audits every definition change and every run with the SQL text', async () => {
      const text = `select id as customer_id, case when aum > 100000 then 'high' else 'low' end as value from customers`;
      expect((await call(admin, 'POST', '/v1/tags', sqlTag('aum_band', text))).statusCode).toBe(200);
      const run = await call(admin, 'POST', '/v1/tags/compute', { asOf: '2026-11-23', keys: ['aum_band'] });
      expect(run.statusCode).toBe(200);
      expect(run.json().results).toEqual([
        expect.objectContaining({ key: 'aum_band', status: 'ok', values: 2 }),
      ]);
      const audit = await t.stores.operational.db
        .selectFrom('audit_log')
        .select(['actor', 'action', 'details'])
        .where('entity_type', '=', 'tag')
        .where('entity_id', '=', 'aum_band')
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['tags.create', 'tag.sql_run']);
      for (const a of audit) expect(a.details).toMatchObject({ sql: text });
      expect(audit[1]?.details).toMatchObject({ status: 'ok', store: 'operational', asOf: '2026-11-23' });
      expect(audit[1]?.actor).toMatch(/^apikey:\d+:admin$/);
    });
  });
}

suite('PGlite and chDB', async () => {
  const t = await createTestApp();
  return { t, done: () => t.close() };
});

if (await postgresAvailable()) {
  suite('PostgreSQL', async () => {
    const database: TestDatabase = await createTestDatabase('flywheel_sqltags_api');
    const t = await createTestApp({ databaseUrl: database.url });
    return {
      t,
      done: async () => {
        await t.close();
        await database.drop();
      },
    };
  });
}

describe('an SQL tag cannot stall the embedded store', () => {
  let t: TestApp;
  let admin: string;
  let base: string;
  const latencies: number[] = [];

  /** Polls /healthz over real HTTP while `work` runs; returns the slowest answer. */
  async function slowestHealthzDuring<T>(work: () => Promise<T>): Promise<{ result: T; slowestMs: number }> {
    let running = true;
    let slowest = 0;
    const poll = (async () => {
      while (running) {
        const started = performance.now();
        const res = await fetch(`${base}/healthz`);
        expect(res.status).toBe(200);
        slowest = Math.max(slowest, performance.now() - started);
        latencies.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    try {
      return { result: await work(), slowestMs: slowest };
    } finally {
      running = false;
      await poll;
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    admin = (await t.auth.createApiKey({ name: 'admin', role: 'admin' }, 'test')).key;
    // 5,000 customers: a cross join of them is 25M rows, seconds of a blocked process if it ran.
    await t.stores.operational.execScript(
      `insert into customers (id, customer_no, aum) select g, 'C' || g, g from generate_series(1, 5000) g`,
    );
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => t?.close());

  const post = (payload: object) =>
    fetch(`${base}/v1/tags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });

  it.each([
    [
      'a sleep',
      `select id as customer_id, 'x' as value from customers, pg_sleep(10)`,
      /function pg_sleep is not allowed/,
    ],
    [
      'a cross join',
      `select a.id as customer_id, count(*)::text as value from customers a, customers b group by 1`,
      /planner estimates .* cross join/,
    ],
    [
      'a per-row subquery',
      `select c.id as customer_id, (select count(*) from customers d where d.aum > c.aum)::text as value from customers c`,
      /planner estimates/,
    ],
  ])('refuses %s at save at once, and /healthz keeps answering', async (_label, text, reason) => {
    const started = performance.now();
    const key = `stall_${_label.replace(/\W+/g, '_')}`;
    const { result, slowestMs } = await slowestHealthzDuring(() => post(sqlTag(key, text)));
    expect(result.status).toBe(400);
    expect(JSON.stringify(await result.json())).toMatch(reason);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(slowestMs).toBeLessThan(1_000);
  });

  it('refuses a stored stall at run time too (a definition saved before the sandbox existed)', async () => {
    const input = parseTagInput(
      sqlTag('legacy_stall', `select a.id as customer_id, 'x' as value from customers a, customers b`),
    );
    if (!input.ok) throw new Error('fixture');
    await t.stores.operational.db
      .transaction()
      .execute((tx) => writeDefinition(tx, input.value, { actor: 'test', action: 'tags.create' }));
    const { result, slowestMs } = await slowestHealthzDuring(() =>
      fetch(`${base}/v1/tags/compute`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ asOf: '2026-11-23', keys: ['legacy_stall'] }),
      }),
    );
    expect(result.status).toBe(200);
    const run = (await result.json()) as { results: { key: string; status: string; error?: string }[] };
    expect(run.results[0]).toMatchObject({ key: 'legacy_stall', status: 'failed' });
    expect(run.results[0]?.error).toMatch(/planner estimates/);
    expect(slowestMs).toBeLessThan(1_000);
  });
});
