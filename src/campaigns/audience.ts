import type { Kysely } from 'kysely';
import { holdingsDue } from '../pool/reminders.ts';
import { asFailure, type SegmentService } from '../segments/service.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { Clock } from '../shared/clock.ts';
import { shiftDay } from '../shared/day.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { CampaignDraft } from './model.ts';
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

/**
 * Who a campaign reaches today, before the contact policy: its population's members; for a holding reminder, only
 * those whose holding of that kind falls due `daysBefore` days from today (the bank's business day).
 */
export async function campaignAudience(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock; readonly audience: AudienceResolver },
  draft: Pick<CampaignDraft, 'population' | 'reminder'>,
): Promise<Result<{ bitmap: RoaringBitmap32; asOf: string }>> {
  const members = await deps.audience(draft.population);
  if (!members.ok || !draft.reminder) return members;
  const due = await holdingsDue(
    deps.db,
    draft.reminder.kind,
    shiftDay(deps.clock.today(), draft.reminder.daysBefore),
  );
  return ok({
    ...members.value,
    bitmap: RoaringBitmap32.and(members.value.bitmap, new RoaringBitmap32(due.keys())),
  });
}
