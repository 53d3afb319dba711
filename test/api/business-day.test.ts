import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { createApp } from '../../src/server/app.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { loadTagSnapshot } from '../../src/tags/snapshot-store.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

// Issue #9, item 5: one business day, the bank's. A customer of a bank in Asia/Shanghai opens the app at 23:30 on
// 2026-11-23 (15:30Z) and another at 00:30 on 2026-11-24 (16:30Z) — both on 2026-11-23 in UTC. Over HTTP, on real
// stores, the first lands on the 23rd and the second on the 24th in tags (an event tag with a one-day window, and an
// SQL tag's {tz}), funnels (ranges ending at the local midnight), retention (cohort days) and the Overview; each
// answer names the zone. The same stores served by an app configured for UTC put both on the 23rd: the cut moved.

const D = '2026-11-23';
const NEXT = '2026-11-24';
// 02:00 on the 24th in Shanghai (the daily batch's default hour), still the 23rd in UTC.
const NOW = '2026-11-23T18:00:00Z';

interface Bank {
  readonly base: string;
  readonly key: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
type Body = any;

async function call(bank: Bank, method: string, path: string, body?: unknown): Promise<Body> {
  const res = await fetch(bank.base + path, {
    method,
    headers: {
      authorization: `Bearer ${bank.key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Body;
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

let t: TestApp;
let utcApp: FastifyInstance;
let shanghai: Bank;
let utc: Bank;
const ids: Record<string, number> = {};

beforeAll(async () => {
  // chDB binds one data directory per process: the UTC bank is a second app over the same stores.
  t = await createTestApp({ now: NOW, env: { FLYWHEEL_TIMEZONE: 'Asia/Shanghai' } });
  const key = (await t.auth.createApiKey({ name: 'admin', role: 'admin' }, 'test')).key;
  shanghai = { base: await t.app.listen({ port: 0, host: '127.0.0.1' }), key };
  const config = loadConfig({ LOG_LEVEL: 'warn', FLYWHEEL_SEED_DEMO: 'never', FLYWHEEL_TIMEZONE: 'UTC' });
  if (!config.ok) throw new Error(JSON.stringify(config.error));
  utcApp = await createApp({
    config: config.value,
    stores: t.stores,
    clock: fixedClock(NOW, 'UTC'),
    logger: createLogger('warn'),
  });
  utc = { base: await utcApp.listen({ port: 0, host: '127.0.0.1' }), key };

  // LATE opens the app at 23:30 on D in Shanghai, EARLY at 00:30 on NEXT: both on D in UTC.
  const profiles = await call(shanghai, 'POST', '/v1/profiles', {
    profiles: [
      { customer_no: 'LATE', set: { distinct_id: 'app-late' } },
      { customer_no: 'EARLY', set: { distinct_id: 'app-early' } },
    ],
  });
  expect(profiles.accepted).toBe(2);
  const events = await call(shanghai, 'POST', '/v1/events', {
    events: [
      { event_id: 'l1', distinct_id: 'app-late', event: 'open', time: '2026-11-23T23:30:00+08:00' },
      { event_id: 'l2', distinct_id: 'app-late', event: 'buy', time: '2026-11-23T23:40:00+08:00' },
      { event_id: 'e1', distinct_id: 'app-early', event: 'open', time: '2026-11-24T00:30:00+08:00' },
      { event_id: 'e2', distinct_id: 'app-early', event: 'buy', time: '2026-11-24T00:40:00+08:00' },
    ],
  });
  expect(events.accepted).toBe(4);
  for (const c of await t.stores.operational.db
    .selectFrom('customers')
    .select(['id', 'customer_no'])
    .execute())
    ids[c.customer_no] = c.id;
});
afterAll(async () => {
  await utcApp?.close();
  await t?.close();
});

/** The value each customer holds of `tag` once the bank computed it for `asOf` (that day's snapshot). */
async function tagValues(bank: Bank, tag: string, asOf: string): Promise<Record<string, string | undefined>> {
  const run = await call(bank, 'POST', '/v1/tags/compute', { asOf, keys: [tag] });
  expect(run.results).toEqual([expect.objectContaining({ key: tag, status: 'ok' })]);
  const snapshot = await loadTagSnapshot(t.stores.operational.db, asOf, { keys: [tag] });
  const values = [...(snapshot?.tags.get(tag) ?? new Map())];
  const valueOf = (no: string) => values.find(([, members]) => members.has(ids[no]!))?.[0];
  return { LATE: valueOf('LATE'), EARLY: valueOf('EARLY') };
}

/** Defines a custom tag through the API (once: both apps share the stores). */
function defineTag(key: string, kind: 'event' | 'sql', spec: object): Promise<Body> {
  return call(shanghai, 'POST', '/v1/tags', {
    key,
    name_en: key,
    name_zh: key,
    category: 'custom',
    kind,
    spec,
  });
}

describe("the bank's business day (Asia/Shanghai)", () => {
  it('is today from the clock: 18:00Z on the 23rd is already the 24th in Shanghai', async () => {
    expect(t.clock.timeZone).toBe('Asia/Shanghai');
    expect(t.clock.today()).toBe(NEXT);
    expect(fixedClock(NOW, 'UTC').today()).toBe(D);
    // the dashboard cuts its days (defaults, 'today') in the zone the server names
    expect((await call(shanghai, 'GET', '/v1/auth/me')).timeZone).toBe('Asia/Shanghai');
    expect((await call(utc, 'GET', '/v1/auth/me')).timeZone).toBe('UTC');
  });

  it('tags: a one-day event window on the 23rd holds the 23:30 event and not the 00:30 one', async () => {
    await defineTag('opened_1d', 'event', {
      event: 'open',
      window_days: 1,
      buckets: [
        { value: 'yes', label: { en: 'Yes', zh: '是' }, min: 1 },
        { value: 'no', label: { en: 'No', zh: '否' }, max: 1 },
      ],
    });
    expect(await tagValues(shanghai, 'opened_1d', D)).toEqual({ LATE: 'yes', EARLY: 'no' });
    expect(await tagValues(shanghai, 'opened_1d', NEXT)).toEqual({ LATE: 'no', EARLY: 'yes' });
    expect(await tagValues(utc, 'opened_1d', D)).toEqual({ LATE: 'yes', EARLY: 'yes' });
  });

  it("tags: an SQL tag's {tz} is the bank's zone", async () => {
    await defineTag('first_open_day', 'sql', {
      store: 'events',
      sql: "SELECT customer_id, toString(min(toDate(time, {tz}))) AS value FROM events_dedup WHERE event = 'open' GROUP BY customer_id",
    });
    expect(await tagValues(shanghai, 'first_open_day', NEXT)).toEqual({ LATE: D, EARLY: NEXT });
    expect(await tagValues(utc, 'first_open_day', NEXT)).toEqual({ LATE: D, EARLY: D });
  });

  it('funnels: a range ending at the local midnight counts the 23:30 customer only', async () => {
    const funnel = (bank: Bank, from: string, to: string) =>
      call(bank, 'POST', '/v1/analytics/funnel', {
        steps: [{ event: 'open' }, { event: 'buy' }],
        window: { days: 1 },
        from,
        to,
      });
    const customers = (body: Body) => body.overall.steps.map((s: { customers: number }) => s.customers);
    const onD = await funnel(shanghai, D, D);
    expect(customers(onD)).toEqual([1, 1]);
    expect(onD.timeZone).toBe('Asia/Shanghai');
    expect(customers(await funnel(shanghai, NEXT, NEXT))).toEqual([1, 1]);
    expect(customers(await funnel(shanghai, D, NEXT))).toEqual([2, 2]);
    const utcOnD = await funnel(utc, D, D);
    expect(customers(utcOnD)).toEqual([2, 2]);
    expect(utcOnD.timeZone).toBe('UTC');
  });

  it('the OpenAPI document shows the zone in every answer that cuts days', async () => {
    const doc = (await (await fetch(`${shanghai.base}/docs/json`)).json()) as Body;
    const answer = (method: string, path: string) =>
      doc.paths[path][method].responses['200'].content['application/json'].schema;
    for (const [method, path] of [
      ['post', '/v1/analytics/funnel'],
      ['post', '/v1/analytics/retention'],
      ['post', '/v1/analytics/churn'],
      ['post', '/v1/analytics/trend'],
      ['post', '/v1/analytics/concentration'],
      ['post', '/v1/analytics/lifecycle/aarrr'],
      ['get', '/v1/overview'],
      ['get', '/v1/auth/me'],
    ] as const)
      expect(answer(method, path).properties.timeZone, path).toMatchObject({ type: 'string' });
  });

  it("retention: each customer's cohort is the business day of their first open", async () => {
    const retention = (bank: Bank) =>
      call(bank, 'POST', '/v1/analytics/retention', {
        start: { kind: 'event', event: 'open' },
        return: { kind: 'any_event' },
        period: 'day',
        periods: 2,
        from: D,
        to: NEXT,
      });
    const cohorts = (body: Body) =>
      body.overall.cohorts.map((c: { cohort: string; size: number }) => [c.cohort, c.size]);
    const r = await retention(shanghai);
    expect(cohorts(r)).toEqual([
      [D, 1],
      [NEXT, 1],
    ]);
    expect(r.timeZone).toBe('Asia/Shanghai');
    // Day 0 is observed on both; day 1 of the 23rd's cohort is the 24th, where the latest event falls: observed.
    expect(r.overall.cohorts[0].retained).toEqual([1, 0]);
    expect(cohorts(await retention(utc))).toEqual([
      [D, 2],
      [NEXT, 0],
    ]);
  });

  it('the Overview counts events per business day and names the zone', async () => {
    const overview = await call(shanghai, 'GET', `/v1/overview?asOf=${NEXT}&days=2`);
    expect(overview.eventsPerDay).toEqual([
      { date: D, events: 2 },
      { date: NEXT, events: 2 },
    ]);
    expect(overview.timeZone).toBe('Asia/Shanghai');
    const inUtc = await call(utc, 'GET', `/v1/overview?asOf=${NEXT}&days=2`);
    expect(inUtc.eventsPerDay).toEqual([
      { date: D, events: 4 },
      { date: NEXT, events: 0 },
    ]);
  });
});
