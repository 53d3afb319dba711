import type { EventStore, TransactionRecord } from '../../src/store/events/store.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';

// Test support: a tiny bank whose every tag value can be worked out by hand (see the comments next to each
// customer). Business day 2025-06-30.

export const FIXTURE_AS_OF = '2025-06-30';

const ms = (day: string, time = '10:00:00') => Date.parse(`${day}T${time}Z`);
const daysBefore = (n: number) =>
  new Date(Date.parse(`${FIXTURE_AS_OF}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

/** Seeds six customers with profiles, holdings, consents, events, transactions and daily balances. */
export async function seedTagFixture(store: OperationalStore, events: EventStore): Promise<void> {
  const db = store.db;
  await db
    .insertInto('org_units')
    .values({ id: 'HO', name: 'Head office', kind: 'head_office', parent_id: null })
    .execute();
  await db
    .insertInto('products')
    .values([
      { id: 'DEP-CUR', name: 'Current', category: 'current_deposit' },
      { id: 'TD-3M', name: '3-month deposit', category: 'time_deposit' },
      { id: 'FD-MMF', name: 'Money fund', category: 'fund' },
      { id: 'WM-1Y', name: 'Wealth 1Y', category: 'wealth' },
      { id: 'INS-CI', name: 'Critical illness', category: 'insurance' },
      { id: 'LN-MORTGAGE', name: 'Mortgage', category: 'loan' },
      { id: 'CC-STANDARD', name: 'Card', category: 'credit_card' },
    ])
    .execute();
  const customer = (id: number, c: Record<string, unknown>) => ({
    id,
    customer_no: `C${id}`,
    org_unit_id: 'HO',
    customer_since: '2020-01-15',
    ...c,
  });
  await db
    .insertInto('customers')
    .values([
      // 35, Hangzhou, payroll, app user, risk 3; tenure 5 years
      customer(1, {
        gender: 'M',
        birth_date: '1990-05-01',
        city: '杭州',
        aum: 10_000,
        payroll: true,
        app_user: true,
        risk_level: 3,
      }),
      // 24 (birthday after the business day), Shanghai, app user; joined this year
      customer(2, {
        gender: 'F',
        birth_date: '2000-07-01',
        city: '上海',
        aum: 60_000,
        app_user: true,
        customer_since: '2025-02-01',
      }),
      // 65, Nanjing, WeCom friend
      customer(3, {
        gender: 'F',
        birth_date: '1960-01-01',
        city: '南京',
        aum: 700_000,
        wecom_friend: true,
        risk_level: 1,
      }),
      // no birth date, Beijing, nothing else
      customer(4, { gender: null, birth_date: null, city: '北京', aum: 0, customer_since: null }),
      // 40 on the business day, Hangzhou, private banking
      customer(5, { gender: 'U', birth_date: '1985-06-30', city: '杭州', aum: 7_000_000, risk_level: 5 }),
      // 30, Suzhou, manager assigned
      customer(6, {
        gender: 'M',
        birth_date: '1995-01-01',
        city: '苏州',
        aum: 100_000,
        attributes: JSON.stringify({ account_manager_id: 'AM1' }),
      }),
    ])
    .execute();
  const holding = (
    customer_id: number,
    n: number,
    product_id: string,
    balance: number,
    extra: Record<string, string> = {},
  ) => ({
    customer_id,
    account_no: `A${customer_id}-${n}`,
    product_id,
    balance,
    opened_on: '2024-01-01',
    ...extra,
  });
  await db
    .insertInto('holdings')
    .values([
      holding(1, 1, 'DEP-CUR', 5_000),
      holding(1, 2, 'FD-MMF', 5_000, { next_due_date: '2025-07-05' }), // auto-investment plan
      holding(2, 1, 'TD-3M', 50_000, { maturity_date: '2025-07-20' }), // matures within 30 days
      holding(2, 2, 'CC-STANDARD', 3_000, { next_due_date: '2025-07-03' }), // card bill within 7 days
      holding(3, 1, 'INS-CI', 100_000, { next_due_date: '2025-07-15' }), // renewal within 30 days
      holding(3, 2, 'WM-1Y', 600_000, { maturity_date: '2025-09-01' }),
      holding(5, 1, 'LN-MORTGAGE', 1_000_000, { next_due_date: '2025-07-10', maturity_date: '2040-01-01' }), // 10 days
      holding(5, 2, 'FD-MMF', 7_000_000),
      { ...holding(6, 1, 'WM-1Y', 100_000), status: 'closed' as const }, // closed: holds nothing
    ])
    .execute();
  const consent = (customer_id: number, channel: 'sms' | 'wecom', status: 'granted' | 'revoked') => ({
    customer_id,
    channel,
    status,
    updated_at: '2025-01-01T00:00:00Z',
  });
  await db
    .insertInto('consents')
    .values([
      consent(1, 'sms', 'granted'),
      consent(2, 'sms', 'revoked'),
      consent(3, 'wecom', 'granted'),
      consent(3, 'sms', 'granted'),
    ])
    .execute();

  let n = 0;
  const event = (
    customer_id: number,
    name: string,
    day: string,
    properties: Record<string, unknown> = {},
  ) => ({
    event_id: `e${++n}`,
    customer_id,
    distinct_id: `d${customer_id}`,
    event: name,
    time: ms(day),
    properties,
  });
  await events.insert('events', [
    // 1: three app opens in 30 days, a purchase of 20,000, a product view → transaction stage (1 purchase)
    event(1, 'app_open', '2025-06-29', { channel: 'app' }),
    event(1, 'app_open', '2025-06-20', { channel: 'app' }),
    event(1, 'app_open', '2025-06-10', { channel: 'app' }),
    event(1, 'purchase', '2025-06-20', { channel: 'app', amount: 20_000, category: 'fund' }),
    event(1, 'view_product', '2025-06-20', { channel: 'app', category: 'fund' }),
    // 2: one app open two months ago, two campaign clicks (SMS) in the last days → reached
    event(2, 'app_open', '2025-05-01', { channel: 'app' }),
    event(2, 'campaign_click', '2025-06-29', { channel: 'sms' }),
    event(2, 'campaign_click', '2025-06-28', { channel: 'sms' }),
    // 3: two purchases and a share → super customer; purchases sum 150,000
    event(3, 'purchase', '2025-04-01', { channel: 'app', amount: 100_000, category: 'wealth' }),
    event(3, 'purchase', '2025-06-01', { channel: 'app', amount: 50_000, category: 'insurance' }),
    event(3, 'share', '2025-06-02', { channel: 'wechat' }),
    event(3, 'share', '2025-06-03', { channel: 'wechat' }),
    // 5: a consultation (demand), but holds a fund → transaction
    event(5, 'consult', '2025-06-15', { channel: 'online_chat' }),
    // 6: a product view long ago (outside 365 days) → portrait; a re-sent event id counts once
    event(6, 'view_product', '2024-01-01', { channel: 'app' }),
    { ...event(1, 'app_open', '2025-06-29', { channel: 'app' }), event_id: 'e1' },
  ]);

  // RFM (kinds purchase/deposit/withdrawal/transfer_out, payroll excluded): recency r days, frequency f, monetary m
  //   c1 r=1 f=4 m=4,000 · c2 r=30 f=1 m=100 · c3 r=5 f=2 m=900,000 · c5 r=200 f=10 m=50,000 · c6 r=0 f=3 m=10
  let t = 0;
  const txns: TransactionRecord[] = [];
  const spread = (customer_id: number, r: number, f: number, m: number) => {
    for (let k = 0; k < f; k++)
      txns.push({
        txn_id: `t${++t}`,
        customer_id,
        account_no: `A${customer_id}-1`,
        product_id: 'DEP-CUR',
        kind: k % 2 === 0 ? 'withdrawal' : 'deposit',
        amount: m / f,
        channel: 'app',
        time: ms(daysBefore(r + k)),
      });
  };
  spread(1, 1, 4, 4_000);
  spread(2, 30, 1, 100);
  spread(3, 5, 2, 900_000);
  spread(5, 200, 10, 50_000);
  spread(6, 0, 3, 10);
  // neither counts: interest is not a customer transaction, salary credits are excluded
  txns.push({
    txn_id: 'i4',
    customer_id: 4,
    account_no: 'A4-1',
    product_id: 'DEP-CUR',
    kind: 'interest',
    amount: 1,
    channel: 'system',
    time: ms('2025-06-21'),
  });
  txns.push({
    txn_id: 'p4',
    customer_id: 4,
    account_no: 'A4-1',
    product_id: 'DEP-CUR',
    kind: 'deposit',
    amount: 9_000,
    channel: 'payroll',
    time: ms('2025-06-10'),
  });
  await events.insert('transactions', txns);

  // Daily balances for tiers (month-end rows, a few June days). See compute.test.ts for the expected states.
  const daily: { date: string; customer_id: number; aum: number }[] = [];
  const months: Record<number, Record<string, number>> = {
    1: { '2025-03-31': 10_000, '2025-04-30': 60_000, '2025-05-31': 60_000, '2025-06-29': 10_000 },
    3: { '2025-03-31': 700_000, '2025-04-30': 100_000, '2025-05-31': 100_000 },
    5: { '2025-03-31': 7_000_000, '2025-04-30': 2_000_000, '2025-05-31': 2_000_000 },
    6: { '2025-02-28': 600_000, '2025-03-31': 100_000, '2025-04-30': 100_000, '2025-05-31': 100_000 },
  };
  for (const [id, days] of Object.entries(months))
    for (const [date, aum] of Object.entries(days)) daily.push({ date, customer_id: Number(id), aum });
  // 2 joined in February but has daily facts only this month: 40,000 and 80,000 → month-to-date 60,000
  daily.push(
    { date: '2025-06-28', customer_id: 2, aum: 40_000 },
    { date: '2025-06-29', customer_id: 2, aum: 80_000 },
  );
  await events.insert(
    'customer_daily',
    daily.map((d) => ({ ...d, deposit_balance: d.aum, investment_balance: 0, loan_balance: 0 })),
  );
}
