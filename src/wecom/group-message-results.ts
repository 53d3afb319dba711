import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { endWaitingDeliveries, type WaitEnding } from '../campaigns/delivery/queue.ts';
import { recordSentDeliveries } from '../campaigns/feedback/deliveries.ts';
import type { Clock } from '../shared/clock.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { WecomRecipientStatus } from '../store/operational/wecom-message-tables.ts';
import type { GroupMessageSend, WecomApi } from './port.ts';

// Reading back group messages: get_groupmsg_send_result per message and sender tells, per customer, 0 not sent yet,
// 1 sent, 2 not the sender's friend, 3 already received a group message today. A message with no customer left at 0
// is confirmed; one still at 0 when its confirmation window ends has expired for those customers. Messages a stopped
// process left 'requesting' past a grace period are ended as "outcome unknown" (never asked again: at most once).

/** What the read-back needs. */
export interface ResultDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly api: WecomApi;
}

/** Which messages to read back. */
export interface RefreshOptions {
  /** These messages (whatever their last poll); otherwise every waiting message not polled for `olderThanMs`. */
  readonly messageIds?: readonly string[];
  readonly olderThanMs?: number;
  /** A message 'requesting' longer than this is ended as unknown. */
  readonly staleRequestMs: number;
}

/** A recipient whose status changed, and how. */
export interface RecipientChange {
  readonly key: string;
  readonly status: Exclude<WecomRecipientStatus, 'awaiting_confirmation'>;
  readonly reason: string | null;
  readonly at: Date;
  readonly msgid: string | null;
}

/** What a read-back did. */
export interface RefreshReport {
  readonly polled: number;
  readonly changes: readonly RecipientChange[];
  /** Messages whose read-back failed (WeCom unavailable or refusing), with the reason; polled again later. */
  readonly errors: readonly { readonly messageId: string; readonly reason: string }[];
}

/** A message left 'requesting' longer than this belongs to a process that stopped mid-call. */
export const REQUEST_STALE_MS = 2 * 60_000;

const WHY: Record<2 | 3, string> = {
  2: 'no longer a WeCom friend of the sender when they confirmed',
  3: 'already received a group message from the bank that day',
};

async function sendList(api: WecomApi, msgid: string, userid: string): Promise<GroupMessageSend[] | string> {
  const out: GroupMessageSend[] = [];
  let cursor: string | undefined;
  do {
    const answer = await api.getGroupMsgSendResult({ msgid, userid, ...(cursor ? { cursor } : {}) });
    if (answer.errcode !== 0) return `WeCom answered ${answer.errcode} ${answer.errmsg}`;
    out.push(...(answer.send_list ?? []));
    cursor = answer.next_cursor || undefined;
  } while (cursor);
  return out;
}

/** Ends messages left 'requesting' by a stopped process: their customers failed, outcome unknown. */
async function endStaleRequests(deps: ResultDeps, staleMs: number, ids?: readonly string[]) {
  const now = deps.clock.now();
  const reason =
    'the process stopped while WeCom was asked for this group message; it may be waiting in the sender’s client, so it is not requested again';
  return deps.db.transaction().execute(async (tx) => {
    let stale = tx
      .updateTable('wecom_group_messages')
      .set({ state: 'unknown', reason, updated_at: now })
      .where('state', '=', 'requesting')
      .where('created_at', '<', new Date(now.getTime() - staleMs));
    if (ids) stale = stale.where('id', 'in', ids);
    const ended = await stale.returning('id').execute();
    if (ended.length === 0) return [];
    const rows = await tx
      .updateTable('wecom_group_message_recipients')
      .set({ status: 'failed', reason, updated_at: now })
      .where(
        'message_id',
        'in',
        ended.map((e) => e.id),
      )
      .where('status', '=', 'awaiting_confirmation')
      .returning('delivery_key')
      .execute();
    return rows.map((r): RecipientChange => ({
      key: r.delivery_key,
      status: 'failed',
      reason,
      at: now,
      msgid: null,
    }));
  });
}

/** Reads back waiting group messages and records each customer's state; never throws for WeCom's answers. */
export async function refreshGroupMessages(
  deps: ResultDeps,
  options: RefreshOptions,
): Promise<RefreshReport> {
  const now = deps.clock.now();
  const changes: RecipientChange[] = await endStaleRequests(deps, options.staleRequestMs, options.messageIds);
  const errors: { messageId: string; reason: string }[] = [];
  let query = deps.db
    .selectFrom('wecom_group_messages')
    .select(['id', 'msgid', 'sender', 'expires_at'])
    .where('state', '=', 'awaiting_confirmation');
  if (options.messageIds) query = query.where('id', 'in', options.messageIds);
  else
    query = query.where((eb) =>
      eb.or([
        eb('polled_at', 'is', null),
        eb('polled_at', '<', new Date(now.getTime() - (options.olderThanMs ?? 0))),
      ]),
    );
  const messages = await query.orderBy('id').execute();
  for (const m of messages) {
    let list: GroupMessageSend[] | string;
    try {
      list = await sendList(deps.api, m.msgid!, m.sender);
    } catch (error) {
      list = (error as Error).message;
    }
    if (typeof list === 'string') {
      errors.push({ messageId: m.id, reason: list });
      await deps.db
        .updateTable('wecom_group_messages')
        .set({ polled_at: now, reason: list, updated_at: now })
        .where('id', '=', m.id)
        .execute();
      continue;
    }
    changes.push(...(await recordSends(deps, m, list, now)));
  }
  return { polled: messages.length, changes, errors };
}

