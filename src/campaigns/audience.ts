import { asFailure, type SegmentService } from '../segments/service.ts';
import { err, ok } from '../shared/errors.ts';
import type { AudienceResolver } from './service.ts';

/** A campaign's audience from the segment service: a population's members on the latest business day. */
export function segmentAudience(segments: SegmentService): AudienceResolver {
  return async (population) => {
    const members = await segments.populationMembers(population);
    return members.ok
      ? ok({ bitmap: members.value.bitmap, asOf: members.value.entry.asOf })
      : err(asFailure(members.error));
  };
}
