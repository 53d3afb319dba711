import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../store/events/open.ts';
import type { BehaviourEvent, EventStore } from '../store/events/store.ts';
import { evaluate, type EventResolver } from './evaluate.ts';
import { activeCustomers, createEventResolver, eventCatalogue } from './event-resolver.ts';
import { CustomerIndexBuilder } from './index.ts';
import { Prng } from '../shared/prng.ts';
import { randomRule } from '../../test/support/random-rule.ts';
import { randomWorld, WORLD_TODAY } from '../../test/support/random-world.ts';
import { referenceEvaluate } from '../../test/support/segments-reference.ts';
import type { Rule } from './rule.ts';

// The event resolver on a real chDB: hand-checked cases for each part of an event condition, then random rules over
// a random world whose events are loaded into the store, checked against the row-by-row reference evaluator.

let events: EventStore;
beforeAll(async () => {
  events = await openEventStore({ kind: 'chdb', dataDir: null });
});
afterAll(async () => events?.close());

// Days are the bank's (Asia/Shanghai, UTC+8): the times below are its wall clock, so 23:59:59.999 is 15:59:59.999Z
// and still that day, while 00:00 the next day is 16:00Z.
const ZONE = 'Asia/Shanghai';
const at = (date: string, time = '12:00:00.000') => Date.parse(`${date}T${time}+08:00`);
const event = (
  id: string,
  customer: number,
  name: string,
  time: number,
  properties: Record<string, unknown> = {},
): BehaviourEvent => ({
  event_id: id,
  customer_id: customer,
  distinct_id: `d${customer}`,
  event: name,
  time,
  properties,
});

