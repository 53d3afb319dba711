import { client, ok } from './client.ts';
import type { Answer, Body } from './types.ts';

// Tag catalogue endpoints (src/api/routes/tags.ts).

export type TagCatalogue = Answer<'get', '/v1/tags'>;
export type TagSummary = TagCatalogue['tags'][number];
export type TagValueStat = TagSummary['values'][number];
export type TagDetail = Answer<'get', '/v1/tags/{key}'>;
export type TagTrend = Answer<'get', '/v1/tags/{key}/trend'>;
export type TagRun = Answer<'post', '/v1/tags/compute'>;
export type TagRunResult = TagRun['results'][number];
export type ManualImport = Answer<'post', '/v1/tags/{key}/values'>;
/** The body of POST /v1/tags (and PUT /v1/tags/:key without the key). */
export type TagInput = Body<'post', '/v1/tags'>;

/** A text in both UI languages, as the API sends names and value labels. */
export type Bilingual = TagSummary['name'];

/** The API names a tag's category as text; TAG_CATEGORIES are the catalogue's own, in display order. */
export type TagCategory = TagSummary['category'];
export const TAG_CATEGORIES = [
  'demographics',
  'value',
  'behaviour',
  'product',
  'loyalty',
  'cash_flow',
  'reachability',
  'lifecycle',
  'custom',
] as const satisfies readonly TagCategory[];

export type TagKind = TagSummary['kind'];
/** Kinds the dashboard's form can create and edit; the others are edited as JSON through the API. */
export const EDITABLE_KINDS = ['attribute', 'bucket', 'manual'] as const satisfies readonly TagKind[];
export type EditableKind = (typeof EDITABLE_KINDS)[number];

export const tagsApi = {
  list: (signal?: AbortSignal) => ok(client.GET('/v1/tags', { signal })),
  get: (key: string, signal?: AbortSignal) =>
    ok(client.GET('/v1/tags/{key}', { params: { path: { key } }, signal })),
  trend: (key: string, days = 30, signal?: AbortSignal) =>
    ok(client.GET('/v1/tags/{key}/trend', { params: { path: { key }, query: { days } }, signal })),
  create: (input: TagInput) => ok(client.POST('/v1/tags', { body: input })),
  update: (key: string, input: TagInput) =>
    ok(client.PUT('/v1/tags/{key}', { params: { path: { key } }, body: input })),
  /** Retires the tag; its past snapshots stay. */
  retire: (key: string) => ok(client.DELETE('/v1/tags/{key}', { params: { path: { key } } })),
  compute: (keys?: readonly string[]) =>
    ok(client.POST('/v1/tags/compute', { body: keys ? { keys: [...keys] } : {} })),
  /** All or nothing: refused (400, `details.rows` naming each bad row) when any row is wrong. */
  importValues: (key: string, rows: { customer_no: string; value: string }[], replace = false) =>
    ok(
      client.POST('/v1/tags/{key}/values', {
        params: { path: { key }, query: replace ? { replace: 'true' } : {} },
        body: { rows },
      }),
    ),
};
