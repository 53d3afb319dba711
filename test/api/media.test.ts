import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

// Media value over HTTP on the embedded stores: a spend report imported (text/csv and JSON, bad rows located at
// /rows/<n>/<field>, a re-import unchanged), brand figures, the attribution run, the comparison with its definitions,
// window and freshness, its CSV export, and who may.

const DAY = 86_400_000;

describe('media over HTTP', () => {
  let t: TestApp;
  const keys = { analyst: '', manager: '' };
  const call = async (
    as: keyof typeof keys,
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    contentType?: string,
  ) => {
    const res = await t.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${keys[as]}`,
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      ...(body === undefined ? {} : { payload: body as string }),
    });
    const json = String(res.headers['content-type']).includes('json');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by the assertions
    const answer: any = json ? res.json() : res.body;
    return { status: res.statusCode, body: answer };
  };

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-23T04:00:00Z' });
    keys.analyst = (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key;
    keys.manager = (await t.auth.createApiKey({ name: 'am', role: 'account_manager' }, 'test')).key;
    const db = t.stores.operational.db;
    await db
      .insertInto('customers')
      .values([1, 2, 3].map((id) => ({ id, customer_no: `C${id}`, customer_since: '2026-11-10' })))
      .execute();
    const time = Date.parse('2026-11-08T02:00:00Z');
    await t.stores.events.insert('events', [
      {
        event_id: 'a1',
        customer_id: 1,
        distinct_id: 'C1',
        event: 'ad_click',
        time,
        properties: { utm_source: 'baidu' },
      },
      {
        event_id: 'a2',
        customer_id: 2,
        distinct_id: 'C2',
        event: 'ad_click',
        time,
        properties: { dsp_tag: 'douyin' },
      },
      {
        event_id: 'a3',
        customer_id: 2,
        distinct_id: 'C2',
        event: 'app_open',
        time: time + 10 * DAY,
        properties: {},
      },
    ]);
  }, 60_000);
  afterAll(() => t?.close());

  it('imports, attributes, compares and exports; readers may not import', async () => {
    const csv =
      'channel,campaign,day,impressions,clicks,cost\nbaidu,q4,2026-11-09,5000,100,800\nocean_engine,q4,2026-11-09,9000,90,1200\n';
    const first = await call('analyst', 'POST', '/v1/media/spend', csv, 'text/csv');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'committed', inserted: 2 });
    const again = await call('analyst', 'POST', '/v1/media/spend', { csv });
    expect(again.body).toMatchObject({ inserted: 0, unchanged: 2 });
    const bad = await call('analyst', 'POST', '/v1/media/spend', {
      csv: 'channel,day,impressions,clicks,cost\nfacebook,2026-11-09,1,1,1\nbaidu,11/09/2026,1,1,1\n',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.firstErrors.map((e: { path: string }) => e.path).sort()).toEqual([
      '/rows/1/channel',
      '/rows/2/day',
    ]);
    const brand = await call('analyst', 'POST', '/v1/media/brand', {
      csv: 'channel,period,branded_search\nbaidu,2026-10-01,100\nbaidu,2026-11-01,120\n',
    });
    expect(brand.body).toMatchObject({ inserted: 2 });
    expect((await call('manager', 'POST', '/v1/media/spend', { csv })).status).toBe(403);

    // Before any attribution: a state, not a failure — 200 saying what to run.
    const early = await call('analyst', 'GET', '/v1/media/comparison');
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ windowDays: 30, attribution: null });
    expect(early.body.message).toMatch(/attribution\/run/);
    const run = await call('analyst', 'POST', '/v1/media/attribution/run', { windowDays: 30 });
    expect(run.body).toMatchObject({ windowDays: 30, attributed: 2, dataThrough: '2026-11-18' });

    const c = await call('analyst', 'GET', '/v1/media/comparison?from=2026-11-01&to=2026-11-30&window=30');
    expect(c.status).toBe(200);
    const baidu = c.body.channels.find((x: { channel: { key: string } }) => x.channel.key === 'baidu');
    expect(baidu.metrics).toMatchObject({ newCustomers: 1, cost: 800, cpa: 800, brandIndex: 120 });
    expect(baidu.scores).toMatchObject({ scale: 100, cost: 100, brand: 100 });
    expect(c.body.freshness).toMatchObject({ dataThrough: '2026-11-18', spendThrough: '2026-11-09' });
    expect(c.body.metrics.find((m: { key: string }) => m.key === 'organicLift').definition.zh).toContain(
      '自然',
    );
    expect(c.body.organicNewCustomers).toBe(1);

    const exported = await call('analyst', 'GET', '/v1/media/comparison.csv?from=2026-11-01&to=2026-11-30');
    expect(exported.status).toBe(200);
    expect(
      String(exported.body)
        .split('\n')
        .filter((l) => l.startsWith('ocean_engine')),
    ).toHaveLength(1);
    const channels = await call('analyst', 'GET', '/v1/media/channels');
    expect(channels.body.items.map((x: { key: string }) => x.key)).toEqual([
      'baidu',
      'ocean_engine',
      'tencent_ads',
      'wechat_moments',
    ]);
  });
});
