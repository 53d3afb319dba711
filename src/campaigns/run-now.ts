import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { DeliveryStatus, RunStatus } from '../store/operational/campaign-tables.ts';
import type { Database } from '../store/operational/database.ts';
import type { Kysely } from 'kysely';
import type { Waterfall } from './runs/plan.ts';
import { prepareWaiting, type SchedulerDeps } from './runs/scheduler.ts';

// Starting an approved campaign now, outside its schedule (`flywheel campaigns run`): one run of the approved version
// at this instant (unique per campaign and slot), audited, prepared at once on today's audience; the worker sends it.
// And the runs of a campaign with their deliveries counted by status, for `flywheel campaigns status`.

/** A run as it stands. */
export interface RunState {
  readonly id: number;
  readonly version: number;
  readonly status: RunStatus;
  readonly slot: string;
  readonly waterfall: Waterfall | null;
  readonly error: string | null;
  /** Deliveries by status now. */
  readonly deliveries: Partial<Record<DeliveryStatus, number>>;
}

/** Queues and prepares a run of the campaign's approved version now; the run as prepared. */
export async function startRunNow(
  deps: SchedulerDeps,
  actor: string,
  campaignId: number,
): Promise<Result<RunState>> {
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
  const [state] = await runStates(deps.db, campaignId, started.value);
  return ok(state!);
}

/** The runs of a campaign (or one of them), newest first, with their deliveries counted by status. */
export async function runStates(
  db: Kysely<Database>,
  campaignId: number,
  runId?: number,
): Promise<RunState[]> {
  let query = db
    .selectFrom('campaign_runs')
    .select(['id', 'version', 'status', 'slot', 'waterfall', 'error'])
    .where('campaign_id', '=', campaignId);
  if (runId !== undefined) query = query.where('id', '=', String(runId));
  const runs = await query.orderBy('id', 'desc').limit(100).execute();
  if (runs.length === 0) return [];
  const counts = await sql<{ run_id: string; status: DeliveryStatus; n: number }>`
    select run_id::text as run_id, status, count(*)::int as n from deliveries
     where run_id in (${sql.join(runs.map((r) => r.id))}) group by run_id, status`.execute(db);
  return runs.map((r) => ({
    id: Number(r.id),
    version: r.version,
    status: r.status,
    slot: new Date(r.slot).toISOString(),
    waterfall: r.waterfall as Waterfall | null,
    error: r.error,
    deliveries: Object.fromEntries(
      counts.rows.filter((c) => c.run_id === String(r.id)).map((c) => [c.status, c.n]),
    ),
  }));
}
