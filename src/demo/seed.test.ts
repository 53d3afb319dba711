import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { runDemoCommand } from '../cli/commands/demo.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { fixedClock } from '../shared/clock.ts';
import { seedDemoPoolWork } from './pool-work.ts';
import { seedDemoBank, type DemoSummary } from './seed.ts';

// One real bank (PGlite in memory + chDB) shared by the assertions; determinism seeds two more into fresh
// operational stores and the same event store, emptied in between (chDB binds one directory per process).
const OPTIONS = { customers: 3000, days: 90, seed: 'flywheel', asOf: '2025-06-30' };
let store: OperationalStore;
let events: EventStore;
let summary: DemoSummary;

const n = async (query: ReturnType<typeof sql<{ n: number }>>) =>
  (await query.execute(store.db)).rows[0]?.n ?? -1;
const chCount = async (query: string) => Number((await events.query<{ n: number }>(query))[0]?.n ?? -1);

beforeAll(async () => {
  store = await openMigratedMemoryStore();
  events = await openEventStore({ kind: 'chdb', dataDir: null });
  const result = await seedDemoBank({ store, events }, OPTIONS);
  if (!result.ok) throw new Error(result.error.message);
  summary = result.value;
});

afterAll(async () => {
  await events?.close();
  await store?.close();
});

