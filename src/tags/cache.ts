import type { Kysely } from 'kysely';
import { RoaringBitmap32 } from '../segments/bitmap.ts';
import type { Database } from '../store/operational/database.ts';
import { latestSnapshotDate, loadSnapshotDay, loadTagSnapshot } from './snapshot-store.ts';

// The latest tag snapshot kept in memory, so that a customer's portrait (every tag's value) is a few dozen bitmap
// lookups (microseconds) and the tag listing needs no bitmap from the database. Refreshed when a run finishes; a
// refresh builds a new state and swaps it in, so readers never see half of one.

/** One day's tags in memory. */
export interface CachedSnapshot {
  readonly asOf: string;
  /** Customers the snapshot covers. */
  readonly customers: number;
  /** tag key → value → members (frozen). */
  readonly tags: ReadonlyMap<string, ReadonlyMap<string, RoaringBitmap32>>;
  /** tag key → customers with any value. */
  readonly covered: ReadonlyMap<string, number>;
}

/** In-memory bitmaps of the latest snapshot. */
export class TagSnapshotCache {
  readonly #db: Kysely<Database>;
  #state: CachedSnapshot | null = null;
  #loading: Promise<CachedSnapshot | null> | null = null;
  #loaded = false;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** The cached snapshot, loading it on first use; null when no snapshot exists. */
  async get(): Promise<CachedSnapshot | null> {
    if (this.#loaded) return this.#state;
    return this.refresh();
  }

  /** Reloads the latest snapshot (concurrent callers share one load). */
  refresh(): Promise<CachedSnapshot | null> {
    this.#loading ??= this.#load().finally(() => (this.#loading = null));
    return this.#loading;
  }

  /** Every (tag, value) a customer holds in the cached snapshot, in the snapshot's tag order. */
  valuesOf(snapshot: CachedSnapshot, ordinal: number): { key: string; value: string }[] {
    const out: { key: string; value: string }[] = [];
    for (const [key, values] of snapshot.tags)
      for (const [value, bitmap] of values) if (bitmap.has(ordinal)) out.push({ key, value });
    return out;
  }

  async #load(): Promise<CachedSnapshot | null> {
    const asOf = await latestSnapshotDate(this.#db);
    if (asOf === null) {
      this.#state = null;
      this.#loaded = true;
      return null;
    }
    const [snapshot, day] = await Promise.all([
      loadTagSnapshot(this.#db, asOf),
      loadSnapshotDay(this.#db, asOf),
    ]);
    const tags = new Map<string, Map<string, RoaringBitmap32>>();
    const covered = new Map<string, number>();
    for (const [key, values] of snapshot?.tags ?? []) {
      for (const bitmap of values.values()) bitmap.freeze();
      tags.set(key, values);
      covered.set(key, values.size === 0 ? 0 : RoaringBitmap32.orMany([...values.values()]).size);
    }
    this.#state = { asOf, customers: day?.customers ?? 0, tags, covered };
    this.#loaded = true;
    return this.#state;
  }
}
