import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { IdentityCache } from './api.ts';

// POST /v1/events and POST /v1/profiles over a real app on embedded stores (PGlite + chDB).

let t: TestApp;
let key: string;
let analystKey: string;
const T = Date.UTC(2026, 10, 22, 8, 0, 0);

beforeAll(async () => {
  t = await createTestApp({ env: { FLYWHEEL_EVENTS_MAX_BATCH: '5' } });
  key = (await t.auth.createApiKey({ name: 'etl', role: 'admin' }, 'test')).key;
  analystKey = (await t.auth.createApiKey({ name: 'bi', role: 'analyst' }, 'test')).key;
  const db = t.stores.operational.db;
  await db
    .insertInto('org_units')
    .values({ id: 'HO', name: 'Head office', kind: 'head_office', parent_id: null })
    .execute();
  await db.insertInto('customers').values({ id: 1, customer_no: 'C1' }).execute();
});
afterAll(async () => t?.close());

const post = (url: string, payload: unknown, apiKey = key) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

describe('OpenAPI', () => {
  it('documents both ingest routes', async () => {
    const doc = (await t.app.inject('/docs/json')).json() as {
      paths: Record<string, { post?: { summary?: string } }>;
    };
    expect(doc.paths['/v1/events']?.post?.summary).toMatch(/event_id/);
    expect(doc.paths['/v1/profiles']?.post?.summary).toMatch(/customer_no/);
  });
});

describe('POST /v1/events', () => {
  it('accepts, rejects and deduplicates item by item', async () => {
    const res = await post('/v1/events', [
      { event_id: 'a1', distinct_id: 'C1', event: 'app_open', time: T, properties: { os: 'android' } },
      { event_id: 'a2', distinct_id: 'anon-7', event: 'page_view', time: '2026-11-22T08:01:00Z' },
      { event_id: 'a3', distinct_id: 'C1', event: 'app_open', time: T, lib: 'js' },
      { event_id: 'a1', distinct_id: 'C1', event: 'app_open', time: T },
      { event_id: 'a4', distinct_id: 'C1', event: 'app_open', time: 'soon' },
    ]);
    const nul = await post('/v1/events', [{ event_id: 'a5', distinct_id: 'C1\u0000', event: 'x', time: T }]);
    expect(nul.json().results[0]).toEqual({
      index: 0,
      status: 'rejected',
      reason: 'distinct_id: contains a NUL character (U+0000), which cannot be stored',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 2,
      rejected: 2,
      duplicate: 1,
      results: [
        { index: 0, status: 'accepted' },
        { index: 1, status: 'accepted' },
        { index: 2, status: 'rejected', reason: 'unknown field "lib"' },
        { index: 3, status: 'duplicate', reason: 'event_id repeated in this batch' },
        { index: 4, status: 'rejected', reason: 'time: not a time (ms epoch or ISO 8601)' },
      ],
    });
    const again = await post('/v1/events', {
      events: [{ event_id: 'a1', distinct_id: 'C1', event: 'app_open', time: T }],
    });
    expect(again.json()).toMatchObject({
      accepted: 0,
      duplicate: 1,
      results: [{ index: 0, status: 'duplicate', reason: 'event_id already received' }],
    });
    const rows = await t.stores.events.query<{ event_id: string; customer_id: number }>(
      'SELECT event_id, customer_id FROM events_dedup ORDER BY event_id',
    );
    expect(rows).toEqual([
      { event_id: 'a1', customer_id: 1 },
      { event_id: 'a2', customer_id: 0 },
    ]);
  });

  it('answers 413 above FLYWHEEL_EVENTS_MAX_BATCH, 400 on malformed JSON, 401/403 without the permission', async () => {
    const six = Array.from({ length: 6 }, (_, i) => ({
      event_id: `b${i}`,
      distinct_id: 'C1',
      event: 'x',
      time: T,
    }));
    const big = await post('/v1/events', six);
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringContaining('batch of 6 events exceeds the limit of 5'),
    });
    const broken = await post('/v1/events', '[{"event_id": "x",');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('bad_request');
    const notBatch = await post('/v1/events', { event: 'x' });
    expect(notBatch.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: '/v1/events', payload: [] })).statusCode).toBe(401);
    expect((await post('/v1/events', [], analystKey)).statusCode).toBe(403);
  });
});

