import { sql, type Transaction } from 'kysely';
import { insertDeliveries, planForAudience } from '../campaigns/runs/prepare.ts';
import type { ContactChannel, ContactPolicy } from '../campaigns/policy/settings.ts';
import type { Rule } from '../contracts/rule.ts';
import { sampleTest } from '../segments/sample.ts';
import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from '../shared/bitmap.ts';
import type { Clock } from '../shared/clock.ts';
import { addDays, type Day } from '../shared/day.ts';
import type { Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { durationMs, type JourneyNode } from './model.ts';
import { splitExperimentFor } from './split-experiments.ts';

// What each kind of node does to a group of memberships standing on it at once (one batch, one version, one node):
// the effect is written in the batch's transaction and each membership gets its outcome and the exit it takes.

/** A membership standing on a node. */
export interface Walker {
  readonly id: string;
  readonly journeyId: number;
  readonly customerId: number;
  /** A date entry's holding due day, which the send nodes' notices are about; null for other entries. */
  readonly holdingDueOn: string | null;
}

/** What a node did for one membership: the exit taken, or where it rests (a wait's due time). */
export type Outcome =
  | { readonly exit: string; readonly outcome: string; readonly arm?: string }
  | { readonly waitUntil: Date; readonly outcome: 'waiting' };

/** The members of a rule now (the segment service's `ruleMembers`). */
export type RuleMembers = (
  rule: Rule,
) => Promise<Result<{ readonly bitmap: ReadonlyRoaringBitmap32 }, { readonly message: string }>>;

/** A branch arm's members as evaluated for the batch, or why its rule failed. */
export type ArmMembers = ReadonlyRoaringBitmap32 | string;

/** What node handlers need; `now` is the batch's instant, the clock reads it. */
export interface NodeContext {
  readonly tx: Transaction<Database>;
  readonly clock: Clock;
  readonly policy: ContactPolicy;
  readonly channels: ReadonlyMap<string, ContactChannel>;
  /** The members of each arm of a branch, evaluated before the batch's transaction. */
  readonly branchMembers: (versionId: number, nodeId: string) => readonly ArmMembers[];
  /** The campaign of a send node of a version. */
  readonly sendCampaign: (versionId: number, nodeId: string) => Promise<number>;
}

/** The idempotency key of a send node's message to one membership: a repeated step queues nothing twice. */
export const journeyDeliveryKey = (membershipId: string, nodeId: string) => `j${membershipId}-${nodeId}`;

/** When a wait that starts at `now` ends. */
export function waitEnd(node: Extract<JourneyNode, { kind: 'wait' }>, clock: Clock, now: Date): Date {
  if (node.duration) return new Date(now.getTime() + durationMs(node.duration));
  const today = clock.dayOf(now);
  const at = clock.at(today, node.until!);
  return at > now ? at : clock.at(addDays(today, 1), node.until!);
}

/** Runs one node for the walkers on it; an outcome per walker, in order. */
export async function runNode(
  context: NodeContext,
  versionId: number,
  node: JourneyNode,
  walkers: readonly Walker[],
): Promise<Outcome[]> {
  const now = context.clock.now();
  switch (node.kind) {
    case 'wait':
      return walkers.map(() => ({ waitUntil: waitEnd(node, context.clock, now), outcome: 'waiting' }));
    case 'wait_for_event':
      return walkers.map(() => ({
        waitUntil: new Date(now.getTime() + durationMs(node.timeout)),
        outcome: 'waiting',
      }));
    case 'exit':
      return walkers.map(() => ({ exit: '', outcome: 'exited' }));
    case 'split': {
      const seed = `journey:${walkers[0]!.journeyId}:split:${node.id}`;
      // Nested samples of one seed: the first arm whose cumulative share holds the customer.
      let total = 0;
      const tests = node.arms.map((a) => ({ key: a.key, in: sampleTest(seed, (total += a.share)) }));
      const outcomes = walkers.map((w) => {
        const arm = (tests.find((t) => t.in(w.customerId)) ?? tests.at(-1)!).key;
        return { exit: arm, outcome: 'assigned', arm };
      });
      const experimentId = await splitExperimentFor(context.tx, walkers[0]!.journeyId, node);
      await recordArms(context, experimentId, walkers, outcomes);
      return outcomes;
    }
    case 'branch': {
      const members = context.branchMembers(versionId, node.id);
      return walkers.map((w) => {
        const i = members.findIndex((m) => typeof m !== 'string' && m.has(w.customerId));
        const failed = members.find((m) => typeof m === 'string');
        return i >= 0
          ? { exit: node.arms[i]!.key, outcome: 'matched' }
          : { exit: 'default', outcome: failed ? `rule_failed: ${failed}`.slice(0, 200) : 'default' };
      });
    }
    case 'send':
      return send(context, versionId, node, walkers);
    case 'task':
      return task(context, node, walkers);
    case 'tag':
      return tag(context, node, walkers);
  }
}

/**
 * The split's experiment units, one per customer (who keeps their arm on re-entry): converted 0 until the journey's
 * goal converts them (events.ts).
 */
async function recordArms(
  context: NodeContext,
  experimentId: string,
  walkers: readonly Walker[],
  outcomes: readonly { arm: string }[],
): Promise<void> {
  await sql`
    insert into experiment_units (experiment_id, unit_key, arm, customer_id, metrics)
    select ${experimentId}, 'customer:' || t.id, t.arm, t.id, '{"converted": 0}'::jsonb
      from unnest(${walkers.map((w) => w.customerId)}::int[], ${outcomes.map((o) => o.arm)}::text[]) as t(id, arm)
    on conflict (experiment_id, unit_key) do nothing`.execute(context.tx);
  await context.tx
    .updateTable('experiments')
    .set({ data_changed_at: context.clock.now() })
    .where('id', '=', experimentId)
    .execute();
}

async function send(
  context: NodeContext,
  versionId: number,
  node: Extract<JourneyNode, { kind: 'send' }>,
  walkers: readonly Walker[],
): Promise<Outcome[]> {
  const { tx, clock, policy } = context;
  const now = clock.now();
  const campaignId = await context.sendCampaign(versionId, node.id);
  const channels = node.channels.flatMap((key) => {
    const reaches = context.channels.get(key);
    return reaches ? [{ key, reaches }] : [];
  });
  const membership = new Map(walkers.map((w) => [w.customerId, w.id]));
  const holdingDue = new Map(walkers.map((w) => [w.customerId, w.holdingDueOn]));
  const outcome = new Map<number, string>();
  if (channels.length > 0) {
    // The campaign engine's one policy waterfall (consent, do-not-contact, caps, holdout, quiet hours); the
    // journey's own control group was held out when customers entered.
    const plan = await planForAudience(
      { db: tx, clock, policy },
      { campaignId, purpose: node.purpose, channels, controlPercent: 0 },
      new RoaringBitmap32([...membership.keys()]),
    );
    const notBefore = plan.notBefore ?? now;
    const capDay = clock.dayOf(notBefore);
    const counts = node.purpose === 'marketing' || !policy.serviceIgnoresCaps;
    const runId = await openRun(tx, clock, campaignId, capDay, now, counts);
    for (const channel of channels) {
      const sends = plan.sends.get(channel.key)!;
      const written = await insertDeliveries(tx, {
        runId,
        purpose: node.purpose,
        channel,
        ids: sends.customerIds,
        consentAt: sends.consentAt,
        keys: sends.customerIds.map((id) => journeyDeliveryKey(membership.get(id)!, node.id)),
        dueOn: sends.customerIds.map((id) => holdingDue.get(id) ?? null),
        notBefore,
        now,
        capDay: counts ? capDay : null,
      });
      for (const id of sends.customerIds) outcome.set(id, 'already_sent_today');
      for (const id of written) outcome.set(id, `queued:${channel.key}`);
    }
  }
  return walkers.map((w) => ({ exit: 'next', outcome: outcome.get(w.customerId) ?? 'suppressed' }));
}

/**
 * The run of an owned campaign (a journey's send node, an activity's invitation) for the business day its messages go
 * on: created on first use, taking more deliveries until the day is over (open_until), reopened should the worker have
 * completed it meanwhile.
 */
export async function openRun(
  tx: Transaction<Database>,
  clock: Clock,
  campaignId: number,
  day: Day,
  now: Date,
  countsTowardCaps: boolean,
): Promise<number> {
  const slot = clock.startOf(day);
  const openUntil = new Date(clock.startOf(addDays(day, 1)).getTime() + 3_600_000);
  const { rows } = await sql<{ id: string }>`
    insert into campaign_runs (campaign_id, version, slot, status, as_of, prepared_at, created_at, cap_day, open_until)
    values (${campaignId}, 1, ${slot}, 'sending', ${day}::date, ${now}, ${now}, ${countsTowardCaps ? day : null}::date,
            ${openUntil})
    on conflict (campaign_id, slot) do update
       set status = case when campaign_runs.status = 'completed' then 'sending' else campaign_runs.status end,
           finished_at = case when campaign_runs.status = 'completed' then null else campaign_runs.finished_at end
    returning id`.execute(tx);
  return Number(rows[0]!.id);
}

async function task(
  context: NodeContext,
  node: Extract<JourneyNode, { kind: 'task' }>,
  walkers: readonly Walker[],
): Promise<Outcome[]> {
  const now = context.clock.now();
  const owners = new Map(
    (
      await context.tx
        .selectFrom('customer_owners')
        .select(['customer_id', 'manager_id'])
        .where(
          'customer_id',
          'in',
          walkers.map((w) => w.customerId),
        )
        .execute()
    ).map((o) => [o.customer_id, o.manager_id]),
  );
  const rows = walkers.flatMap((w) => {
    const assignee = owners.get(w.customerId);
    return assignee
      ? [
          {
            customer_id: w.customerId,
            assignee_id: assignee,
            title: node.title,
            due_on: addDays(context.clock.dayOf(now), node.dueDays),
            source: 'journey' as const,
            // Once per membership and node, like a campaign's task per delivery.
            delivery_key: `journey:${w.id}:${node.id}`,
            created_by: `journey:${w.journeyId}`,
            created_at: now,
            updated_at: now,
          },
        ]
      : [];
  });
  if (rows.length > 0)
    await context.tx
      .insertInto('tasks')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['customer_id', 'delivery_key']).where('delivery_key', 'is not', null).doNothing(),
      )
      .execute();
  return walkers.map((w) => ({ exit: 'next', outcome: owners.has(w.customerId) ? 'task' : 'no_owner' }));
}

async function tag(
  context: NodeContext,
  node: Extract<JourneyNode, { kind: 'tag' }>,
  walkers: readonly Walker[],
): Promise<Outcome[]> {
  const ids = walkers.map((w) => w.customerId);
  if (node.action === 'add')
    await sql`
      insert into manual_tag_values (tag_key, customer_id, value, updated_at)
      select ${node.tag}, t.id, ${node.value}, ${context.clock.now()}::timestamptz from unnest(${ids}::int[]) as t(id)
      on conflict (tag_key, customer_id) do update set value = excluded.value, updated_at = excluded.updated_at`.execute(
      context.tx,
    );
  else
    await context.tx
      .deleteFrom('manual_tag_values')
      .where('tag_key', '=', node.tag)
      .where('value', '=', node.value)
      .where('customer_id', 'in', ids)
      .execute();
  return walkers.map(() => ({ exit: 'next', outcome: node.action === 'add' ? 'tagged' : 'untagged' }));
}
