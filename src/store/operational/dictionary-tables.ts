import type { ColumnType, Generated } from 'kysely';
import type { DictionaryKind } from '../../contracts/dictionary.ts';

// Row shapes of the data dictionary (migration 0012_data_dictionary.sql), merged into the operational store's
// `Database`. Owned by src/dictionary.

export interface DictionaryEntryTable {
  kind: DictionaryKind;
  key: string;
  name_zh: ColumnType<string, string | undefined, string>;
  name_en: ColumnType<string, string | undefined, string>;
  description_zh: ColumnType<string, string | undefined, string>;
  description_en: ColumnType<string, string | undefined, string>;
  unit: ColumnType<string, string | undefined, string>;
  needs_naming: ColumnType<boolean, boolean | undefined, boolean>;
  origin: 'ingest' | 'edit' | 'import';
  revision: Generated<number>;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The dictionary table, merged into the operational store's `Database`. */
export interface DictionaryTables {
  dictionary_entries: DictionaryEntryTable;
}
