import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryStores, type MemoryStores } from '../../test/support/memory-stores.ts';
import { compareChannels } from '../media/comparison.ts';
import { fixedClock } from '../shared/clock.ts';
import { seedDemoMedia, type DemoMedia } from './media.ts';
import { seedDemoBank } from './seed.ts';

// The demo's media on a small demo bank (real PGlite and chDB): spend and brand reports of the four media, touch
// events for the newer customers, the attribution run, a comparison where every medium has customers, cost and a
// brand index; seeded once.

const AS_OF = '2025-06-30';
const clock = fixedClock('2025-06-30T08:00:00Z');
let s: MemoryStores;
let seeded: DemoMedia | null;

beforeAll(async () => {
  s = await openMemoryStores();
  const bank = await seedDemoBank(
    { store: s.store, events: s.events },
    { customers: 3000, days: 60, seed: 'flywheel', asOf: AS_OF },
  );
  if (!bank.ok) throw new Error(bank.error.message);
  seeded = await seedDemoMedia({ store: s.store, events: s.events, clock }, { seed: 'flywheel', days: 60 });
}, 120_000);
afterAll(() => s?.close());

describe('the demo media', () => {
  it('has four media with spend, acquired customers and brand figures, once', async () => {
    expect(seeded?.spendRows).toBe(4 * 60);
    expect(seeded?.attribution.attributed).toBeGreaterThan(10);
    const c = await compareChannels({ db: s.store.db, clock }, {});
    if (!c.ok) throw new Error(c.error.message);
    for (const row of c.value.channels) {
      expect(row.metrics.newCustomers, row.channel.key).toBeGreaterThan(0);
      expect(row.metrics.cost, row.channel.key).toBeGreaterThan(0);
      expect(row.metrics.brandIndex, row.channel.key).toBeGreaterThan(100);
      expect(row.scores.scale, row.channel.key).not.toBeNull();
    }
    expect(
      await seedDemoMedia({ store: s.store, events: s.events, clock }, { seed: 'flywheel', days: 60 }),
    ).toBeNull();
  });
});