describe("one client's bad batch never fails another's (issue #9)", () => {
  /** JSON text of an event whose properties nest `levels` objects deep (too deep for JSON.stringify to write). */
  const deepEvent = (id: string, levels: number) =>
    `{"event_id":"${id}","distinct_id":"C1","event":"deep","time":${T},"properties":` +
    '{"a":'.repeat(levels) +
    '1' +
    '}'.repeat(levels) +
    '}';

  it('answers 400 to a poisoned batch and 200 to 20 good ones sent with it, storing every good event once', async () => {
    const good = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 5 }, (_, i) => ({
        event_id: `iso-${b}-${i}`,
        distinct_id: 'C1',
        event: 'app_open',
        time: T + b * 1000 + i,
        properties: { batch: b, nested: { list: [1, 2, { deep: 'enough' }] } },
      })),
    );
    const poisoned = `[${deepEvent('iso-poison-0', 10_000)}]`;
    const answers = await Promise.all([
      ...good.slice(0, 10).map((batch) => post('/v1/events', batch)),
      post('/v1/events', poisoned),
      ...good.slice(10).map((batch) => post('/v1/events', batch)),
    ]);
    const refused = answers.splice(10, 1)[0]!;
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: '/0/properties/a/a/a/a/a/a/…', message: 'nests deeper than 64 levels' }],
    });
    for (const answer of answers) {
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toMatchObject({ accepted: 5, rejected: 0, duplicate: 0 });
    }
    // In the table itself, not only through the deduplicating view: each good event is there once.
    const [row] = await t.stores.events.query<{ n: number; ids: number; poisoned: number }>(
      "SELECT count() AS n, uniqExact(event_id) AS ids, countIf(startsWith(event_id, 'iso-poison')) AS poisoned FROM events WHERE startsWith(event_id, 'iso-')",
    );
    expect(row).toEqual({ n: 100, ids: 100, poisoned: 0 });
  });

  it('rejects an item whose properties nest too deep or weigh too much, with where, and keeps the rest', async () => {
    const big = {
      event_id: 'size-1',
      distinct_id: 'C1',
      event: 'x',
      time: T,
      properties: { s: 'x'.repeat(70_000) },
    };
    const res = await post(
      '/v1/events',
      `[${deepEvent('depth-1', 40)},${JSON.stringify(big)},{"event_id":"fine-1","distinct_id":"C1","event":"x","time":${T}}]`,
    );
    expect(res.statusCode).toBe(200);
    const [deep, heavy, fine] = res.json().results;
    expect(deep).toEqual({
      index: 0,
      status: 'rejected',
      reason: `properties.${Array(32).fill('a').join('.')}: nests deeper than 32 levels`,
    });
    expect(heavy).toMatchObject({
      index: 1,
      status: 'rejected',
      reason: 'properties: serialises to at least 70008 characters, more than the 65536 an item may carry',
    });
    expect(fine).toEqual({ index: 2, status: 'accepted' });
    // Profiles likewise: the fields of one item, not the batch.
    let attributes: unknown = 1;
    for (let i = 0; i < 40; i++) attributes = { a: attributes };
    const profiles = await post('/v1/profiles', {
      profiles: [
        { customer_no: 'C1', set: { attributes } },
        { customer_no: 'C1\u0000', set: { name: 'x' } },
      ],
    });
    expect(profiles.json().results).toEqual([
      {
        index: 0,
        status: 'rejected',
        reason: `set.attributes.${Array(31).fill('a').join('.')}: nests deeper than 32 levels`,
      },
      {
        index: 1,
        status: 'rejected',
        reason: 'customer_no: contains a NUL character (U+0000), which cannot be stored',
      },
    ]);
  });
});

describe('POST /v1/profiles', () => {
  it('creates and updates customers by customer_no, item by item', async () => {
    const res = await post('/v1/profiles', {
      profiles: [
        { customer_no: 'C1', set: { name: 'Li Na', tier: 'gold', attributes: { vip: true } } },
        { customer_no: 'C2', set: { name: 'Wang', birth_date: '1980-02-30' } },
        { customer_no: 'C3', set: { name: 'Zhao', shoe_size: 42 } },
        { customer_no: 'C5', set: { name: 'Qian', distinct_id: 'app-5', payroll: true } },
        { customer_no: 'C1', set: { name: 'again' } },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 2,
      rejected: 2,
      duplicate: 1,
      created: 1,
      updated: 1,
      unchanged: 0,
      results: [
        { index: 0, status: 'accepted' },
        { index: 1, status: 'rejected', reason: 'birth_date: not a valid calendar date (YYYY-MM-DD)' },
        { index: 2, status: 'rejected', reason: 'unknown field "shoe_size"' },
        { index: 3, status: 'accepted' },
        { index: 4, status: 'duplicate', reason: 'customer_no repeated in this batch' },
      ],
    });
    const rows = await t.stores.operational.db
      .selectFrom('customers')
      .select(['id', 'customer_no', 'name', 'tier', 'attributes', 'payroll'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: 1, customer_no: 'C1', name: 'Li Na', tier: 'gold', attributes: { vip: true }, payroll: false },
      { id: 2, customer_no: 'C5', name: 'Qian', tier: null, attributes: {}, payroll: true },
    ]);
    // The login id now resolves events to the new customer.
    await post('/v1/events', [{ event_id: 'p1', distinct_id: 'app-5', event: 'login', time: T }]);
    const ev = await t.stores.events.query<{ customer_id: number }>(
      "SELECT customer_id FROM events_dedup WHERE event_id = 'p1'",
    );
    expect(ev[0]!.customer_id).toBe(2);
    const same = await post('/v1/profiles', {
      profiles: [
        { customer_no: 'C1', set: { name: 'Li Na' } },
        { customer_no: 'C4', set: { name: 'Sun', org_unit_id: 'NOPE' } },
      ],
    });
    expect(same.json()).toMatchObject({
      accepted: 1,
      rejected: 1,
      unchanged: 1,
      updated: 0,
      results: [
        { index: 0, status: 'accepted' },
        { index: 1, status: 'rejected', reason: 'org_unit_id: unknown org unit (branch)' },
      ],
    });
    const audit = await t.stores.operational.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'ingest.profiles')
      .execute();
    expect(audit.length).toBe(2);
  });
});

describe('IdentityCache', () => {
  it('serves resolved ids until they expire, and looks up only what it lacks', async () => {
    const db = t.stores.operational.db;
    await db.insertInto('customers').values({ id: 50, customer_no: 'C50' }).execute();
    let now = 0;
    const cache = new IdentityCache({ ttlMs: 1000, now: () => now });
    expect([...(await cache.resolve(db, ['C50', 'stranger']))]).toEqual([['C50', 50]]);
    await db
      .insertInto('customer_identities')
      .values({ kind: 'distinct_id', value: 'C50', customer_id: 1 })
      .execute();
    expect((await cache.resolve(db, ['C50'])).get('C50')).toBe(50); // cached
    now = 1000;
    expect((await cache.resolve(db, ['C50'])).get('C50')).toBe(1); // expired: the login id now wins
  });
});
