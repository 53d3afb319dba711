import { sql, type Kysely, type Transaction } from 'kysely';
import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import { sampleTest } from '../../segments/sample.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Database } from '../../store/operational/database.ts';
import { serializeBitmap } from '../../tags/snapshot-store.ts';
import { loadAudienceFacts } from '../policy/facts.ts';
import { reserveCaps } from '../policy/ledger.ts';
import type { ContactChannel, ContactPolicy, Purpose } from '../policy/settings.ts';
import { capPeriods, sendWindow } from '../policy/window.ts';
import { planRun, type RunPlan, type Waterfall } from './plan.ts';

// Preparing a run turns its audience snapshot into deliveries: the plan (policy decisions), then in one transaction
// the deliveries (unique per run, customer and channel), the cap ledger, the audience and control bitmaps and the
// waterfall, and the run's move to 'sending'. A crash before the commit leaves the run 'preparing' with nothing
// written; preparing it again writes it once.

/** The campaign facts a run is prepared with (its version's). */
export interface RunSpec {
  readonly runId: number;
  readonly campaignId: number;
  readonly purpose: Purpose;
  readonly channels: readonly { readonly key: string; readonly reaches: ContactChannel }[];
  /** Percent of the audience held back as this campaign's control group (0–50). */
  readonly controlPercent: number;
}

/** What preparing needs. */
export interface PrepareDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly policy: ContactPolicy;
}

/** The control group seed of a campaign: fixed per campaign, so recurring runs hold back the same customers. */
export const controlSeed = (campaignId: number) => `campaign:${campaignId}:control`;
/** The global holdout's seed: one bank-wide sample. */
export const GLOBAL_HOLDOUT_SEED = 'bank:global-holdout';

/** The plan for a run's audience now: what the preview shows and the run writes. */
export async function planForAudience(
  deps: PrepareDeps,
  spec: Omit<RunSpec, 'runId'>,
  audience: ReadonlyRoaringBitmap32,
): Promise<RunPlan> {
  const now = deps.clock.now();
  const facts = await loadAudienceFacts(
    deps.db,
    audience,
    spec.channels.map((c) => c.reaches),
    capPeriods(deps.clock, now),
    spec.purpose,
  );
  return planRun({
    audience,
    purpose: spec.purpose,
    channels: spec.channels,
    policy: deps.policy,
    window: sendWindow(deps.clock, deps.policy, now),
    facts,
    inControlGroup:
      spec.controlPercent > 0 ? sampleTest(controlSeed(spec.campaignId), spec.controlPercent) : () => false,
    inGlobalHoldout:
      deps.policy.globalHoldoutPercent > 0
        ? sampleTest(GLOBAL_HOLDOUT_SEED, deps.policy.globalHoldoutPercent)
        : () => false,
  });
}

const CHUNK = 50_000;

/** One channel's deliveries of a run, as a plan decided them. */
export interface DeliveryBatch {
  readonly runId: number;
  readonly purpose: Purpose;
  readonly channel: { readonly key: string; readonly reaches: ContactChannel };
  readonly ids: readonly number[];
  readonly consentAt: readonly (string | null)[];
  /** Idempotency keys, one per id (a journey's: per membership and node); by default run, customer and channel. */
  readonly keys?: readonly string[];
  readonly notBefore: Date;
  readonly now: Date;
  /** The business day the messages count against caps on; null when they do not count. */
  readonly capDay: string | null;
  /** Per id, the day the holding its service notice is about falls due (a journey's date entry); null or absent: none. */
  readonly dueOn?: readonly (string | null)[];
}

/**
 * Writes a run's deliveries on one channel — a row already there (same run, customer and channel, or same key) is
 * left as it is — and reserves caps for the rows written; returns the customers written. In the caller's transaction.
 */
export async function insertDeliveries(tx: Transaction<Database>, batch: DeliveryBatch): Promise<number[]> {
  const written: number[] = [];
  const { runId, channel } = batch;
  for (let from = 0; from < batch.ids.length; from += CHUNK) {
    const chunk = batch.ids.slice(from, from + CHUNK);
    const ats = batch.consentAt.slice(from, from + CHUNK);
    const keys = batch.keys
      ? batch.keys.slice(from, from + CHUNK)
      : chunk.map((id) => `${runId}-${id}-${channel.key}`);
    const due = batch.dueOn ? batch.dueOn.slice(from, from + CHUNK) : chunk.map(() => null);
    const { rows } = await sql<{ customer_id: number }>`
      insert into deliveries (run_id, customer_id, channel, idempotency_key, not_before, consent, updated_at,
                              holding_due_on)
      select ${runId}::bigint, t.id, ${channel.key}, t.key, ${batch.notBefore}::timestamptz,
             jsonb_build_object('reaches', ${channel.reaches}::text, 'purpose', ${batch.purpose}::text,
                                'status', 'granted', 'recordedAt', t.at),
             ${batch.now}::timestamptz, t.due
        from unnest(${[...chunk]}::int[], ${[...ats]}::text[], ${[...keys]}::text[], ${[...due]}::date[])
             as t(id, at, key, due)
      on conflict do nothing
      returning customer_id`.execute(tx);
    const ids = rows.map((r) => r.customer_id);
    if (batch.capDay !== null && ids.length > 0)
      await reserveCaps(ids, channel.reaches, batch.capDay).execute(tx);
    written.push(...ids);
  }
  return written;
}

/** Prepares a run in 'preparing' on `audience` (the snapshot of its population on `asOf`); its waterfall. */
export async function prepareRun(
  deps: PrepareDeps,
  spec: RunSpec,
  audience: RoaringBitmap32,
  asOf: string,
): Promise<Waterfall> {
  const plan = await planForAudience(deps, spec, audience);
  const now = deps.clock.now();
  const notBefore = plan.notBefore ?? now;
  const capDay = deps.clock.dayOf(notBefore);
  const countsTowardCaps = spec.purpose === 'marketing' || !deps.policy.serviceIgnoresCaps;
  const waterfall = await deps.db.transaction().execute(async (tx) => {
    const run = await tx
      .selectFrom('campaign_runs')
      .select(['status', 'waterfall'])
      .where('id', '=', String(spec.runId))
      .forUpdate()
      .executeTakeFirstOrThrow();
    // Another process prepared it first: its waterfall is the run's.
    if (run.status !== 'preparing') return run.waterfall as unknown as Waterfall;
    for (const channel of spec.channels) {
      const sends = plan.sends.get(channel.key)!;
      await insertDeliveries(tx, {
        runId: spec.runId,
        purpose: spec.purpose,
        channel,
        ids: sends.customerIds,
        consentAt: sends.consentAt,
        notBefore,
        now,
        capDay: countsTowardCaps ? capDay : null,
      });
    }
    await tx
      .updateTable('campaign_runs')
      .set({
        status: 'sending',
        as_of: asOf,
        audience: Buffer.from(serializeBitmap(audience)),
        control: Buffer.from(serializeBitmap(new RoaringBitmap32(plan.control))),
        waterfall: JSON.stringify(plan.waterfall),
        prepared_at: now,
        cap_day: countsTowardCaps ? capDay : null,
      })
      .where('id', '=', String(spec.runId))
      .execute();
    return plan.waterfall;
  });
  // Fresh statistics for the rows just written: the claims' plans depend on them, and the embedded store has no
  // autovacuum to gather them.
  await sql`analyze deliveries`.execute(deps.db);
  return waterfall;
}
