import { describe, expect, it } from 'vitest';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { evaluate, preview } from './evaluate.ts';
import { CustomerIndexBuilder } from './index.ts';
import type { EventCondition } from './predicate.ts';
import type { Rule } from './rule.ts';

const TODAY = '2024-03-15';

function smallIndex() {
  const builder = new CustomerIndexBuilder({
    attributes: { age: 'number', city: 'string', opened: 'date', payroll: 'boolean' },
  });
  for (let ordinal = 1; ordinal <= 10; ordinal++) {
    builder.addCustomer(ordinal, {
      age: ordinal === 10 ? null : 20 + ordinal,
      city: ordinal % 2 ? 'Shanghai' : 'Beijing',
      opened: `2024-01-${String(ordinal).padStart(2, '0')}`,
      payroll: ordinal <= 3,
    });
  }
  builder.addHolding(2, 'fund', 500).addHolding(2, 'fund', 700).addHolding(3, 'loan', 0);
  builder.addTagValue('tier', 'gold', [1, 2, 3, 42]).addTagValue('tier', 'mass', new RoaringBitmap32([4, 5]));
  builder.setSegment('S', [1, 5, 9]).setList('L', [2, 4, 99]);
  return builder.build();
}

describe('evaluate', () => {
  const index = smallIndex();
  const run = async (rule: Rule, options: Partial<Parameters<typeof evaluate>[2]> = {}) => {
    const result = await evaluate(rule, index, { today: TODAY, ...options });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.value.bitmap.toArray();
  };

  it('answers each leaf kind on a small index', async () => {
    expect(await run({ tag: 'tier', in: ['gold'] })).toEqual([1, 2, 3]); // 42 is not a customer
    expect(await run({ attr: 'age', op: '>=', value: 28 })).toEqual([8, 9]);
    expect(await run({ attr: 'age', op: '!=', value: 21 })).toEqual([2, 3, 4, 5, 6, 7, 8, 9]); // null is not "≠ 21"
    expect(await run({ not: { attr: 'age', op: '=', value: 21 } })).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await run({ attr: 'age', op: 'empty', value: true })).toEqual([10]);
    expect(await run({ attr: 'opened', op: 'between', value: ['2024-01-03', '2024-01-04'] })).toEqual([3, 4]);
    expect(await run({ attr: 'city', op: 'contains', value: 'jing' })).toEqual([2, 4, 6, 8, 10]);
    expect(await run({ attr: 'payroll', op: '=', value: false })).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(await run({ holds: 'fund', balance: { gt: 1000 } })).toEqual([2]); // 500 + 700 in one category
    expect(await run({ holds: 'loan' })).toEqual([3]); // a zero balance still holds
    expect(await run({ any: [{ segment: 'S' }, { list: 'L' }] })).toEqual([1, 2, 4, 5, 9]);
    expect(await run({ all: [] })).toHaveLength(10);
    expect(await run({ any: [] })).toEqual([]);
  });

  it('computes a shared sub-rule once and never lets one parent change it under another', async () => {
    const shared: Rule = {
      any: [
        { tag: 'tier', in: ['gold'] },
        { tag: 'tier', in: ['mass'] },
      ],
    }; // 1-5
    const young: Rule = { attr: 'age', op: '<', value: 24 }; // 1-3
    expect(
      await run({ all: [shared, { any: [shared, { segment: 'S' }] }, { not: { all: [shared, young] } }] }),
    ).toEqual([4, 5]);
    expect(await run({ any: [{ all: [shared, young] }, { all: [young, shared] }, { not: shared }] })).toEqual(
      [1, 2, 3, 6, 7, 8, 9, 10],
    );
    expect(await run({ all: [{ any: [shared, young] }, { any: [young, shared] }] })).toEqual([1, 2, 3, 4, 5]);
  });

  it('resolves event conditions in parallel once each, adding customers without events when 0 qualifies', async () => {
    const asked: EventCondition[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const events = async (c: EventCondition) => {
      asked.push(c);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      // customers 1-3 logged in once; 2 also bought
      if (c.event === 'login') {
        const h = c.having;
        const oneQualifies = (h.loInclusive ? 1 >= h.lo : 1 > h.lo) && (h.hiInclusive ? 1 <= h.hi : 1 < h.hi);
        return new RoaringBitmap32(oneQualifies ? [1, 2, 3] : []);
      }
      return new RoaringBitmap32([2]);
    };
    const dormant: Rule = { event: 'login', count: { lt: 1 }, within_days: 30 };
    const rule: Rule = {
      any: [
        { all: [dormant, { tag: 'tier', in: ['mass'] }] },
        { not: dormant },
        { event: 'purchase', from: '2024-01-01' },
      ],
    };
    expect(await run(rule, { events })).toEqual([1, 2, 3, 4, 5]);
    expect(maxInFlight).toBeGreaterThan(1);
    const dormantAsks = asked.filter((c) => c.event === 'login');
    expect(dormantAsks).toHaveLength(2); // the condition itself (count < 1: nobody with events) and "any login"
    expect(dormantAsks[0]).toMatchObject({ from: '2024-02-15', to: TODAY, measure: { kind: 'count' } });
    expect(asked.find((c) => c.event === 'purchase')).toMatchObject({ from: '2024-01-01', to: null });
  });

  it('returns a bitmap the caller owns, and a preview', async () => {
    const result = await evaluate({ tag: 'tier', in: ['gold'] }, index, { today: TODAY });
    if (!result.ok) throw new Error('refused');
    result.value.bitmap.add(7);
    expect(index.tagValue('tier', 'gold')!.toArray()).toEqual([1, 2, 3]);
    const shown = await preview({ tag: 'tier', in: ['gold'] }, index, { today: TODAY });
    expect(shown).toEqual({ ok: true, value: { count: 3, elapsed_ms: expect.any(Number) } });
  });

  it('expands saved segments known only by rule, and refuses unknown names and cycles with paths', async () => {
    const segments = new Map<string, Rule>([
      ['adults', { attr: 'age', op: '>', value: 25 }],
      ['loop1', { segment: 'loop2' }],
      ['loop2', { all: [{ segment: 'loop1' }] }],
    ]);
    expect(await run({ all: [{ segment: 'adults' }, { segment: 'S' }] }, { segments })).toEqual([9]);
    const refused = await evaluate(
      { any: [{ tag: 'nope', in: ['x'] }, { segment: 'loop1' }, { attr: 'age', op: '=', value: 'x' }] },
      index,
      { today: TODAY, segments },
    );
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.map((i) => `${i.path} ${i.code}`)).toEqual([
      '$.any[0] unknown_tag',
      '$.any[1]<loop1><loop2>.all[0] segment_cycle',
      '$.any[2] wrong_type',
    ]);
    expect(refused.error[1]?.message).toBe('segment cycle: loop1 → loop2 → loop1');
    const badToday = await evaluate({ tag: 'tier', in: ['gold'] }, index, { today: '15/03/2024' });
    expect(badToday.ok).toBe(false);
  });

  it('refuses malformed rows when building', () => {
    const builder = new CustomerIndexBuilder({ attributes: { age: 'number' } });
    expect(() => builder.addCustomer(1, { age: '30' })).toThrow(/customer 1: age must be a finite number/);
    expect(() => builder.addCustomer(2, { height: 1 })).toThrow(/height must be a declared attribute/);
    expect(() => builder.addCustomer(0)).toThrow(/ordinal must be an integer/);
  });
});
