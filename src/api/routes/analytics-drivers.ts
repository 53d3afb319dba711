import { runDrivers } from '../../analytics/drivers/service.ts';
import { errorBody, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import * as s from './analytics-drivers-schemas.ts';
import { wholeBank } from './pool-common.ts';
import { segmentServiceOf } from './segment-service.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 422: errorBody };

/** POST /v1/analytics/drivers: what drives a binary outcome in a group (a saved segment, a rule or the bank). */
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
          'The outcome is a rule: its members have the outcome (1), the rest of the population 0; the population a ' +
          'saved segment or a rule (default every customer). Invalid rule: 400 invalid_rule; unknown segment: 404; ' +
          'an empty population or an outcome that does not vary in it: 422 not_enough_data.',
        body: s.driversInput,
        response: { 200: s.driversAnalysis, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await runDrivers(service, req.body));
    },
  );
}
