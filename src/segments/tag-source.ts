import type { Kysely } from 'kysely';
import type { Database } from '../store/operational/database.ts';
import { RoaringBitmap32 } from './bitmap.ts';

// Reads tag values and tag names for the segment engine. The tag module (src/tags) owns both tables; until it exports
// `loadTagSnapshot` from src/tags/snapshot-store.ts this adapter reads tag_snapshots itself, with the same shape, so
// switching is a one-line import change. Bitmaps are roaring's portable serialization over customers.id.

/** Tag values of one business day: tag → value → customers (ordinals). */
export interface TagSnapshot {
  /** The day the values were computed for, or null when no snapshot exists on or before the day asked. */
  readonly asOf: string | null;
  readonly tags: Map<string, Map<string, RoaringBitmap32>>;
}

/** Text in both UI languages. */
export interface Bilingual {
  readonly en: string;
  readonly zh: string;
}

/** A defined tag as the rule builder and the portrait show it. */
export interface TagInfo {
  readonly key: string;
  readonly name: Bilingual;
  readonly status: 'active' | 'retired';
  /** Values declared by the definition (spec.values), with labels; a snapshot may hold others. */
  readonly values: readonly { value: string; label: Bilingual }[];
}

/** The latest tag snapshot on or before `asOf` (the latest of all when omitted). */
export async function loadTagSnapshot(db: Kysely<Database>, asOf?: string): Promise<TagSnapshot> {
  let latest = db.selectFrom('tag_snapshots').select('as_of');
  if (asOf) latest = latest.where('as_of', '<=', asOf);
  const day = await latest.orderBy('as_of', 'desc').limit(1).executeTakeFirst();
  const tags = new Map<string, Map<string, RoaringBitmap32>>();
  if (!day) return { asOf: null, tags };
  const rows = await db
    .selectFrom('tag_snapshots')
    .select(['tag_key', 'value', 'bitmap'])
    .where('as_of', '=', day.as_of)
    .execute();
  for (const row of rows) {
    let values = tags.get(row.tag_key);
    if (!values) tags.set(row.tag_key, (values = new Map()));
    values.set(row.value, RoaringBitmap32.deserialize(Buffer.from(row.bitmap), 'portable'));
  }
  return { asOf: String(day.as_of), tags };
}

/** The latest version of every tag definition, with names and value labels (key and value when none are given). */
export async function loadTagInfo(db: Kysely<Database>): Promise<Map<string, TagInfo>> {
  const rows = await db
    .selectFrom('tag_definitions')
    .select(['key', 'version', 'name_en', 'name_zh', 'status', 'spec'])
    .orderBy('key')
    .orderBy('version', 'desc')
    .execute();
  const out = new Map<string, TagInfo>();
  for (const row of rows) {
    if (out.has(row.key)) continue; // rows come newest version first
    out.set(row.key, {
      key: row.key,
      name: { en: row.name_en || row.key, zh: row.name_zh || row.name_en || row.key },
      status: row.status,
      values: specValues(row.spec),
    });
  }
  return out;
}

/**
 * Values declared in a definition's spec, read leniently because each tag kind shapes its spec differently:
 * `values` as a list of strings, of `{ value, label? | label_en?, label_zh? | name? }`, or an object value → label.
 */
export function specValues(spec: unknown): { value: string; label: Bilingual }[] {
  const values = (spec as { values?: unknown } | null)?.values;
  const entries: [string, unknown][] = Array.isArray(values)
    ? values.map((v): [string, unknown] =>
        typeof v === 'object' && v !== null
          ? [String((v as { value?: unknown }).value ?? ''), v]
          : [String(v), v],
      )
    : typeof values === 'object' && values !== null
      ? Object.entries(values)
      : [];
  return entries
    .filter(([value]) => value !== '')
    .map(([value, raw]) => ({ value, label: labelOf(value, raw) }));
}

function labelOf(value: string, raw: unknown): Bilingual {
  if (typeof raw === 'string') return raw === value ? { en: value, zh: value } : { en: raw, zh: raw };
  if (typeof raw !== 'object' || raw === null) return { en: value, zh: value };
  const r = raw as Record<string, unknown>;
  const label = r['label'] ?? r['name'];
  const text = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
  const en =
    text(r['label_en']) ??
    text(r['name_en']) ??
    text((label as { en?: unknown } | undefined)?.en) ??
    text(label) ??
    value;
  const zh =
    text(r['label_zh']) ?? text(r['name_zh']) ?? text((label as { zh?: unknown } | undefined)?.zh) ?? en;
  return { en, zh };
}
