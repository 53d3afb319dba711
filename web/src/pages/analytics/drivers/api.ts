import { request } from '../../../api.ts';
import type { z } from 'zod';
import type {
  driversAnalysis,
  driversInput,
} from '../../../../../src/api/routes/analytics-drivers-schemas.ts';

// POST /v1/analytics/drivers as the dashboard sees it: the types come from the route's zod schemas (type-only
// imports, erased from the bundle), so the page and the API cannot drift apart.

export type DriversAnalysis = z.output<typeof driversAnalysis>;
export type DriversFeature = DriversAnalysis['features'][number];
export type DriversLevel = DriversFeature['levels'][number];
export type DriversRegression = DriversAnalysis['regression'];
export type DriversCoefficient = Extract<DriversRegression, { status: 'fitted' }>['coefficients'][number];
export type DriversRequest = z.input<typeof driversInput>;

export const driversApi = {
  analyse: (body: DriversRequest, signal?: AbortSignal) =>
    request<DriversAnalysis>('POST', '/v1/analytics/drivers', body, signal),
};
