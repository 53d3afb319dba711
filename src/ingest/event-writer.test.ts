import { afterAll, beforeAll, expect, it } from 'vitest';
import { openEventStore } from '../store/events/open.ts';
import type { BehaviourEvent, EventStore } from '../store/events/store.ts';
import { EventWriter } from './event-writer.ts';

// The group-committing writer against real chDB: concurrent batches share flushes, yet each id is stored once and
// reported as a duplicate to every later sender.

let events: EventStore;

beforeAll(async () => {
  events = await openEventStore({ kind: 'chdb', dataDir: null });
});
afterAll(async () => {
  await events.close();
});

const event = (id: string): BehaviourEvent => ({
  event_id: id,
  customer_id: 1,
  distinct_id: 'd1',
  event: 'app_open',
  time: Date.parse('2026-11-01T00:00:00Z'),
  properties: {},
});

it('stores each id once across concurrent batches, the first sender wins', async () => {
  const writer = new EventWriter(events);
  const batches = Array.from({ length: 12 }, (_, b) =>
    // Neighbouring batches overlap by one id, and every batch repeats w-0.
    [
      event('w-0'),
      ...Array.from({ length: 50 }, (_, i) => event(`w-${b * 50 + i + 1}`)),
      event(`w-${b * 50 + 51}`),
    ],
  );
  const answers = await Promise.all(batches.map((rows) => writer.write(rows)));
  expect(answers[0]).toEqual(new Set());
  for (let b = 1; b < batches.length; b++) {
    // w-0 and the first id (sent as the previous batch's last) were taken by earlier batches.
    expect(answers[b]).toEqual(new Set(['w-0', `w-${b * 50 + 1}`]));
  }
  const [row] = await events.query<{ n: number; ids: number }>(
    "SELECT count() AS n, uniqExact(event_id) AS ids FROM events_dedup WHERE startsWith(event_id, 'w-')",
  );
  expect(row).toEqual({ n: 12 * 50 + 2, ids: 12 * 50 + 2 });
  // A later write of stored ids reports them all.
  expect(await writer.write([event('w-5'), event('w-new')])).toEqual(new Set(['w-5']));
});

it('fails only the batch the store refuses: the others of its flush are stored once, and it keeps serving', async () => {
  const writer = new EventWriter(events);
  // A NaN time is what no route lets through; written here directly, the store refuses the INSERT that carries it.
  const poisoned = [event('iso-bad-ok'), { ...event('iso-bad'), time: Number.NaN }];
  const good = (b: number) => Array.from({ length: 5 }, (_, i) => event(`iso-${b}-${i}`));
  // The first batch is flushed alone at once; the 20 arriving meanwhile, the poisoned one among them, share the next.
  const batches = Array.from({ length: 21 }, (_, b) => (b === 10 ? poisoned : good(b)));
  const results = await Promise.allSettled(batches.map((rows) => writer.write(rows)));
  expect(results.map((r) => r.status)).toEqual(batches.map((_, b) => (b === 10 ? 'rejected' : 'fulfilled')));
  for (const r of results) if (r.status === 'fulfilled') expect(r.value).toEqual(new Set());
  // Every good event is in the table once (not only counted once): the failed shared INSERT stored nothing.
  const [row] = await events.query<{ n: number; ids: number; bad: number }>(
    "SELECT count() AS n, uniqExact(event_id) AS ids, countIf(startsWith(event_id, 'iso-bad')) AS bad FROM events WHERE startsWith(event_id, 'iso-')",
  );
  expect(row).toEqual({ n: 100, ids: 100, bad: 0 });
  expect(await writer.write([event('ok-2')])).toEqual(new Set());
});

it('answers within its window exactly; past it (or after a restart) stores again, and the id still counts once', async () => {
  const writer = new EventWriter(events, { remember: 2 });
  expect(await writer.write([event('win-1'), event('win-2')])).toEqual(new Set());
  expect(await writer.write([event('win-2')])).toEqual(new Set(['win-2']));
  // Two generations of 2: win-1 is forgotten after four newer ids.
  await writer.write([event('win-3'), event('win-4'), event('win-5'), event('win-6')]);
  expect(await writer.write([event('win-1')])).toEqual(new Set());
  const restarted = new EventWriter(events);
  expect(await restarted.write([event('win-6')])).toEqual(new Set());
  const [row] = await events.query<{ n: number }>(
    "SELECT count() AS n FROM events_dedup WHERE event_id IN ('win-1', 'win-6')",
  );
  expect(row).toEqual({ n: 2 });
});
