import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { computeTags } from './compute.ts';
import { parseTagInput } from './definition.ts';
import { ensureCatalogue, writeDefinition } from './definitions.ts';
import { FIXTURE_AS_OF, seedTagFixture } from '../../test/support/tag-fixture.ts';
import { importManualValues } from './manual.ts';
import { loadTagSnapshot, type TagSnapshot } from './snapshot-store.ts';

// Every kind computed over the six-customer fixture (PGlite + chDB), with members worked out by hand.

let store: OperationalStore;
let events: EventStore;
let snapshot: TagSnapshot;

const members = (key: string, s: TagSnapshot = snapshot) =>
  Object.fromEntries([...(s.tags.get(key) ?? new Map())].map(([v, b]) => [v, b.toArray()]));

async function define(body: Record<string, unknown>) {
  const parsed = parseTagInput({
    name_en: String(body['key']),
    name_zh: String(body['key']),
    category: 'custom',
    ...body,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  await store.db
    .transaction()
    .execute((tx) => writeDefinition(tx, parsed.value, { actor: 'test', action: 'tags.create' }));
}

const L = { en: 'x', zh: 'x' };

// The bank's messages and the answers to them (src/campaigns): C2 got a fund post by SMS and opened and clicked it;
// C3 got a fund post (run 1) and an article (run 2) by WeCom and clicked the article twice, the post once; C5 got an
// SMS it never answered, and its answer older than 90 days does not count. (Answers are activity: they count for
// the channel preference; the messages themselves do not.)
const message = (
  id: string,
  customer: number,
  event: string,
  day: string,
  props: Record<string, unknown>,
) => ({
  event_id: id,
  customer_id: customer,
  distinct_id: `C${customer}`,
  event,
  time: Date.parse(`${day}T03:00:00Z`),
  properties: props,
});
const fundPost = { campaign_id: 1, run_id: 1, content_type: 'product', product_category: 'fund' };
const article = { campaign_id: 2, run_id: 2, content_type: 'media' };
const MESSAGE_EVENTS = [
  message('s2', 2, 'message_sent', '2025-06-20', { ...fundPost, channel: 'sms' }),
  message('o2', 2, 'message_opened', '2025-06-20', { run_id: 1, channel: 'sms' }),
  message('k2', 2, 'message_clicked', '2025-06-21', { run_id: 1, channel: 'sms' }),
  message('s3a', 3, 'message_sent', '2025-06-10', { ...fundPost, channel: 'wecom' }),
  message('s3b', 3, 'message_sent', '2025-06-15', { ...article, channel: 'wecom' }),
  message('k3a', 3, 'message_clicked', '2025-06-11', { run_id: 1, channel: 'wecom' }),
  message('k3b', 3, 'message_clicked', '2025-06-16', { run_id: 2, channel: 'wecom' }),
  message('k3c', 3, 'message_clicked', '2025-06-17', { run_id: 2, channel: 'wecom' }),
  message('s4', 4, 'message_sent', '2025-06-20', { ...fundPost, channel: 'sms' }),
  message('s5', 5, 'message_sent', '2025-06-20', { ...fundPost, channel: 'sms' }),
  message('old5', 5, 'message_clicked', '2025-03-01', { run_id: 1, channel: 'sms' }),
];

beforeAll(async () => {
  store = await openMigratedMemoryStore();
  events = await openEventStore({ kind: 'chdb', dataDir: null });
  await seedTagFixture(store, events);
  await ensureCatalogue(store.db, 'test');
  await define({
    key: 'fund_size',
    kind: 'attribute',
    spec: {
      values: [
        { value: 'big', label: L, rule: { holds: 'fund', balance: { gte: 1_000_000 } } },
        {
          value: 'small',
          label: L,
          rule: { all: [{ holds: 'fund' }, { not: { attr: 'city', op: '=', value: '上海' } }] },
        },
      ],
    },
  });
  await define({
    key: 'aum_band',
    kind: 'bucket',
    spec: {
      field: 'aum',
      buckets: [
        { value: 'low', label: L, max: 50_000 },
        { value: 'mid', label: L, min: 50_000, max: 1_000_000 },
        { value: 'high', label: L, min: 1_000_000 },
      ],
    },
  });
  await define({
    key: 'fund_buyer',
    kind: 'event',
    spec: {
      event: 'purchase',
      window_days: 365,
      where: { category: 'fund', amount: { gte: 10_000 } },
      buckets: [
        { value: 'yes', label: L, min: 1 },
        { value: 'no', label: L, max: 1 },
      ],
    },
  });
  await define({
    key: 'app_reach',
    kind: 'lifecycle',
    spec: {
      stages: [
        { value: 'reached', rule: { event: 'app_open', within_days: 365 } },
        { value: 'portrait', rule: { event: 'app_open', within_days: 365, count: { lt: 1 } } },
      ],
    },
  });
  await define({
    key: 'aum_level',
    kind: 'sql',
    spec: {
      sql: `select customer_no, case when aum >= 100000 then 'high' else 'low' end as value
              from customers where city <> '北京';`,
    },
  });
  await define({
    key: 'buyer',
    kind: 'sql',
    spec: {
      store: 'events',
      sql: `SELECT customer_id, 'buyer' AS value FROM events_dedup WHERE event = 'purchase' AND toDate(time) <= {as_of}`,
    },
  });
  await define({
    key: 'vip_list',
    kind: 'manual',
    spec: {
      values: [
        { value: 'vip', label: L },
        { value: 'watch', label: L },
      ],
    },
  });
  const imported = await importManualValues(
    store.db,
    {
      key: 'vip_list',
      spec: {
        values: [
          { value: 'vip', label: L },
          { value: 'watch', label: L },
        ],
      },
    },
    [
      { row: 1, customer_no: 'C1', value: 'vip' },
      { row: 2, customer_no: 'C3', value: 'vip' },
      { row: 3, customer_no: 'C5', value: 'watch' },
    ],
    { actor: 'test' },
  );
  expect(imported.ok).toBe(true);
  await events.insert('events', MESSAGE_EVENTS);
  const run = await computeTags(
    { db: store.db, events, sandbox: () => store.sandbox(), timeZone: 'Asia/Shanghai' },
    { asOf: FIXTURE_AS_OF, trigger: 'manual', actor: 'test' },
  );
  if (!run.ok) throw new Error(run.error.message);
  expect(run.value.results.filter((r) => r.status === 'failed')).toEqual([]);
  expect(run.value.customers).toBe(6);
  snapshot = (await loadTagSnapshot(store.db, FIXTURE_AS_OF))!;
});

afterAll(async () => {
  await events?.close();
  await store?.close();
});

describe('attribute and bucket tags', () => {
  it('takes the first matching value, with the default for the rest', () => {
    expect(members('gender')).toEqual({ male: [1, 6], female: [2, 3], unknown: [4, 5] });
    expect(members('city')).toEqual({
      hangzhou: [1, 5],
      shanghai: [2],
      nanjing: [3],
      suzhou: [6],
      ningbo: [],
      other: [4],
    });
    expect(members('fund_size')).toEqual({ big: [5], small: [1] });
  });

  it('reads holdings (active only), due and maturity days relative to the business day, and consents', () => {
    expect(members('holds_fund').yes).toEqual([1, 5]);
    expect(members('holds_wealth').yes).toEqual([3]);
    expect(members('holds_credit_card')).toEqual({ yes: [2], no: [1, 3, 4, 5, 6] });
    expect(members('renewal_due_30d').yes).toEqual([3]);
    expect(members('loan_repayment_due_7d').yes).toEqual([2]);
    expect(members('deposit_maturing_30d').yes).toEqual([2]);
    expect(members('wealth_maturing_30d').yes).toEqual([]);
    expect(members('fund_auto_investment').yes).toEqual([1]);
    expect(members('product_count_band')).toEqual({
      none: [4, 6],
      one: [],
      two: [1, 2, 3, 5],
      three: [],
      four_plus: [],
    });
    expect(members('sms_consent').yes).toEqual([1, 3]);
    expect(members('wecom_friend').yes).toEqual([3]);
    expect(members('payroll_customer').yes).toEqual([1]);
  });

  it('bands numbers, with ages and tenures on the business day and empty values apart', () => {
    expect(members('age_band')).toEqual({
      under_25: [2],
      '25_34': [6],
      '35_44': [1, 5],
      '45_54': [],
      '55_64': [],
      '65_plus': [3],
      unknown: [4],
    });
    expect(members('tenure_band')).toEqual({
      under_1: [2],
      '1_3': [],
      '3_5': [],
      '5_10': [1, 3, 5, 6],
      '10_plus': [],
      unknown: [4],
    });
    expect(members('risk_profile')).toEqual({
      conservative: [3],
      steady: [],
      balanced: [1],
      growth: [],
      aggressive: [5],
      unknown: [2, 4, 6],
    });
    expect(members('aum_band')).toEqual({ low: [1, 4], mid: [2, 3, 6], high: [5] });
  });
});

describe('event tags', () => {
  it('counts events in the window (a re-sent event once), customers without events in the zero band', () => {
    expect(members('active_30d')).toEqual({ yes: [1, 2, 3, 5], no: [4, 6] });
    expect(members('dormant_180d')).toEqual({ yes: [4, 6], no: [1, 2, 3, 5] });
    expect(members('app_engagement_30d')).toEqual({ none: [2, 3, 4, 5, 6], low: [], medium: [1], high: [] });
    expect(members('campaign_responder_90d').yes).toEqual([2]);
    expect(members('fund_buyer')).toEqual({ yes: [1], no: [2, 3, 4, 5, 6] });
  });

  it('sums a numeric property in the window', () => {
    expect(members('purchase_amount_90d')).toEqual({
      none: [2, 4, 5, 6],
      under_10k: [],
      '10k_100k': [1, 3],
      over_100k: [],
    });
  });
});

describe('lifecycle tags', () => {
  it('places each customer at the furthest stage whose rule matches', () => {
    expect(members('lifecycle_stage')).toEqual({
      super_customer: [3],
      repeat_purchase: [],
      transaction: [1, 5],
      demand: [],
      interested: [],
      reached: [2],
      portrait: [4, 6],
    });
  });

  it('counts customers without events in conditions that admit zero', () => {
    expect(members('app_reach')).toEqual({ reached: [1, 2], portrait: [3, 4, 5, 6] });
  });
});

describe('RFM tags', () => {
  it('scores quintiles by rank and splits groups by the mean', () => {
    expect(members('rfm_recency')).toEqual({ '1': [5], '2': [2], '3': [3], '4': [1], '5': [6] });
    expect(members('rfm_frequency')).toEqual({ '1': [2], '2': [3], '3': [6], '4': [1], '5': [5] });
    expect(members('rfm_monetary')).toEqual({ '1': [6], '2': [2], '3': [1], '4': [5], '5': [3] });
    expect(members('rfm_group')).toMatchObject({
      general_develop: [1, 2, 6],
      important_develop: [3],
      general_keep: [5],
      important_value: [],
    });
  });

  it('splits by the median when asked', async () => {
    await define({ key: 'rfm_median', kind: 'rfm', spec: { split: 'median' } });
    const run = await computeTags(
      { db: store.db, events, sandbox: () => store.sandbox(), timeZone: 'Asia/Shanghai' },
      { asOf: FIXTURE_AS_OF, keys: ['rfm_median'], trigger: 'manual', actor: 'test' },
    );
    expect(run.ok && run.value.status).toBe('done');
    const s = (await loadTagSnapshot(store.db, FIXTURE_AS_OF, { keys: ['rfm_median'] }))!;
    expect(members('rfm_median', s)).toMatchObject({
      general_value: [1],
      general_retain: [2],
      important_retain: [3],
      important_keep: [5],
      general_develop: [6],
    });
  });
});

describe('tier tags', () => {
  it('applies upgrades the next month and downgrades after three months below', async () => {
    expect(members('aum_tier')).toEqual({
      mass: [4],
      gold: [1, 2, 6],
      platinum: [3],
      diamond: [],
      private: [5],
    });
    const rows = await sql<{
      month: string;
      customer_id: number;
      q: string;
      e: string;
      b: number;
      avg: number;
    }>`
      select month::text, customer_id, qualified_tier as q, effective_tier as e, months_below as b, avg_daily_aum as avg
        from customer_tier_months order by month, customer_id`.execute(store.db);
    // Feb–May are replayed; the state after May (the newest closed month) is stored.
    expect(rows.rows.map((r) => `${r.month.slice(0, 7)} c${r.customer_id} ${r.q}/${r.e}/${r.b}`)).toEqual([
      '2025-05 c1 gold/gold/0',
      '2025-05 c3 gold/platinum/2',
      '2025-05 c5 diamond/private/2',
      '2025-05 c6 gold/platinum/3',
    ]);
    expect(rows.rows.find((r) => r.customer_id === 5)?.avg).toBe(2_000_000);
  });

  it('continues from the stored months on a later day, replaying only the newly closed month', async () => {
    const run = await computeTags(
      { db: store.db, events, sandbox: () => store.sandbox(), timeZone: 'Asia/Shanghai' },
      { asOf: '2025-07-01', keys: ['aum_tier'], trigger: 'manual', actor: 'test' },
    );
    expect(run.ok && run.value.status).toBe('done');
    const july = (await loadTagSnapshot(store.db, '2025-07-01'))!;
    // June: c1 fell to 10,000 (first month below gold), c2's first month qualifies gold
    expect(members('aum_tier', july)).toEqual({
      mass: [4],
      gold: [1, 2, 6],
      platinum: [3],
      diamond: [],
      private: [5],
    });
    const june = await sql<{ c: number; e: string; b: number }>`
      select customer_id as c, effective_tier as e, months_below as b from customer_tier_months
       where month = '2025-06-01' order by customer_id`.execute(store.db);
    expect(june.rows).toEqual([
      { c: 1, e: 'gold', b: 1 },
      { c: 2, e: 'gold', b: 0 },
    ]);
  });
});

describe('SQL and manual tags', () => {
  it('reads values by customer number from the operational store and by id from the event store', () => {
    expect(members('aum_level')).toEqual({ high: [3, 5, 6], low: [1, 2] });
    expect(members('buyer')).toEqual({ buyer: [1, 3] });
    expect(members('managed_by_rm')).toEqual({ yes: [6], no: [1, 2, 3, 4, 5] });
    expect(members('channel_preference')).toEqual({ app: [1], sms: [2], wecom: [3], branch: [], other: [5] });
  });

  it('learns preferences from answers to the bank’s messages', () => {
    expect(members('responsive_channel_90d')).toMatchObject({ sms: [2], wecom: [3], email: [] });
    expect(members('content_affinity_90d')).toMatchObject({ product: [2], media: [3], event: [] });
    expect(members('product_interest_90d')).toMatchObject({ fund: [2, 3], wealth: [] });
  });

  it('reads imported values', () => {
    expect(members('vip_list')).toEqual({ vip: [1, 3], watch: [5] });
  });

  it('reports a failing tag without failing the others', async () => {
    await define({
      key: 'broken',
      kind: 'sql',
      spec: { sql: 'select id as customer_id, nonsense as value from customers' },
    });
    const run = await computeTags(
      { db: store.db, events, sandbox: () => store.sandbox(), timeZone: 'Asia/Shanghai' },
      { asOf: FIXTURE_AS_OF, keys: ['broken', 'gender'], trigger: 'manual', actor: 'test' },
    );
    if (!run.ok) throw new Error(run.error.message);
    expect(run.value.status).toBe('failed');
    expect(run.value.results.map((r) => [r.key, r.status])).toEqual([
      ['gender', 'ok'],
      ['broken', 'failed'],
    ]);
    expect(run.value.results[1]?.error).toMatch(/SQL tag 'broken'.*nonsense/);
    expect(members('gender', (await loadTagSnapshot(store.db, FIXTURE_AS_OF))!)).toEqual(members('gender'));
  });
});
