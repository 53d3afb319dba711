import { client, ok } from '../../../api/client.ts';
import type { Answer, Body } from '../../../api/types.ts';

// POST /v1/analytics/drivers as the dashboard sees it, typed by the server's OpenAPI document.

export type DriversAnalysis = Answer<'post', '/v1/analytics/drivers'>;
export type DriversFeature = DriversAnalysis['features'][number];
export type DriversLevel = DriversFeature['levels'][number];
export type DriversRegression = DriversAnalysis['regression'];
export type DriversCoefficient = Extract<DriversRegression, { status: 'fitted' }>['coefficients'][number];
export type DriversRequest = Body<'post', '/v1/analytics/drivers'>;

export const driversApi = {
  analyse: (body: DriversRequest, signal?: AbortSignal) =>
    ok(client.POST('/v1/analytics/drivers', { body, signal })),
};
