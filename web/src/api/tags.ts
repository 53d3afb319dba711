import { request } from '../api.ts';

// Tag catalogue endpoints (src/api/routes/tags.ts).

/** A text in both UI languages, as the API sends names and value labels. */
export interface Bilingual {
  readonly en: string;
  readonly zh: string;
}

export type TagCategory =
  | 'demographics'
  | 'value'
  | 'behaviour'
  | 'product'
  | 'loyalty'
  | 'cash_flow'
  | 'reachability'
  | 'lifecycle'
  | 'custom';
export const TAG_CATEGORIES: readonly TagCategory[] = [
  'demographics',
  'value',
  'behaviour',
  'product',
  'loyalty',
  'cash_flow',
  'reachability',
  'lifecycle',
  'custom',
];

export type TagKind = 'attribute' | 'bucket' | 'tier' | 'rfm' | 'event' | 'lifecycle' | 'sql' | 'manual';
/** Kinds the dashboard's form can create and edit; the others are edited as JSON through the API. */
export const EDITABLE_KINDS = ['attribute', 'bucket', 'manual'] as const satisfies readonly TagKind[];
export type EditableKind = (typeof EDITABLE_KINDS)[number];

export interface TagValueStat {
  readonly value: string;
  readonly label: Bilingual;
  readonly members: number;
  readonly share: number;
}

export interface TagSummary {
  readonly key: string;
  readonly version: number;
  readonly name: Bilingual;
  readonly description: string | null;
  readonly category: TagCategory;
  readonly kind: TagKind;
  readonly status: 'active' | 'retired';
  readonly builtin: boolean;
  readonly spec: unknown;
  /** Share of customers carrying any value of the tag on the latest snapshot (0..1). */
  readonly coverage: number | null;
  readonly values: readonly TagValueStat[];
  readonly asOf?: string | null;
}

export interface TagCatalogue {
  readonly asOf: string | null;
  readonly customers: number;
  readonly tags: readonly TagSummary[];
}

export interface TagDetail extends TagSummary {
  readonly versions?: readonly { version: number; created_by: string; created_at: string }[];
}

export interface TagTrend {
  readonly key: string;
  readonly points: readonly { asOf: string; values: readonly { value: string; members: number }[] }[];
}

export interface TagRunResult {
  readonly key: string;
  readonly status: string;
  readonly values: number;
  readonly members: number;
  readonly elapsedMs: number;
  readonly error?: string;
}

export interface TagRun {
  readonly runId: number | string;
  readonly asOf: string;
  readonly status: string;
  readonly results: readonly TagRunResult[];
}

/** The body of POST /v1/tags (and PUT /v1/tags/:key without the key). */
export interface TagInput {
  readonly key: string;
  readonly name_en: string;
  readonly name_zh: string;
  readonly description?: string;
  readonly category: TagCategory;
  readonly kind: TagKind;
  readonly spec: unknown;
}

/** Why an import was refused: every offending row (1-based position in the rows sent). */
export interface ImportRejection {
  readonly rows?: readonly { row: number; customer_no: string; reason: string }[];
  readonly unknownCustomerNos?: readonly string[];
}

export interface ManualImport {
  readonly imported: number;
  readonly unknownCustomerNos: readonly string[];
}

const enc = encodeURIComponent;

export const tagsApi = {
  list: (signal?: AbortSignal) => request<TagCatalogue>('GET', '/v1/tags', undefined, signal),
  get: (key: string, signal?: AbortSignal) =>
    request<TagDetail>('GET', `/v1/tags/${enc(key)}`, undefined, signal),
  trend: (key: string, days = 30, signal?: AbortSignal) =>
    request<TagTrend>('GET', `/v1/tags/${enc(key)}/trend?days=${days}`, undefined, signal),
  create: (input: TagInput) => request<TagDetail>('POST', '/v1/tags', input),
  update: (key: string, input: Omit<TagInput, 'key'>) =>
    request<TagDetail>('PUT', `/v1/tags/${enc(key)}`, input),
  /** Retires the tag; its past snapshots stay. */
  retire: (key: string) =>
    request<{ key: string; status: 'retired'; version: number }>('DELETE', `/v1/tags/${enc(key)}`),
  compute: (keys?: readonly string[]) => request<TagRun>('POST', '/v1/tags/compute', keys ? { keys } : {}),
  /** All or nothing: refused (400, `details.rows` naming each bad row) when any row is wrong. */
  importValues: (key: string, rows: readonly { customer_no: string; value: string }[], replace = false) =>
    request<ManualImport>('POST', `/v1/tags/${enc(key)}/values${replace ? '?replace=true' : ''}`, { rows }),
};
