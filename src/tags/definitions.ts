import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { AppError } from '../shared/errors.ts';
import type { Database, TagDefinitionTable } from '../store/operational/database.ts';
import { builtinCatalogue } from './catalogue.ts';
import { parseTagInput, TAG_CATEGORIES, type TagDefinition, type TagInput } from './definition.ts';

// Versioned tag definitions in tag_definitions: every change is a new (key, version) row; the highest version is the
// current one, and its status says whether the tag is active or retired.

type Db = Kysely<Database> | Transaction<Database>;
type Row = Selectable<TagDefinitionTable>;

/** The definition a stored row holds (specs were validated when written). */
export function rowToDefinition(row: Row): TagDefinition {
  return {
    key: row.key,
    version: row.version,
    name_en: row.name_en,
    name_zh: row.name_zh,
    description: row.description,
    category: row.category,
    kind: row.kind,
    spec: row.spec,
    status: row.status,
    builtin: row.builtin,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  } as TagDefinition;
}

/** The current version of every tag (or of `keys`), active ones only unless `includeRetired`; catalogue order. */
export async function loadDefinitions(
  db: Db,
  options: { keys?: readonly string[]; includeRetired?: boolean } = {},
): Promise<TagDefinition[]> {
  if (options.keys && options.keys.length === 0) return [];
  let query = db
    .selectFrom('tag_definitions as d')
    .selectAll('d')
    .where(sql<boolean>`d.version = (select max(v.version) from tag_definitions v where v.key = d.key)`);
  if (options.keys) query = query.where('d.key', 'in', options.keys);
  if (!options.includeRetired) query = query.where('d.status', '=', 'active');
  const rows = await query.execute();
  return rows.map(rowToDefinition).sort(byCatalogueOrder);
}

const CATALOGUE_ORDER = new Map(
  builtinCatalogue().map((body, i) => [(body as { key: string }).key, i] as const),
);

/** Category order, then the builtin catalogue's order, then key. */
function byCatalogueOrder(a: TagDefinition, b: TagDefinition): number {
  const category = TAG_CATEGORIES.indexOf(a.category) - TAG_CATEGORIES.indexOf(b.category);
  if (category !== 0) return category;
  const pa = CATALOGUE_ORDER.get(a.key) ?? Infinity;
  const pb = CATALOGUE_ORDER.get(b.key) ?? Infinity;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Every version of one tag, newest first. */
export async function definitionVersions(
  db: Db,
  key: string,
): Promise<{ version: number; created_by: string; created_at: string }[]> {
  const rows = await db
    .selectFrom('tag_definitions')
    .select(['version', 'created_by', 'created_at'])
    .where('key', '=', key)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() }));
}

/** Writes a new version of a tag (version 1 when new) in the caller's transaction, with its audit record. */
export async function writeDefinition(
  tx: Transaction<Database>,
  input: TagInput,
  options: { actor: string; builtin?: boolean; action: 'tags.create' | 'tags.update' | 'tags.seed' },
): Promise<TagDefinition> {
  // Serialises concurrent writers of one key so two updates cannot both take the same next version.
  await sql`select pg_advisory_xact_lock(hashtext(${`tag:${input.key}`}))`.execute(tx);
  const latest = await tx
    .selectFrom('tag_definitions')
    .select(['version', 'builtin'])
    .where('key', '=', input.key)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const version = (latest?.version ?? 0) + 1;
  const row = await tx
    .insertInto('tag_definitions')
    .values({
      key: input.key,
      version,
      name_en: input.name_en,
      name_zh: input.name_zh,
      description: input.description,
      category: input.category,
      kind: input.kind,
      spec: JSON.stringify(input.spec),
      status: 'active',
      builtin: options.builtin ?? latest?.builtin ?? false,
      created_by: options.actor,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(tx, {
    actor: options.actor,
    action: options.action,
    entityType: 'tag',
    entityId: input.key,
    // An SQL tag's text is the change itself: kept in the audit record, whoever reads the definitions later.
    details: {
      version,
      kind: input.kind,
      ...(input.kind === 'sql' ? { store: input.spec.store, sql: input.spec.sql } : {}),
    },
  });
  return rowToDefinition(row);
}

/** Marks the current version of a tag retired (its past snapshots stay); audited in the caller's transaction. */
export async function retireDefinition(
  tx: Transaction<Database>,
  key: string,
  actor: string,
): Promise<boolean> {
  const latest = await tx
    .selectFrom('tag_definitions')
    .select(['version', 'status'])
    .where('key', '=', key)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest || latest.status === 'retired') return false;
  await tx
    .updateTable('tag_definitions')
    .set({ status: 'retired' })
    .where('key', '=', key)
    .where('version', '=', latest.version)
    .execute();
  await recordAudit(tx, {
    actor,
    action: 'tags.retire',
    entityType: 'tag',
    entityId: key,
    details: { version: latest.version },
  });
  return true;
}

/** Inserts the builtin tags whose key does not exist yet (retired or edited ones are left alone); returns the keys added. */
export async function ensureCatalogue(db: Kysely<Database>, actor: string): Promise<string[]> {
  const builtin = builtinCatalogue().map((body) => {
    const parsed = parseTagInput(body);
    if (!parsed.ok) {
      const key = JSON.stringify((body as { key?: unknown }).key);
      throw new AppError('internal', `builtin tag ${key} is invalid`, parsed.error);
    }
    return parsed.value;
  });
  return db.transaction().execute(async (tx) => {
    // One seeder at a time: a second process starting at once finds the keys present and adds nothing.
    await sql`select pg_advisory_xact_lock(hashtext('flywheel:tag-catalogue'))`.execute(tx);
    const existing = new Set(
      (await tx.selectFrom('tag_definitions').select('key').distinct().execute()).map((r) => r.key),
    );
    const missing = builtin.filter((input) => !existing.has(input.key));
    for (const input of missing)
      await writeDefinition(tx, input, { actor, builtin: true, action: 'tags.seed' });
    return missing.map((m) => m.key);
  });
}