/** Records one message's per-customer states; the recipients that changed. */
async function recordSends(
  deps: ResultDeps,
  m: { id: string; msgid: string | null; sender: string; expires_at: Date | string },
  list: readonly GroupMessageSend[],
  now: Date,
): Promise<RecipientChange[]> {
  const byCustomer = new Map(list.map((s) => [s.external_userid, s]));
  const expired = now >= new Date(m.expires_at);
  return deps.db.transaction().execute(async (tx) => {
    const waiting = await tx
      .selectFrom('wecom_group_message_recipients')
      .select(['delivery_key', 'external_userid'])
      .where('message_id', '=', m.id)
      .where('status', '=', 'awaiting_confirmation')
      .execute();
    const changed: RecipientChange[] = [];
    for (const r of waiting) {
      const send = byCustomer.get(r.external_userid);
      const status = send?.status ?? 0;
      if (status === 0 && !expired) continue;
      const change: RecipientChange =
        status === 1
          ? {
              key: r.delivery_key,
              status: 'sent',
              reason: null,
              at: send?.send_time ? new Date(send.send_time * 1000) : now,
              msgid: m.msgid,
            }
          : status === 0
            ? {
                key: r.delivery_key,
                status: 'expired',
                reason: `not confirmed by ${m.sender} before ${new Date(m.expires_at).toISOString()}`,
                at: now,
                msgid: m.msgid,
              }
            : { key: r.delivery_key, status: 'failed', reason: WHY[status], at: now, msgid: m.msgid };
      changed.push(change);
    }
    // One statement for the message's customers (a manager's thousands), not one per customer.
    if (changed.length)
      await sql`
        update wecom_group_message_recipients r
           set status = v.status, reason = v.reason, sent_at = v.sent_at, updated_at = ${now}
          from unnest(${changed.map((c) => c.key)}::text[], ${changed.map((c) => c.status)}::text[],
                      ${changed.map((c) => c.reason)}::text[],
                      ${changed.map((c) => (c.status === 'sent' ? c.at.toISOString() : null))}::timestamptz[])
               as v(key, status, reason, sent_at)
         where r.delivery_key = v.key`.execute(tx);
    const left = waiting.length - changed.length;
    const confirmed = list.some((s) => s.status !== 0);
    await tx
      .updateTable('wecom_group_messages')
      .set({
        polled_at: now,
        reason: null,
        updated_at: now,
        ...(left === 0 ? { state: confirmed ? 'confirmed' : 'expired' } : {}),
      })
      .where('id', '=', m.id)
      .execute();
    return changed;
  });
}

/** What one settling pass did. */
export interface GroupMessageSettlement {
  readonly polled: number;
  readonly sent: number;
  readonly failed: number;
  readonly errors: number;
}

/**
 * Reads back the group messages due for a poll and ends their waiting deliveries (sent, with `message_sent`, or
 * failed, giving the cap reservation back). Run on the worker's tick; deliveries a worker holds are left to it.
 */
export async function settleWecomGroupMessages(
  deps: ResultDeps & { readonly events?: EventStore; readonly logger?: Logger },
  options: { readonly olderThanMs: number },
): Promise<GroupMessageSettlement> {
  const report = await refreshGroupMessages(deps, {
    olderThanMs: options.olderThanMs,
    staleRequestMs: REQUEST_STALE_MS,
  });
  for (const e of report.errors)
    deps.logger?.warn({ message: e.messageId, reason: e.reason }, 'WeCom group message read-back failed');
  const endings = report.changes.map((c): WaitEnding => ({
    key: c.key,
    status: c.status === 'sent' ? 'sent' : 'failed',
    at: c.at,
    providerId: c.msgid ? `wecom:${c.msgid}` : null,
    error: c.status === 'sent' ? null : c.status === 'expired' ? `expired: ${c.reason}` : c.reason,
  }));
  const ended = new Set(await endWaitingDeliveries(deps.db, deps.clock.now(), endings));
  const sent = endings.filter((e) => e.status === 'sent' && ended.has(e.key));
  if (deps.events) await recordSentDeliveries(deps.db, deps.events, sent);
  return {
    polled: report.polled,
    sent: sent.length,
    failed: endings.filter((e) => e.status === 'failed' && ended.has(e.key)).length,
    errors: report.errors.length,
  };
}
