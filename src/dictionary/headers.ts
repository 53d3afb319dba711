import type { Kysely } from 'kysely';
import type { Database } from '../store/operational/database.ts';
import { listDictionary } from './service.ts';

// CSV exports meant for people (not for re-import) name their columns in the requester's language: a column that is a
// customer attribute takes the data dictionary's display name (an administrator's edit included), another column the
// name its export gives, else it keeps its key.

/** A language of export headers. */
export type HeaderLang = 'zh' | 'en';

/** The headers of `columns` in `lang`: the dictionary's attribute name, else `own`'s, else the column key. */
export async function exportHeaders(
  db: Kysely<Database>,
  columns: readonly string[],
  lang: HeaderLang,
  own: Readonly<Record<string, { zh: string; en: string }>> = {},
): Promise<string[]> {
  const attributes = new Map(
    (await listDictionary(db)).entries.filter((e) => e.kind === 'attribute').map((e) => [e.key, e.name]),
  );
  return columns.map((column) => {
    const name = attributes.get(column) ?? own[column];
    return (name && (name[lang] || name[lang === 'zh' ? 'en' : 'zh'])) || column;
  });
}
