import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let adminKey: string;
let managerKey: string;

beforeAll(async () => {
  t = await createTestApp();
  adminKey = (await t.auth.createApiKey({ name: 'admin-key', role: 'admin' }, 'test')).key;
  managerKey = (await t.auth.createApiKey({ name: 'am-key', role: 'account_manager' }, 'test')).key;
  await t.auth.createUser({ username: 'analyst1', role: 'analyst', password: 'analyst-pass' }, 'test');
  const db = t.stores.operational.db;
  await db
    .insertInto('org_units')
    .values({ id: 'HO', name: 'Head office', kind: 'head_office', parent_id: null })
    .execute();
  // Ten customers with AUM 1..10 × 10,000: total 550,000, top 20% (two customers) hold 190,000.
  await db
    .insertInto('customers')
    .values(
      Array.from({ length: 10 }, (_, i) => ({
        id: i + 1,
        customer_no: `C${i + 1}`,
        org_unit_id: 'HO',
        aum: (i + 1) * 10_000,
        tier: i + 1 >= 5 ? ('gold' as const) : ('mass' as const),
        customer_since: i < 3 ? '2026-11-20' : '2020-01-01',
      })),
    )
    .execute();
  await t.stores.events.insert('events', [
    {
      event_id: 'e1',
      customer_id: 1,
      distinct_id: 'C1',
      event: 'app_open',
      time: Date.parse('2026-11-22T08:00:00Z'),
      properties: {},
    },
    {
      event_id: 'e1',
      customer_id: 1,
      distinct_id: 'C1',
      event: 'app_open',
      time: Date.parse('2026-11-22T08:00:00Z'),
      properties: {},
    },
    {
      event_id: 'e2',
      customer_id: 2,
      distinct_id: 'C2',
      event: 'purchase',
      time: Date.parse('2026-11-23T09:00:00Z'),
      properties: { amount: 5 },
    },
  ]);
});
afterAll(async () => t?.close());

describe('probes and docs', () => {
  it('answers /healthz and /readyz with both stores checked', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      operational: { kind: 'pglite', ok: true },
      events: { kind: 'chdb', ok: true },
    });
  });

  it('serves an OpenAPI document listing the API', async () => {
    const doc = (await t.app.inject('/docs/json')).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/auth/login', '/v1/overview', '/healthz']),
    );
  });

  it('answers unknown API routes with a JSON error', async () => {
    const res = await t.app.inject('/v1/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /v1/nothing-here' } });
  });
});

describe('authentication', () => {
  it('rejects anonymous and bad credentials with 401', async () => {
    expect((await t.app.inject('/v1/overview')).statusCode).toBe(401);
    const bad = await t.app.inject({ url: '/v1/overview', headers: { authorization: 'Bearer fwk_nope' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('unauthenticated');
    const malformed = await t.app.inject({ url: '/v1/overview', headers: { authorization: 'Basic abc' } });
    expect(malformed.statusCode).toBe(401);
  });

  it('signs in with a cookie session and signs out', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'analyst1', password: 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'analyst1', password: 'analyst-pass' },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'fw_session');
    expect(cookie?.httpOnly).toBe(true);
    const me = await t.app.inject({ url: '/v1/auth/me', cookies: { fw_session: cookie!.value } });
    expect(me.json()).toMatchObject({ actor: 'user:analyst1', role: 'analyst' });
    await t.app.inject({ method: 'POST', url: '/v1/auth/logout', cookies: { fw_session: cookie!.value } });
    expect(
      (await t.app.inject({ url: '/v1/auth/me', cookies: { fw_session: cookie!.value } })).statusCode,
    ).toBe(401);
  });

  it('validates bodies with located messages and refuses malformed JSON', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: '' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(res.json().error.message).toContain('password');
    const broken = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('bad_request');
  });

  it('lets admins create users and API keys, but not other roles', async () => {
    const denied = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${managerKey}` },
      payload: { name: 'x', role: 'admin' },
    });
    expect(denied.statusCode).toBe(403);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { authorization: `Bearer ${adminKey}` },
      payload: { username: 'am.wang', role: 'account_manager' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().password).toHaveLength(16);
  });
});

describe('overview', () => {
  it('reports customers, AUM, tiers, concentration and activity from the stores', async () => {
    const res = await t.app.inject({
      url: '/v1/overview?days=7',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(res.statusCode).toBe(200);
    const o = res.json();
    expect(o.customers).toBe(10);
    expect(o.aum).toBe(550_000);
    expect(o.tiers).toEqual([
      { tier: 'mass', customers: 4, aum: 100_000 },
      { tier: 'gold', customers: 6, aum: 450_000 },
      { tier: 'platinum', customers: 0, aum: 0 },
      { tier: 'diamond', customers: 0, aum: 0 },
      { tier: 'private', customers: 0, aum: 0 },
    ]);
    expect(o.top20AumShare).toBeCloseTo(190_000 / 550_000, 10);
    expect(o.pareto.at(-1).aumShare).toBeCloseTo(1, 10);
    expect(o.newCustomersPerDay.find((d: { date: string }) => d.date === '2026-11-20').customers).toBe(3);
    // The duplicate event id counts once.
    expect(o.eventsPerDay.find((d: { date: string }) => d.date === '2026-11-22').events).toBe(1);
    expect(o.eventsPerDay).toHaveLength(7);
  });

  it('is refused to roles without analytics access', async () => {
    const res = await t.app.inject({
      url: '/v1/overview',
      headers: { authorization: `Bearer ${managerKey}` },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
  });
});
