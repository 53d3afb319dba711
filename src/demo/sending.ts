import type { Kysely } from 'kysely';
import { outboxChannel } from '../campaigns/channels/outbox.ts';
import { createContent, reviewContent } from '../campaigns/content/library.ts';
import type { ContentDraft } from '../campaigns/content/model.ts';
import { Composer } from '../campaigns/delivery/composer.ts';
import { recordSentMessages } from '../campaigns/delivery/feedback.ts';
import { deliverBatch } from '../campaigns/delivery/worker.ts';
import type { LinkTracking } from '../campaigns/feedback/links.ts';
import { channelSpecs } from '../campaigns/service.ts';
import type { Clock } from '../shared/clock.ts';
import { fmix32 } from '../shared/hash.ts';
import type { BehaviourEvent, EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import { BANK_NAME } from './bank.ts';
import { DEMO_CHANNELS } from './campaign-plans.ts';

// How the demo's past messages went out and were answered, shared by its campaigns and its activity's invitations:
// content written and approved (maker-checker), the deliveries due sent through the outbox channels as the worker
// would, then the delivery receipts, opens and clicks a bank would see. Deterministic from the customer ids.

const HOUR = 3_600_000;

/** Who wrote and who approved. */
export interface DemoActors {
  readonly author: string;
  readonly checker: string;
}

/** Delivery, open and click rates of one touchpoint. */
export interface Rates {
  readonly delivered: number;
  readonly opened: number;
  readonly clicked: number;
}

/** A uniform draw in [0, 1) from a customer, a campaign and a purpose: the same every seed. */
export function draw(customerId: number, campaign: number, salt: number): number {
  return fmix32(fmix32(customerId * 0x9e3779b1 + campaign) ^ salt) / 4294967296;
}

/** The demo's outbox channels, created when missing. */
export async function ensureDemoChannels(db: Kysely<Database>, now: Date, actor: string): Promise<void> {
  await db
    .insertInto('channels')
    .values(DEMO_CHANNELS.map((c) => ({ ...c, config: '{}', updated_by: actor, updated_at: now })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

/** Writes content and has it approved; its id (version 1). */
export async function approvedContent(
  deps: { db: Kysely<Database>; clock: Clock },
  actors: DemoActors,
  draft: ContentDraft,
): Promise<number> {
  const created = await createContent(deps, actors.author, draft);
  if (!created.ok) throw new Error(`demo content ${draft.title}: ${created.error.message}`);
  const id = created.value.contentId;
  await reviewContent(deps, actors.author, id, 1, { action: 'submit' });
  const approved = await reviewContent(deps, actors.checker, id, 1, { action: 'approve' });
  if (!approved.ok) throw new Error(`demo content ${draft.title}: ${approved.error.message}`);
  return id;
}

/**
 * Sends every delivery due at the clock's now through the demo's outbox channels, as the worker would (message_sent
 * recorded in the event store); the messages sent. `links`: the signing the worker would use (RSVP links).
 */
export async function sendDue(
  deps: { db: Kysely<Database>; events: EventStore },
  clock: Clock,
  links?: LinkTracking,
): Promise<number> {
  const channels = await channelSpecs(deps.db);
  const worker = {
    db: deps.db,
    clock,
    workerId: 'demo',
    batchSize: 500,
    onSent: recordSentMessages(deps.events),
    senders: new Map(DEMO_CHANNELS.map(({ key }) => [key, outboxChannel(deps.db, clock, key)])),
    composer: new Composer(deps.db, channels, BANK_NAME, clock, links),
  };
  let sent = 0;
  for (;;) {
    const batch = await deliverBatch(worker, new AbortController().signal);
    if (batch.claimed === 0) return sent;
    sent += batch.sent;
  }
}

/** A run's messages the channels accepted, with whom they reached and how. */
export async function sentDeliveries(db: Kysely<Database>, runId: number) {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('customers as c', 'c.id', 'd.customer_id')
    .innerJoin('channels as ch', 'ch.key', 'd.channel')
    .select(['d.customer_id', 'd.idempotency_key', 'ch.reaches', 'c.customer_no'])
    .where('d.run_id', '=', String(runId))
    .where('d.status', '=', 'sent')
    .execute();
}

/** One behaviour event of a customer, its id `key:name`. */
export function demoEvent(
  key: string,
  name: string,
  customer: { id: number; no: string },
  at: number,
  properties: Record<string, unknown>,
): BehaviourEvent {
  return {
    event_id: `${key}:${name}`,
    customer_id: customer.id,
    distinct_id: customer.no,
    event: name,
    time: at,
    properties,
  };
}

/**
 * The receipts, opens and clicks of a run's sent messages, drawn per customer at each touchpoint's rates (`sms` when
 * a touchpoint has none); the events and the idempotency keys delivered.
 */
export function receiptsOf(
  deliveries: Awaited<ReturnType<typeof sentDeliveries>>,
  sent: { campaignId: number; runId: number; sentAt: number },
  responses: { readonly sms: Rates } & Readonly<Partial<Record<string, Rates>>>,
): { rows: BehaviourEvent[]; delivered: string[] } {
  const props = { campaign_id: sent.campaignId, run_id: sent.runId };
  const rows: BehaviourEvent[] = [];
  const delivered: string[] = [];
  const c = sent.campaignId;
  for (const d of deliveries) {
    const rates = responses[d.reaches] ?? responses.sms;
    const id = d.customer_id;
    if (draw(id, c, 1) >= rates.delivered) continue;
    delivered.push(d.idempotency_key);
    const key = `msg:${d.idempotency_key}`;
    const who = { id, no: d.customer_no };
    const channel = { ...props, channel: d.reaches };
    rows.push(demoEvent(key, 'message_delivered', who, sent.sentAt + 30_000, channel));
    if (draw(id, c, 2) < rates.opened)
      rows.push(demoEvent(key, 'message_opened', who, sent.sentAt + draw(id, c, 3) * 6 * HOUR, channel));
    if (draw(id, c, 4) < rates.clicked)
      rows.push(demoEvent(key, 'message_clicked', who, sent.sentAt + draw(id, c, 5) * 8 * HOUR, channel));
  }
  return { rows, delivered };
}

/** Marks deliveries delivered (their receipts arrived). */
export async function markDelivered(db: Kysely<Database>, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 5000)
    await db
      .updateTable('deliveries')
      .set({ status: 'delivered' })
      .where('idempotency_key', 'in', keys.slice(i, i + 5000))
      .execute();
}
