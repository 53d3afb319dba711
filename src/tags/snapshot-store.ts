import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { Database } from '../store/operational/database.ts';

// Tag values per business day, as roaring bitmaps over customer ordinals (customers.id), persisted one row per
// (day, tag, value) in tag_snapshots in roaring's portable serialization. The segment engine builds its
// CustomerIndex from `loadTagSnapshot`; keep that function's signature stable.

/** Every tag's values on one day: tag key → value → members. */
export interface TagSnapshot {
  /** Business day, 'YYYY-MM-DD'. */
  readonly asOf: string;
  readonly tags: Map<string, Map<string, RoaringBitmap32>>;
}

/** One tag's computed values, as handed to `saveTagSnapshot`. */
export interface ComputedTag {
  /** The tag definition version the values were computed with. */
  readonly version: number;
  readonly values: ReadonlyMap<string, RoaringBitmap32>;
}

/** What to save for one day. */
export interface SnapshotToSave {
  readonly asOf: string;
  readonly tags: ReadonlyMap<string, ComputedTag>;
  /** Every customer ordinal the computation saw (for shares and coverage). */
  readonly universe: RoaringBitmap32;
  readonly runId?: number | null;
  /**
   * Tags whose rows on this day must be removed although they are not in `tags` (e.g. tags retired since the day
   * was last computed, on a full recompute).
   */
  readonly remove?: readonly string[];
}

type Db = Kysely<Database> | Transaction<Database>;

// Rows per INSERT: bounds one statement's parameter payload (bitmaps of dense values are ~1.3 MB per 10M customers).
const INSERT_BATCH_BYTES = 32 * 1024 * 1024;

/** Serializes a bitmap in roaring's portable format (what tag_snapshots stores). */
export function serializeBitmap(bitmap: RoaringBitmap32): Uint8Array {
  bitmap.runOptimize();
  return bitmap.serialize('portable');
}

/** Reads a bitmap stored in roaring's portable format. */
export function deserializeBitmap(bytes: Uint8Array): RoaringBitmap32 {
  return RoaringBitmap32.deserialize(bytes, 'portable');
}

/**
 * Replaces the day's rows of every tag in `snapshot.tags` (and of `snapshot.remove`), and the day's universe, in one
 * transaction: the caller's when `db` is one, else a new one. Rows of other tags on that day are kept, so computing
 * one tag does not drop the others. Returns the bytes of bitmaps written.
 */
export async function saveTagSnapshot(db: Db, snapshot: SnapshotToSave): Promise<{ bytes: number }> {
  if (!db.isTransaction)
    return (db as Kysely<Database>).transaction().execute((tx) => saveTagSnapshot(tx, snapshot));
  const keys = [...snapshot.tags.keys(), ...(snapshot.remove ?? [])];
  if (keys.length > 0) {
    await db
      .deleteFrom('tag_snapshots')
      .where('as_of', '=', snapshot.asOf)
      .where('tag_key', 'in', keys)
      .execute();
  }
  let bytes = 0;
  let batch: Insertable<Database['tag_snapshots']>[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await db.insertInto('tag_snapshots').values(batch).execute();
    batch = [];
    batchBytes = 0;
  };
  for (const [key, tag] of snapshot.tags) {
    for (const [value, bitmap] of tag.values) {
      const data = serializeBitmap(bitmap);
      bytes += data.byteLength;
      batch.push({
        as_of: snapshot.asOf,
        tag_key: key,
        value,
        definition_version: tag.version,
        members: bitmap.size,
        bitmap: data,
      });
      batchBytes += data.byteLength;
      if (batchBytes >= INSERT_BATCH_BYTES) await flush();
    }
  }
  await flush();
  const universe = serializeBitmap(snapshot.universe);
  await db
    .insertInto('tag_snapshot_days')
    .values({
      as_of: snapshot.asOf,
      customers: snapshot.universe.size,
      universe,
      run_id: snapshot.runId ?? null,
    })
    .onConflict((oc) =>
      oc.column('as_of').doUpdateSet({
        customers: snapshot.universe.size,
        universe,
        run_id: snapshot.runId ?? null,
        computed_at: sql`now()`,
      }),
    )
    .execute();
  return { bytes };
}

