import { sql, type Kysely } from 'kysely';
import { staffScopeFilter, type DataScope } from '../pool/scope.ts';
import type { Database } from '../store/operational/database.ts';
import type { WecomGroupMessageState } from '../store/operational/wecom-message-tables.ts';

// The group messages a branch sees (issue #13, item 8): each WeCom group message of the senders in the caller's scope,
// with its campaign, its sender by name and its customers counted by state — "waiting for the manager's confirmation"
// first, as that is what a branch head chases.

/** One group message as the dashboard lists it. */
export interface GroupMessageRow {
  readonly id: number;
  readonly msgid: string | null;
  readonly state: WecomGroupMessageState;
  readonly senderId: string;
  readonly senderName: string | null;
  readonly campaignId: number;
  readonly campaignName: string;
  readonly text: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly polledAt: string | null;
  readonly reason: string | null;
  readonly customers: {
    readonly awaiting: number;
    readonly sent: number;
    readonly failed: number;
    readonly expired: number;
  };
}

/** Which messages: by state (all when undefined), newest first, paged. */
export interface GroupMessageQuery {
  readonly state?: WecomGroupMessageState;
  readonly limit: number;
  readonly offset: number;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

/** A page of group messages of the senders in the scope, and the number waiting for confirmation overall. */
export async function listGroupMessages(
  db: Kysely<Database>,
  scope: DataScope,
  query: GroupMessageQuery,
): Promise<{ total: number; awaitingConfirmation: number; items: GroupMessageRow[] }> {
  const base = db
    .selectFrom('wecom_group_messages as m')
    .leftJoin('staff', 'staff.id', 'm.sender')
    .where(staffScopeFilter(scope));
  const filtered = query.state ? base.where('m.state', '=', query.state) : base;
  const [counts, rows] = await Promise.all([
    base
      .select([
        sql<number>`count(*) filter (where ${query.state ? sql`m.state = ${query.state}` : sql`true`})::int`.as(
          'total',
        ),
        sql<number>`count(*) filter (where m.state = 'awaiting_confirmation')::int`.as('awaiting'),
      ])
      .executeTakeFirstOrThrow(),
    filtered
      .innerJoin('campaign_runs as r', 'r.id', 'm.run_id')
      .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
      .select([
        'm.id',
        'm.msgid',
        'm.state',
        'm.sender',
        'staff.name as sender_name',
        'c.id as campaign_id',
        'c.name as campaign_name',
        'm.content',
        'm.created_at',
        'm.expires_at',
        'm.polled_at',
        'm.reason',
        sql<string>`(select json_build_object(
            'awaiting', count(*) filter (where x.status = 'awaiting_confirmation'),
            'sent', count(*) filter (where x.status = 'sent'),
            'failed', count(*) filter (where x.status = 'failed'),
            'expired', count(*) filter (where x.status = 'expired'))::text
           from wecom_group_message_recipients x where x.message_id = m.id)`.as('customers'),
      ])
      .orderBy(sql`m.state = 'awaiting_confirmation'`, 'desc')
      .orderBy('m.id', 'desc')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
  ]);
  return {
    total: counts.total,
    awaitingConfirmation: counts.awaiting,
    items: rows.map((r) => ({
      id: Number(r.id),
      msgid: r.msgid,
      state: r.state,
      senderId: r.sender,
      senderName: r.sender_name,
      campaignId: r.campaign_id,
      campaignName: r.campaign_name,
      text: r.content,
      createdAt: iso(r.created_at)!,
      expiresAt: iso(r.expires_at)!,
      polledAt: iso(r.polled_at),
      reason: r.reason,
      customers: JSON.parse(r.customers) as GroupMessageRow['customers'],
    })),
  };
}
