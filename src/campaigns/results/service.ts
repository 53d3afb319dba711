import type { Kysely } from 'kysely';
import { iso } from '../../pool/customers.ts';
import type { Clock } from '../../shared/clock.ts';
import { err, ok, type Result } from '../../shared/errors.ts';
import type { EventStore } from '../../store/events/store.ts';
import type { Database } from '../../store/operational/database.ts';
import { RoaringBitmap32 } from '../../shared/bitmap.ts';
import type { CampaignDraft } from '../model.ts';
import { breakdown, conversionLift, runCost, stageCounts } from './compute.ts';
import { RESULT_DEFINITIONS, RESULT_STAGES, type CampaignResults, type ResultRun } from './model.ts';
import { contentProducts, readGroups, readRunSets } from './read.ts';

// A campaign run's results: which run (the one asked for, else the latest that started), its conversion window
// (from the run's start for the campaign's window, cut at now while open), the customer sets, then the figures.

/** What results need. */
export interface ResultsDeps {
  readonly db: Kysely<Database>;
  readonly events: EventStore;
  readonly clock: Clock;
}

const DAY_MS = 86_400_000;

/** A campaign's started run: the one named, else the latest. */
export async function pickRun(db: Kysely<Database>, campaignId: number, runId: number | undefined) {
  let q = db
    .selectFrom('campaign_runs')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('prepared_at', 'is not', null);
  q = runId === undefined ? q.orderBy('id', 'desc').limit(1) : q.where('id', '=', String(runId));
  return q.executeTakeFirst();
}

/** A started run's row, as results read it. */
export type RunRow = NonNullable<Awaited<ReturnType<typeof pickRun>>>;

/**
 * The customer sets and stage counts of one started run, its campaign version's draft and conversion window (from
 * the run's start for the campaign's window, cut at now while open): what one run's results and the comparison
 * across campaigns both count from.
 */
export async function runFigures(deps: ResultsDeps, campaignId: number, row: RunRow) {
  const draft = await runDraft(deps.db, campaignId, row.version);
  const now = deps.clock.now();
  const start = new Date(row.prepared_at!);
  const end = draft.conversion ? new Date(start.getTime() + draft.conversion.windowDays * DAY_MS) : null;
  const until = end && end < now ? end : now;
  const sets = await readRunSets(
    deps.db,
    deps.events,
    { id: Number(row.id), audience: row.audience, control: row.control },
    draft.conversion ? { event: draft.conversion.event, from: start, until } : null,
  );
  return { draft, now, start, end, until, sets, totals: stageCounts(sets) };
}

/** The body of the campaign version a run prepared. */
export async function runDraft(
  db: Kysely<Database>,
  campaignId: number,
  version: number,
): Promise<CampaignDraft> {
  const row = await db
    .selectFrom('campaign_versions')
    .select('body')
    .where('campaign_id', '=', campaignId)
    .where('version', '=', version)
    .executeTakeFirstOrThrow();
  return row.body as unknown as CampaignDraft;
}

/** The results of one run of a campaign (the latest started run unless `runId` names one). */
export async function campaignResults(
  deps: ResultsDeps,
  campaignId: number,
  options: { runId?: number } = {},
): Promise<Result<CampaignResults>> {
  const campaign = await deps.db
    .selectFrom('campaigns')
    .select(['id', 'name'])
    .where('id', '=', campaignId)
    .executeTakeFirst();
  if (!campaign) return err({ code: 'not_found', message: `no campaign ${campaignId}` });
  const row = await pickRun(deps.db, campaignId, options.runId);
  if (!row)
    return err({
      code: 'not_found',
      message:
        options.runId === undefined
          ? `campaign ${campaignId} has not started a run yet`
          : `campaign ${campaignId} has no started run ${options.runId}`,
    });
  const { draft, now, start, end, until, sets, totals } = await runFigures(deps, campaignId, row);
  const [groups, products] = await Promise.all([
    readGroups(deps.db, RoaringBitmap32.or(sets.audience, sets.targeted), row.as_of),
    contentProducts(deps.db, [draft.content.id]),
  ]);
  const { lift, reason } = conversionLift(totals, draft.conversion !== undefined);
  const run: ResultRun = {
    id: Number(row.id),
    version: row.version,
    status: row.status,
    slot: iso(row.slot)!,
    preparedAt: iso(row.prepared_at),
    finishedAt: iso(row.finished_at),
    asOf: row.as_of,
  };
  return ok({
    campaignId,
    campaignName: campaign.name,
    run,
    product: products.get(draft.content.id) ?? null,
    conversion:
      draft.conversion && end
        ? {
            event: draft.conversion.event,
            windowDays: draft.conversion.windowDays,
            from: start.toISOString(),
            until: until.toISOString(),
            open: end > now,
          }
        : null,
    funnel: RESULT_STAGES.map((stage) => ({ stage, customers: totals[stage] })),
    totals,
    byTier: breakdown(sets, groups.tiers),
    byLifecycleStage: breakdown(sets, groups.stages),
    lift,
    liftReason: reason,
    cost: runCost(draft.costPerMessage, totals, lift),
    definitions: RESULT_DEFINITIONS,
    freshness: {
      eventsThrough: sets.lastEventAt === null ? null : new Date(sets.lastEventAt).toISOString(),
      computedAt: now.toISOString(),
    },
  });
}
