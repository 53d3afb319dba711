import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import {
  latestSnapshotDate,
  loadSnapshotDay,
  loadTagSnapshot,
  saveTagSnapshot,
  snapshotCounts,
  type ComputedTag,
} from './snapshot-store.ts';

let store: OperationalStore;
beforeAll(async () => {
  store = await openMigratedMemoryStore();
});
afterAll(async () => store?.close());

const bm = (...ids: number[]) => new RoaringBitmap32(ids);
const tag = (version: number, values: Record<string, number[]>): ComputedTag => ({
  version,
  values: new Map(Object.entries(values).map(([v, ids]) => [v, bm(...ids)])),
});
const plain = (snapshot: Awaited<ReturnType<typeof loadTagSnapshot>>) =>
  snapshot && {
    asOf: snapshot.asOf,
    tags: Object.fromEntries(
      [...snapshot.tags].map(([k, values]) => [
        k,
        Object.fromEntries([...values].map(([v, b]) => [v, b.toArray()])),
      ]),
    ),
  };

describe('tag snapshot store', () => {
  it('answers null before anything is saved', async () => {
    expect(await latestSnapshotDate(store.db)).toBeNull();
    expect(await loadTagSnapshot(store.db)).toBeNull();
  });

  it('round-trips two days and reads a past day back', async () => {
    await saveTagSnapshot(store.db, {
      asOf: '2025-06-29',
      universe: bm(1, 2, 3, 4),
      tags: new Map([
        ['gender', tag(1, { male: [1, 3], female: [2, 4] })],
        ['aum_tier', tag(2, { mass: [1, 2, 3], gold: [4], private: [] })],
      ]),
    });
    await saveTagSnapshot(store.db, {
      asOf: '2025-06-30',
      universe: bm(1, 2, 3, 4, 5),
      runId: 7,
      tags: new Map([
        ['gender', tag(1, { male: [1, 3, 5], female: [2, 4] })],
        ['aum_tier', tag(2, { mass: [1, 2], gold: [3, 4, 5], private: [] })],
      ]),
    });
    expect(await latestSnapshotDate(store.db)).toBe('2025-06-30');
    expect(plain(await loadTagSnapshot(store.db))).toEqual({
      asOf: '2025-06-30',
      tags: {
        aum_tier: { gold: [3, 4, 5], mass: [1, 2], private: [] },
        gender: { female: [2, 4], male: [1, 3, 5] },
      },
    });
    expect(plain(await loadTagSnapshot(store.db, '2025-06-29'))).toEqual({
      asOf: '2025-06-29',
      tags: {
        aum_tier: { gold: [4], mass: [1, 2, 3], private: [] },
        gender: { female: [2, 4], male: [1, 3] },
      },
    });
    expect(plain(await loadTagSnapshot(store.db, '2025-06-30', { keys: ['gender'] }))?.tags).toEqual({
      gender: { female: [2, 4], male: [1, 3, 5] },
    });
    expect(await loadTagSnapshot(store.db, '2025-01-01')).toBeNull();
    expect(await loadTagSnapshot(store.db, '2025-01-01', { onOrBefore: true })).toBeNull();
    expect((await loadTagSnapshot(store.db, '2025-07-15', { onOrBefore: true }))?.asOf).toBe('2025-06-30');
    expect((await loadTagSnapshot(store.db, '2025-06-29', { onOrBefore: true }))?.asOf).toBe('2025-06-29');
    const day = await loadSnapshotDay(store.db, '2025-06-30');
    expect(day && { customers: day.customers, universe: day.universe.toArray(), runId: day.runId }).toEqual({
      customers: 5,
      universe: [1, 2, 3, 4, 5],
      runId: 7,
    });
  });

  it('replaces only the saved tags of a day, and removes the ones asked to', async () => {
    await saveTagSnapshot(store.db, {
      asOf: '2025-06-30',
      universe: bm(1, 2, 3, 4, 5),
      tags: new Map([['aum_tier', tag(3, { mass: [1, 2, 3, 4, 5], gold: [] })]]),
    });
    let snapshot = plain(await loadTagSnapshot(store.db, '2025-06-30'));
    expect(snapshot?.tags).toEqual({
      aum_tier: { gold: [], mass: [1, 2, 3, 4, 5] },
      gender: { female: [2, 4], male: [1, 3, 5] },
    });
    await saveTagSnapshot(store.db, {
      asOf: '2025-06-30',
      universe: bm(1, 2, 3, 4, 5),
      tags: new Map(),
      remove: ['gender'],
    });
    snapshot = plain(await loadTagSnapshot(store.db, '2025-06-30'));
    expect(Object.keys(snapshot?.tags ?? {})).toEqual(['aum_tier']);
    const counts = await snapshotCounts(store.db, {
      from: '2025-06-29',
      to: '2025-06-30',
      keys: ['aum_tier'],
    });
    expect(counts.map((c) => [c.asOf, c.value, c.members, c.version])).toEqual([
      ['2025-06-29', 'gold', 1, 2],
      ['2025-06-29', 'mass', 3, 2],
      ['2025-06-29', 'private', 0, 2],
      ['2025-06-30', 'gold', 0, 3],
      ['2025-06-30', 'mass', 5, 3],
    ]);
  });

  it('keeps a large dense bitmap exact', async () => {
    const big = new RoaringBitmap32();
    big.addRange(1, 1_000_001);
    for (let i = 1; i <= 1_000_000; i += 7) big.remove(i);
    await saveTagSnapshot(store.db, {
      asOf: '2025-07-01',
      universe: bm(1),
      tags: new Map([['big', { version: 1, values: new Map([['x', big]]) }]]),
    });
    const back = (await loadTagSnapshot(store.db, '2025-07-01'))?.tags.get('big')?.get('x');
    expect(back?.size).toBe(big.size);
    expect(back?.isEqual(big)).toBe(true);
  });
});
