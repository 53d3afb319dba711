import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_AS_OF, seedTagFixture } from '../support/tag-fixture.ts';
import { TagService } from '../../src/tags/service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

// The tag API over real HTTP handling (Fastify inject) on real embedded stores, with the six-customer fixture.

let t: TestApp;
let analyst: string;
let manager: string;

const call = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  key: string,
  payload?: unknown,
  headers = {},
) =>
  t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}`, ...headers },
    ...(payload === undefined
      ? {}
      : typeof payload === 'string'
        ? { payload }
        : { payload: payload as object }),
  });

const newTag = {
  key: 'big_spender',
  name_en: 'Big spender',
  name_zh: '高消费',
  category: 'custom',
  kind: 'bucket',
  spec: {
    field: 'aum',
    buckets: [
      { value: 'yes', label: { en: 'Yes', zh: '是' }, min: 500_000 },
      { value: 'no', label: { en: 'No', zh: '否' }, max: 500_000 },
    ],
  },
};

beforeAll(async () => {
  t = await createTestApp();
  analyst = (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key;
  manager = (await t.auth.createApiKey({ name: 'am', role: 'account_manager' }, 'test')).key;
  await seedTagFixture(t.stores.operational, t.stores.events);
  await new TagService({
    db: t.stores.operational.db,
    events: t.stores.events,
    clock: t.clock,
  }).ensureCatalogue('test');
});
afterAll(async () => t?.close());

describe('tag catalogue', () => {
  it('lists the catalogue before any computation, with no snapshot', async () => {
    const res = await call('GET', '/v1/tags', analyst);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.asOf).toBeNull();
    expect(body.tags.length).toBeGreaterThanOrEqual(30);
    expect(body.tags[0]).toMatchObject({
      key: 'gender',
      category: 'demographics',
      kind: 'attribute',
      builtin: true,
      coverage: 0,
    });
  });

  it('computes on demand and answers counts, shares, coverage and bilingual labels', async () => {
    expect((await call('POST', '/v1/tags/compute', manager, { asOf: FIXTURE_AS_OF })).statusCode).toBe(403);
    const computed = await call('POST', '/v1/tags/compute', analyst, { asOf: FIXTURE_AS_OF });
    expect(computed.statusCode).toBe(200);
    const run = computed.json();
    expect(run).toMatchObject({ asOf: FIXTURE_AS_OF, status: 'done' });
    expect(run.runId).toBeGreaterThan(0);
    expect(run.results.find((r: { key: string }) => r.key === 'aum_tier')).toMatchObject({
      status: 'ok',
      values: 5,
      members: 6,
    });

    const body = (await call('GET', '/v1/tags', analyst)).json();
    expect(body).toMatchObject({ asOf: FIXTURE_AS_OF, customers: 6 });
    const tier = body.tags.find((x: { key: string }) => x.key === 'aum_tier');
    expect(tier).toMatchObject({ name: { en: 'AUM tier', zh: '资产等级' }, kind: 'tier', coverage: 1 });
    expect(tier.values.find((v: { value: string }) => v.value === 'gold')).toEqual({
      value: 'gold',
      label: { en: 'Gold', zh: '金卡' },
      members: 3,
      share: 0.5,
    });
    const rfm = body.tags.find((x: { key: string }) => x.key === 'rfm_group');
    expect(rfm.coverage).toBeCloseTo(5 / 6);
  });

  it('answers one tag with its versions, and 404 for an unknown one', async () => {
    const res = await call('GET', '/v1/tags/lifecycle_stage', analyst);
    expect(res.json()).toMatchObject({
      key: 'lifecycle_stage',
      version: 1,
      versions: [{ version: 1, created_by: 'test' }],
    });
    expect((await call('GET', '/v1/tags/nope', analyst)).statusCode).toBe(404);
  });

  it('refuses an invalid definition with every issue and its path', async () => {
    const res = await call('POST', '/v1/tags', analyst, {
      ...newTag,
      key: 'Bad Key',
      spec: { field: 'city', buckets: [{ value: 'x', label: { en: 'x', zh: 'x' }, min: 5, max: 1 }] },
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('invalid_tag');
    expect(error.details.issues).toEqual([{ path: 'key', message: expect.stringContaining('lower-case') }]);
    const spec = await call('POST', '/v1/tags', analyst, {
      ...newTag,
      spec: { field: 'city', buckets: [{ value: 'x', label: { en: 'x', zh: 'x' }, min: 5, max: 1 }] },
    });
    expect(spec.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual([
      'spec.field',
      'spec.buckets[0]',
    ]);
    const rule = await call('POST', '/v1/tags', analyst, {
      ...newTag,
      kind: 'attribute',
      spec: {
        values: [
          { value: 'x', label: { en: 'x', zh: 'x' }, rule: { all: [{ attr: 'agee', op: '>', value: 3 }] } },
        ],
      },
    });
    expect(rule.json().error.details.issues).toEqual([
      { path: 'spec.values[0].rule.all[0].attr', message: "unknown attribute 'agee'" },
    ]);
  });

  it('creates, versions and retires a tag, audited', async () => {
    expect((await call('POST', '/v1/tags', manager, newTag)).statusCode).toBe(403);
    const created = await call('POST', '/v1/tags', analyst, newTag);
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({
      key: 'big_spender',
      version: 1,
      status: 'active',
      builtin: false,
    });
    expect((await call('POST', '/v1/tags', analyst, newTag)).statusCode).toBe(409);

    const { key: _key, ...body } = newTag;
    const updated = await call('PUT', '/v1/tags/big_spender', analyst, { ...body, name_en: 'Big spenders' });
    expect(updated.json()).toMatchObject({ version: 2, name: { en: 'Big spenders', zh: '高消费' } });
    const kindChange = await call('PUT', '/v1/tags/big_spender', analyst, {
      ...body,
      kind: 'manual',
      spec: {},
    });
    expect(kindChange.json().error).toMatchObject({
      code: 'invalid_tag',
      details: { issues: [{ path: 'kind' }] },
    });

    const computed = await call('POST', '/v1/tags/compute', analyst, {
      asOf: FIXTURE_AS_OF,
      keys: ['big_spender'],
    });
    expect(computed.json().results).toEqual([
      expect.objectContaining({ key: 'big_spender', status: 'ok', values: 2, members: 6 }),
    ]);
    const item = (await call('GET', '/v1/tags/big_spender', analyst)).json();
    expect(item.values).toEqual([
      { value: 'yes', label: { en: 'Yes', zh: '是' }, members: 2, share: 2 / 6 },
      { value: 'no', label: { en: 'No', zh: '否' }, members: 4, share: 4 / 6 },
    ]);
    expect(item.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const retired = await call('DELETE', '/v1/tags/big_spender', analyst);
    expect(retired.json()).toEqual({ key: 'big_spender', status: 'retired', version: 2 });
    const listed = (await call('GET', '/v1/tags', analyst)).json().tags.map((x: { key: string }) => x.key);
    expect(listed).not.toContain('big_spender');
    expect((await call('POST', '/v1/tags/compute', analyst, { keys: ['big_spender'] })).statusCode).toBe(404);

    const audit = await t.stores.operational.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('entity_id', '=', 'big_spender')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['tags.create', 'tags.update', 'tags.retire']);
    expect(audit[0]?.actor).toMatch(/^apikey:/);
  });

  it('shows a trend over snapshot days and lists runs', async () => {
    await call('POST', '/v1/tags/compute', analyst, { asOf: '2025-06-28', keys: ['active_30d'] });
    const trend = (await call('GET', '/v1/tags/active_30d/trend?days=30', analyst)).json();
    expect(trend.key).toBe('active_30d');
    expect(trend.points.map((p: { asOf: string }) => p.asOf)).toEqual(['2025-06-28', '2025-06-30']);
    expect(trend.points[1].values).toEqual([
      { value: 'yes', members: 4 },
      { value: 'no', members: 2 },
    ]);
    const runs = (await call('GET', '/v1/tags/runs?limit=2', analyst)).json().runs;
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ asOf: '2025-06-28', trigger: 'manual', status: 'done' });
    expect(runs[0].results).toEqual([expect.objectContaining({ key: 'active_30d', status: 'ok' })]);
  });
});

describe('manual tag values', () => {
  const vip = {
    key: 'vip',
    name_en: 'VIP list',
    name_zh: '贵宾名单',
    category: 'custom',
    kind: 'manual',
    spec: { values: [{ value: 'vip', label: { en: 'VIP', zh: '贵宾' } }] },
  };

  it('refuses an import naming unknown customers, and changes nothing', async () => {
    expect((await call('POST', '/v1/tags', analyst, vip)).statusCode).toBe(200);
    const res = await call('POST', '/v1/tags/vip/values', analyst, {
      rows: [
        { customer_no: 'C1', value: 'vip' },
        { customer_no: 'NOPE1', value: 'vip' },
        { customer_no: 'C2', value: 'vip' },
        { customer_no: 'NOPE2', value: 'vip' },
      ],
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain('row(s) 2, 4');
    expect(error.details.unknownCustomerNos).toEqual(['NOPE1', 'NOPE2']);
    expect(error.details.rows).toEqual([
      { row: 2, customer_no: 'NOPE1', reason: 'unknown customer number' },
      { row: 4, customer_no: 'NOPE2', reason: 'unknown customer number' },
    ]);
    const stored = await t.stores.operational.db.selectFrom('manual_tag_values').selectAll().execute();
    expect(stored).toEqual([]);
  });

  it('imports CSV and JSON, then computes the values', async () => {
    const csv = await call('POST', '/v1/tags/vip/values', analyst, 'customer_no,value\nC1,vip\nC4,vip\n', {
      'content-type': 'text/csv',
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.json()).toEqual({ imported: 2, unknownCustomerNos: [] });
    const bad = await call('POST', '/v1/tags/vip/values', analyst, {
      rows: [{ customer_no: 'C2', value: 'gold' }],
    });
    expect(bad.json().error.details.rows[0].reason).toContain("value 'gold' is not one of vip");
    await call('POST', '/v1/tags/compute', analyst, { asOf: FIXTURE_AS_OF, keys: ['vip'] });
    const item = (await call('GET', '/v1/tags/vip', analyst)).json();
    expect(item.values).toEqual([
      { value: 'vip', label: { en: 'VIP', zh: '贵宾' }, members: 2, share: 2 / 6 },
    ]);
    const notManual = await call('POST', '/v1/tags/gender/values', analyst, { rows: [] });
    expect(notManual.statusCode).toBe(400);
  });
});

describe('portrait', () => {
  it('answers every tag value of a customer from memory, with labels', async () => {
    const res = await call('GET', '/v1/customers/C3/portrait', analyst);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ customerNo: 'C3', customerId: 3, asOf: FIXTURE_AS_OF });
    const byKey = Object.fromEntries(body.tags.map((x: { key: string; value: string }) => [x.key, x]));
    expect(byKey['aum_tier']).toEqual({
      key: 'aum_tier',
      name: { en: 'AUM tier', zh: '资产等级' },
      category: 'value',
      value: 'platinum',
      label: { en: 'Platinum', zh: '白金卡' },
    });
    expect(byKey['lifecycle_stage'].label).toEqual({ en: 'Super customer', zh: '超级客户' });
    expect(byKey['renewal_due_30d'].value).toBe('yes');
    expect(body.tags[0].key).toBe('gender');
    // warm: well under the 5 ms budget
    const times: number[] = [];
    for (let i = 0; i < 20; i++)
      times.push((await call('GET', '/v1/customers/C1/portrait', analyst)).json().elapsedMs);
    expect(Math.min(...times)).toBeLessThan(5);
  });

  it('answers 404 for an unknown customer and 401 without credentials', async () => {
    expect((await call('GET', '/v1/customers/NOPE/portrait', analyst)).statusCode).toBe(404);
    // Outside the caller's scope is the same 404 (an account-manager key without a staff id sees no customer), and the
    // bank-wide catalogue is refused to roles that do not see the whole bank.
    expect((await call('GET', '/v1/customers/C1/portrait', manager)).statusCode).toBe(404);
    expect((await call('GET', '/v1/tags', manager)).statusCode).toBe(403);
    expect((await t.app.inject('/v1/customers/C1/portrait')).statusCode).toBe(401);
  });
});
