import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { insertDeliveries, planForAudience } from '../campaigns/runs/prepare.ts';
import type { ContactPolicy } from '../campaigns/policy/settings.ts';
import { contactPolicy } from '../campaigns/policy/store.ts';
import {
  channelSpecs,
  checkCampaign,
  createOwnedCampaign,
  type AudienceResolver,
} from '../campaigns/service.ts';
import { openRun } from '../journeys/nodes.ts';
import { sampleTest } from '../segments/sample.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { err, ok, schemaIssues, validationFailed, type Result } from '../shared/errors.ts';
import { invitationSchema } from './model.ts';
import { lockActivity, type ActivityDeps } from './service.ts';

// Invitations go through the campaign engine's one path, as a journey's sends do: each invitation owns a campaign
// (`campaigns.owned_by = 'activity'`, never scheduled) whose version carries the content, channels, purpose and the
// activity the composer fills `{{ activity.* }}` from (each invitee's RSVP link is their own signed token); the
// audience passes the contact policy (`planForAudience`) and the deliveries are written by `insertDeliveries` into
// the campaign's run of the business day. A control group (a fixed hashed sample per activity) is recorded and sent
// nothing. Customers already on the activity (invited before, walked in, leads) are not invited again.

/** What inviting needs: the audience resolver (saved segments, rules, lists) and the contact policy. */
export interface InviteDeps extends ActivityDeps {
  readonly audience: AudienceResolver;
  /** The stored contact policy when omitted. */
  readonly policy?: ContactPolicy;
}

/** What an invitation did. */
export interface InvitationReport {
  readonly campaignId: number;
  /** New invitees: treated plus control. */
  readonly invitees: number;
  readonly control: number;
  readonly queued: number;
  /** Treated invitees the contact policy stopped (consent, do-not-contact, caps, holdout). */
  readonly suppressed: number;
  /** Already on the activity, left as they were. */
  readonly alreadyInvited: number;
}

/** The seed of an activity's control group: fixed per activity, so a second invitation holds back the same people. */
export const activityControlSeed = (activityId: number) => `activity:${activityId}:control`;

/** Invites a population to an activity (draft or open; it opens); audited with the counts. */
export async function inviteToActivity(
  deps: InviteDeps,
  actor: string,
  activityId: number,
  input: unknown,
): Promise<Result<InvitationReport>> {
  const parsed = invitationSchema.safeParse(input);
  if (!parsed.success)
    return err(validationFailed('the invitation is not well formed', schemaIssues(parsed.error.issues)));
  const invitation = parsed.data;
  const activity = await deps.db
    .selectFrom('activities')
    .select(['name', 'venue', 'starts_at', 'status'])
    .where('id', '=', activityId)
    .executeTakeFirst();
  if (!activity) return err({ code: 'not_found', message: `no activity ${activityId}` });
  const name = `${activity.name} · invitation`.slice(0, 200);
  const draft = {
    name,
    purpose: invitation.purpose,
    population: invitation.population,
    content: invitation.content,
    channels: invitation.channels,
    schedule: { kind: 'now' as const },
    controlPercent: 0,
  };
  // The campaign engine's own check of content (approved, with each channel's variant) and channels (enabled).
  const checked = await checkCampaign(deps, draft);
  if (!checked.ok) return checked;
  // Resolved before the transaction: the segment index is read through the store (one connection when embedded).
  const members = await deps.audience(invitation.population);
  if (!members.ok) return err({ ...members.error, message: `population: ${members.error.message}` });
  const specs = await channelSpecs(deps.db);
  const channels = invitation.channels.map((key) => ({ key, reaches: specs.get(key)!.reaches }));
  const policy = deps.policy ?? (await contactPolicy(deps.db));
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx): Promise<Result<InvitationReport>> => {
    const locked = await lockActivity(tx, activityId, ['draft', 'open'], 'invite');
    if (!locked.ok) return locked;
    const already = new Set(
      (
        await tx
          .selectFrom('activity_invitees')
          .select('customer_id')
          .where('activity_id', '=', activityId)
          .execute()
      ).map((r) => r.customer_id),
    );
    const inControl =
      invitation.controlPercent > 0
        ? sampleTest(activityControlSeed(activityId), invitation.controlPercent)
        : () => false;
    const fresh = members.value.bitmap.toArray().filter((id) => !already.has(id));
    const control = fresh.filter((id) => inControl(id));
    const treated = fresh.filter((id) => !inControl(id));
    const campaignId = await createOwnedCampaign(tx, {
      owner: 'activity',
      name,
      purpose: invitation.purpose,
      // What the delivery path reads (purpose, content, channels) and the activity the composer fills in.
      body: {
        ...draft,
        activity: {
          id: activityId,
          name: locked.value.name,
          venue: locked.value.venue ?? '',
          startsAt: new Date(locked.value.starts_at).toISOString(),
        },
      },
      actor,
      decidedBy: `activity:${activityId}`,
      now,
    });
    await tx
      .insertInto('activity_sends')
      .values({ activity_id: activityId, campaign_id: campaignId })
      .execute();
    let queued = 0;
    if (treated.length > 0) {
      const plan = await planForAudience(
        { db: tx, clock: deps.clock, policy },
        { campaignId: campaignId, purpose: invitation.purpose, channels, controlPercent: 0 },
        new RoaringBitmap32(treated),
      );
      const notBefore = plan.notBefore ?? now;
      const capDay = deps.clock.dayOf(notBefore);
      const counts = invitation.purpose === 'marketing' || !policy.serviceIgnoresCaps;
      const runId = await openRun(tx, deps.clock, campaignId, capDay, now, counts);
      for (const channel of channels) {
        const sends = plan.sends.get(channel.key)!;
        const written = await insertDeliveries(tx, {
          runId,
          purpose: invitation.purpose,
          channel,
          ids: sends.customerIds,
          consentAt: sends.consentAt,
          keys: sends.customerIds.map((id) => `a${campaignId}-${id}`),
          notBefore,
          now,
          capDay: counts ? capDay : null,
        });
        queued += written.length;
      }
    }
    if (fresh.length > 0)
      await sql`
        insert into activity_invitees (activity_id, customer_id, source, control, invited_at)
        select ${activityId}, t.id, 'invited', t.control, ${now}::timestamptz
          from unnest(${fresh}::int[], ${fresh.map((id) => inControl(id))}::boolean[]) as t(id, control)
        on conflict do nothing`.execute(tx);
    if (locked.value.status === 'draft')
      await tx
        .updateTable('activities')
        .set({ status: 'open', updated_at: now })
        .where('id', '=', activityId)
        .execute();
    const report: InvitationReport = {
      campaignId: campaignId,
      invitees: fresh.length,
      control: control.length,
      queued,
      suppressed: treated.length - queued,
      alreadyInvited: members.value.bitmap.size - fresh.length,
    };
    await recordAudit(tx, {
      actor,
      action: 'activity.invite',
      entityType: 'activity',
      entityId: String(activityId),
      details: { ...report, population: invitation.population, content: invitation.content },
      at: now,
    });
    return ok(report);
  });
}