/** The latest day with a tag snapshot (up to `onOrBefore` when given), or null when there is none. */
export async function latestSnapshotDate(db: Db, onOrBefore?: string): Promise<string | null> {
  let query = db.selectFrom('tag_snapshots').select(sql<string | null>`max(as_of)::text`.as('as_of'));
  if (onOrBefore !== undefined) query = query.where('as_of', '<=', onOrBefore);
  const row = await query.executeTakeFirst();
  return row?.as_of ?? null;
}

/**
 * The tag values of the latest day (or of `asOf`; with `onOrBefore`, of the latest day up to `asOf`): tag key →
 * value → members; null when there is no such snapshot. `keys` limits the tags read. Every bitmap is a new instance
 * owned by the caller.
 */
export async function loadTagSnapshot(
  db: Db,
  asOf?: string,
  options: { keys?: readonly string[]; onOrBefore?: boolean } = {},
): Promise<TagSnapshot | null> {
  const day = asOf === undefined || options.onOrBefore ? await latestSnapshotDate(db, asOf) : asOf;
  if (day === null) return null;
  let query = db
    .selectFrom('tag_snapshots')
    .select(['tag_key', 'value', 'bitmap'])
    .where('as_of', '=', day)
    .orderBy('tag_key')
    .orderBy('value');
  if (options.keys) {
    if (options.keys.length === 0) return { asOf: day, tags: new Map() };
    query = query.where('tag_key', 'in', options.keys);
  }
  const rows = await query.execute();
  if (rows.length === 0 && asOf !== undefined && !options.onOrBefore) {
    const known = await db
      .selectFrom('tag_snapshot_days')
      .select('as_of')
      .where('as_of', '=', day)
      .executeTakeFirst();
    if (!known) return null;
  }
  const tags = new Map<string, Map<string, RoaringBitmap32>>();
  for (const row of rows) {
    let values = tags.get(row.tag_key);
    if (!values) tags.set(row.tag_key, (values = new Map()));
    values.set(row.value, deserializeBitmap(row.bitmap));
  }
  return { asOf: day, tags };
}

/** The day's universe (every customer the snapshot covers) and its size; null when the day has none. */
export async function loadSnapshotDay(
  db: Db,
  asOf: string,
): Promise<{ asOf: string; customers: number; universe: RoaringBitmap32; runId: number | null } | null> {
  const row = await db
    .selectFrom('tag_snapshot_days')
    .select(['customers', 'universe', 'run_id'])
    .where('as_of', '=', asOf)
    .executeTakeFirst();
  if (!row) return null;
  return { asOf, customers: row.customers, universe: deserializeBitmap(row.universe), runId: row.run_id };
}

/** Member counts per (day, tag, value) for the days in [from, to], without reading bitmaps (trends, listings). */
export async function snapshotCounts(
  db: Db,
  options: { from: string; to: string; keys?: readonly string[] },
): Promise<{ asOf: string; tagKey: string; value: string; members: number; version: number }[]> {
  let query = db
    .selectFrom('tag_snapshots')
    .select([sql<string>`as_of::text`.as('as_of'), 'tag_key', 'value', 'members', 'definition_version'])
    .where('as_of', '>=', options.from)
    .where('as_of', '<=', options.to)
    .orderBy('as_of')
    .orderBy('tag_key')
    .orderBy('value');
  if (options.keys) {
    if (options.keys.length === 0) return [];
    query = query.where('tag_key', 'in', options.keys);
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    asOf: r.as_of,
    tagKey: r.tag_key,
    value: r.value,
    members: r.members,
    version: r.definition_version,
  }));
}
