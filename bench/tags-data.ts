import { sql, type Kysely } from 'kysely';
import type { EventStore } from '../src/store/events/store.ts';
import type { Database } from '../src/store/operational/database.ts';

// Synthesises a bank of N customers for the tag benchmark inside the engines (INSERT … SELECT over generate_series in
// PostgreSQL, numbers() in ClickHouse): the JS demo generator would take hours at 10M. Shapes follow the demo bank:
// lognormal AUM (median ≈ 18k), 1–6 holdings with maturity and due dates, consents per channel, ~3 behaviour events
// and ~3 transactions per customer over 90 days, month-end daily balances for two closed months plus the as-of day.

/** The business day of the synthetic bank. */
export const BENCH_AS_OF = '2025-06-15';

const PRODUCTS: [string, string][] = [
  ['DEP-CUR', 'current_deposit'],
  ['TD-3M', 'time_deposit'],
  ['TD-1Y', 'time_deposit'],
  ['WM-CASH', 'wealth'],
  ['WM-1Y', 'wealth'],
  ['FD-MMF', 'fund'],
  ['FD-INDEX', 'fund'],
  ['INS-CI', 'insurance'],
  ['LN-MORTGAGE', 'loan'],
  ['CC-STANDARD', 'credit_card'],
];

/** Fills the operational store; secondary indexes are dropped during the load and rebuilt after it. */
export async function synthesiseOperational(db: Kysely<Database>, n: number): Promise<void> {
  const run = (text: string) => sql.raw(text).execute(db);
  await run(`insert into org_units (id, name, kind) values ('HO', 'Head office', 'head_office')`);
  await run(
    `insert into products (id, name, category) values ${PRODUCTS.map(([id, c]) => `('${id}', '${id}', '${c}')`).join(', ')}`,
  );
  const indexes = await sql<{ indexdef: string; indexname: string }>`
    select indexname, indexdef from pg_indexes
     where tablename in ('customers', 'holdings', 'consents')
       and not exists (select 1 from pg_constraint c where c.conname = indexname)`.execute(db);
  for (const i of indexes.rows) await run(`drop index ${i.indexname}`);
  // FK checks would cost more than the load itself; the rows are consistent by construction.
  await run(`alter table holdings drop constraint if exists holdings_customer_id_fkey`);
  await run(`alter table holdings drop constraint if exists holdings_product_id_fkey`);
  await run(`alter table consents drop constraint if exists consents_customer_id_fkey`);
  await run(`alter table customers drop constraint if exists customers_org_unit_id_fkey`);
  const day = `date '${BENCH_AS_OF}'`;
  await run(`insert into customers (id, customer_no, gender, birth_date, city, occupation, education, marital_status,
      org_unit_id, risk_level, customer_since, aum, tier, payroll, app_user, wecom_friend, email, attributes)
    select g, 'C' || lpad(g::text, 10, '0'), (array['M', 'F'])[1 + g % 2],
           date '1945-01-01' + ((g::bigint * 7919) % 22000)::int,
           (array['杭州', '上海', '南京', '苏州', '宁波', '温州'])[1 + (g * 31) % 6],
           (array['employee', 'engineer', 'teacher', 'retired', 'business_owner'])[1 + (g * 17) % 5],
           (array['junior_high', 'high_school', 'associate', 'bachelor', 'master'])[1 + (g * 13) % 5],
           (array['single', 'married', 'divorced'])[1 + (g * 11) % 3],
           'HO', 1 + g % 5, date '2015-01-01' + ((g::bigint * 104729) % 3800)::int,
           a.aum,
           case when a.aum >= 6000000 then 'private' when a.aum >= 1000000 then 'diamond'
                when a.aum >= 500000 then 'platinum' when a.aum >= 50000 then 'gold' else 'mass' end,
           g % 3 = 0, g % 5 < 3, g % 7 < 2, case when g % 4 = 0 then 'c' || g || '@mail.test' end,
           case when g % 3 = 0 then '{"account_manager_id": "AM1"}'::jsonb else '{}'::jsonb end
      from generate_series(1, ${n}) g,
           lateral (select least(50000000, round(exp(9.8 + 1.4 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::numeric, 2)) as aum) a`);
  const holding = (
    product: string,
    where: string,
    balance: string,
    maturity = 'null',
    due = 'null',
    seq = product,
  ) =>
    run(`insert into holdings (customer_id, account_no, product_id, balance, opened_on, maturity_date, next_due_date)
      select g, '6217' || g || '${seq}', '${product}', ${balance}, date '2020-01-01', ${maturity}, ${due}
        from generate_series(1, ${n}) g where ${where}`);
  await holding('DEP-CUR', 'true', '(g % 50000)::numeric');
  await holding('TD-3M', 'g % 10 < 2', '10000', `${day} + (g % 91)`);
  await holding('TD-1Y', 'g % 10 = 5', '50000', `${day} + (g % 365)`);
  await holding('WM-CASH', 'g % 13 = 1', '20000');
  await holding('WM-1Y', 'g % 17 = 2', '80000', `${day} + (g % 365)`);
  await holding('FD-MMF', 'g % 11 = 3', '5000', 'null', `case when g % 2 = 0 then ${day} + (g % 28) end`);
  await holding('FD-INDEX', 'g % 19 = 4', '30000');
  await holding('INS-CI', 'g % 12 = 5', '100000', 'null', `${day} + (g % 365)`);
  await holding('LN-MORTGAGE', 'g % 9 = 6', '500000', `${day} + 3000`, `${day} + (g % 28)`);
  await holding('CC-STANDARD', 'g % 3 = 1', '3000', 'null', `${day} + (g % 28)`);
  const consent = (channel: string, where: string, grantedWhen: string) =>
    run(`insert into consents (customer_id, channel, status, updated_at)
      select g, '${channel}', case when ${grantedWhen} then 'granted' else 'revoked' end, timestamptz '2025-01-01'
        from generate_series(1, ${n}) g where ${where}`);
  await consent('sms', 'true', 'g % 8 <> 0');
  await consent('phone', 'g % 2 = 0', 'g % 4 <> 0');
  await consent('app_push', 'g % 5 < 3', 'g % 10 < 5');
  for (const i of indexes.rows) await run(i.indexdef);
  await run('analyze customers');
  await run('analyze holdings');
  await run('analyze consents');
}

