import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureEvents, fixtureTransactions } from '../support/behaviour-fixture.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { seedSegmentFixture } from '../support/segments-fixture.ts';

// The behaviour analyses over HTTP (real server, fetch) on real embedded stores: the hand-built history of
// src/analytics/funnels/fixture.ts, whose figures the domain tests work out; here the envelope, bad input and roles.

let t: TestApp;
let base: string;
const keys = { analyst: '', manager: '' };

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
  keys.analyst = (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key;
  keys.manager = (await t.auth.createApiKey({ name: 'am', role: 'account_manager' }, 'test')).key;
  await seedSegmentFixture(t.stores.operational.db);
  await t.stores.events.insert('events', fixtureEvents());
  await t.stores.events.insert('transactions', fixtureTransactions());
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t?.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
type Body = any;

async function post(
  path: string,
  body: unknown,
  as: keyof typeof keys = 'analyst',
): Promise<{ status: number; body: Body }> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys[as]}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const funnel = {
  steps: [{ event: 'view' }, { event: 'apply' }, { event: 'approve' }],
  window: { days: 1 },
  from: '2026-11-01',
  to: '2026-11-10',
};

describe('behaviour analytics API', () => {
  it('answers a funnel with its definition, window and freshness', async () => {
    const r = await post('/v1/analytics/funnel', { ...funnel, breakdown: { by: 'tag', tag: 'aum_tier' } });
    expect(r.status).toBe(200);
    expect(r.body.overall.steps.map((s: { customers: number }) => s.customers)).toEqual([6, 4, 2]);
    expect(r.body.breakdown.groups.map((g: { key: string }) => g.key).sort()).toEqual(['gold', 'mass']);
    expect(r.body.definition).toMatchObject(funnel);
    expect(r.body.window).toEqual({ from: '2026-11-01', to: '2026-11-10', conversionSeconds: 86_400 });
    expect(r.body.freshness.latestEventTime).toBe('2026-11-24T12:00:00.000Z');
    expect(r.body.freshness.latestReceivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await post('/v1/analytics/funnel', funnel, 'manager')).status).toBe(403);
  });

  it('refuses bad funnels with a located error', async () => {
    const unknown = await post('/v1/analytics/funnel', {
      ...funnel,
      steps: [{ event: 'view' }, { event: 'nope' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: 'bad_request',
      message: 'step 2: unknown event "nope" (the event store has none)',
      details: { step: 2, event: 'nope' },
    });
    const oneStep = await post('/v1/analytics/funnel', { ...funnel, steps: [{ event: 'view' }] });
    expect(oneStep.status).toBe(400);
    expect(JSON.stringify(oneStep.body.error)).toMatch(/2 to 8 steps/);
    const reversed = await post('/v1/analytics/funnel', { ...funnel, from: '2026-12-01' });
    expect(reversed.status).toBe(400);
    const badRule = await post('/v1/analytics/funnel', {
      ...funnel,
      population: { rule: { tag: 'nope', in: ['x'] } },
    });
    expect(badRule.status).toBe(400);
    // The segment API's code and issue paths, as every analysis that takes a population answers them.
    expect(badRule.body.error.code).toBe('invalid_rule');
    expect(badRule.body.error.message).toMatch(/^population: invalid rule/);
    expect(badRule.body.error.details.issues).toEqual([expect.objectContaining({ path: '$' })]);
    const noSegment = await post('/v1/analytics/funnel', { ...funnel, population: { segmentId: 'missing' } });
    expect(noSegment.status).toBe(404);
    const empty = await post('/v1/analytics/funnel', { ...funnel, from: '2027-01-01', to: '2027-01-31' });
    expect(empty.status).toBe(200);
    expect(empty.body.notEnoughData).toMatch(/no customer did "view"/);
  });

  it('answers retention and churn, and refuses unknown events', async () => {
    const r = await post('/v1/analytics/retention', {
      start: { kind: 'event', event: 'signup' },
      return: { kind: 'event', event: 'login' },
      period: 'week',
      periods: 4,
      from: '2026-11-02',
      to: '2026-11-15',
    });
    expect(r.status).toBe(200);
    expect(r.body.overall.cohorts.map((c: { size: number }) => c.size)).toEqual([2, 2]);
    expect(r.body.overall.average).toEqual([0.5, 0.75, 0, 0.5]);
    const c = await post('/v1/analytics/churn', {
      activity: { kind: 'event', event: 'login' },
      days: 7,
      period: 'week',
      from: '2026-11-02',
      to: '2026-11-23',
    });
    expect(c.status).toBe(200);
    expect(c.body.trend.map((p: { churnRate: number | null }) => p.churnRate)).toEqual([
      null,
      0,
      2 / 3,
      null,
    ]);
    const bad = await post('/v1/analytics/retention', {
      start: { kind: 'event', event: 'nope' },
      return: { kind: 'any_event' },
      period: 'fortnight',
      periods: 4,
      from: '2026-11-02',
      to: '2026-11-15',
    });
    expect(bad.status).toBe(400);
    const badChurn = await post('/v1/analytics/churn', {
      activity: { kind: 'event', event: 'nope' },
      days: 7,
      period: 'week',
      from: '2026-11-02',
      to: '2026-11-23',
    });
    expect(badChurn.status).toBe(400);
    expect(badChurn.body.error.message).toMatch(/^activity: unknown event "nope"/);
  });

  it('lists the event names and properties for the step editor', async () => {
    const res = await fetch(`${base}/v1/analytics/events`, {
      headers: { authorization: `Bearer ${keys.analyst}` },
    });
    const body = (await res.json()) as { events: { name: string; properties: string[] }[] };
    expect(res.status).toBe(200);
    expect(body.events.map((e) => e.name)).toEqual(['apply', 'approve', 'login', 'signup', 'view']);
    expect(body.events.find((e) => e.name === 'view')!.properties).toEqual(['channel']);
  });
});
