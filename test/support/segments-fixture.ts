import type { Kysely } from 'kysely';
import type { SegmentService } from '../../src/segments/service.ts';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { openMemoryStores, segmentService, type MemoryStores } from './memory-stores.ts';

/** The business day the fixture is described for. */
export const FIXTURE_AS_OF = '2026-11-23';

/** The fixture's stores and a segment service on them. */
export type SegmentFixture = MemoryStores & { readonly service: SegmentService };

/** Memory stores seeded with the fixture, and a segment service at 18:00 on its day that sees every change at once. */
export async function openSegmentFixture(): Promise<SegmentFixture> {
  const stores = await openMemoryStores();
  await seedSegmentFixture(stores.store.db);
  const service = segmentService(stores, fixedClock(`${FIXTURE_AS_OF}T10:00:00Z`), { checkEveryMs: 0 });
  return { ...stores, service };
}

/**
 * Ten customers (ids 1..10, AUM id × 10,000 CNY: total 550,000) with every kind of data the segment index reads:
 *
 * | id | org | birth / age | tier | wecom | sms | app_push / app_user | manager | holdings | JSON attributes |
 * |----|-----|-------------|------|-------|-----|--------------------|---------|----------|-----------------|
 * | 1 | S1 | 1990-06-15 / 36 | mass | yes | granted | – | AM1 | fund 1000 + 500 | income 1000, vip true, joined 2020-01-01, mixed 5, nested |
 * | 2 | S1 | 1990-12-01 / 35 | mass | yes | granted | push granted | AM1 | loan 0 | income 2000, vip false, joined 2020-01-02, mixed 'five' |
 * | 3 | S1 | – | mass | yes | granted | – | AM1 | fund 700 (closed) | income 3000, joined 2020-01-03 |
 * | 4 | S1 | – | mass | yes | revoked | – | AM2 | – | income 4000 |
 * | 5 | S1 | – | gold | – | granted | – | – | – | income 5000 |
 * | 6 | B2 | – | gold | – | – | push granted, app user | – | – | |
 * | 7 | B2 | – | gold | – | granted | – | – | – | |
 * | 8 | B2 | – | gold | – | – | app user | – | – | |
 * | 9 | – | – / JSON age 40 | gold | – | – | – | – | – | age 40 |
 * | 10 | – | – | gold | – | – | – | – | – | |
 *
 * customer_since: 2016-11-23 for 1..5 (10 years on the as-of day), 2024-11-23 for 6..10 (2 years).
 * Tag snapshot on 2026-11-22: aum_tier mass = 1..4, gold = 5..10; defined but never computed: lifecycle.
 */
export async function seedSegmentFixture(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto('org_units')
    .values([
      { id: 'HO', name: 'Head office', kind: 'head_office', parent_id: null },
      { id: 'B1', name: 'Branch 1', kind: 'branch', parent_id: 'HO' },
      { id: 'S1', name: 'Sub-branch 1', kind: 'sub_branch', parent_id: 'B1' },
      { id: 'B2', name: 'Branch 2', kind: 'branch', parent_id: 'HO' },
    ])
    .execute();
  const attributes: Record<number, Record<string, unknown>> = {
    1: {
      account_manager_id: 'AM1',
      monthly_income: 1000,
      vip: true,
      joined: '2020-01-01',
      mixed: 5,
      nested: { a: 1 },
    },
    2: { account_manager_id: 'AM1', monthly_income: 2000, vip: false, joined: '2020-01-02', mixed: 'five' },
    3: { account_manager_id: 'AM1', monthly_income: 3000, joined: '2020-01-03' },
    4: { account_manager_id: 'AM2', monthly_income: 4000 },
    5: { monthly_income: 5000 },
    9: { age: 40 },
  };
  await db
    .insertInto('customers')
    .values(
      Array.from({ length: 10 }, (_, k) => {
        const id = k + 1;
        return {
          id,
          customer_no: `C${String(id).padStart(3, '0')}`,
          org_unit_id: id <= 5 ? 'S1' : id <= 8 ? 'B2' : null,
          birth_date: id === 1 ? '1990-06-15' : id === 2 ? '1990-12-01' : null,
          gender: id % 2 ? ('M' as const) : ('F' as const),
          city: id <= 3 ? 'Hangzhou' : 'Shanghai',
          aum: id * 10_000,
          tier: id >= 5 ? ('gold' as const) : ('mass' as const),
          customer_since: id <= 5 ? '2016-11-23' : '2024-11-23',
          wecom_friend: id <= 4,
          app_user: id === 6 || id === 8,
          payroll: id === 1,
          risk_level: id <= 5 ? 3 : null,
          attributes: JSON.stringify(attributes[id] ?? {}),
        };
      }),
    )
    .execute();
  await db
    .insertInto('products')
    .values([
      { id: 'F1', name: 'Fund 1', category: 'fund' },
      { id: 'L1', name: 'Loan 1', category: 'loan' },
    ])
    .execute();
  await db
    .insertInto('holdings')
    .values([
      { customer_id: 1, account_no: 'A1', product_id: 'F1', balance: 1000, opened_on: '2020-01-01' },
      { customer_id: 1, account_no: 'A2', product_id: 'F1', balance: 500, opened_on: '2020-01-01' },
      { customer_id: 2, account_no: 'A3', product_id: 'L1', balance: 0, opened_on: '2020-01-01' },
      {
        customer_id: 3,
        account_no: 'A4',
        product_id: 'F1',
        balance: 700,
        opened_on: '2020-01-01',
        status: 'closed',
      },
    ])
    .execute();
  const at = '2026-01-01T00:00:00Z';
  await db
    .insertInto('consents')
    .values([
      ...[1, 2, 3, 5, 7].map((id) => ({
        customer_id: id,
        channel: 'sms' as const,
        status: 'granted' as const,
        updated_at: at,
      })),
      { customer_id: 4, channel: 'sms', status: 'revoked', updated_at: at },
      ...[2, 6].map((id) => ({
        customer_id: id,
        channel: 'app_push' as const,
        status: 'granted' as const,
        updated_at: at,
      })),
    ])
    .execute();
  await db
    .insertInto('tag_definitions')
    .values([
      {
        key: 'aum_tier',
        version: 1,
        name_en: 'AUM tier',
        name_zh: '资产层级',
        category: 'value',
        kind: 'tier',
        spec: JSON.stringify({}), // tiers: the five tier values with the tag module's labels
        created_by: 'test',
      },
      {
        key: 'lifecycle',
        version: 1,
        name_en: 'Lifecycle',
        name_zh: '生命周期',
        category: 'lifecycle',
        kind: 'lifecycle',
        spec: JSON.stringify({ stages: [{ value: 'portrait' }, { value: 'reached' }] }),
        created_by: 'test',
      },
    ])
    .execute();
  await saveTagValues(db, '2026-11-22', { aum_tier: { mass: [1, 2, 3, 4], gold: [5, 6, 7, 8, 9, 10] } });
}

/** Writes tag_snapshots rows for a day directly (the tag module's job in production). */
export async function saveTagValues(
  db: Kysely<Database>,
  asOf: string,
  tags: Record<string, Record<string, number[]>>,
): Promise<void> {
  for (const [tag, values] of Object.entries(tags)) {
    for (const [value, members] of Object.entries(values)) {
      await db
        .insertInto('tag_snapshots')
        .values({
          as_of: asOf,
          tag_key: tag,
          value,
          definition_version: 1,
          members: members.length,
          bitmap: new RoaringBitmap32(members).serialize('portable'),
        })
        .execute();
    }
  }
}
