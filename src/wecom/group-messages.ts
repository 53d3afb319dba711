import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ChannelSender, OutgoingMessage, SendOutcome } from '../campaigns/channels/channel.ts';
import type { Clock } from '../shared/clock.ts';
import { addDays } from '../shared/day.ts';
import type { Database } from '../store/operational/database.ts';
import { REQUEST_STALE_MS, refreshGroupMessages } from './group-message-results.ts';
import { recipientOutcome, type RecipientRow } from './group-message-outcome.ts';
import type { WecomApi } from './port.ts';

// The WeCom group-message channel (kind wecom_group): a campaign's messages leave as add_msg_template calls, one per
// sending staff member, run and text — the customer's owner when they are WeCom friends, else the staff member whose
// friendship with the customer is newest. Nothing reaches a customer until the sender confirms in their client, so a
// delivery waits (queued) until the results poll (group-message-results.ts) sees it sent, failed or expired.
// WeCom lets a customer receive one group message a day: a customer who already has one waiting or sent today waits
// for the next business day. The policy (consent, caps, quiet hours) has already passed every message handed here.

/** Settings of a wecom_group channel (its `config`): business days the sender has to confirm, day 0 being today. */
export const wecomGroupConfigSchema = z.object({ confirmDays: z.int().min(0).max(7).default(1) }).strict();
export type WecomGroupOptions = z.input<typeof wecomGroupConfigSchema>;

/** What the channel needs. */
export interface GroupMessageDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly api: WecomApi;
  /** The channel's key (the rows it writes are kept per channel). */
  readonly channel: string;
}

/** WeCom takes at most this many customers per add_msg_template. */
const MAX_RECIPIENTS = 10_000;

const existingRecipients = (db: Kysely<Database>, keys: readonly string[]) =>
  db
    .selectFrom('wecom_group_message_recipients as r')
    .innerJoin('wecom_group_messages as m', 'm.id', 'r.message_id')
    .select([
      'r.delivery_key',
      'r.status',
      'r.reason',
      'm.id as message_id',
      'm.msgid',
      'm.state',
      'm.sender',
      'm.created_at',
      'm.expires_at',
    ])
    .where('r.delivery_key', 'in', keys)
    .execute() as Promise<RecipientRow[]>;

/** The staff member each customer's message goes out from: the owner if a friend, else the newest friendship. */
async function sendersOf(db: Kysely<Database>, messages: readonly OutgoingMessage[]) {
  const ids = [...new Set(messages.map((m) => m.customerId))];
  const rows = await db
    .selectFrom('wecom_friendships')
    .select(['customer_id', 'staff_id', 'external_userid', 'added_at'])
    .where('customer_id', 'in', ids)
    .where('removed_at', 'is', null)
    .orderBy('added_at', 'desc')
    .orderBy('staff_id')
    .execute();
  // Newest first per customer, as read.
  const byCustomer = new Map<number, typeof rows>();
  for (const r of rows) {
    const friends = byCustomer.get(r.customer_id!) ?? [];
    friends.push(r);
    byCustomer.set(r.customer_id!, friends);
  }
  const out = new Map<string, { staffId: string; externalUserid: string }>();
  for (const m of messages) {
    const friends = byCustomer.get(m.customerId) ?? [];
    const chosen = friends.find((f) => f.staff_id === m.managerId) ?? friends[0];
    if (chosen)
      out.set(m.idempotencyKey, { staffId: chosen.staff_id, externalUserid: chosen.external_userid });
  }
  return out;
}

/** Customers who already have a group message waiting or sent on `day`. */
async function servedOn(db: Kysely<Database>, customerIds: readonly number[], day: string) {
  if (customerIds.length === 0) return new Set<number>();
  const rows = await db
    .selectFrom('wecom_group_message_recipients')
    .select('customer_id')
    .where('customer_id', 'in', [...new Set(customerIds)])
    .where('day', '=', day)
    .where('status', 'in', ['awaiting_confirmation', 'sent'])
    .execute();
  return new Set(rows.map((r) => r.customer_id));
}

