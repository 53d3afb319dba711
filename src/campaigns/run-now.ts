import { recordAudit } from '../audit/audit.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import { campaignRuns, type RunProgress } from './progress.ts';
import { prepareWaiting, type SchedulerDeps } from './runs/scheduler.ts';

// Starting an approved campaign now, outside its schedule (`flywheel campaigns run`): one run of the approved version
// at this instant (unique per campaign and slot), audited, prepared at once on today's audience; the worker sends it.

/** Queues and prepares a run of the campaign's approved version now; the run as prepared. */
export async function startRunNow(
  deps: SchedulerDeps,
  actor: string,
  campaignId: number,
): Promise<Result<RunProgress>> {
  const now = deps.clock.now();
  const started = await deps.db.transaction().execute(async (tx) => {
    const campaign = await tx
      .selectFrom('campaigns')
      .select(['status', 'approved_version'])
      .where('id', '=', campaignId)
      .forUpdate()
      .executeTakeFirst();
    if (!campaign) return err({ code: 'not_found' as const, message: `no campaign ${campaignId}` });
    if (!['approved', 'running'].includes(campaign.status) || campaign.approved_version === null)
      return err({
        code: 'conflict' as const,
        message: `campaign ${campaignId} is ${campaign.status}; only an approved or running campaign starts a run`,
      });
    const run = await tx
      .insertInto('campaign_runs')
      .values({ campaign_id: campaignId, version: campaign.approved_version, slot: now, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('campaigns')
      .set({ status: 'running', updated_at: now })
      .where('id', '=', campaignId)
      .execute();
    await recordAudit(tx, {
      actor,
      action: 'campaign.run',
      entityType: 'campaign',
      entityId: String(campaignId),
      details: { run: Number(run.id), version: campaign.approved_version },
      at: now,
    });
    return ok(Number(run.id));
  });
  if (!started.ok) return started;
  await prepareWaiting(deps);
  const [state] = await campaignRuns(deps.db, campaignId, started.value);
  return ok(state!);
}
