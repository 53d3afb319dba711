import { describe, expect, it } from 'vitest';
import { staff } from './bank.ts';
import { addMonths, dayNumber, isoDate, makeWindow, nextMonthlyDay } from './calendar.ts';
import { dailyGrid } from './daily.ts';
import { generateBatch } from './generate.ts';
import { idNumberCheckDigit, tierOf } from './customers.ts';

const asOf = dayNumber('2025-06-30');
const w = makeWindow(asOf, 90);
const { managers } = staff('flywheel', asOf);
const batch = (seed: string, from: number, to: number) => generateBatch(seed, from, to, w, managers);

describe('demo generator', () => {
  it('is deterministic, and a customer does not depend on how the bank is sliced', () => {
    const whole = batch('flywheel', 1, 300);
    const again = batch('flywheel', 1, 300);
    expect(JSON.stringify(again)).toBe(JSON.stringify(whole));
    const first = batch('flywheel', 1, 120);
    const second = batch('flywheel', 121, 300);
    expect(JSON.stringify([...first.customers, ...second.customers])).toBe(JSON.stringify(whole.customers));
    expect([...first.events, ...second.events].map((e) => e.event_id)).toEqual(
      whole.events.map((e) => e.event_id),
    );
  });

  it('gives a different bank for a different seed', () => {
    const a = batch('flywheel', 1, 50);
    const b = batch('another', 1, 50);
    expect(b.customers.map((c) => JSON.stringify(c))).not.toEqual(a.customers.map((c) => JSON.stringify(c)));
  });

  it('concentrates AUM: the top 20% of customers hold 75–85%', () => {
    for (const seed of ['flywheel', 'pareto']) {
      const aums = batch(seed, 1, 5000)
        .facts.map((f) => f.aumCents)
        .sort((x, y) => y - x);
      const total = aums.reduce((s, x) => s + x, 0);
      const top = aums.slice(0, 1000).reduce((s, x) => s + x, 0);
      expect(top / total).toBeGreaterThanOrEqual(0.75);
      expect(top / total).toBeLessThanOrEqual(0.85);
    }
  });

  it('writes valid identity data: id numbers with their check digit, 11-digit mobile numbers, unique ids', () => {
    const { customers, identities } = batch('flywheel', 1, 2000) as unknown as {
      customers: { id_number: string; phone: string; birth_date: string; gender: string }[];
      identities: { kind: string; value: string }[];
    };
    for (const c of customers) {
      expect(c.id_number).toMatch(/^\d{17}[\dX]$/);
      expect(c.id_number.slice(17)).toBe(idNumberCheckDigit(c.id_number.slice(0, 17)));
      expect(c.id_number.slice(6, 14)).toBe(c.birth_date.replaceAll('-', ''));
      expect(Number(c.id_number[16]) % 2).toBe(c.gender === 'M' ? 1 : 0);
      expect(c.phone).toMatch(/^1[358]\d{9}$/);
    }
    expect(new Set(customers.map((c) => c.phone)).size).toBe(customers.length);
    expect(new Set(identities.map((i) => `${i.kind}:${i.value}`)).size).toBe(identities.length);
    expect(idNumberCheckDigit('11010519491231002')).toBe('X');
  });

  it('maps AUM to tiers at the bank thresholds', () => {
    expect(
      [0, 49_999.99, 50_000, 499_999, 500_000, 999_999, 1_000_000, 5_999_999, 6_000_000].map(tierOf),
    ).toEqual(['mass', 'mass', 'gold', 'gold', 'platinum', 'platinum', 'diamond', 'diamond', 'private']);
  });

  it('lays the daily-facts grid on the last 30 days plus earlier month ends', () => {
    const grid = dailyGrid(w).map(isoDate);
    expect(grid.slice(0, 2)).toEqual(['2025-04-30', '2025-05-31']);
    expect(grid.slice(2)).toHaveLength(30);
    expect(grid.at(-1)).toBe('2025-06-30');
  });

  it('steps monthly dates the way banks do at month ends', () => {
    expect(isoDate(addMonths(dayNumber('2025-01-31'), 1))).toBe('2025-02-28');
    expect(isoDate(nextMonthlyDay(dayNumber('2025-06-30'), 10))).toBe('2025-07-10');
    expect(isoDate(nextMonthlyDay(dayNumber('2025-06-05'), 10))).toBe('2025-06-10');
    expect(isoDate(nextMonthlyDay(dayNumber('2025-01-31'), 31))).toBe('2025-02-28');
  });
});
