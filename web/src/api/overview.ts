import { client, ok } from './client.ts';
import type { Answer } from './types.ts';

/** GET /v1/overview: the bank at a glance over the last days (the days are the bank's business days). */
export type Overview = Answer<'get', '/v1/overview'>;
export type TierName = Overview['tiers'][number]['tier'];

export const overviewApi = {
  get: (days: number) => ok(client.GET('/v1/overview', { params: { query: { days } } })),
};