describe('event conditions on chDB', () => {
  const TODAY = '2024-03-15';
  // customers 1..6 exist; 5 and 6 have no events
  const builder = new CustomerIndexBuilder({ attributes: {} });
  for (let o = 1; o <= 6; o++) builder.addCustomer(o);
  const index = builder.build();
  let resolver: EventResolver;
  const run = async (rule: Rule) => {
    const r = await evaluate(rule, index, { today: TODAY, events: resolver });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value.bitmap.toArray();
  };

  beforeAll(async () => {
    resolver = createEventResolver(events, { ttlMs: 0, timeZone: ZONE });
    await events.insert('events', [
      event('p1', 1, 'purchase', at('2024-03-15', '23:59:59.999'), { amount: 100, channel: 'app' }),
      event('p1', 1, 'purchase', at('2024-03-15', '23:59:59.999'), { amount: 100, channel: 'app' }), // re-sent
      event('p2', 1, 'purchase', at('2024-03-01'), { amount: 50.5, channel: 'wecom' }),
      event('p3', 2, 'purchase', at('2024-03-14', '00:00:00.000'), { amount: '70', channel: 'app' }),
      event('p4', 2, 'purchase', at('2024-02-15'), { amount: 30, channel: 'branch', vip: true }),
      event('p5', 3, 'purchase', at('2024-03-16', '00:00:00.000'), { amount: 1000, channel: 'app' }), // tomorrow
      event('p6', 0, 'purchase', at('2024-03-10'), { amount: 1, channel: 'app' }), // unresolved customer
      event('l1', 4, 'login', at('2024-03-10'), { channel: null }),
      event('l2', 3, 'login', at('2024-01-01')),
    ]);
  });

  it("counts events in windows (the bank's days, inclusive), once per event id", async () => {
    expect(await run({ event: 'purchase' })).toEqual([1, 2, 3]);
    expect(await run({ event: 'purchase', count: { gte: 2 } })).toEqual([1, 2]); // p1 counted once
    expect(await run({ event: 'purchase', count: { eq: 1 } })).toEqual([3]);
    expect(await run({ event: 'purchase', within_days: 1 })).toEqual([1]); // 23:59:59.999 is still today
    expect(await run({ event: 'purchase', within_days: 2 })).toEqual([1, 2]);
    expect(await run({ event: 'purchase', within_days: 30 })).toEqual([1, 2]); // p4 is 30 days back: outside
    expect(await run({ event: 'purchase', within_days: 31 })).toEqual([1, 2]);
    expect(await run({ event: 'purchase', from: '2024-02-15', to: '2024-02-15' })).toEqual([2]);
    expect(await run({ event: 'purchase', from: '2024-03-16' })).toEqual([3]);
    expect(await run({ event: 'purchase', to: '2024-03-01' })).toEqual([1, 2]);
  });

  it('gives customers without matching events a count and a sum of 0', async () => {
    expect(await run({ event: 'purchase', count: { lt: 1 } })).toEqual([4, 5, 6]);
    expect(await run({ event: 'purchase', count: { eq: 0 }, within_days: 1 })).toEqual([2, 3, 4, 5, 6]);
    expect(await run({ event: 'purchase', count: { lte: 1 }, within_days: 7 })).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await run({ event: 'purchase', sum: { property: 'amount', lt: 40 } })).toEqual([2, 4, 5, 6]);
  });

  it('sums numeric property values only, with bounds on the sum', async () => {
    expect(await run({ event: 'purchase', sum: { property: 'amount', eq: 150.5 } })).toEqual([1]);
    expect(await run({ event: 'purchase', sum: { property: 'amount', eq: 30 } })).toEqual([2]); // '70' is text
    expect(await run({ event: 'purchase', sum: { property: 'amount', gt: 100 }, within_days: 60 })).toEqual([
      1,
    ]);
  });

  it('filters by property conditions with the JSON types respected', async () => {
    expect(await run({ event: 'purchase', where: { channel: 'app' } })).toEqual([1, 2, 3]);
    expect(await run({ event: 'purchase', where: { channel: { ne: 'app' } } })).toEqual([1, 2]);
    expect(await run({ event: 'purchase', where: { channel: { in: ['wecom', 'branch'] } } })).toEqual([1, 2]);
    expect(await run({ event: 'purchase', where: { channel: { contains: 'ran' } } })).toEqual([2]);
    expect(await run({ event: 'purchase', where: { amount: { gte: 100 } } })).toEqual([1, 3]);
    expect(await run({ event: 'purchase', where: { amount: { gt: '0' } } })).toEqual([2]); // string vs string
    expect(await run({ event: 'purchase', where: { amount: 70 } })).toEqual([]); // '70' ≠ 70
    expect(await run({ event: 'purchase', where: { amount: { ne: 70 } } })).toEqual([1, 2, 3]);
    expect(await run({ event: 'purchase', where: { vip: true } })).toEqual([2]);
    expect(await run({ event: 'purchase', where: { vip: { ne: false } } })).toEqual([2]); // missing: no match
    expect(await run({ event: 'login', where: { channel: { ne: 'x' } } })).toEqual([]); // null: no match
    expect(
      await run({ event: 'purchase', where: { channel: 'app', amount: { lt: 1000 } }, within_days: 10 }),
    ).toEqual([1]);
  });

  it('lists active customers per window and the event catalogue', async () => {
    const active = (from: string, to: string) => activeCustomers(events, { from, to, timeZone: ZONE });
    expect((await active('2024-03-10', '2024-03-15')).toArray()).toEqual([1, 2, 4]);
    expect((await active('2024-01-01', '2024-01-01')).toArray()).toEqual([3]);
    expect((await active('2024-03-16', '2024-03-16')).toArray()).toEqual([3]); // 00:00 local: 16:00Z on the 15th
    const inUtc = (from: string, to: string) => activeCustomers(events, { from, to, timeZone: 'UTC' });
    expect((await inUtc('2024-03-15', '2024-03-15')).toArray()).toEqual([1, 3]); // the UTC day differs
    expect(await eventCatalogue(events)).toEqual([
      { name: 'login', properties: ['channel'] },
      { name: 'purchase', properties: ['amount', 'channel', 'vip'] },
    ]);
  });
});

describe('random event rules on chDB equal the reference evaluator', () => {
  it('world 101: 150 random rules', async () => {
    await events.command('TRUNCATE TABLE events');
    const world = randomWorld(101);
    const rng = new Prng(4242);
    const rows: BehaviourEvent[] = world.data.events.map((e, i) =>
      event(`w${i}`, e.ordinal, e.event, at(e.date, `${String(rng.int(0, 23)).padStart(2, '0')}:30:00.000`), {
        ...e.properties,
      }),
    );
    // duplicates of some events (same id) must not count twice
    await events.insert('events', [...rows, ...rows.filter((_, i) => i % 7 === 0)]);
    const resolver = createEventResolver(events, { timeZone: ZONE });
    let withEvents = 0;
    for (let n = 0; n < 150; n++) {
      const rule = randomRule(rng, world.vocabulary, 3);
      const result = await evaluate(rule, world.index, {
        today: WORLD_TODAY,
        events: resolver,
        segments: world.segmentRules,
      });
      if (!result.ok) expect.fail(`refused: ${JSON.stringify(result.error)}`);
      if (JSON.stringify(rule).includes('"event"')) withEvents++;
      const expected = [...referenceEvaluate(rule, world.data, WORLD_TODAY)].sort((a, b) => a - b);
      expect(result.value.bitmap.toArray(), `rule #${n}: ${JSON.stringify(rule)}`).toEqual(expected);
    }
    expect(withEvents).toBeGreaterThan(20);
  });
});
