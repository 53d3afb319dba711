import { sql, type Kysely } from 'kysely';
import type { Bilingual, TagInfo, TagSnapshot, TagSource } from '../segments/tag-source.ts';
import type { Database } from '../store/operational/database.ts';
import type { KindSpec } from './definition.ts';
import { loadTagSnapshot } from './snapshot-store.ts';
import { declaredValues } from './values.ts';

// Tag values and tag names for the segment engine, which takes them through the `TagSource` it is given (the segment
// room does not import this one: tags build on the rule engine, so the arrow points from tags to segments). This
// module owns the reading of tag_definitions and tag_snapshots for it. Bitmaps are roaring's portable serialization
// over customers.id.

/** What the segment index reads tags through: the latest snapshot on or before a day, and every tag's names. */
export const tagSource: TagSource = { latest: latestTagSnapshot, info: loadTagInfo };

/** The latest tag snapshot on or before `asOf`: an index of day D uses the tags computed for D or before. */
export async function latestTagSnapshot(db: Kysely<Database>, asOf: string): Promise<TagSnapshot> {
  const day = await db
    .selectFrom('tag_snapshots')
    .select(sql<string | null>`max(as_of)::text`.as('as_of'))
    .where('as_of', '<=', asOf)
    .executeTakeFirst();
  const snapshot = day?.as_of ? await loadTagSnapshot(db, day.as_of) : null;
  return snapshot ?? { asOf: null, tags: new Map() };
}

/** The latest version of every tag definition, with names and value labels (key and value when none are given). */
export async function loadTagInfo(db: Kysely<Database>): Promise<Map<string, TagInfo>> {
  const rows = await db
    .selectFrom('tag_definitions')
    .select(['key', 'version', 'name_en', 'name_zh', 'status', 'kind', 'spec'])
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
      values: valuesOf(row.kind, row.spec),
    });
  }
  return out;
}

/** A definition's values with labels, as the tag module declares them for its kind. */
function valuesOf(kind: string, spec: unknown): { value: string; label: Bilingual }[] {
  try {
    return declaredValues({ kind, spec } as KindSpec);
  } catch {
    return specValues(spec); // a spec of an older shape: read what can be read
  }
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
