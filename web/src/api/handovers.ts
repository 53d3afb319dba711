import { client, ok, withQuery } from './client.ts';
import type { Answer, Body, Query } from './types.ts';

// One-click handover (src/api/routes/pool-handovers.ts): preview, run, follow, cancel.

export type HandoverRequest = Body<'post', '/v1/handovers'>;
export type Split = HandoverRequest['split'];
export type HandoverPreview = Answer<'post', '/v1/handovers/preview'>;
export type HandoverJob = Answer<'get', '/v1/handovers'>['jobs'][number];
export type HandoverDetail = Answer<'get', '/v1/handovers/{id}'>;
export type HandoverItemsQuery = Query<'get', '/v1/handovers/{id}'>;
export type ItemStatus = NonNullable<HandoverItemsQuery['status']>;

export const handoversApi = {
  preview: (body: Body<'post', '/v1/handovers/preview'>) =>
    ok(client.POST('/v1/handovers/preview', { body })),
  run: (body: HandoverRequest) => ok(client.POST('/v1/handovers', { body })),
  list: (signal?: AbortSignal) =>
    ok(client.GET('/v1/handovers', { params: { query: { limit: 100 } }, signal })).then((r) => r.jobs),
  get: (id: number, query: HandoverItemsQuery, signal?: AbortSignal) =>
    ok(client.GET('/v1/handovers/{id}', { params: { path: { id }, query }, signal })),
  /** The sign-off CSV of a job (a plain link: the session cookie authenticates it; the server audits it). */
  exportUrl: (id: number, lang: 'en-US' | 'zh-CN') => withQuery(`/v1/handovers/${id}/export`, { lang }),
  cancel: (id: number) => ok(client.POST('/v1/handovers/{id}/cancel', { params: { path: { id } } })),
};

export type WecomTransfers = Answer<'get', '/v1/handovers/{id}/wecom'>;
export type WecomTransfer = WecomTransfers['items'][number];
export type WecomTransferState = WecomTransfer['state'];

/** A handover's WeCom transfers (src/api/routes/handover-wecom.ts) and the retry with another taker. */
export const wecomTransfersApi = {
  list: (id: number, query: Query<'get', '/v1/handovers/{id}/wecom'>, signal?: AbortSignal) =>
    ok(client.GET('/v1/handovers/{id}/wecom', { params: { path: { id }, query }, signal })),
  retry: (id: number, body: Body<'post', '/v1/handovers/{id}/wecom/retry'>) =>
    ok(client.POST('/v1/handovers/{id}/wecom/retry', { params: { path: { id } }, body })),
};
