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
import { computeTags } from '../tags/compute.ts';
import { ensureCatalogue } from '../tags/definitions.ts';
import { loadTagSnapshot } from '../tags/snapshot-store.ts';
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
      // mapped to the catalogue's codes (examples/uci-bank-marketing/customers.json); the raw value stays an attribute
      education: 'primary',
    });
    expect(first.attributes).toMatchObject({
      age: 56,
      education: 'basic.4y',
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

  it('gives the built-in tags what was imported: age bands from the imported age, education from the mapped codes', async () => {
    await ensureCatalogue(store.db, 'test');
    const run = await computeTags(
      { db: store.db, events, sandbox: () => store.sandbox(), timeZone: 'Asia/Shanghai' },
      {
        asOf: '2026-11-23',
        trigger: 'manual',
        actor: 'test',
        keys: ['age_band', 'education', 'marital_status'],
      },
    );
    if (!run.ok) throw new Error(run.error.message);
    const snapshot = (await loadTagSnapshot(store.db, '2026-11-23'))!;
    const sizes = (key: string) =>
      Object.fromEntries([...(snapshot.tags.get(key) ?? new Map())].map(([v, b]) => [v, b.size]));
    // Counted from the CSV: ages 17–98, no birth dates, so every customer is banded from attributes.age.
    expect(sizes('age_band')).toMatchObject({
      under_25: 1_068,
      '25_34': 13_686,
      '35_44': 13_500,
      '45_54': 8_704,
      '55_64': 3_567,
      '65_plus': 663,
    });
    expect(sizes('age_band')['unknown'] ?? 0).toBe(0);
    expect(sizes('education')).toMatchObject({
      bachelor: 12_168,
      associate: 5_243,
      secondary: 9_515 + 6_045 + 4_176 + 2_292 + 18,
      unknown: 1_731,
    });
    expect(sizes('marital_status')).toMatchObject({
      married: 24_928,
      single: 11_568,
      divorced_widowed: 4_612,
      unknown: 80,
    });
  });
});
