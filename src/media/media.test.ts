import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { fixedClock } from '../shared/clock.ts';
import { serializeBitmap } from '../tags/snapshot-store.ts';
import { openMemoryStores, type MemoryStores } from '../../test/support/memory-stores.ts';
import { runAttribution } from './attribution.ts';
import { compareChannels } from './comparison.ts';
import { comparisonCsv } from './export.ts';
import { importMediaText } from './upload.ts';

// Media value on a hand-built bank whose every figure is known: spend and brand imports (good, bad rows located,
// re-import unchanged), first/last-touch attribution within the window, and each dimension's metrics and scores.

const clock = fixedClock('2027-03-01T04:00:00Z', 'Asia/Shanghai');
const at = (day: string, hh = '10:00') => clock.at(day, hh).getTime();

const SPEND = `channel,campaign,day,impressions,clicks,cost
tencent_ads,autumn,2026-10-11,10000,200,1000
ocean_engine,autumn,2026-10-09,30000,300,1500
ocean_engine,autumn,2026-10-10,30000,300,1500
`;
const BRAND = `channel,period,branded_search,direct_visits,awareness
ocean_engine,2026-09-01,100,50,
ocean_engine,2026-10-01,150,100,
`;

describe('media value', () => {
  let s: MemoryStores;
  const deps = () => ({ operational: s.store, clock });

  beforeAll(async () => {
    s = await openMemoryStores();
    const customers = [
      [1, '2026-10-10'], // first touch ocean_engine (douyin alias), last touch baidu
      [2, '2026-10-10'], // touched 70 days before: outside a 30-day window
      [3, '2026-10-12'], // tencent_ads via an RTA strategy alias; active, bought, referred
      [4, '2026-10-15'], // organic
      [5, '2026-10-08'], // organic, the day before ocean_engine's span
      [6, '2026-10-09'], // organic, during ocean_engine's span
    ] as const;
    await s.store.db
      .insertInto('customers')
      .values(customers.map(([id, since]) => ({ id, customer_no: `C${id}`, customer_since: since })))
      .execute();
    const ev = (id: string, customer_id: number, event: string, time: number, properties = {}) => ({
      event_id: id,
      customer_id,
      distinct_id: `C${customer_id}`,
      event,
      time,
      properties,
    });
    await s.events.insert('events', [
      ev('e1', 1, 'ad_click', at('2026-10-01'), { utm_source: 'Douyin' }),
      ev('e2', 1, 'app_open', at('2026-10-09'), { channel: 'baidu' }),
      ev('e3', 1, 'app_open', at('2026-10-11'), { channel: 'tencent_ads' }), // after customer_since: no touch
      ev('e4', 1, 'app_open', at('2027-01-15')), // day 97: retained at 90 days, not at 30
      ev('e5', 2, 'ad_click', at('2026-08-01'), { channel: 'tencent_ads' }),
      ev('e6', 3, 'ad_click', at('2026-10-11'), { rta_strategy: 'gdt', channel: 'app' }),
      ev('e7', 3, 'app_open', at('2026-11-20')), // day 39
      ev('e8', 3, 'referral', at('2026-11-21')),
      ev('e9', 3, 'app_open', at('2027-02-27')), // the data's last day
    ]);
    await s.events.insert('transactions', [
      {
        txn_id: 't1',
        customer_id: 3,
        account_no: 'A3',
        product_id: 'FUND1',
        kind: 'purchase',
        amount: 20000,
        channel: 'app',
        time: at('2026-10-14'),
      },
    ]);
    await s.events.insert('customer_daily', [
      {
        date: '2027-02-27',
        customer_id: 3,
        aum: 50000,
        deposit_balance: 30000,
        investment_balance: 20000,
        loan_balance: 0,
      },
      {
        date: '2027-02-27',
        customer_id: 1,
        aum: 10000,
        deposit_balance: 10000,
        investment_balance: 0,
        loan_balance: 0,
      },
    ]);
    // The lifecycle tag: customer 1 bought once (an older snapshot), and on the latest one only customer 3 has.
    const snapshot = (asOf: string, value: string, ids: number[]) => ({
      as_of: asOf,
      tag_key: 'lifecycle_stage',
      value,
      definition_version: 1,
      members: ids.length,
      bitmap: serializeBitmap(new RoaringBitmap32(ids)),
    });
    await s.store.db
      .insertInto('tag_snapshots')
      .values([
        snapshot('2027-02-01', 'transaction', [1]),
        snapshot('2027-02-20', 'transaction', [3]),
        snapshot('2027-02-20', 'portrait', [1]),
      ])
      .execute();
  }, 60_000);
  afterAll(() => s?.close());

  it('imports spend and brand reports, locates bad rows and writes nothing of a bad file, re-imports unchanged', async () => {
    const first = await importMediaText(deps(), { kind: 'media_spend', csv: SPEND, actor: 'test' });
    expect(first.ok && first.value).toMatchObject({ status: 'committed', inserted: 3, unchanged: 0 });
    const again = await importMediaText(deps(), { kind: 'media_spend', csv: SPEND, actor: 'test' });
    expect(again.ok && again.value).toMatchObject({
      status: 'committed',
      inserted: 0,
      updated: 0,
      unchanged: 3,
    });
    const bad = await importMediaText(deps(), {
      kind: 'media_spend',
      csv: `channel,campaign,day,impressions,clicks,cost\nbaidu,x,2026-10-05,1,1,1\nmyspace,x,2026-10-05,1,1,1\nbaidu,y,2026-13-40,1,1,1\n`,
      actor: 'test',
    });
    expect(bad.ok && bad.value.status).toBe('rejected');
    const errors = bad.ok ? bad.value.firstErrors : [];
    expect(errors.map((e) => [e.row, e.field]).sort()).toEqual([
      [2, 'channel'],
      [3, 'day'],
    ]);
    const stored = await s.store.db.selectFrom('media_spend').select('channel_key').execute();
    expect(stored).toHaveLength(3);
    const brand = await importMediaText(deps(), { kind: 'media_brand', csv: BRAND, actor: 'test' });
    expect(brand.ok && brand.value).toMatchObject({ status: 'committed', inserted: 2 });
    const audits = await s.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'import.media%')
      .execute();
    expect(audits.length).toBe(4);
  });

  it('attributes first and last touch within the window', async () => {
    const run = await runAttribution({ db: s.store.db, events: s.events, clock }, { actor: 'test' });
    expect(run).toMatchObject({
      windowDays: 30,
      dataThrough: '2027-02-27',
      attributed: 2,
      lifecycleAsOf: '2027-02-20',
    });
    const rows = await s.store.db
      .selectFrom('media_attribution')
      .selectAll()
      .orderBy('customer_id')
      .execute();
    expect(rows.map((r) => [r.customer_id, r.first_channel, r.last_channel, r.touches])).toEqual([
      [1, 'ocean_engine', 'baidu', 2],
      [3, 'tencent_ads', 'tencent_ads', 1],
    ]);
    expect(
      rows.map((r) => [r.active_30d, r.active_90d, r.activated, r.referrals, Number(r.aum), r.stage_reached]),
    ).toEqual([
      [false, true, false, 0, 10000, false],
      [true, false, true, 1, 50000, true],
    ]);
    const wide = await runAttribution(
      { db: s.store.db, events: s.events, clock },
      { actor: 'test', windowDays: 90 },
    );
    expect(wide.attributed).toBe(3); // customer 2's touch 70 days before now counts
  });

  it('compares the channels on the five dimensions with known answers', async () => {
    const result = await compareChannels({ db: s.store.db, clock }, { from: '2026-10-01', to: '2026-10-31' });
    if (!result.ok) throw new Error(result.error.message);
    const c = result.value;
    const of = (key: string) => c.channels.find((x) => x.channel.key === key)!;
    expect(c.freshness.dataThrough).toBe('2027-02-27');
    expect(of('tencent_ads').metrics).toMatchObject({
      impressions: 10000,
      clicks: 200,
      ctr: 0.02,
      newCustomers: 1,
      newCustomersLastTouch: 1,
      retention30dRate: 1,
      activationRate: 1,
      aum: 50000,
      firstPurchaseRate: 1,
      stageReachedRate: 1,
      cost: 1000,
      cpa: 1000,
      costPerActive: 1000,
      costPer10kAum: 200,
      referrals: 1,
      referralRate: 1,
      brandIndex: null,
    });
    expect(of('ocean_engine').metrics).toMatchObject({
      newCustomers: 1,
      newCustomersLastTouch: 0,
      retention30dRate: 0,
      retention90dRate: 1,
      activationRate: 0,
      stageReachedRate: 0,
      cpa: 3000,
      costPerActive: null,
      brandedSearch: 150,
      directVisits: 100,
      brandIndex: 175,
      // organic new customers on 10-09..10-10 (customers 2 and 6) vs 10-07..10-08 (customer 5)
      organicLift: 1,
    });
    expect(of('baidu').metrics).toMatchObject({ newCustomers: 0, newCustomersLastTouch: 1, cpa: null });
    expect(of('tencent_ads').scores).toMatchObject({ scale: 100, cost: 100, spillover: 50 }); // referrals best, lift −1 scores 0;
    expect(of('ocean_engine').scores).toMatchObject({ scale: 100, cost: 33.3, brand: 100 });
    expect(c.organicNewCustomers).toBe(4);
    expect(c.metrics.find((m) => m.key === 'cpa')?.definition.zh).toContain('CPA');
    const csv = comparisonCsv(c).split('\n');
    expect(csv[0]).toMatch(/^channel,name,impressions,/);
    expect(csv.find((l) => l.startsWith('tencent_ads'))).toContain(',1000,');
  });

  it('asks for an attribution run when the window has none', async () => {
    const result = await compareChannels({ db: s.store.db, clock }, { windowDays: 7 });
    expect(!result.ok && result.error.code).toBe('not_enough_data');
  });
});
