import type { RoaringBitmap32 } from '../../shared/bitmap.ts';
import type { SegmentIndexEntry } from '../../segments/index-cache.ts';
import type { SegmentFailure, SegmentService } from '../../segments/service.ts';
import { err, ok, type Result } from '../../shared/errors.ts';

// The optional population of an analysis: the whole bank, a saved segment (by id) or an ad-hoc segment rule, as a
// bitmap of customer ordinals evaluated on the segment index of one business day. Shared by the lifecycle,
// concentration and trend analyses.

/** Why an analysis gave no figures; `not_enough_data` is an expected answer, not a fault. */
export type AnalysisFailure =
  SegmentFailure | { readonly code: 'not_enough_data'; readonly message: string; readonly details?: unknown };

export type AnalysisResult<T> = Result<T, AnalysisFailure>;

/** Which customers an analysis covers: nothing given = the whole bank. */
export interface PopulationInput {
  /** A saved segment's id. */
  readonly segment?: string | undefined;
  /** A segment rule (JSON, as the segment API takes it). */
  readonly rule?: unknown;
}

/** The population as resolved: `members` null means the whole bank (no restriction). */
export interface Population {
  readonly kind: 'bank' | 'segment' | 'rule';
  readonly segment: string | null;
  /** The business day the segment or rule was evaluated on (null for the whole bank). */
  readonly evaluatedOn: string | null;
  readonly members: RoaringBitmap32 | null;
  /** The index entry used, when one was needed. */
  readonly entry: SegmentIndexEntry | null;
}

/** How the population is described in an answer. */
export interface PopulationView {
  readonly kind: 'bank' | 'segment' | 'rule';
  readonly segment: string | null;
  readonly evaluatedOn: string | null;
  readonly customers: number | null;
}

/**
 * Resolves the population on day `asOf` (the segment index of that day): a saved segment's current rule, or the
 * rule given; a segment and a rule together are refused. An unknown segment or an invalid rule is a failure.
 */
export async function resolvePopulation(
  service: SegmentService,
  input: PopulationInput,
  asOf: string,
): Promise<Result<Population, SegmentFailure>> {
  if (input.segment !== undefined && input.rule !== undefined)
    return err({ code: 'bad_request', message: 'give a segment or a rule, not both' });
  if (input.segment !== undefined) {
    const members = await service.segmentMembers(input.segment, asOf);
    if (!members.ok) return members;
    const { bitmap, entry } = members.value;
    return ok({ kind: 'segment', segment: input.segment, evaluatedOn: asOf, members: bitmap, entry });
  }
  if (input.rule !== undefined) {
    const members = await service.ruleMembers(input.rule, asOf);
    if (!members.ok) return members;
    const { bitmap, entry } = members.value;
    return ok({ kind: 'rule', segment: null, evaluatedOn: asOf, members: bitmap, entry });
  }
  return ok({ kind: 'bank', segment: null, evaluatedOn: null, members: null, entry: null });
}

/** The population as an answer shows it. */
export function populationView(p: Population): PopulationView {
  return {
    kind: p.kind,
    segment: p.segment,
    evaluatedOn: p.evaluatedOn,
    customers: p.members ? p.members.size : null,
  };
}
