import type { Population as PopulationContract, PopulationView } from '../../contracts/population.ts';
import type { RoaringBitmap32 } from '../../shared/bitmap.ts';
import type { SegmentIndexEntry } from '../../segments/index-cache.ts';
import type { SegmentFailure, SegmentService } from '../../segments/service.ts';
import { ok, type Result } from '../../shared/errors.ts';

// The optional population of an analysis: the whole bank, a saved segment (by id) or an ad-hoc segment rule, as a
// bitmap of customer ordinals evaluated on the segment index of one business day. Shared by the lifecycle,
// concentration and trend analyses.

/** Why an analysis gave no figures; `not_enough_data` is an expected answer, not a fault. */
export type AnalysisFailure =
  SegmentFailure | { readonly code: 'not_enough_data'; readonly message: string; readonly details?: unknown };

export type AnalysisResult<T> = Result<T, AnalysisFailure>;

/** Which customers an analysis covers: a saved segment or a rule (the contract); none = the whole bank. */
export interface PopulationInput {
  readonly population?: PopulationContract | undefined;
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

export type { PopulationView };

/**
 * Resolves the population on day `asOf` (the segment index of that day): a saved segment's current rule, or the
 * rule given. An unknown segment or an invalid rule is a failure.
 */
export async function resolvePopulation(
  service: SegmentService,
  input: PopulationInput,
  asOf: string,
): Promise<Result<Population, SegmentFailure>> {
  const asked = input.population;
  if (!asked) return ok({ kind: 'bank', segment: null, evaluatedOn: null, members: null, entry: null });
  const members = await service.populationMembers(asked, asOf);
  if (!members.ok) return members;
  const { bitmap, entry } = members.value;
  const segment = 'segmentId' in asked ? asked.segmentId : null;
  return ok({ kind: segment ? 'segment' : 'rule', segment, evaluatedOn: asOf, members: bitmap, entry });
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
