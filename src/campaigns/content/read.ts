import type { Kysely } from 'kysely';
import type { Database } from '../../store/operational/database.ts';
import { itemView, type ContentItemView } from './library.ts';
import { TEMPLATE_FIELDS } from './template.ts';

// Read models of the content library beyond the list: one item, the variables an editor may insert, and whether the
// sensitive-word list is still the shipped one.

/** One content item, or undefined. */
export async function contentItem(db: Kysely<Database>, id: number): Promise<ContentItemView | undefined> {
  const r = await db.selectFrom('content_items').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? itemView(r) : undefined;
}

/** The variables templates may use: fixed fields by root, and the catalogue's active tags (as {{ tag.key }}). */
export async function templateVariables(db: Kysely<Database>): Promise<{
  fields: Record<string, string[]>;
  tags: { key: string; name: { en: string; zh: string } }[];
}> {
  const rows = await db
    .selectFrom('tag_definitions')
    .select(['key', 'name_en', 'name_zh'])
    .where('status', '=', 'active')
    .orderBy('key')
    .orderBy('version', 'desc')
    .execute();
  const tags = new Map<string, { key: string; name: { en: string; zh: string } }>();
  for (const r of rows)
    if (!tags.has(r.key)) tags.set(r.key, { key: r.key, name: { en: r.name_en, zh: r.name_zh } });
  return {
    fields: Object.fromEntries(Object.entries(TEMPLATE_FIELDS).map(([root, fields]) => [root, [...fields]])),
    tags: [...tags.values()],
  };
}

/** Whether the bank still uses the shipped sensitive words (it never saved its own list). */
export async function sensitiveWordsAreDefault(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('sensitive_words').select('word').limit(1).executeTakeFirst()) === undefined;
}
