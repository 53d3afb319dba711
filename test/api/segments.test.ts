import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { FIXTURE_AS_OF, seedSegmentFixture } from '../support/segments-fixture.ts';

// The segment API over real HTTP (a listening server and fetch), on real embedded stores with the segment fixture.

let t: TestApp;
let base: string;
const keys: Record<'admin' | 'analyst' | 'manager', string> = { admin: '', analyst: '', manager: '' };

beforeAll(async () => {
  t = await createTestApp({ now: `${FIXTURE_AS_OF}T10:00:00Z` });
  keys.admin = (await t.auth.createApiKey({ name: 'admin', role: 'admin' }, 'test')).key;
  keys.analyst = (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key;
  keys.manager = (await t.auth.createApiKey({ name: 'am', role: 'account_manager' }, 'test')).key;
  await seedSegmentFixture(t.stores.operational.db);
  await t.stores.events.insert('events', [
    {
      event_id: 'e1',
      customer_id: 1,
      distinct_id: 'd1',
      event: 'purchase',
      time: Date.parse(`${FIXTURE_AS_OF}T08:00:00Z`),
      properties: { amount: 500, channel: 'app' },
    },
  ]);
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t?.close());

async function call(
  method: string,
  path: string,
  options: { body?: unknown; as?: keyof typeof keys } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const response = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${keys[options.as ?? 'analyst']}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, headers: response.headers };
}

describe('segment API', () => {
  it('serves the catalogue the rule builder needs', async () => {
    const r = await call('GET', '/v1/segments/catalogue');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      asOf: FIXTURE_AS_OF,
      tagsAsOf: '2026-11-22',
      customers: 10,
      segments: [],
      lists: [],
    });
    expect(r.body.tags).toContainEqual({
      key: 'aum_tier',
      name: { en: 'AUM tier', zh: '资产层级' },
      values: [
        { value: 'mass', label: { en: 'Mass', zh: '大众客户' } },
        { value: 'gold', label: { en: 'Gold', zh: '金卡' } },
        { value: 'platinum', label: { en: 'Platinum', zh: '白金卡' } },
        { value: 'diamond', label: { en: 'Diamond', zh: '钻石卡' } },
        { value: 'private', label: { en: 'Private banking', zh: '私人银行' } },
      ],
    });
    expect(r.body.attributes).toContainEqual({ name: 'tier', type: 'string', values: ['gold', 'mass'] });
    expect(r.body.attributes).toContainEqual({ name: 'aum', type: 'number' });
    expect(r.body.holdings).toContain('fund');
    expect(r.body.events).toEqual([{ name: 'purchase', properties: ['amount', 'channel'] }]);
    expect((await call('GET', '/v1/segments/catalogue', { as: 'manager' })).status).toBe(403);
  });

  it('previews a rule, and refuses an invalid one with the path of each problem', async () => {
    const ok = await call('POST', '/v1/segments/preview', {
      body: {
        rule: {
          any: [
            { tag: 'aum_tier', in: ['mass'] },
            { event: 'purchase', where: { amount: { gte: 100 } } },
          ],
        },
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ count: 4, elapsed_ms: expect.any(Number) });
    const bad = await call('POST', '/v1/segments/preview', {
      body: {
        rule: {
          all: [
            { tag: 'aum_tier', in: ['gold'] },
            { attr: 'age', op: 'between', value: [50, 'x'] },
          ],
        },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'invalid_rule',
      details: { issues: [{ path: '$.all[1]', message: expect.stringMatching(/not a number/) }] },
    });
  });

  it('knows an event name within seconds of its first arrival through /v1/events (issue #9)', async () => {
    const before = await call('POST', '/v1/segments/preview', {
      body: { rule: { event: 'statement_viewed' } },
    });
    expect(before.status).toBe(400);
    expect(before.body.error.message).toContain("unknown event 'statement_viewed'");
    const sent = await call('POST', '/v1/events', {
      as: 'admin',
      body: [
        {
          event_id: 'new-1',
          distinct_id: 'someone-new',
          event: 'statement_viewed',
          time: `${FIXTURE_AS_OF}T09:00:00Z`,
          properties: { page: 'june' },
        },
      ],
    });
    expect(sent.status).toBe(200);
    // usable in a rule within a second or so (the names are read again when a rule names one they lack) …
    const sentAt = performance.now();
    await expect
      .poll(
        async () =>
          (await call('POST', '/v1/segments/preview', { body: { rule: { event: 'statement_viewed' } } }))
            .status,
        {
          timeout: 5_000,
        },
      )
      .toBe(200);
    expect(performance.now() - sentAt).toBeLessThan(3_000);
    // … and listed by the catalogue the rule builder reads within seconds
    await expect
      .poll(async () => (await call('GET', '/v1/segments/catalogue')).body.events, { timeout: 10_000 })
      .toContainEqual({ name: 'statement_viewed', properties: ['page'] });
    expect(performance.now() - sentAt).toBeLessThan(8_000);
  });

  it('creates, reads, updates, versions, materialises, exports, analyses and archives a segment', async () => {
    const rule = { tag: 'aum_tier', in: ['gold'] };
    expect(
      (await call('POST', '/v1/segments', { body: { id: 'gold', name: 'Gold', rule }, as: 'manager' }))
        .status,
    ).toBe(403);
    const created = await call('POST', '/v1/segments', { body: { id: 'gold', name: 'Gold', rule } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'gold',
      name: 'Gold',
      rule,
      version: 1,
      status: 'active',
      members: null,
    });
    const cycle = await call('PUT', '/v1/segments/gold', {
      body: { name: 'Gold', rule: { not: { segment: 'gold' } } },
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.details.issues[0]).toMatchObject({ path: '$.not', code: 'segment_cycle' });

    const updated = await call('PUT', '/v1/segments/gold', {
      body: {
        name: 'Gold, not WeCom',
        description: 'd',
        rule: { all: [rule, { attr: 'wecom_friend', op: '=', value: false }] },
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, description: 'd' });
    const versions = await call('GET', '/v1/segments/gold/versions');
    expect(
      versions.body.versions.map((v: { version: number; change: string }) => [v.version, v.change]),
    ).toEqual([
      [2, 'update'],
      [1, 'create'],
    ]);

    const materialized = await call('POST', '/v1/segments/gold/materialize', { body: {} });
    expect(materialized.status).toBe(200);
    expect(materialized.body).toMatchObject({
      segmentId: 'gold',
      asOf: FIXTURE_AS_OF,
      members: 6,
      aum: 450_000,
    });
    const listed = await call('GET', '/v1/segments');
    expect(listed.body.segments).toEqual([
      expect.objectContaining({
        id: 'gold',
        version: 2,
        members: 6,
        asOf: FIXTURE_AS_OF,
        updated_by: expect.any(String),
      }),
    ]);

    const exported = await call('GET', '/v1/segments/gold/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(exported.text).toBe('customer_no\nC005\nC006\nC007\nC008\nC009\nC010\n');
    expect((await call('GET', '/v1/segments/gold/export', { as: 'manager' })).status).toBe(403);
    const audit = await t.stores.operational.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'segment.export')
      .execute();
    expect(audit).toEqual([
      expect.objectContaining({
        entity_id: 'gold',
        actor: expect.stringMatching(/^apikey:/),
        details: expect.objectContaining({ members: 6 }),
      }),
    ]);

    const analysis = await call('GET', '/v1/segments/gold/analysis?minSupport=1');
    expect(analysis.status).toBe(200);
    expect(analysis.body).toMatchObject({
      asOf: FIXTURE_AS_OF,
      members: 6,
      shareOfCustomers: 0.6,
      aum: 450_000,
      growth: { points: [{ asOf: FIXTURE_AS_OF, members: 6, aum: 450_000 }], entered: null, left: null },
      reach: { wecomFriend: 0 },
      concentration: { gini: expect.any(Number), top20AumShare: expect.any(Number) },
    });
    expect(analysis.body.portrait[0]).toMatchObject({
      tag: 'aum_tier',
      value: 'gold',
      groupShare: 1,
      baseShare: 0.6,
    });
    const adHoc = await call('POST', '/v1/segments/analysis', {
      body: { population: { rule: { tag: 'aum_tier', in: ['mass'] } } },
    });
    expect(adHoc.status).toBe(200);
    expect(adHoc.body).toMatchObject({ members: 4, aum: 100_000, reach: { wecomFriend: 1 } });
    expect(
      (
        await call('POST', '/v1/segments/analysis', {
          body: { population: { rule: { tag: 'x', in: ['y'] } } },
        })
      ).body.error.code,
    ).toBe('invalid_rule');
    expect((await call('GET', '/v1/segments/nope/analysis')).status).toBe(404);

    const archived = await call('DELETE', '/v1/segments/gold');
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ status: 'archived', version: 3 });
    expect((await call('GET', '/v1/segments')).body.segments).toEqual([]);
    expect((await call('GET', '/v1/segments/gold')).body).toMatchObject({ status: 'archived' });
  });

  it('uploads lists: unknown numbers refuse the upload unless allowed', async () => {
    const refused = await call('POST', '/v1/lists', {
      body: { name: 'Invitees', customerNos: ['C001', 'NOPE'] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'unknown_customers',
      details: { unknownCustomerNos: ['NOPE'], unknownCount: 1 },
    });
    const stored = await call('POST', '/v1/lists', {
      body: { id: 'inv', name: 'Invitees', customerNos: ['C001', 'NOPE', 'C003'], allowUnknown: true },
    });
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({
      id: 'inv',
      name: 'Invitees',
      members: 2,
      unknownCustomerNos: ['NOPE'],
    });
    expect((await call('GET', '/v1/lists')).body.lists).toEqual([
      expect.objectContaining({ id: 'inv', members: 2 }),
    ]);
    const preview = await call('POST', '/v1/segments/preview', { body: { rule: { list: 'inv' } } });
    expect(preview.body.count).toBe(2);
    const catalogue = await call('GET', '/v1/segments/catalogue');
    expect(catalogue.body.lists).toEqual([{ id: 'inv', name: 'Invitees', members: 2 }]);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await call('GET', '/docs/json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/segments/preview',
        '/v1/segments/catalogue',
        '/v1/segments/{id}/analysis',
        '/v1/segments/{id}/export',
        '/v1/lists',
      ]),
    );
  });
});