/** WeCom's attachments for a card variant: one link. */
function attachmentsOf(message: OutgoingMessage): unknown[] | undefined {
  const { card_title: title, card_url: url } = message.fields;
  if (!title || !url) return undefined;
  const link: Record<string, string> = { title, url };
  if (message.fields['card_description']) link['desc'] = message.fields['card_description'];
  if (message.fields['card_picUrl']) link['picurl'] = message.fields['card_picUrl'];
  return [{ msgtype: 'link', link }];
}

interface Planned {
  readonly message: OutgoingMessage;
  readonly externalUserid: string;
}

/** Writes one group message and its recipients before the call, so a stop mid-call leaves a trace. */
async function recordRequest(
  deps: GroupMessageDeps,
  sender: string,
  text: string,
  planned: readonly Planned[],
  expiresAt: Date,
): Promise<string> {
  const now = deps.clock.now();
  const day = deps.clock.today();
  return deps.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('wecom_group_messages')
      .values({
        channel: deps.channel,
        run_id: String(planned[0]!.message.runId),
        sender,
        content: text,
        created_at: now,
        expires_at: expiresAt,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('wecom_group_message_recipients')
      .values(
        planned.map((p) => ({
          delivery_key: p.message.idempotencyKey,
          message_id: row.id,
          customer_id: p.message.customerId,
          external_userid: p.externalUserid,
          day,
          updated_at: now,
        })),
      )
      .execute();
    return String(row.id);
  });
}

/** Asks WeCom for one group message and records its answer; the outcome of each planned delivery. */
async function request(
  deps: GroupMessageDeps,
  sender: string,
  planned: readonly Planned[],
  expiresAt: Date,
): Promise<SendOutcome[]> {
  const first = planned[0]!.message;
  const text = first.fields['text'] ?? '';
  const id = await recordRequest(deps, sender, text, planned, expiresAt);
  const attachments = attachmentsOf(first);
  const end = async (state: 'failed' | 'unknown', reason: string, errcode: number | null) => {
    const now = deps.clock.now();
    await deps.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('wecom_group_messages')
        .set({ state, reason, errcode, updated_at: now })
        .where('id', '=', id)
        .execute();
      await tx
        .updateTable('wecom_group_message_recipients')
        .set({ status: 'failed', reason, updated_at: now })
        .where('message_id', '=', id)
        .execute();
    });
    return planned.map((): SendOutcome => ({ status: 'failed', reason }));
  };
  let answer;
  try {
    answer = await deps.api.addMsgTemplate({
      chat_type: 'single',
      external_userid: planned.map((p) => p.externalUserid),
      sender,
      text: { content: text },
      ...(attachments ? { attachments } : {}),
    });
  } catch (error) {
    // Whether WeCom created the message is not known: asking again could put a second one in the sender's client.
    return end(
      'unknown',
      `WeCom did not answer (${(error as Error).message}); the message may be waiting in ${sender}'s client, so it is not requested again`,
      null,
    );
  }
  if (answer.errcode !== 0 || !answer.msgid)
    return end(
      'failed',
      `WeCom refused the group message: ${answer.errcode} ${answer.errmsg}`,
      answer.errcode,
    );
  const refused = new Set(answer.fail_list ?? []);
  const now = deps.clock.now();
  const refusal = `WeCom refused this customer at once (not a friend of ${sender}, or already messaged today)`;
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('wecom_group_messages')
      .set({ msgid: answer.msgid!, state: 'awaiting_confirmation', updated_at: now })
      .where('id', '=', id)
      .execute();
    if (refused.size)
      await tx
        .updateTable('wecom_group_message_recipients')
        .set({ status: 'failed', reason: refusal, updated_at: now })
        .where('message_id', '=', id)
        .where('external_userid', 'in', [...refused])
        .execute();
  });
  return planned.map((p) =>
    refused.has(p.externalUserid)
      ? { status: 'failed', reason: refusal }
      : {
          status: 'retry',
          reason: `waiting for ${sender} to confirm the WeCom group message`,
          retryAfterMs: Math.max(1000, expiresAt.getTime() - now.getTime() + 1000),
        },
  );
}

