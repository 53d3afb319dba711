import { client, ok } from './client.ts';
import type { ApiRule } from './rule.ts';
import type { Answer, Body } from './types.ts';

// Saved segments, their analysis and uploaded lists (src/api/routes/segments.ts).

/** What a rule may refer to: GET /v1/segments/catalogue. */
export type SegmentCatalogue = Answer<'get', '/v1/segments/catalogue'>;
export type AttrType = SegmentCatalogue['attributes'][number]['type'];
export type Segment = Answer<'get', '/v1/segments/{id}'>;
export type SegmentVersion = Answer<'get', '/v1/segments/{id}/versions'>['versions'][number];
export type Preview = Answer<'post', '/v1/segments/preview'>;
export type Materialized = Answer<'post', '/v1/segments/{id}/materialize'>;
export type Analysis = Answer<'get', '/v1/segments/{id}/analysis'>;
export type UploadedList = Answer<'post', '/v1/lists'>;
export type SegmentInput = Body<'post', '/v1/segments'>;

export const segmentsApi = {
  catalogue: (signal?: AbortSignal) => ok(client.GET('/v1/segments/catalogue', { signal })),
  preview: (rule: ApiRule, signal?: AbortSignal) =>
    ok(client.POST('/v1/segments/preview', { body: { rule }, signal })),
  list: (signal?: AbortSignal) => ok(client.GET('/v1/segments', { signal })),
  get: (id: string, signal?: AbortSignal) =>
    ok(client.GET('/v1/segments/{id}', { params: { path: { id } }, signal })),
  create: (input: SegmentInput) => ok(client.POST('/v1/segments', { body: input })),
  update: (id: string, input: Body<'put', '/v1/segments/{id}'>) =>
    ok(client.PUT('/v1/segments/{id}', { params: { path: { id } }, body: input })),
  remove: (id: string) => ok(client.DELETE('/v1/segments/{id}', { params: { path: { id } } })),
  versions: (id: string, signal?: AbortSignal) =>
    ok(client.GET('/v1/segments/{id}/versions', { params: { path: { id } }, signal })),
  materialize: (id: string) =>
    ok(client.POST('/v1/segments/{id}/materialize', { params: { path: { id } }, body: {} })),
  /** The CSV export's address (a plain link: the session cookie authenticates it). */
  exportUrl: (id: string) => `/v1/segments/${encodeURIComponent(id)}/export`,
  analysis: (id: string, signal?: AbortSignal) =>
    ok(client.GET('/v1/segments/{id}/analysis', { params: { path: { id } }, signal })),
  analyseRule: (rule: ApiRule, signal?: AbortSignal) =>
    ok(client.POST('/v1/segments/analysis', { body: { population: { rule } }, signal })),
  /** Refused (with the unknown numbers in the error's details) when some are unknown, unless `allowUnknown`. */
  createList: (name: string, customerNos: string[], allowUnknown = false) =>
    ok(client.POST('/v1/lists', { body: { name, customerNos, ...(allowUnknown ? { allowUnknown } : {}) } })),
};
