import { request } from '../api.ts';
import type { ProductCategory, Rule } from './rule.ts';
import type { Bilingual } from './tags.ts';

export type AttrType = 'number' | 'date' | 'string' | 'boolean';

/** What a rule may refer to: GET /v1/segments/catalogue. */
export interface SegmentCatalogue {
  readonly asOf: string | null;
  readonly customers: number;
  readonly tags: readonly {
    key: string;
    name: Bilingual;
    values: readonly { value: string; label: Bilingual }[];
  }[];
  readonly attributes: readonly {
    name: string;
    type: AttrType;
    values?: readonly (string | number | boolean)[];
  }[];
  readonly holdings: readonly ProductCategory[];
  readonly events: readonly { name: string; properties: readonly string[] }[];
  readonly segments: readonly { id: string; name: string }[];
  readonly lists: readonly { id: string; name: string; members: number }[];
}

export interface Segment {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly rule: Rule;
  readonly version: number;
  readonly status: string;
  readonly members: number | null;
  readonly asOf: string | null;
  readonly updated_by: string;
  readonly updated_at: string;
}

export interface SegmentVersion {
  readonly version: number;
  readonly rule: Rule;
  readonly changed_by: string;
  readonly changed_at: string;
}

export interface Preview {
  readonly count: number;
  readonly elapsed_ms: number;
}

export interface Materialized {
  readonly asOf: string;
  readonly members: number;
  readonly aum?: number;
  readonly elapsedMs?: number;
}

export interface Analysis {
  readonly asOf: string;
  readonly members: number;
  readonly shareOfCustomers: number;
  readonly aum: number;
  readonly shareOfAum: number;
  readonly growth: {
    readonly points: readonly { asOf: string; members: number; aum: number }[];
    readonly entered: number | null;
    readonly left: number | null;
  };
  readonly reach: {
    readonly wecomFriend: number;
    readonly smsConsent: number;
    readonly appPush: number;
    readonly withManager: number;
  };
  readonly stickiness: {
    readonly active30dRate: number | null;
    readonly retention90dRate: number | null;
    readonly avgTenureYears: number | null;
  };
  readonly portrait: readonly {
    tag: string;
    value: string;
    name: Bilingual;
    label: Bilingual;
    groupShare: number;
    baseShare: number;
    tgi: number;
  }[];
  readonly concentration: {
    readonly pareto: readonly { customerShare: number; aumShare: number }[];
    readonly gini: number;
    readonly top20AumShare: number;
  };
  readonly elapsedMs: number;
}

export interface UploadedList {
  readonly id: string;
  readonly name: string;
  readonly members: number;
  readonly unknownCount: number;
  readonly unknownCustomerNos?: readonly string[];
}

export interface SegmentInput {
  readonly id?: string;
  readonly name: string;
  readonly description?: string;
  readonly rule: Rule;
}

const enc = encodeURIComponent;

export const segmentsApi = {
  catalogue: (signal?: AbortSignal) =>
    request<SegmentCatalogue>('GET', '/v1/segments/catalogue', undefined, signal),
  preview: (rule: unknown, signal?: AbortSignal) =>
    request<Preview>('POST', '/v1/segments/preview', { rule }, signal),
  list: (signal?: AbortSignal) =>
    request<{ segments: readonly Segment[] }>('GET', '/v1/segments', undefined, signal),
  get: (id: string, signal?: AbortSignal) =>
    request<Segment>('GET', `/v1/segments/${enc(id)}`, undefined, signal),
  create: (input: SegmentInput) => request<Segment>('POST', '/v1/segments', input),
  update: (id: string, input: Omit<SegmentInput, 'id'>) =>
    request<Segment>('PUT', `/v1/segments/${enc(id)}`, input),
  remove: (id: string) => request<void>('DELETE', `/v1/segments/${enc(id)}`),
  versions: (id: string, signal?: AbortSignal) =>
    request<{ versions: readonly SegmentVersion[] }>(
      'GET',
      `/v1/segments/${enc(id)}/versions`,
      undefined,
      signal,
    ),
  materialize: (id: string) => request<Materialized>('POST', `/v1/segments/${enc(id)}/materialize`, {}),
  exportUrl: (id: string) => `/v1/segments/${enc(id)}/export`,
  analysis: (id: string, signal?: AbortSignal) =>
    request<Analysis>('GET', `/v1/segments/${enc(id)}/analysis`, undefined, signal),
  analyseRule: (rule: unknown, signal?: AbortSignal) =>
    request<Analysis>('POST', '/v1/segments/analysis', { population: { rule } }, signal),
  /** Refused (with the unknown numbers in the error's details) when some are unknown, unless `allowUnknown`. */
  createList: (name: string, customerNos: readonly string[], allowUnknown = false) =>
    request<UploadedList>('POST', '/v1/lists', {
      name,
      customerNos,
      ...(allowUnknown ? { allowUnknown } : {}),
    }),
};
