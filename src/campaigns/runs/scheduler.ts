import type { Kysely } from 'kysely';
import { campaignAudience } from '../audience.ts';
import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.ts';
import type { Database } from '../../store/operational/database.ts';
import type { CampaignDraft } from '../model.ts';
import { contactPolicy } from '../policy/store.ts';
import { dueSlot } from '../schedule.ts';
import { channelSpecs, type AudienceResolver } from '../service.ts';
import { prepareRun } from './prepare.ts';

// The campaign scheduler (the worker service runs it every few seconds): for every approved or running campaign,
// the slot due now gets one run (unique per campaign and slot, whoever inserts it first), prepared on the audience
// of that moment with the approved version. Runs left 'preparing' by a crash are prepared again.

/** What the scheduler needs. */
export interface SchedulerDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audience: AudienceResolver;
  readonly logger?: Logger;
}

/** One pass: creates the runs that are due and prepares every run still 'preparing'; the ids prepared. */
export async function startDueRuns(deps: SchedulerDeps): Promise<number[]> {
  const now = deps.clock.now();
  const campaigns = await deps.db
    .selectFrom('campaigns as c')
    .innerJoin('campaign_versions as v', (j) =>
      j.onRef('v.campaign_id', '=', 'c.id').onRef('v.version', '=', 'c.approved_version'),
    )
    .select(['c.id', 'c.approved_version', 'v.body', 'v.decided_at'])
    .where('c.status', 'in', ['approved', 'running'])
    // A journey's campaigns get their runs from the journey engine.
    .where('c.owned_by', 'is', null)
    .execute();
  for (const c of campaigns) {
    const draft = c.body as unknown as CampaignDraft;
    const last = await deps.db
      .selectFrom('campaign_runs')
      .select('slot')
      .where('campaign_id', '=', c.id)
      .orderBy('slot', 'desc')
      .limit(1)
      .executeTakeFirst();
    const approvedAt = new Date(c.decided_at ?? now);
    const after = last ? new Date(last.slot) : new Date(approvedAt.getTime() - 1);
    const slot = dueSlot(draft.schedule, deps.clock, now, after, approvedAt, last !== undefined);
    if (!slot) continue;
    await deps.db
      .insertInto('campaign_runs')
      .values({ campaign_id: c.id, version: c.approved_version!, slot, created_at: now })
      .onConflict((oc) => oc.columns(['campaign_id', 'slot']).doNothing())
      .execute();
    await deps.db
      .updateTable('campaigns')
      .set({ status: 'running', updated_at: now })
      .where('id', '=', c.id)
      .where('status', '=', 'approved')
      .execute();
  }
  return prepareWaiting(deps);
}

/** Prepares every run in 'preparing' (new ones, and those a crash interrupted). */
export async function prepareWaiting(deps: SchedulerDeps): Promise<number[]> {
  const runs = await deps.db
    .selectFrom('campaign_runs as r')
    .innerJoin('campaign_versions as v', (j) =>
      j.onRef('v.campaign_id', '=', 'r.campaign_id').onRef('v.version', '=', 'r.version'),
    )
    .select(['r.id', 'r.campaign_id', 'v.body'])
    .where('r.status', '=', 'preparing')
    .orderBy('r.id')
    .execute();
  const prepared: number[] = [];
  if (runs.length === 0) return prepared;
  const [channels, policy] = await Promise.all([channelSpecs(deps.db), contactPolicy(deps.db)]);
  for (const run of runs) {
    const draft = run.body as unknown as CampaignDraft;
    const members = await campaignAudience(deps, draft);
    const missing = draft.channels.find((key) => !channels.has(key));
    if (!members.ok || missing) {
      const error = !members.ok ? members.error.message : `channel ${missing} is not enabled`;
      await deps.db
        .updateTable('campaign_runs')
        .set({ status: 'failed', error, finished_at: deps.clock.now() })
        .where('id', '=', run.id)
        .execute();
      deps.logger?.warn({ run: run.id, error }, 'campaign run failed to prepare');
      continue;
    }
    await prepareRun(
      { db: deps.db, clock: deps.clock, policy },
      {
        runId: Number(run.id),
        campaignId: run.campaign_id,
        purpose: draft.purpose,
        channels: draft.channels.map((key) => ({ key, reaches: channels.get(key)!.reaches })),
        controlPercent: draft.controlPercent,
      },
      members.value.bitmap,
      members.value.asOf,
    );
    prepared.push(Number(run.id));
  }
  return prepared;
}
