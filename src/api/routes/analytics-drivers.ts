import { runDrivers, type DriversFailure, type DriversRequest } from '../../analytics/drivers/service.ts';
import { getSegment } from '../../segments/segment-store.ts';
import { AppError, type Result } from '../../shared/errors.ts';
import { errorBody, type RouteContext, type ZodApi } from '../http.ts';
import * as s from './analytics-drivers-schemas.ts';
import { wholeBank } from './pool-common.ts';
import { segmentId } from './segment-schemas.ts';
import { segmentError, segmentServiceOf } from './segment-service.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 422: errorBody };

/** The analysis; a failure becomes the API's error (400 invalid rule, 422 not enough data, 404 …). */
function unwrap<T>(result: Result<T, DriversFailure>): T {
  if (result.ok) return result.value;
  const f = result.error;
  if (f.code === 'not_enough_data') throw new AppError(f.code, f.message, f.details);
  throw segmentError(f);
}

/** POST /v1/analytics/drivers and GET /v1/segments/:id/key-factors: what drives a binary outcome in a group. */
export function registerDriversRoutes(api: ZodApi, ctx: RouteContext): void {
  const service = segmentServiceOf(ctx);

  api.post(
    '/v1/analytics/drivers',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Key factors of a binary outcome: features ranked by information value, and a logistic regression with AUC',
        description:
          'The outcome and the population are segment rules. Invalid rule: 400 invalid_rule; an empty population or ' +
          'an outcome that does not vary in it: 422 not_enough_data.',
        body: s.driversInput,
        response: { 200: s.driversAnalysis, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await runDrivers(service, req.body));
    },
  );

  api.get(
    '/v1/segments/:id/key-factors',
    {
      schema: {
        tags: ['segments', 'analytics'],
        summary:
          'Key factors of an outcome within a saved segment (the drivers analysis, population = the segment)',
        params: segmentId,
        querystring: s.keyFactorsQuery,
        response: { 200: s.driversAnalysis, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const segment = await getSegment(ctx.stores.operational.db, req.params.id);
      if (!segment) throw new AppError('not_found', `no segment ${req.params.id}`);
      let outcome: unknown;
      try {
        outcome = JSON.parse(req.query.outcome);
      } catch {
        throw new AppError('bad_request', 'outcome must be a segment rule as JSON text', {
          field: 'outcome',
        });
      }
      const { features, ...options } = req.query;
      const request: DriversRequest = {
        ...options,
        outcome,
        population: { segment: req.params.id },
        ...(features
          ? {
              features: features
                .split(',')
                .map((f) => f.trim())
                .filter(Boolean),
            }
          : {}),
      };
      return unwrap(await runDrivers(service, request));
    },
  );
}