/** Outcomes of messages seen before (a retry, or the expiry check): read back, refreshed from WeCom when due. */
async function settledBefore(
  deps: GroupMessageDeps,
  keys: readonly string[],
): Promise<Map<string, SendOutcome>> {
  let rows = await existingRecipients(deps.db, keys);
  const now = deps.clock.now();
  const due = rows.filter(
    (r) =>
      r.status === 'awaiting_confirmation' &&
      ((r.state === 'awaiting_confirmation' && now >= new Date(r.expires_at)) ||
        (r.state === 'requesting' && now.getTime() - new Date(r.created_at).getTime() > REQUEST_STALE_MS)),
  );
  if (due.length) {
    await refreshGroupMessages(
      { db: deps.db, clock: deps.clock, api: deps.api },
      { messageIds: [...new Set(due.map((r) => r.message_id))], staleRequestMs: REQUEST_STALE_MS },
    );
    rows = await existingRecipients(deps.db, keys);
  }
  return new Map(rows.map((r) => [r.delivery_key, recipientOutcome(r, now)]));
}

/** The wecom_group channel's sender (a `builders.wecom_group` of the worker's channel registry). */
export function wecomGroupChannel(deps: GroupMessageDeps, options: WecomGroupOptions = {}): ChannelSender {
  const confirmDays = options.confirmDays ?? 1;
  const sendMany = async (messages: readonly OutgoingMessage[]): Promise<SendOutcome[]> => {
    const outcomes = new Map<string, SendOutcome>();
    const seen = await settledBefore(
      deps,
      messages.map((m) => m.idempotencyKey),
    );
    const fresh = messages.filter((m) => !seen.has(m.idempotencyKey));
    const senders = fresh.length ? await sendersOf(deps.db, fresh) : new Map();
    const today = deps.clock.today();
    const served = await servedOn(
      deps.db,
      fresh.map((m) => m.customerId),
      today,
    );
    const tomorrow = deps.clock.startOf(addDays(today, 1));
    // One WeCom message per sending staff member, run and text.
    const groups = new Map<string, { sender: string; planned: Planned[] }>();
    for (const message of fresh) {
      const from = senders.get(message.idempotencyKey);
      if (!from) {
        outcomes.set(message.idempotencyKey, {
          status: 'failed',
          reason: 'the customer is not a WeCom friend of any staff member',
        });
        continue;
      }
      if (served.has(message.customerId)) {
        outcomes.set(message.idempotencyKey, {
          status: 'retry',
          reason: 'WeCom allows one group message per customer a day: another is waiting or sent today',
          retryAfterMs: Math.max(1000, tomorrow.getTime() - deps.clock.now().getTime()),
        });
        continue;
      }
      served.add(message.customerId);
      const key = JSON.stringify([from.staffId, message.runId, message.fields['text'] ?? '']);
      const group = groups.get(key) ?? { sender: from.staffId, planned: [] as Planned[] };
      group.planned.push({ message, externalUserid: from.externalUserid });
      groups.set(key, group);
    }
    const expiresAt = deps.clock.startOf(addDays(today, confirmDays + 1));
    for (const { sender, planned } of groups.values()) {
      for (let i = 0; i < planned.length; i += MAX_RECIPIENTS) {
        const part = planned.slice(i, i + MAX_RECIPIENTS);
        const answered = await request(deps, sender, part, expiresAt);
        part.forEach((p, j) => outcomes.set(p.message.idempotencyKey, answered[j]!));
      }
    }
    return messages.map(
      (m) =>
        seen.get(m.idempotencyKey) ??
        outcomes.get(m.idempotencyKey) ?? { status: 'retry', reason: 'not planned (a bug)' },
    );
  };
  return {
    kind: 'wecom_group',
    sendMany,
    async send(message) {
      return (await sendMany([message]))[0]!;
    },
  };
}
