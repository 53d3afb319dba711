import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type {
  DictionaryEntry,
  DictionaryEntryInput,
  DictionaryKind,
  DictionaryView,
} from '../contracts/dictionary.ts';
import type { Clock } from '../shared/clock.ts';
import { ok, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { DEFAULT_ENTRIES, DEFAULTS_VERSION } from './defaults.ts';

// The data dictionary as users see it: the shipped defaults, the tag definitions' names, and over both the stored
// rows (edited, imported, or registered by ingestion). Reading is cheap enough to answer whole; its version changes
// with every stored change, every tag definition and every release of the defaults, so clients cache by it.

type Db = Kysely<Database> | Transaction<Database>;

/** Dependencies of the writing functions. */
export interface DictionaryDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

/** The dictionary's version: moves with any stored change, tag definition or defaults release (the GET's ETag). */
export async function dictionaryVersion(db: Db): Promise<string> {
  const result = await sql<{ rev: number; n: number; tags: number; tag_at: string }>`
    select (select coalesce(max(revision), 0)::int8 from dictionary_entries) as rev,
           (select count(*)::int8 from dictionary_entries) as n,
           (select count(*)::int8 from tag_definitions) as tags,
           (select coalesce(extract(epoch from max(created_at)), 0)::text from tag_definitions) as tag_at`.execute(
    db,
  );
  const r = result.rows[0]!;
  return `d${DEFAULTS_VERSION}-r${r.rev}-n${r.n}-t${r.tags}-${r.tag_at.replace('.', '')}`;
}

/** Every entry: defaults and tag names, stored rows over them; sorted by kind then key. */
export async function listDictionary(db: Db): Promise<DictionaryView> {
  const version = await dictionaryVersion(db);
  const byId = new Map<string, DictionaryEntry>();
  const blank = { updatedBy: null, updatedAt: null, needsNaming: false } as const;
  for (const d of DEFAULT_ENTRIES)
    byId.set(id(d.kind, d.key), {
      ...d,
      name: { ...d.name },
      description: { ...d.description },
      ...blank,
      origin: 'default',
    });
  const tags = await db
    .selectFrom('tag_definitions')
    .distinctOn('key')
    .select(['key', 'name_zh', 'name_en', 'description'])
    .orderBy('key')
    .orderBy('version', 'desc')
    .execute();
  for (const t of tags)
    byId.set(id('tag', t.key), {
      kind: 'tag',
      key: t.key,
      name: { zh: t.name_zh, en: t.name_en },
      description: { zh: t.description ?? '', en: t.description ?? '' },
      unit: '',
      ...blank,
      origin: 'tag',
    });
  const rows = await db.selectFrom('dictionary_entries').selectAll().execute();
  for (const r of rows) byId.set(id(r.kind, r.key), entryOfRow(r));
  const order = { event: 0, event_property: 1, attribute: 2, tag: 3 } as const;
  const entries = [...byId.values()].sort(
    (a, b) => order[a.kind] - order[b.kind] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return { version, entries };
}

const id = (kind: DictionaryKind, key: string) => `${kind}\u0000${key}`;

function entryOfRow(r: {
  kind: DictionaryKind;
  key: string;
  name_zh: string;
  name_en: string;
  description_zh: string;
  description_en: string;
  unit: string;
  needs_naming: boolean;
  origin: 'ingest' | 'edit' | 'import';
  updated_by: string;
  updated_at: Date;
}): DictionaryEntry {
  return {
    kind: r.kind,
    key: r.key,
    name: { zh: r.name_zh, en: r.name_en },
    description: { zh: r.description_zh, en: r.description_en },
    unit: r.unit,
    needsNaming: r.needs_naming,
    origin: r.origin,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The stored columns of an entry's text. */
export function columnsOf(input: DictionaryEntryInput) {
  return {
    name_zh: input.name.zh,
    name_en: input.name.en,
    description_zh: input.description.zh,
    description_en: input.description.en,
    unit: input.unit,
  };
}

/** Upserts entries' text in the caller's transaction; counts what was created, changed and left as it was. */
export async function writeEntries(
  tx: Transaction<Database>,
  actor: string,
  at: Date,
  origin: 'edit' | 'import',
  items: readonly { kind: DictionaryKind; key: string; input: DictionaryEntryInput }[],
): Promise<{ created: number; updated: number; unchanged: number; before: Map<string, DictionaryEntry> }> {
  const current = await listDictionary(tx);
  const before = new Map(current.entries.map((e) => [id(e.kind, e.key), e]));
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const changed = items.filter((item) => {
    const old = before.get(id(item.kind, item.key));
    const cols = columnsOf(item.input);
    if (!old) counts.created++;
    else if (
      !old.needsNaming &&
      old.name.zh === cols.name_zh &&
      old.name.en === cols.name_en &&
      old.description.zh === cols.description_zh &&
      old.description.en === cols.description_en &&
      old.unit === cols.unit
    ) {
      counts.unchanged++;
      return false;
    } else counts.updated++;
    return true;
  });
  // A few thousand rows at most per statement keeps the bind-parameter count far below PostgreSQL's limit.
  for (let i = 0; i < changed.length; i += 2000) {
    await tx
      .insertInto('dictionary_entries')
      .values(
        changed.slice(i, i + 2000).map((item) => ({
          kind: item.kind,
          key: item.key,
          ...columnsOf(item.input),
          needs_naming: false,
          origin,
          updated_by: actor,
          updated_at: at,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['kind', 'key']).doUpdateSet((eb) => ({
          name_zh: eb.ref('excluded.name_zh'),
          name_en: eb.ref('excluded.name_en'),
          description_zh: eb.ref('excluded.description_zh'),
          description_en: eb.ref('excluded.description_en'),
          unit: eb.ref('excluded.unit'),
          needs_naming: false,
          origin: eb.ref('excluded.origin'),
          updated_by: eb.ref('excluded.updated_by'),
          updated_at: eb.ref('excluded.updated_at'),
          revision: sql<number>`nextval('dictionary_revision')`,
        })),
      )
      .execute();
  }
  return { ...counts, before };
}

/** Sets one entry's names, description and unit (clears "needs naming"), audited with before and after. */
export async function saveEntry(
  deps: DictionaryDeps,
  actor: string,
  kind: DictionaryKind,
  key: string,
  input: DictionaryEntryInput,
): Promise<Result<DictionaryEntry>> {
  return deps.db.transaction().execute(async (tx) => {
    // One writer at a time: the before/after comparison and the revision stay consistent under concurrent edits.
    await sql`select pg_advisory_xact_lock(${DICTIONARY_LOCK})`.execute(tx);
    const at = deps.clock.now();
    const { before } = await writeEntries(tx, actor, at, 'edit', [{ kind, key, input }]);
    const old = before.get(id(kind, key));
    const row = await tx
      .selectFrom('dictionary_entries')
      .selectAll()
      .where('kind', '=', kind)
      .where('key', '=', key)
      .executeTakeFirst();
    const after: DictionaryEntry = row
      ? entryOfRow(row)
      : { ...old!, name: input.name, description: input.description, unit: input.unit };
    await recordAudit(tx, {
      actor,
      action: 'dictionary.edit',
      entityType: 'dictionary_entry',
      entityId: `${kind}:${key}`,
      details: {
        from: old ? { name: old.name, description: old.description, unit: old.unit } : null,
        to: { name: input.name, description: input.description, unit: input.unit },
      },
      at,
    });
    return ok(after);
  });
}

/** Advisory lock key serialising dictionary writes (edits and imports). */
export const DICTIONARY_LOCK = 0x0d1c7;
