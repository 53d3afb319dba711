import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ContentDraft } from '../campaigns/content/model.ts';
import { completeFinishedRuns } from '../campaigns/delivery/worker.ts';
import type { CampaignDraft } from '../campaigns/model.ts';
import { startDueRuns } from '../campaigns/runs/scheduler.ts';
import { createCampaign, reviewCampaign, type CampaignDeps } from '../campaigns/service.ts';
import { SegmentService } from '../segments/service.ts';
import { segmentAudience } from '../campaigns/audience.ts';
import { businessCalendar, clockOf } from '../shared/clock.ts';
import { shiftDay } from '../shared/day.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import { tagSource } from '../tags/segment-source.ts';
import { deserializeBitmap } from '../tags/snapshot-store.ts';
import { DEMO_CAMPAIGNS, DEMO_MATURITY_REMINDER, type DemoCampaign } from './campaign-plans.ts';
import {
  approvedContent,
  demoEvent,
  draw,
  ensureDemoChannels,
  markDelivered,
  receiptsOf,
  sendDue,
  sentDeliveries,
} from './sending.ts';

// The demo bank's past operations, so that the Campaigns pages are not empty on first start: a few campaigns written,
// approved and sent through the real engine (content library, maker-checker, contact policy, outbox channels) on
// days before the demo's last day, then the answers a bank would see — delivery receipts, opens, clicks and
// purchases — with a real effect over each campaign's control group. Deterministic from the customer ids.

/** What seeding the demo's campaigns needs. */
export interface DemoCampaignDeps {
  readonly db: Kysely<Database>;
  readonly events: EventStore;
  readonly timeZone: string;
  readonly logger?: Logger;
}

const ACTORS = { author: 'demo:operations', checker: 'demo:compliance' };
const HOUR = 3_600_000;

/** The engine as the demo's operations team uses it at `now` (a clock the caller moves). */
function engineAt(deps: DemoCampaignDeps, now: () => Date) {
  const clock = clockOf(now, deps.timeZone);
  const segments = new SegmentService({ db: deps.db, events: deps.events, clock, tags: tagSource });
  const campaign: CampaignDeps = { db: deps.db, clock, audience: segmentAudience(segments) };
  return campaign;
}

/** Writes, approves and starts a campaign (its content too); the campaign's id. */
async function approvedCampaign(
  campaignDeps: CampaignDeps,
  content: ContentDraft,
  campaign: Omit<CampaignDraft, 'content'>,
): Promise<number> {
  const contentId = await approvedContent(campaignDeps, ACTORS, content);
  const draft: CampaignDraft = { ...campaign, content: { id: contentId, version: 1 } };
  const created = await createCampaign(campaignDeps, ACTORS.author, draft);
  if (!created.ok) throw new Error(`demo campaign ${draft.name}: ${created.error.message}`);
  const id = created.value.id;
  await reviewCampaign(campaignDeps, ACTORS.author, id, 1, { action: 'submit' });
  await reviewCampaign(campaignDeps, ACTORS.checker, id, 1, { action: 'approve' });
  return id;
}

/** Starts the runs due now and sends them through the outbox channels, as the worker would; the runs and messages. */
async function runDue(
  deps: DemoCampaignDeps,
  campaignDeps: CampaignDeps,
): Promise<{ runs: number[]; sent: number }> {
  const runs = await startDueRuns(campaignDeps);
  return { runs, sent: await sendDue(deps, campaignDeps.clock) };
}

/** Sends one demo campaign on its day; the run id and the customers it targeted and held back. */
async function sendCampaign(deps: DemoCampaignDeps, plan: DemoCampaign, day: string) {
  let now = businessCalendar(deps.timeZone).at(day, plan.sendAt);
  const campaignDeps = engineAt(deps, () => new Date(now));
  const id = await approvedCampaign(campaignDeps, plan.content, plan.campaign);
  const {
    runs: [runId],
  } = await runDue(deps, campaignDeps);
  if (runId === undefined) throw new Error(`demo campaign ${plan.campaign.name} did not start`);
  now = new Date(now.getTime() + HOUR);
  await completeFinishedRuns(deps.db, now);
  return { campaignId: id, runId, sentAt: now.getTime() - HOUR };
}

/**
 * The demo's standing service notice: a deposit-maturity reminder approved `days` days before the last day and run
 * every morning since, each run reaching the customers whose deposits mature three days later. It stays
 * running, so a worker goes on sending it each day. The messages sent.
 */
