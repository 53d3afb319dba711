import type { SegmentFailure, SegmentService } from '../../segments/service.ts';
import { AppError, type Result } from '../../shared/errors.ts';
import type { RouteContext } from '../http.ts';

// Every route that evaluates rules (segments, analytics) uses the app's one segment service: each service owns an
// index cache, and a second cache would hold a second copy of every customer column and tag bitmap in memory.

/** The segment service of the app the context belongs to. */
export function segmentServiceOf(ctx: RouteContext): SegmentService {
  return ctx.segments;
}

/** A segment failure as the API's error: an invalid rule (400) with each issue's path, unknown customers (422). */
export function segmentError(f: SegmentFailure): AppError {
  if (f.code === 'invalid_rule') return new AppError(f.code, f.message, { issues: f.issues });
  if (f.code === 'unknown_customers')
    return new AppError(f.code, f.message, {
      unknownCustomerNos: f.unknownCustomerNos,
      unknownCount: f.unknownCount,
    });
  return new AppError(f.code, f.message, f.details);
}

/**
 * The value of an analysis; its failure becomes the API's error with the segment API's codes (invalid rule: 400 with
 * each issue's path, unknown segment: 404, not enough data: 422).
 */
export function unwrapAnalysis<T>(
  result: Result<T, SegmentFailure | { code: 'not_enough_data'; message: string; details?: unknown }>,
): T {
  if (result.ok) return result.value;
  const f = result.error;
  throw f.code === 'not_enough_data' ? new AppError(f.code, f.message, f.details) : segmentError(f);
}
