import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importExample,
  openMemoryStores,
  UCI_IMPORTS,
  type MemoryStores,
} from '../../test/support/memory-stores.ts';
import { sharedDataFile } from '../../test/support/shared-data.ts';
import { fixedClock } from '../shared/clock.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';

// The examples/uci-bank-marketing mappings over the real UCI file (the workspace's shared data): customers,
// campaign contacts and conversions all come from the one CSV, in three imports.

const DATA =
  sharedDataFile('bank-marketing/bank-additional-full.csv') ?? 'bank-marketing/bank-additional-full.csv';
const present = existsSync(DATA);
if (!present) console.warn(`[flywheel tests] UCI example skipped: ${DATA} not found`);

describe.runIf(present)('UCI bank marketing example', () => {
  let stores: MemoryStores | undefined;
  let store: OperationalStore;
  let events: EventStore;
  const clock = fixedClock('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    stores = await openMemoryStores();
    ({ store, events } = stores);
  });
  afterAll(async () => {
    await stores?.close();
  });

  const importAll = () => importExample({ store, events }, clock, DATA, 'uci-bank-marketing', UCI_IMPORTS);
  const eventCounts = async () =>
    Object.fromEntries(
      (
        await events.query<{ event: string; n: number }>(
          'SELECT event, count() AS n FROM events_dedup GROUP BY event',
        )
      ).map((r) => [r.event, r.n]),
    );

  it('imports 41,188 customers, their contacts and 4,640 conversions; re-importing changes nothing', async () => {
    const [customers, contacts, conversions] = await importAll();
    expect(customers).toMatchObject({ status: 'committed', read: 41_188, inserted: 41_188, rejected: 0 });
    expect(contacts).toMatchObject({ status: 'committed', read: 41_188, inserted: 41_188, rejected: 0 });
    expect(conversions).toMatchObject({
      status: 'committed',
      read: 41_188,
      inserted: 4_640,
      skipped: 36_548,
      rejected: 0,
    });
    const first = await store.db
      .selectFrom('customers')
      .selectAll()
      .where('customer_no', '=', 'UCI-000001')
      .executeTakeFirstOrThrow();
    expect(first).toMatchObject({
      id: 1,
      occupation: 'housemaid',
      marital_status: 'married',
      education: 'basic.4y',
    });
    expect(first.attributes).toMatchObject({
      age: 56,
      default: 'no',
      housing: 'no',
      loan: 'no',
      source: 'uci-bank-marketing',
    });
    const max = await store.db
      .selectFrom('customers')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('id').as('max')])
      .executeTakeFirstOrThrow();
    expect(Number(max.n)).toBe(41_188);
    expect(max.max).toBe(41_188);
    expect(await eventCounts()).toEqual({ campaign_contact: 41_188, term_deposit_subscribed: 4_640 });
    const unmatched = await events.query<{ n: number }>(
      'SELECT count() AS n FROM events_dedup WHERE customer_id = 0',
    );
    expect(unmatched[0]!.n).toBe(0);

    const again = await importAll();
    expect(again.map((r) => [r.inserted, r.updated, r.unchanged])).toEqual([
      [0, 0, 41_188],
      [0, 0, 41_188],
      [0, 0, 4_640],
    ]);
    expect(await eventCounts()).toEqual({ campaign_contact: 41_188, term_deposit_subscribed: 4_640 });
    const raw = await events.query<{ n: number }>('SELECT count() AS n FROM events');
    expect(raw[0]!.n).toBe(41_188 + 4_640);
  });
});
