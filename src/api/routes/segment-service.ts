import type { SegmentService } from '../../segments/service.ts';
import type { RouteContext } from '../http.ts';

// Every route that evaluates rules (segments, analytics) uses the app's one segment service: each service owns an
// index cache, and a second cache would hold a second copy of every customer column and tag bitmap in memory.

/** The segment service of the app the context belongs to. */
export function segmentServiceOf(ctx: RouteContext): SegmentService {
  return ctx.segments;
}
