import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_AS_OF, seedTagFixture } from '../support/tag-fixture.ts';
import { TagService } from '../../src/tags/service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

// The lifecycle, concentration and trend API over real HTTP handling (Fastify inject) on real embedded stores, with
// the six-customer tag fixture and the lifecycle tag computed on two days. The figures themselves are checked in
// src/analytics/lifecycle/*.test.ts; here: the envelope, the population parameters, bad input and access.

let t: TestApp;
let analyst: string;
let manager: string;

const get = (url: string, key = analyst) =>
  t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
/** POST an analysis: its body (default none, the whole bank). */
const post = (url: string, body: object = {}, key = analyst) =>
  t.app.inject({ method: 'POST', url, payload: body, headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  t = await createTestApp({ now: `${FIXTURE_AS_OF}T10:00:00Z` });
  analyst = (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key;
  manager = (await t.auth.createApiKey({ name: 'am', role: 'account_manager' }, 'test')).key;
  await seedTagFixture(t.stores.operational, t.stores.events);
  const tags = new TagService({
    db: t.stores.operational.db,
    events: t.stores.events,
    sandbox: () => t.stores.operational.sandbox(),
    clock: t.clock,
  });
  await tags.ensureCatalogue('test');
  await tags.compute({ asOf: '2025-05-31' }, 'manual', 'test');
}, 120_000);
afterAll(async () => t?.close());

describe('lifecycle API', () => {
  it('answers "not enough data" (422) while only one snapshot day exists', async () => {
    for (const view of ['transitions', 'time-in-stage']) {
      const res = await post(`/v1/analytics/lifecycle/${view}`);
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({
        code: 'not_enough_data',
        message: 'not enough data: needs two snapshot dates',
      });
    }
    const d = await post('/v1/analytics/lifecycle/distribution');
    expect(d.statusCode).toBe(200);
    expect(d.json().points).toHaveLength(1);
  });

  it('answers every view once a second day is computed', async () => {
    await new TagService({
      db: t.stores.operational.db,
      events: t.stores.events,
      sandbox: () => t.stores.operational.sandbox(),
      clock: t.clock,
    }).compute({ asOf: FIXTURE_AS_OF }, 'manual', 'test');
    const d = (await post('/v1/analytics/lifecycle/distribution', { from: '2025-05-01' })).json();
    expect(d.points.map((p: { asOf: string }) => p.asOf)).toEqual(['2025-05-31', FIXTURE_AS_OF]);
    expect(d.stages.map((s: { value: string }) => s.value)).toEqual([
      'portrait',
      'reached',
      'interested',
      'demand',
      'transaction',
      'repeat_purchase',
      'super_customer',
    ]);
    const tr = await post('/v1/analytics/lifecycle/transitions');
    expect(tr.statusCode).toBe(200);
    const body = tr.json();
    expect(body).toMatchObject({ from: '2025-05-31', to: FIXTURE_AS_OF, population: { kind: 'bank' } });
    expect(body.links).toContainEqual({ source: 'transaction', target: 'super_customer', value: 1 });
    const tis = (await post('/v1/analytics/lifecycle/time-in-stage')).json();
    expect(tis.perStage.find((s: { stage: string }) => s.stage === 'super_customer')).toMatchObject({
      customers: 1,
      medianDays: 1, // a super customer only on the last of the two snapshots
    });
    const a = await post('/v1/analytics/lifecycle/aarrr', {
      population: { rule: { attr: 'city', op: '=', value: '杭州' } },
    });
    expect(a.statusCode).toBe(200);
    expect(a.json()).toMatchObject({ base: 2, population: { kind: 'rule', customers: 2 } });
  });

  it('refuses bad input with a located error', async () => {
    expect((await post('/v1/analytics/lifecycle/distribution', { from: '2025-13-01' })).statusCode).toBe(400);
    // the GET form, for scripts written against it, takes the rule as JSON text
    const notJson = await get('/v1/analytics/lifecycle/aarrr?rule=%7Bnope');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.message).toContain('rule is not JSON');
    const invalid = await post('/v1/analytics/lifecycle/aarrr', {
      population: { rule: { attr: 'agee', op: '=', value: 1 } },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toMatchObject({ code: 'invalid_rule' });
    expect(invalid.json().error.details.issues[0].message).toContain('agee');
    expect(
      (await post('/v1/analytics/lifecycle/aarrr', { population: { segmentId: 'nope' } })).statusCode,
    ).toBe(404);
    const both = await post('/v1/analytics/lifecycle/aarrr', {
      population: { segmentId: 'x', rule: { tag: 'aum_tier', in: ['gold'] } },
    });
    expect(both.statusCode).toBe(400);
    const backwards = await post('/v1/analytics/lifecycle/transitions', {
      from: '2025-06-30',
      to: '2025-05-31',
    });
    expect(backwards.statusCode).toBe(400);
  });

  it('is for whole-bank roles only', async () => {
    expect((await post('/v1/analytics/lifecycle/distribution', {}, manager)).statusCode).toBe(403);
    expect((await post('/v1/analytics/concentration', {}, manager)).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/analytics/trend', payload: { metric: 'aum' } }))
        .statusCode,
    ).toBe(401);
  });
});

describe('concentration and trend API', () => {
  it('answers Lorenz curves, Gini and top-20% shares of AUM and revenue', async () => {
    const res = await post('/v1/analytics/concentration');
    expect(res.statusCode).toBe(200);
    const c = res.json();
    expect(c).toMatchObject({ asOf: FIXTURE_AS_OF, customers: 6, aum: { total: 7_870_000, holders: 5 } });
    expect(c.aum.lorenz).toHaveLength(101);
    expect(c.revenue.pareto).toHaveLength(20);
    expect(c.revenue.margins.loan).toBeGreaterThan(0);
    for (const m of [c.aum, c.revenue]) expect(m.gini).toBeGreaterThanOrEqual(0);
  });

  it('answers a trend with a breakdown by tag, and refuses bad options', async () => {
    const res = await post('/v1/analytics/trend', {
      metric: 'aum',
      interval: 'month',
      from: '2025-03-01',
      breakdown: { by: 'tag', tag: 'aum_tier' },
      top: 2,
    });
    expect(res.statusCode).toBe(200);
    const trend = res.json();
    expect(trend.periods).toEqual(['2025-03-01', '2025-04-01', '2025-05-01', '2025-06-01']);
    expect(trend.series).toHaveLength(3); // two tiers and "other"
    expect(trend.series.at(-1).key).toBe('other');
    for (let i = 0; i < trend.periods.length; i++)
      expect(trend.totals[i]).toBeCloseTo(
        trend.series.reduce((sum: number, s: { values: number[] }) => sum + s.values[i]!, 0),
        2,
      );
    expect((await post('/v1/analytics/trend', { metric: 'profit' })).statusCode).toBe(400);
    expect(
      (await post('/v1/analytics/trend', { metric: 'aum', breakdown: { by: 'colour', colour: 'red' } }))
        .statusCode,
    ).toBe(400);
    expect((await post('/v1/analytics/trend', { metric: 'aum', event: 'app_open' })).statusCode).toBe(400);
    expect(
      (await post('/v1/analytics/trend', { metric: 'events', from: '2025-06-30', to: '2025-06-01' }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await post('/v1/analytics/trend', {
          metric: 'events',
          breakdown: { by: 'attribute', attribute: 'aum' },
        })
      ).statusCode,
    ).toBe(400);
  });
});