/** Fills the event store: events, transactions and daily balances, generated by ClickHouse itself. */
export async function synthesiseEvents(events: EventStore, n: number): Promise<void> {
  const active = Math.max(1, Math.floor(n * 0.65));
  const asOf = `toDateTime64('${BENCH_AS_OF} 23:59:59', 3, 'UTC')`;
  // ~3 events per customer over 90 days, on the 65% of customers who use the app or WeCom
  await events.command(`INSERT INTO events (event_id, customer_id, distinct_id, event, time, properties)
    SELECT concat('e', toString(number)), c, concat('d', toString(c)), name,
           ${asOf} - toIntervalSecond(cityHash64(number, 3) % (90 * 86400)),
           multiIf(name = 'purchase', concat('{"channel":"app","amount":', toString(100 + cityHash64(number, 4) % 200000), '}'),
                   name = 'campaign_click', '{"channel":"sms"}', name = 'wecom_reply', '{"channel":"wecom"}',
                   name = 'share', '{"channel":"wechat"}', '{"channel":"app"}')
      FROM (SELECT number, toUInt32(1 + cityHash64(number, 1) % ${active}) AS c,
                   multiIf(cityHash64(number, 2) % 1000 < 600, 'app_open', cityHash64(number, 2) % 1000 < 800, 'view_product',
                           cityHash64(number, 2) % 1000 < 880, 'campaign_click', cityHash64(number, 2) % 1000 < 920, 'add_favorite',
                           cityHash64(number, 2) % 1000 < 950, 'consult', cityHash64(number, 2) % 1000 < 970, 'apply',
                           cityHash64(number, 2) % 1000 < 990, 'purchase', cityHash64(number, 2) % 1000 < 997, 'wecom_reply', 'share') AS name
              FROM numbers(${3 * n}))
    SETTINGS optimize_on_insert = 0`);
  // ~3 transactions per customer over 90 days, on 85% of customers
  await events.command(`INSERT INTO transactions (txn_id, customer_id, account_no, product_id, kind, amount, channel, time)
    SELECT concat('t', toString(number)), c, concat('6217', toString(c)), 'DEP-CUR', kind,
           toDecimal64(1 + cityHash64(number, 6) % 500000 / 100, 2),
           multiIf(kind = 'deposit' AND cityHash64(number, 7) % 3 = 0, 'payroll', cityHash64(number, 7) % 5 = 0, 'counter', 'app'),
           ${asOf} - toIntervalSecond(cityHash64(number, 8) % (90 * 86400))
      FROM (SELECT number, toUInt32(1 + cityHash64(number, 5) % ${Math.floor(n * 0.85)}) AS c,
                   ['deposit', 'withdrawal', 'purchase', 'transfer_out', 'transfer_in', 'interest'][1 + cityHash64(number, 9) % 6] AS kind
              FROM numbers(${3 * n}))
    SETTINGS optimize_on_insert = 0`);
  // daily balances: two closed month-ends and the as-of day, around each customer's own level
  for (const [date, salt] of [
    ['2025-04-30', 1],
    ['2025-05-31', 2],
    [BENCH_AS_OF, 3],
  ] as const) {
    await events.command(`INSERT INTO customer_daily (date, customer_id, aum, deposit_balance, investment_balance, loan_balance)
      SELECT toDate('${date}'), toUInt32(number + 1), a, a, 0, 0
        FROM (SELECT number, toDecimal64(least(50000000, exp(9.8 + 1.4 * ((cityHash64(number, 10) % 10000) / 10000 * 2 - 1) * 2)
                       * (0.8 + (cityHash64(number, ${10 + salt}) % 40) / 100)), 2) AS a FROM numbers(${n}))
      SETTINGS optimize_on_insert = 0`);
  }
}
