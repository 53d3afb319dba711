import { sql, type Kysely } from 'kysely';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { Database } from '../store/operational/database.ts';
import { latestSnapshotDate, loadSnapshotDay, loadTagSnapshot } from './snapshot-store.ts';

// The latest tag snapshot kept in memory, so that a customer's portrait (every tag's value) is a few dozen bitmap
// lookups (microseconds) and the tag listing needs no bitmap from the database. Refreshed when a run of this process
// finishes, and when a look at tag_snapshot_days (at most every CHECK_EVERY_MS) shows that another process (the CLI,
// another worker) saved a newer day or run. A refresh builds a new state and swaps it in, so readers never see half
// of one.

/** How often the cache checks whether another process saved a newer snapshot. */
const CHECK_EVERY_MS = 10_000;

/** One day's tags in memory. */
export interface CachedSnapshot {
  readonly asOf: string;
  /** Customers the snapshot covers. */
  readonly customers: number;
  /** The run that last saved the day. */
  readonly runId: number | null;
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
  #checkedAt = 0;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** The cached snapshot, loading it on first use; null when no snapshot exists. */
  async get(): Promise<CachedSnapshot | null> {
    if (!this.#loaded) return this.refresh();
    if (Date.now() - this.#checkedAt > CHECK_EVERY_MS) {
      this.#checkedAt = Date.now();
      const latest = await this.#db
        .selectFrom('tag_snapshot_days')
        .select([sql<string>`as_of::text`.as('as_of'), 'run_id'])
        .orderBy('as_of', 'desc')
        .limit(1)
        .executeTakeFirst();
      const state = this.#state;
      if (latest && (latest.as_of !== state?.asOf || latest.run_id !== state.runId)) return this.refresh();
    }
    return this.#state;
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
    this.#state = { asOf, customers: day?.customers ?? 0, runId: day?.runId ?? null, tags, covered };
    this.#loaded = true;
    this.#checkedAt = Date.now();
    return this.#state;
  }
}
