import { sql, type Kysely } from 'kysely';
import { iso } from '../pool/customers.ts';
import type { Database } from '../store/operational/database.ts';
import type { DeliveryStatus, RunStatus } from '../store/operational/campaign-tables.ts';
import { maskIn, piiMasks } from './content/preview.ts';
import type { CampaignDraft } from './model.ts';
import type { Waterfall } from './runs/plan.ts';

// Read models of a campaign for its detail page: its versions with their review, its runs with live progress (the
// deliveries counted by status per channel, read at the moment of asking) and the demo outbox's messages, masked.

/** One version of a campaign as clients see it. */
export interface CampaignVersionView {
  readonly version: number;
  readonly status: 'draft' | 'pending' | 'approved' | 'rejected';
  readonly draft: CampaignDraft;
  readonly author: string;
  readonly createdAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly decisionNote: string | null;
}

/** Every version of a campaign, newest first (empty when there is no such campaign). */
export async function campaignVersions(db: Kysely<Database>, id: number): Promise<CampaignVersionView[]> {
  const rows = await db
    .selectFrom('campaign_versions')
    .selectAll()
    .where('campaign_id', '=', id)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    status: r.status,
    draft: r.body as unknown as CampaignDraft,
    author: r.author,
    createdAt: iso(r.created_at)!,
    decidedBy: r.decided_by,
    decidedAt: iso(r.decided_at),
    decisionNote: r.decision_note,
  }));
}

/** A run with its progress: deliveries by status, in all and per channel. */
export interface RunProgress {
  readonly id: number;
  readonly version: number;
  readonly slot: string;
  readonly status: RunStatus;
  readonly asOf: string | null;
  readonly waterfall: Waterfall | null;
  readonly error: string | null;
  readonly createdAt: string;
  readonly preparedAt: string | null;
  readonly finishedAt: string | null;
  readonly deliveries: Partial<Record<DeliveryStatus, number>>;
  readonly byChannel: Record<string, Partial<Record<DeliveryStatus, number>>>;
}

/** The runs of a campaign (or the one `runId` names), newest first, each with its delivery counts now. */
export async function campaignRuns(
  db: Kysely<Database>,
  campaignId: number,
  runId?: number,
): Promise<RunProgress[]> {
  let query = db
    .selectFrom('campaign_runs')
    .select([
      'id',
      'version',
      'slot',
      'status',
      'as_of',
      'waterfall',
      'error',
      'created_at',
      'prepared_at',
      'finished_at',
    ])
    .where('campaign_id', '=', campaignId);
  if (runId !== undefined) query = query.where('id', '=', String(runId));
  const runs = await query.orderBy('id', 'desc').limit(100).execute();
  if (runs.length === 0) return [];
  const counts = await sql<{ run_id: string; channel: string; status: DeliveryStatus; n: number }>`
    select run_id::text as run_id, channel, status, count(*)::int as n
      from deliveries where run_id in (${sql.join(runs.map((r) => r.id))})
     group by run_id, channel, status`.execute(db);
  return runs.map((r) => {
    const deliveries: Partial<Record<DeliveryStatus, number>> = {};
    const byChannel: Record<string, Partial<Record<DeliveryStatus, number>>> = {};
    for (const c of counts.rows) {
      if (c.run_id !== String(r.id)) continue;
      deliveries[c.status] = (deliveries[c.status] ?? 0) + c.n;
      (byChannel[c.channel] ??= {})[c.status] = c.n;
    }
    return {
      id: Number(r.id),
      version: r.version,
      slot: iso(r.slot)!,
      status: r.status,
      asOf: r.as_of === null ? null : String(r.as_of).slice(0, 10),
      waterfall: r.waterfall as Waterfall | null,
      error: r.error,
      createdAt: iso(r.created_at)!,
      preparedAt: iso(r.prepared_at),
      finishedAt: iso(r.finished_at),
      deliveries,
      byChannel,
    };
  });
}

/** One message in the demo outbox, masked. */
export interface OutboxItem {
  readonly runId: number;
  readonly customerNo: string;
  readonly channel: string;
  readonly variant: string;
  readonly to: string | null;
  readonly fields: Record<string, string>;
  readonly createdAt: string;
}

/** A page of a campaign's outbox messages, newest first; personal values in them masked. */
export async function outboxPage(
  db: Kysely<Database>,
  campaignId: number,
  page: { limit: number; offset: number; runId?: number },
): Promise<{ total: number; items: OutboxItem[] }> {
  let base = db
    .selectFrom('outbox_messages as o')
    .innerJoin('campaign_runs as r', (j) => j.on(sql<boolean>`r.id = o.run_id`))
    .where('r.campaign_id', '=', campaignId);
  if (page.runId !== undefined) base = base.where('o.run_id', '=', String(page.runId));
  const [rows, total] = await Promise.all([
    base
      .innerJoin('customers as c', 'c.id', 'o.customer_id')
      .select([
        'o.run_id',
        'o.channel',
        'o.body',
        'o.created_at',
        'c.customer_no',
        'c.name',
        'c.phone',
        'c.email',
      ])
      .orderBy('o.created_at', 'desc')
      .orderBy('o.idempotency_key')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: total.n,
    items: rows.map((r) => {
      const secrets = piiMasks(r);
      const body = r.body as { variant?: string; to?: string | null; fields?: Record<string, string> };
      return {
        runId: Number(r.run_id),
        customerNo: r.customer_no,
        channel: r.channel,
        variant: body.variant ?? '',
        to: body.to ? maskIn(body.to, secrets) : null,
        fields: Object.fromEntries(
          Object.entries(body.fields ?? {}).map(([k, v]) => [k, maskIn(String(v), secrets)]),
        ),
        createdAt: iso(r.created_at)!,
      };
    }),
  };
}
