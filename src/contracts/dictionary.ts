import { z } from 'zod';
import { text } from '../shared/text.ts';

// The data dictionary (元数据, issue #12): what users see for an event, an event property, a customer attribute or a
// tag — a display name in zh-CN and en-US, a description and a unit. Routes, the CLI and the dashboard take the
// shapes from here.

/** What a dictionary entry names. */
export const DICTIONARY_KINDS = ['event', 'event_property', 'attribute', 'tag'] as const;
export type DictionaryKind = (typeof DICTIONARY_KINDS)[number];
export const DictionaryKind = z
  .enum(DICTIONARY_KINDS)
  .describe('event, event_property, attribute (a customer attribute) or tag');

/** Where an entry's text comes from: shipped with Flywheel, a tag definition, ingestion, an edit or a CSV import. */
export const DICTIONARY_ORIGINS = ['default', 'tag', 'ingest', 'edit', 'import'] as const;
export const DictionaryOrigin = z.enum(DICTIONARY_ORIGINS);

/** Longest display name, description and unit an entry may carry. */
export const DICTIONARY_LIMITS = { key: 200, name: 100, description: 500, unit: 20 } as const;

/** The columns of the dictionary's CSV (import and export), in order. */
export const DICTIONARY_CSV_COLUMNS = [
  'kind',
  'key',
  'name_zh',
  'name_en',
  'description_zh',
  'description_en',
  'unit',
] as const;

const bilingualText = (max: number, min = 0) =>
  z.strictObject({ zh: text().trim().min(min).max(max), en: text().trim().min(min).max(max) });

/** A key as events, properties, attributes and tags are named: printable, no surrounding spaces. */
export const DictionaryKey = text().trim().min(1).max(DICTIONARY_LIMITS.key);

/** One entry as the dictionary answers it. */
// Strict objects: the answer's form and a request's form are then the same, one component in the OpenAPI document.
export const DictionaryEntry = z
  .strictObject({
    kind: DictionaryKind,
    key: z.string(),
    name: z
      .strictObject({ zh: z.string(), en: z.string() })
      .describe('display names; empty when not named yet'),
    description: z.strictObject({ zh: z.string(), en: z.string() }),
    unit: z.string().describe('e.g. CNY, %, days; empty when the value has none'),
    needsNaming: z.boolean().describe('first seen through ingestion and not named by anyone yet'),
    origin: DictionaryOrigin,
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'DictionaryEntry' });
export type DictionaryEntry = z.infer<typeof DictionaryEntry>;

/** The whole dictionary with its version (also the ETag of GET /v1/dictionary). */
export const DictionaryView = z.object({
  version: z.string(),
  entries: z.array(DictionaryEntry),
});
export type DictionaryView = z.infer<typeof DictionaryView>;

/** What an edit sets: both names (required), both descriptions and the unit. */
export const DictionaryEntryInput = z.strictObject({
  name: bilingualText(DICTIONARY_LIMITS.name, 1),
  description: bilingualText(DICTIONARY_LIMITS.description).default({ zh: '', en: '' }),
  unit: text().trim().max(DICTIONARY_LIMITS.unit).default(''),
});
export type DictionaryEntryInput = z.infer<typeof DictionaryEntryInput>;

/** An import: the CSV text, header row first (DICTIONARY_CSV_COLUMNS). */
export const DictionaryImportInput = z.strictObject({
  csv: text()
    .max(5_000_000)
    .describe('CSV with the header kind,key,name_zh,name_en,description_zh,description_en,unit'),
});

/** What an import did: all rows applied, or (validation_failed) none. */
export const DictionaryImportReport = z.object({
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  version: z.string(),
});
export type DictionaryImportReport = z.infer<typeof DictionaryImportReport>;