describe('seedDemoBank', () => {
  it('reports what it wrote, table by table, and records it in system_state', async () => {
    for (const table of [
      'customers',
      'customer_identities',
      'holdings',
      'consents',
      'consent_history',
      'staff',
      'org_units',
      'products',
    ] as const) {
      expect(await n(sql`select count(*)::int as n from ${sql.table(table)}`), table).toBe(
        summary.counts[table],
      );
    }
    expect(await chCount('SELECT count() AS n FROM events_dedup')).toBe(summary.counts['events']);
    expect(await chCount('SELECT count() AS n FROM transactions_dedup')).toBe(summary.counts['transactions']);
    expect(await chCount('SELECT count() AS n FROM customer_daily_dedup')).toBe(
      summary.counts['customer_daily'],
    );
    const state = await store.db
      .selectFrom('system_state')
      .select('value')
      .where('key', '=', 'demo_bank')
      .executeTakeFirstOrThrow();
    expect(state.value).toMatchObject({ options: OPTIONS, summary: { counts: { customers: 3000 } } });
    expect(summary.generator).toBe('worker');
    // Secondary indexes are dropped during the load and rebuilt: all of them must be back.
    const fresh = await openMigratedMemoryStore();
    const indexes = async (target: OperationalStore) =>
      (
        await sql<{
          def: string;
        }>`select indexdef as def from pg_indexes where schemaname = 'public' order by indexname`.execute(
          target.db,
        )
      ).rows;
    try {
      expect(await indexes(store)).toEqual(await indexes(fresh));
    } finally {
      await fresh.close();
    }
  });

  it('builds the organisation: head office, 5 branches, 2–3 sub-branches each, 40 account managers', async () => {
    const units = await store.db.selectFrom('org_units').select(['kind', 'parent_id']).execute();
    expect(units.filter((u) => u.kind === 'head_office')).toHaveLength(1);
    expect(units.filter((u) => u.kind === 'branch')).toHaveLength(5);
    const subs = units.filter((u) => u.kind === 'sub_branch');
    expect(subs.length).toBeGreaterThanOrEqual(10);
    expect(subs.length).toBeLessThanOrEqual(15);
    const roles = await store.db.selectFrom('staff').select(['role', 'pool_capacity']).execute();
    expect(roles.filter((s) => s.role === 'account_manager')).toHaveLength(40);
    expect(roles.filter((s) => s.role === 'branch_head')).toHaveLength(5);
    const categories = await store.db.selectFrom('products').select('category').distinct().execute();
    expect(categories).toHaveLength(7);
  });

  it('sets each tier from the AUM, which is what the deposit and investment holdings add up to', async () => {
    const wrongTier = sql<{ n: number }>`select count(*)::int as n from customers where tier <> case
      when aum >= 6000000 then 'private' when aum >= 1000000 then 'diamond' when aum >= 500000 then 'platinum'
      when aum >= 50000 then 'gold' else 'mass' end`;
    expect(await n(wrongTier)).toBe(0);
    const outOfRange = sql<{ n: number }>`select count(*)::int as n from customers
      where customer_since > date '2025-06-30' or customer_since < date '2015-06-30' or birth_date > customer_since`;
    expect(await n(outOfRange)).toBe(0);
    const mismatched = sql<{ n: number }>`select count(*)::int as n from customers c where c.aum <> (
      select coalesce(sum(h.balance), 0) from holdings h join products p on p.id = h.product_id
      where h.customer_id = c.id and p.category in ('current_deposit', 'time_deposit', 'wealth', 'fund', 'insurance'))`;
    expect(await n(mismatched)).toBe(0);
    expect(summary.aum.top20Share).toBeGreaterThanOrEqual(0.75);
    expect(summary.aum.top20Share).toBeLessThanOrEqual(0.85);
    expect(summary.tiers.gold).toBeGreaterThan(0);
    expect(summary.tiers.diamond).toBeGreaterThan(0);
  });

  it('gives every customer 1–6 holdings and a consent on each of the 5 channels', async () => {
    const perCustomer = await sql<{
      min: number;
      max: number;
      customers: number;
    }>`select min(k)::int as min, max(k)::int as max, count(*)::int as customers
      from (select c.id, count(h.account_no) as k from customers c left join holdings h on h.customer_id = c.id group by c.id) t`.execute(
      store.db,
    );
    expect(perCustomer.rows[0]).toEqual({ min: 1, max: expect.any(Number), customers: 3000 });
    expect(perCustomer.rows[0]?.max).toBeLessThanOrEqual(6);
    expect(
      await n(
        sql`select count(*)::int as n from (select customer_id from consents where purpose = 'marketing'
            group by customer_id having count(*) = 5) t`,
      ),
    ).toBe(3000);
    const granted = await sql<{
      channel: string;
      rate: number;
    }>`select channel, avg((status = 'granted')::int)::float8 as rate from consents where purpose = 'marketing'
        group by channel`.execute(store.db);
    const rate = Object.fromEntries(granted.rows.map((r) => [r.channel, r.rate]));
    expect(rate['sms']).toBeGreaterThan(0.8);
    expect(rate['email']).toBeLessThan(rate['sms'] ?? 0);
    // Service notices reach every customer by SMS and, on the touchpoints they use, by e-mail, app and WeCom.
    const service = await sql<{ channel: string; customers: number; granted: number }>`
      select channel, count(*)::int as customers, count(*) filter (where status = 'granted')::int as granted
        from consents where purpose = 'service' group by channel`.execute(store.db);
    const byChannel = Object.fromEntries(service.rows.map((r) => [r.channel, r]));
    expect(byChannel['sms']).toEqual({ channel: 'sms', customers: 3000, granted: 3000 });
    expect(byChannel['phone']).toBeUndefined();
    expect(await n(sql`select count(*)::int as n from customers where email is not null`)).toBe(
      byChannel['email']?.customers,
    );
    expect(await n(sql`select count(*)::int as n from customers where app_user`)).toBe(
      byChannel['app_push']?.customers,
    );
  });

  it('schedules post-investment service: maturities within 30 days, renewals, repayments, auto-investment', async () => {
    const due = await sql<{ category: string; maturing: number; due: number }>`select p.category,
        count(*) filter (where h.maturity_date between date '2025-07-01' and date '2025-07-30')::int as maturing,
        count(*) filter (where h.next_due_date between date '2025-07-01' and date '2025-07-30')::int as due
      from holdings h join products p on p.id = h.product_id group by p.category`.execute(store.db);
    const by = Object.fromEntries(due.rows.map((r) => [r.category, r]));
    expect(by['time_deposit']?.maturing).toBeGreaterThan(0);
    expect(by['loan']?.due).toBeGreaterThan(0);
    expect(by['fund']?.due).toBeGreaterThan(0);
    expect(
      await n(
        sql`select count(*)::int as n from holdings h join products p on p.id = h.product_id where p.category = 'insurance' and h.next_due_date > date '2025-06-30'`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await n(
        sql`select count(*)::int as n from holdings where maturity_date <= date '2025-06-30' or opened_on > date '2025-06-30'`,
      ),
    ).toBe(0);
  });

  it('follows the lifecycle: a monotone funnel, with purchases backed by transactions', async () => {
    const funnel = await events.query<{
      reached: number;
      interested: number;
      demand: number;
      bought: number;
      repeat: number;
      shared: number;
    }>(`
      SELECT uniqExactIf(customer_id, event IN ('app_open', 'campaign_click', 'wecom_reply')) AS reached,
             uniqExactIf(customer_id, event IN ('view_product', 'add_favorite')) AS interested,
             uniqExactIf(customer_id, event IN ('consult', 'apply')) AS demand,
             uniqExactIf(customer_id, event = 'purchase') AS bought,
             (SELECT count() FROM (SELECT customer_id FROM events_dedup WHERE event = 'purchase' GROUP BY customer_id HAVING count() >= 2)) AS repeat,
             uniqExactIf(customer_id, event = 'share') AS shared
      FROM events_dedup`);
    const f = funnel[0]!;
    const steps = [f.reached, f.interested, f.demand, f.bought, f.repeat, f.shared];
    expect(f.bought).toBeGreaterThan(0);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeLessThan(steps[i - 1]!);
    // The stage stored on the customer is the furthest stage their events show.
    expect(f.reached).toBe(3000 - summary.lifecycle.portrait);
    expect(f.bought).toBe(
      summary.lifecycle.transaction + summary.lifecycle.repeat_purchase + summary.lifecycle.super_customer,
    );
    const unmatched = await chCount(`
      SELECT count() AS n FROM events_dedup e
      LEFT ANTI JOIN (SELECT customer_id, time, amount FROM transactions_dedup WHERE kind = 'purchase' AND channel = 'app') t
        ON t.customer_id = e.customer_id AND t.time = e.time AND toFloat64(t.amount) = JSONExtractFloat(e.properties, 'amount')
      WHERE e.event = 'purchase'`);
    expect(unmatched).toBe(0);
  });

  it('lets dormant customers go quiet: no events in their last 30 days', async () => {
    const dormant = await store.db
      .selectFrom('customers')
      .select('id')
      .where(sql<boolean>`attributes->>'engagement' = 'dormant'`)
      .execute();
    expect(dormant.length).toBeGreaterThan(0);
    const recent =
      await chCount(`SELECT count() AS n FROM events_dedup WHERE customer_id IN (${dormant.map((d) => d.id).join(',')})
      AND time >= toDateTime64('2025-05-31 16:00:00', 3, 'UTC')`);
    expect(recent).toBe(0);
  });

  it('resolves every event to its customer through customer_identities', async () => {
    const pairs = await events.query<{ distinct_id: string; customer_id: number }>(
      'SELECT DISTINCT distinct_id, customer_id FROM events_dedup',
    );
    const identities = await store.db
      .selectFrom('customer_identities')
      .select(['value', 'customer_id'])
      .execute();
    const owner = new Map(identities.map((i) => [i.value, i.customer_id]));
    const unresolved = pairs.filter((p) => owner.get(p.distinct_id) !== p.customer_id);
    expect(unresolved).toEqual([]);
  });

  it('keeps daily facts consistent with the current AUM and never negative', async () => {
    const asOf = await events.query<{ customers: number; aum: number }>(
      "SELECT count() AS customers, sum(aum) AS aum FROM customer_daily_dedup WHERE date = '2025-06-30'",
    );
    expect(asOf[0]?.customers).toBe(3000);
    expect(asOf[0]?.aum).toBeCloseTo(summary.aum.total, 2);
    const negative = await chCount(
      'SELECT count() AS n FROM customer_daily_dedup WHERE deposit_balance < 0 OR investment_balance < 0 OR loan_balance < 0 OR aum <> deposit_balance + investment_balance',
    );
    expect(negative).toBe(0);
    const dates = await events.query<{ date: string }>(
      'SELECT DISTINCT date FROM customer_daily_dedup ORDER BY date',
    );
    expect(dates).toHaveLength(summary.dailyFacts.dates);
  });

  it("logs the managers' last month: contacts on allowed channels, follow-ups mostly done, once", async () => {
    const deps = { db: store.db, clock: fixedClock('2025-06-30T12:00:00+08:00') };
    const options = { asOf: OPTIONS.asOf, seed: OPTIONS.seed, timeZone: 'Asia/Shanghai' };
    const work = await seedDemoPoolWork(deps, options);
    expect(work.refused).toBe(0);
    expect(work.contacts).toBeGreaterThan(100); // ~8% of the managed customers, some twice
    expect(work.tasks).toBeGreaterThan(0);
    expect(work.tasksDone).toBeGreaterThan(0);
    expect(work.tasksDone).toBeLessThan(work.tasks);
    expect(await n(sql`select count(*)::int as n from interactions`)).toBe(work.contacts);
    // A call only to a customer who allows calls, a chat only with a WeCom friend, by the customer's own manager.
    expect(
      await n(sql`select count(*)::int as n from interactions i
                   join customers c on c.id = i.customer_id
                   left join consents k on k.customer_id = c.id and k.channel = 'phone'
                   join customer_owners o on o.customer_id = c.id
                  where (i.channel = 'call' and k.status is distinct from 'granted')
                     or (i.channel = 'wecom_chat' and not c.wecom_friend)
                     or i.staff_id is distinct from o.manager_id
                     or i.at >= '2025-06-30'::date`),
    ).toBe(0);
    // Each contacted customer's last contact is kept, for the coverage page and the customer list.
    expect(
      await n(sql`select count(*)::int as n from (select distinct customer_id from interactions) i
                   left join customer_contacts cc using (customer_id) where cc.last_contact_at is null`),
    ).toBe(0);
    expect(await seedDemoPoolWork(deps, options)).toEqual({
      contacts: 0,
      tasks: 0,
      tasksDone: 0,
      refused: 0,
    });
  });

  it('refuses to seed a store that already has customers', async () => {
    const again = await seedDemoBank({ store, events }, OPTIONS);
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'not_empty', details: { table: 'customers' } },
    });
    const lines: string[] = [];
    expect(await runDemoCommand(OPTIONS, { store, events, print: (l) => lines.push(l) })).toBe(2);
    expect(lines.join('\n')).toContain('already has customers');
    expect(await seedDemoBank({ store, events }, { ...OPTIONS, asOf: '2025-02-30' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_options' },
    });
  });

  it('is deterministic: the same seed gives identical rows and event ids, another seed a different bank', async () => {
    const snapshot = async (target: OperationalStore) => ({
      customers: JSON.stringify(await target.db.selectFrom('customers').selectAll().orderBy('id').execute()),
      holdings: JSON.stringify(
        await target.db.selectFrom('holdings').selectAll().orderBy('account_no').execute(),
      ),
      events: (
        await events.query<{ ids: string[] }>(
          'SELECT groupArray(event_id) AS ids FROM (SELECT event_id FROM events_dedup ORDER BY event_id)',
        )
      )[0]?.ids,
      content: await events.query(
        'SELECT count() AS n, sum(cityHash64(event_id, customer_id, event, time, properties)) AS h FROM events_dedup',
      ),
      ledger: await events.query(
        'SELECT count() AS n, sum(cityHash64(txn_id, account_no, kind, amount, time)) AS h FROM transactions_dedup',
      ),
    });
    const reseed = async (seed: string) => {
      for (const table of ['events', 'transactions', 'customer_daily'])
        await events.command(`TRUNCATE TABLE ${table}`);
      const fresh = await openMigratedMemoryStore();
      try {
        const result = await seedDemoBank({ store: fresh, events }, { ...OPTIONS, customers: 1000, seed });
        expect(result.ok).toBe(true);
        return await snapshot(fresh);
      } finally {
        await fresh.close();
      }
    };
    const first = await reseed('flywheel');
    const second = await reseed('flywheel');
    const other = await reseed('another seed');
    expect(second).toEqual(first);
    expect(first.events?.length).toBeGreaterThan(1000);
    expect(other.customers).not.toBe(first.customers);
    expect(other.content).not.toEqual(first.content);
  });
});