async function seedMaturityReminder(deps: DemoCampaignDeps, asOf: string, days: number): Promise<number> {
  const calendar = businessCalendar(deps.timeZone);
  let now = calendar.at(shiftDay(asOf, -days), DEMO_MATURITY_REMINDER.approveAt);
  const campaignDeps = engineAt(deps, () => new Date(now));
  await approvedCampaign(campaignDeps, DEMO_MATURITY_REMINDER.content, DEMO_MATURITY_REMINDER.campaign);
  let runs = 0;
  let sent = 0;
  for (let d = days - 1; d >= 0; d--) {
    now = calendar.at(shiftDay(asOf, -d), DEMO_MATURITY_REMINDER.checkAt);
    const due = await runDue(deps, campaignDeps);
    runs += due.runs.length;
    sent += due.sent;
    await completeFinishedRuns(deps.db, new Date(now.getTime() + HOUR));
  }
  if (runs !== days) throw new Error(`demo maturity reminder ran ${runs} times in ${days} days`);
  return sent;
}

/** The answers to one run: receipts, opens, clicks (per channel) and purchases (targeted and control). */
async function answer(
  deps: DemoCampaignDeps,
  plan: DemoCampaign,
  sent: { campaignId: number; runId: number; sentAt: number },
) {
  const run = await deps.db
    .selectFrom('campaign_runs')
    .select(['control'])
    .where('id', '=', String(sent.runId))
    .executeTakeFirstOrThrow();
  const deliveries = await sentDeliveries(deps.db, sent.runId);
  const { rows, delivered } = receiptsOf(deliveries, sent, plan.responses);
  const c = sent.campaignId;
  // Purchases within the conversion window: the base rate for everyone, the campaign's effect on top for those it
  // reached. The control group shows what would have happened anyway.
  const control = new Set(run.control ? deserializeBitmap(run.control).toArray() : []);
  const reached = new Set(deliveries.map((d) => d.customer_id));
  const numbers = new Map(deliveries.map((d) => [d.customer_id, d.customer_no]));
  if (control.size > 0) {
    const more = await deps.db
      .selectFrom('customers')
      .select(['id', 'customer_no'])
      .where('id', 'in', [...control])
      .execute();
    for (const m of more) numbers.set(m.id, m.customer_no);
  }
  for (const id of [...reached, ...control]) {
    const rate = plan.conversion.base + (reached.has(id) ? plan.conversion.effect : 0);
    if (draw(id, c, 6) >= rate) continue;
    const when =
      sent.sentAt + HOUR + draw(id, c, 7) * (plan.campaign.conversion?.windowDays ?? 7) * 20 * HOUR;
    const amount = Math.round((plan.conversion.amount * (0.5 + draw(id, c, 8) * 2)) / 100) * 100;
    rows.push(
      demoEvent(`demo-campaign-${c}-${id}`, 'purchase', { id, no: numbers.get(id) ?? '' }, when, {
        product_id: plan.content.productId ?? null,
        category: plan.productCategory,
        channel: 'app',
        amount,
      }),
    );
  }
  await deps.events.insert('events', rows);
  await markDelivered(deps.db, delivered);
  return { messages: deliveries.length, events: rows.length };
}

/** Seeds the demo's finished campaigns (once: nothing when a campaign exists); what was sent and answered. */
export async function seedDemoCampaigns(
  deps: DemoCampaignDeps,
  asOf: string,
): Promise<{ campaigns: number; messages: number; events: number }> {
  const existing = await deps.db.selectFrom('campaigns').select('id').limit(1).executeTakeFirst();
  if (existing) return { campaigns: 0, messages: 0, events: 0 };
  await ensureDemoChannels(deps.db, new Date(), ACTORS.author);
  let messages = 0;
  let events = 0;
  for (const plan of DEMO_CAMPAIGNS) {
    const sent = await sendCampaign(deps, plan, shiftDay(asOf, -plan.daysAgo));
    const answered = await answer(deps, plan, sent);
    messages += answered.messages;
    events += answered.events;
    deps.logger?.info({ campaign: plan.campaign.name, ...answered }, 'demo campaign sent and answered');
  }
  const reminders = await seedMaturityReminder(deps, asOf, 3);
  deps.logger?.info(
    { campaign: DEMO_MATURITY_REMINDER.campaign.name, messages: reminders },
    'demo reminder sent',
  );
  return { campaigns: DEMO_CAMPAIGNS.length + 1, messages: messages + reminders, events };
}
