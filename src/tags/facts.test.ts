import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { calendarDayNumber } from '../shared/day.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { FactScanner, type FactChunk } from './facts.ts';
import { fullYears } from './fields.ts';

// The fact scanner over real PGlite: chunk boundaries, gaps in ids, rows stored out of id order, holdings and
// consents placed on the right customer, and whole years computed as ages are.

let store: OperationalStore;

beforeAll(async () => {
  store = await openMigratedMemoryStore();
  const db = store.db;
  await db
    .insertInto('products')
    .values([
      { id: 'FD', name: 'Fund', category: 'fund' },
      { id: 'FD2', name: 'Fund 2', category: 'fund' },
      { id: 'TD', name: 'Deposit', category: 'time_deposit' },
    ])
    .execute();
  // ids 1..9 with a gap at 4 and 5; customer 2 is rewritten after the others so that its row moves in the heap
  const ids = [1, 2, 3, 6, 7, 8, 9];
  await db
    .insertInto('customers')
    .values(
      ids.map((id) => ({
        id,
        customer_no: `C${id}`,
        city: id % 2 ? '杭州' : null,
        birth_date: '2000-03-01',
        payroll: id > 6,
      })),
    )
    .execute();
  await db.updateTable('customers').set({ city: '上海', aum: 5 }).where('id', '=', 2).execute();
  const holding = (
    customer_id: number,
    n: number,
    product_id: string,
    balance: number,
    next_due_date: string | null = null,
  ) => ({
    customer_id,
    account_no: `A${customer_id}-${n}`,
    product_id,
    balance,
    opened_on: '2024-01-01',
    next_due_date,
  });
  await db
    .insertInto('holdings')
    .values([
      holding(9, 1, 'FD', 100, '2025-07-10'),
      holding(9, 2, 'FD', 50, '2025-07-05'),
      holding(9, 3, 'FD2', 1),
      holding(3, 1, 'TD', 7),
      holding(2, 1, 'FD', 10, '2025-06-01'), // due before the business day: not upcoming
    ])
    .execute();
  await db
    .insertInto('consents')
    .values([
      { customer_id: 7, channel: 'sms', status: 'granted', updated_at: '2025-01-01T00:00:00Z' },
      { customer_id: 8, channel: 'sms', status: 'revoked', updated_at: '2025-01-01T00:00:00Z' },
    ])
    .execute();
});
afterAll(async () => store?.close());

describe('FactScanner', () => {
  it('reads every customer once, in id order, across chunk boundaries and gaps', async () => {
    const fields = [
      'city',
      'age',
      'payroll',
      'fund_balance',
      'fund_due_days',
      'product_count',
      'category_count',
      'consent_sms',
    ];
    const scanner = new FactScanner(store.db, fields, '2025-06-30', 3);
    const chunks: FactChunk[] = [];
    for await (const chunk of scanner.chunks()) chunks.push(chunk);
    expect(chunks.map((c) => [...c.ids])).toEqual([[1, 2, 3], [6], [7, 8, 9]]);
    const all = (f: (c: FactChunk) => ArrayLike<number>) => chunks.flatMap((c) => [...Array.from(f(c))]);
    const city = all((c) => c.strings.get('city')!).map((code) => scanner.dictionary('city')[code]);
    expect(city).toEqual(['杭州', '上海', '杭州', '', '杭州', '', '杭州']);
    expect(all((c) => c.numbers.get('age')!)).toEqual([25, 25, 25, 25, 25, 25, 25]);
    expect(all((c) => c.booleans.get('payroll')!)).toEqual([1, 1, 1, 1, 2, 2, 2]);
    expect(all((c) => c.numbers.get('fund_balance')!)).toEqual([NaN, 10, NaN, NaN, NaN, NaN, 151]);
    expect(all((c) => c.numbers.get('fund_due_days')!)).toEqual([NaN, NaN, NaN, NaN, NaN, NaN, 5]);
    expect(all((c) => c.numbers.get('product_count')!)).toEqual([0, 1, 1, 0, 0, 0, 2]);
    expect(all((c) => c.numbers.get('category_count')!)).toEqual([0, 1, 1, 0, 0, 0, 1]);
    expect(all((c) => c.booleans.get('consent_sms')!)).toEqual([0, 0, 0, 0, 2, 1, 0]);
  });
});

describe('fullYears', () => {
  const years = (from: string, to: string) => fullYears(calendarDayNumber(from)!, calendarDayNumber(to)!);
  it('counts a birthday on its day, and 29 February on 1 March in other years', () => {
    expect(years('2000-03-01', '2025-06-30')).toBe(25);
    expect(years('1990-06-30', '2025-06-30')).toBe(35);
    expect(years('1990-07-01', '2025-06-30')).toBe(34);
    expect(years('2000-02-29', '2025-02-28')).toBe(24);
    expect(years('2000-02-29', '2025-03-01')).toBe(25);
    expect(years('2000-02-29', '2024-02-29')).toBe(24);
    expect(years('2025-07-01', '2025-06-30')).toBe(-1);
  });
});
