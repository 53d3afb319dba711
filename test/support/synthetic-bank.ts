// A synthetic bank for pool tests and benchmarks, generated in SQL (generate_series), so a million customers take
// seconds rather than the demo generator's minutes. Customers are laid out pool by pool: ids of one pool are
// contiguous and live in the manager's org unit.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/store/operational/database.ts';

/** One pool of the synthetic bank: `customers` customers owned by `managerId` (null: unassigned) in `orgUnitId`. */
export interface SyntheticPool {
  readonly managerId: string | null;
  readonly orgUnitId: string;
  readonly customers: number;
}

/** Org units of the synthetic bank: head office, two branches with sub-branches. */
export const SYNTHETIC_UNITS = [
  { id: 'HO', parent_id: null, name: '总行', kind: 'head_office' },
  { id: 'BR-A', parent_id: 'HO', name: '甲分行', kind: 'branch' },
  { id: 'SB-A1', parent_id: 'BR-A', name: '甲一支行', kind: 'sub_branch' },
  { id: 'SB-A2', parent_id: 'BR-A', name: '甲二支行', kind: 'sub_branch' },
  { id: 'BR-B', parent_id: 'HO', name: '乙分行', kind: 'branch' },
  { id: 'SB-B1', parent_id: 'BR-B', name: '乙一支行', kind: 'sub_branch' },
] as const;

const SURNAMES = ['张', '王', '李', '赵', '陈', '刘', '杨', '黄'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋'];

/** A staff row of the synthetic bank. */
export interface SyntheticStaff {
  readonly id: string;
  readonly orgUnitId: string;
  readonly role: 'account_manager' | 'branch_head' | 'analyst' | 'admin';
  readonly capacity?: number;
  readonly status?: 'active' | 'departed';
}

/**
 * Writes units, staff, products and the pools' customers (ids from 1, customer_no `C` + 9 digits), with owners,
 * a holding per customer (time deposits maturing over the next 60 days, every third one a fund with an
 * auto-investment day), and an open task for every `taskEvery`-th customer assigned to its owner. One transaction.
 */
export async function seedSyntheticBank(
  db: Kysely<Database>,
  options: {
    staff: readonly SyntheticStaff[];
    pools: readonly SyntheticPool[];
    asOf: string;
    taskEvery?: number;
  },
): Promise<{ customers: number }> {
  return db.transaction().execute(async (tx) => {
    await tx
      .insertInto('org_units')
      .values([...SYNTHETIC_UNITS])
      .onConflict((oc) => oc.doNothing())
      .execute();
    await tx
      .insertInto('staff')
      .values(
        options.staff.map((s) => ({
          id: s.id,
          name: `员工${s.id}`,
          org_unit_id: s.orgUnitId,
          role: s.role,
          pool_capacity: s.capacity ?? 2000,
          status: s.status ?? 'active',
          phone: '13900000000',
          email: `${s.id.toLowerCase()}@bank.example`,
        })),
      )
      .execute();
    await tx
      .insertInto('products')
      .values([
        { id: 'TD-1Y', name: '一年期整存整取', category: 'time_deposit', term_days: 365 },
        { id: 'FD-BOND', name: '稳健债券基金', category: 'fund' },
        { id: 'INS-CI', name: '守护重大疾病保险', category: 'insurance' },
        { id: 'LN-CONSUMER', name: '飞轮快贷', category: 'loan' },
      ])
      .onConflict((oc) => oc.doNothing())
      .execute();
    let from = 1;
    const surnames = `array[${SURNAMES.map((s) => `'${s}'`).join(',')}]`;
    const given = `array[${GIVEN.map((s) => `'${s}'`).join(',')}]`;
    for (const pool of options.pools) {
      if (pool.customers === 0) continue;
      const to = from + pool.customers - 1;
      // AUM spreads 1k..~2M with a long tail; tiers follow the bank's thresholds.
      await sql`insert into customers (id, customer_no, name, gender, birth_date, phone, id_number, email, org_unit_id,
          customer_since, aum, tier, wecom_friend, attributes)
        select g, 'C' || lpad(g::text, 9, '0'),
          (${sql.raw(surnames)})[1 + g % 8] || (${sql.raw(given)})[1 + (g / 8) % 8] || case when g % 3 = 0 then (${sql.raw(given)})[1 + (g / 64) % 8] else '' end,
          case when g % 2 = 0 then 'F' else 'M' end,
          date '1960-01-01' + (g * 37 % 15000),
          '138' || lpad((g % 100000000)::text, 8, '0'),
          '330106' || to_char(date '1960-01-01' + (g * 37 % 15000), 'YYYYMMDD') || lpad((g % 10000)::text, 4, '0'),
          'user' || g || '@mail.example',
          ${pool.orgUnitId}, date '2015-01-01' + (g % 3000),
          a.aum,
          case when a.aum >= 6000000 then 'private' when a.aum >= 1000000 then 'diamond' when a.aum >= 500000 then 'platinum'
               when a.aum >= 50000 then 'gold' else 'mass' end,
          g % 2 = 0,
          case when ${pool.managerId}::text is null then '{}'::jsonb else jsonb_build_object('account_manager_id', ${pool.managerId}::text) end
        from generate_series(${from}::int, ${to}::int) g
        cross join lateral (select round((1000 + ((g::bigint * 7919) % 1000) ^ 2 * 2.0)::numeric, 2) as aum) a`.execute(
        tx,
      );
      if (pool.managerId !== null) {
        await sql`insert into customer_owners (customer_id, manager_id, since, source)
          select g, ${pool.managerId}, ${`${options.asOf}T00:00:00Z`}::timestamptz - interval '200 days', 'assign'
          from generate_series(${from}::int, ${to}::int) g`.execute(tx);
      }
      await sql`insert into holdings (customer_id, account_no, product_id, balance, opened_on, maturity_date, next_due_date)
        select g, 'A' || lpad(g::text, 12, '0'),
          case when g % 3 = 0 then 'FD-BOND' else 'TD-1Y' end,
          1000, ${options.asOf}::date - 300,
          case when g % 3 = 0 then null else ${options.asOf}::date + (g % 60) end,
          case when g % 3 = 0 then ${options.asOf}::date + (g % 28) else null end
        from generate_series(${from}::int, ${to}::int) g`.execute(tx);
      if (pool.managerId !== null && options.taskEvery) {
        await sql`insert into tasks (customer_id, assignee_id, title, due_on, created_by)
          select g, ${pool.managerId}, '回访', ${options.asOf}::date + (g % 10), 'synthetic'
          from generate_series(${from}::int, ${to}::int) g where g % ${options.taskEvery}::int = 0`.execute(
          tx,
        );
      }
      from = to + 1;
    }
    return { customers: from - 1 };
  });
}
