import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessCalendar } from '../../shared/clock.ts';
import { openEventStore } from '../../store/events/open.ts';
import type { BehaviourEvent, EventStore } from '../../store/events/store.ts';
import { funnelDefinitionSchema, type FunnelDefinition } from './definition.ts';
import { funnelAggregateSql } from './sql.ts';

// The block layer (customers grouped by blocks of 4,096 ordinals, one sorted array per block split per customer)
// against the per-customer layer (one array state per customer) that a property breakdown still uses: on random
// histories — ordinals on both sides of block boundaries, ties at the same millisecond, events at the very start
// of the range (relative time 0 must still count as reached), re-sent ids — the total row of a property breakdown
// must equal the plain funnel, counts and median times alike.

let events: EventStore;
// The range starts at the bank's midnight of 2026-10-01 (Asia/Shanghai, 16:00Z the day before).
const calendar = businessCalendar('Asia/Shanghai');
const START = calendar.startOf('2026-10-01').getTime();
const DAY = 86_400_000;
const NAMES = ['open', 'view', 'cart', 'buy'];

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

beforeAll(async () => {
  events = await openEventStore({ kind: 'chdb', dataDir: null });
  const next = random(20261201);
  const customers = [1, 2, 4095, 4096, 4097, 8191, 8192, 12_289, 65_535, 65_536, 1_000_003];
  for (let i = 0; i < 300; i++) customers.push(1 + Math.floor(next() * 20_000));
  const rows: BehaviourEvent[] = [];
  let id = 0;
  for (const customer of customers) {
    const n = 1 + Math.floor(next() * 12);
    let time = START + Math.floor(next() * 20) * DAY;
    for (let k = 0; k < n; k++) {
      // Mostly minutes to hours apart, sometimes the very same millisecond, sometimes days.
      const r = next();
      time += r < 0.15 ? 0 : r < 0.85 ? Math.floor(next() * 6 * 3_600_000) : Math.floor(next() * 3 * DAY);
      const event = NAMES[Math.floor(next() * NAMES.length)]!;
      rows.push({
        event_id: `e${++id}`,
        customer_id: customer,
        distinct_id: `d${customer}`,
        event,
        time,
        properties: { channel: next() < 0.5 ? 'app' : 'web' },
      });
    }
  }
  // Customer 3 starts at the first millisecond of the range; a re-sent id counts once.
  const atStart = (event_id: string, event: string): BehaviourEvent => ({
    event_id,
    customer_id: 3,
    distinct_id: 'd3',
    event,
    time: START,
    properties: {},
  });
  rows.push(atStart('edge-1', 'open'), atStart('edge-2', 'view'), atStart('edge-2', 'view'));
  await events.insert('events', rows);
});

afterAll(async () => {
  await events?.close();
});

async function totals(def: FunnelDefinition): Promise<Record<string, unknown>> {
  const { sql, params } = funnelAggregateSql(def, calendar);
  const rows = await events.query<Record<string, unknown>>(sql, params);
  const total = rows.find((r) => Number(r['t']) === 1);
  if (!total) throw new Error('no total row');
  const { t: _t, k: _k, ...figures } = total;
  return figures;
}

describe('funnel block layer', () => {
  for (const [steps, days] of [
    [['open', 'view', 'cart', 'buy'], 2],
    [['view', 'view', 'buy'], 1],
    [['open', 'buy'], 30],
  ] as const) {
    it(`equals the per-customer layer: ${steps.join(' → ')} within ${days} days`, async () => {
      const def = funnelDefinitionSchema.parse({
        steps: steps.map((event) => ({ event })),
        window: { days },
        from: '2026-10-01',
        to: '2026-10-25',
      });
      const block = await totals(def);
      const perCustomer = await totals({ ...def, breakdown: { by: 'property', property: 'channel' } });
      expect(block).toEqual(perCustomer);
      expect(Number(block['s1'])).toBeGreaterThan(100);
      expect(Number(block['s2'])).toBeGreaterThan(0);
    });
  }
});
