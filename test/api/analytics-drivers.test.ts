import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { seedDriversBank, type DriversCustomer } from '../support/drivers-bank.ts';

// The drivers ("key factors") API over real HTTP on real embedded stores: a bank whose churn has known drivers, the
// figures against a direct count of the seeded rows, a saved segment's key factors, and every kind of bad input.

let t: TestApp;
let base: string;
let bank: DriversCustomer[];
const keys: Record<'analyst' | 'manager', string> = { analyst: '', manager: '' };
const CHURNED = { attr: 'churned', op: '=', value: 1 };

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
  keys.analyst = (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key;
  keys.manager = (await t.auth.createApiKey({ name: 'am', role: 'account_manager' }, 'test')).key;
  bank = await seedDriversBank(t.stores.operational.db, 3000);
  // customers who have not churned logged in during the last week: an event outcome ("no login in 30 days") to test
  await t.stores.events.insert(
    'events',
    bank
      .filter((c) => !c.churned)
      .map((c) => ({
        event_id: `login-${c.id}`,
        customer_id: c.id,
        distinct_id: `d${c.id}`,
        event: 'login',
        time: Date.parse('2026-11-20T08:00:00Z'),
        properties: {},
      })),
  );
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterAll(async () => t?.close());

async function call(
  method: string,
  path: string,
  body?: unknown,
  as: keyof typeof keys = 'analyst',
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
): Promise<{ status: number; body: any }> {
  const response = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${keys[as]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

const direct = (rows: readonly DriversCustomer[], pick: (c: DriversCustomer) => boolean) => {
  const within = rows.filter(pick);
  const positives = within.filter((c) => c.churned).length;
  return { customers: within.length, positives, rate: positives / within.length };
};

describe('POST /v1/analytics/drivers', () => {
  it('ranks the known drivers above the decoy and fits the regression', async () => {
    const r = await call('POST', '/v1/analytics/drivers', { outcome: CHURNED });
    expect(r.status).toBe(200);
    const a = r.body;
    expect(a.population).toEqual(direct(bank, () => true));
    // Freshness: when the customer data was read from the store, by the app's clock.
    expect(a.dataReadAt).toBe(t.clock.now().toISOString());
    const ids: string[] = a.features.map((f: { id: string }) => f.id);
    expect(ids).not.toContain('attr:churned');
    // the three drivers first (tenure spans 1.2 in log-odds, the plan 1.0), gender (no effect) after them
    expect(ids.slice(0, 3).sort()).toEqual(['attr:complaints', 'attr:plan', 'attr:tenure']);
    expect(ids.indexOf('attr:gender')).toBeGreaterThan(2);
    const plan = a.features.find((f: { id: string }) => f.id === 'attr:plan');
    for (const value of ['basic', 'plus', 'premium']) {
      const level = plan.levels.find((l: { value: string }) => l.value === value);
      const expected = direct(bank, (c) => c.plan === value);
      expect(level).toMatchObject({ customers: expected.customers, positives: expected.positives });
      expect(level.rate).toBeCloseTo(expected.rate, 12);
      expect(level.lift).toBeCloseTo(expected.rate / a.population.rate, 12);
    }
    const farthest = [...plan.levels].sort(
      (x: { lift: number }, y: { lift: number }) => Math.abs(Math.log(y.lift)) - Math.abs(Math.log(x.lift)),
    )[0];
    expect(plan.top.value).toBe(farthest.value);
    const complaints = a.features.find((f: { id: string }) => f.id === 'attr:complaints');
    expect(complaints.kind).toBe('discrete');
    expect(a.regression.status).toBe('fitted');
    expect(a.regression.auc.holdout).toBeGreaterThan(0.6);
    expect(a.regression.auc.holdout).toBeLessThan(1);
    const tenure = a.regression.coefficients.find((c: { term: string }) => c.term === 'attr:tenure (per SD)');
    expect(tenure.estimate).toBeLessThan(0);
    expect(tenure.ciHigh).toBeLessThan(0);
    const premium = a.regression.coefficients.find((c: { term: string }) => c.term === 'attr:plan=premium');
    expect(premium).toMatchObject({ reference: 'basic' });
    expect(premium.oddsRatio).toBeLessThan(1);
  });

  it('analyses a population given as a rule, with chosen features and bins', async () => {
    const population = { attr: 'plan', op: '=', value: 'basic' };
    const r = await call('POST', '/v1/analytics/drivers', {
      outcome: CHURNED,
      population: { rule: population },
      features: ['complaints', 'tenure'],
      bins: 3,
      holdoutPercent: 20,
    });
    expect(r.status).toBe(200);
    expect(r.body.population).toEqual(direct(bank, (c) => c.plan === 'basic'));
    expect(r.body.features.map((f: { id: string }) => f.id).sort()).toEqual([
      'attr:complaints',
      'attr:tenure',
    ]);
    const tenure = r.body.features.find((f: { id: string }) => f.id === 'attr:tenure');
    expect(tenure.levels.length).toBeLessThanOrEqual(3);
    expect(r.body.definition).toMatchObject({ population, bins: 3, holdoutPercent: 20 });
  });

  it('takes an event rule as the outcome (no login in 30 days)', async () => {
    const r = await call('POST', '/v1/analytics/drivers', {
      outcome: { event: 'login', within_days: 30, count: { eq: 0 } },
      features: ['plan', 'complaints'],
    });
    expect(r.status).toBe(200);
    // exactly the churned customers have no login
    expect(r.body.population).toEqual(direct(bank, () => true));
    const plan = r.body.features.find((f: { id: string }) => f.id === 'attr:plan');
    const basic = plan.levels.find((l: { value: string }) => l.value === 'basic');
    expect(basic).toMatchObject(direct(bank, (c) => c.plan === 'basic'));
  });

  it('refuses bad input with a clear error', async () => {
    const bad = async (body: unknown) => (await call('POST', '/v1/analytics/drivers', body)).body.error;
    expect((await call('POST', '/v1/analytics/drivers', {})).status).toBe(400);
    const unknownAttr = await call('POST', '/v1/analytics/drivers', {
      outcome: { attr: 'nope', op: '=', value: 1 },
    });
    expect(unknownAttr.status).toBe(400);
    expect(unknownAttr.body.error).toMatchObject({ code: 'invalid_rule' });
    expect(unknownAttr.body.error.message).toMatch(/^outcome: /);
    const everyone = await call('POST', '/v1/analytics/drivers', {
      outcome: { attr: 'tenure', op: '>=', value: 0 },
    });
    expect(everyone.status).toBe(422);
    expect(everyone.body.error).toMatchObject({ code: 'not_enough_data' });
    const empty = await call('POST', '/v1/analytics/drivers', {
      outcome: CHURNED,
      population: { rule: { attr: 'plan', op: '=', value: 'gold' } },
    });
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toMatch(/population is empty/);
    expect(await bad({ outcome: CHURNED, features: ['nope'] })).toMatchObject({ code: 'bad_request' });
    expect(await bad({ outcome: CHURNED, bins: 1 })).toMatchObject({ code: 'validation_failed' });
    expect(await bad({ outcome: CHURNED, population: { rule: { segment: 'missing' } } })).toMatchObject({
      code: 'invalid_rule',
    });
    expect((await call('POST', '/v1/analytics/drivers', { outcome: CHURNED }, 'manager')).status).toBe(403);
  });
});

describe('POST /v1/analytics/drivers with a saved segment as the population', () => {
  it("answers the drivers within the saved segment's members", async () => {
    const saved = await call('POST', '/v1/segments', {
      id: 'complainers',
      name: 'Complained at least once',
      rule: { attr: 'complaints', op: '>=', value: 1 },
    });
    expect(saved.status).toBe(201);
    const r = await call('POST', '/v1/analytics/drivers', {
      outcome: CHURNED,
      population: { segmentId: 'complainers' },
      features: ['plan', 'tenure'],
    });
    expect(r.status).toBe(200);
    expect(r.body.population).toEqual(direct(bank, (c) => c.complaints >= 1));
    expect(r.body.definition.population).toEqual({ segment: 'complainers' });
    // the segment's own attribute is not excluded (it defines the population, not the outcome)
    expect(r.body.features.map((f: { id: string }) => f.id).sort()).toEqual(['attr:plan', 'attr:tenure']);
    expect(
      (await call('POST', '/v1/analytics/drivers', { outcome: CHURNED, population: { segmentId: 'nope' } }))
        .status,
    ).toBe(404);
    const response = await fetch(base + '/v1/analytics/drivers', {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.analyst}`, 'content-type': 'application/json' },
      body: '{"outcome": {not',
    });
    const notJson = { status: response.status, body: await response.json() };
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/JSON/);
  });
});
