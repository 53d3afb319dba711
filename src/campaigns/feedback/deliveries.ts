import { sql, type Kysely, type Transaction } from 'kysely';
import type { ContactChannel, Purpose } from '../policy/settings.ts';
import type { Database } from '../../store/operational/database.ts';
import type { DeliveryStatus } from '../../store/operational/campaign-tables.ts';
import type { ResponseStatus } from '../../store/operational/feedback-tables.ts';
import type { EventStore } from '../../store/events/store.ts';

// What the feedback loop knows about a delivery a response names: the customer, the campaign run and its version's
// content (its type and product category) and purpose, the channel's touchpoint and variant. Responses become behaviour events carrying the same
// properties as the `message_sent` event of the message they answer.

/** A delivery as responses see it. */
export interface AnsweredDelivery {
  readonly key: string;
  readonly channel: string;
  readonly status: DeliveryStatus;
  readonly customerId: number;
  readonly customerNo: string;
  readonly campaignId: number;
  readonly runId: number;
  readonly contentId: number;
  readonly contentVersion: number;
  readonly contentType: string | null;
  readonly productCategory: string | null;
  readonly reaches: ContactChannel;
  readonly variant: string;
  readonly purpose: Purpose;
}

type Row = {
  key: string;
  provider_id: string | null;
  channel: string;
  status: DeliveryStatus;
  customer_id: number;
  customer_no: string;
  campaign_id: number;
  run_id: string;
  content_id: number | null;
  content_version: number | null;
  content_type: string | null;
  product_category: string | null;
  reaches: ContactChannel;
  variant: string;
  purpose: Purpose;
};

/** Deliveries of `channel` named by idempotency key or the provider's id; by both names, in one read. */
export async function findDeliveries(
  db: Kysely<Database> | Transaction<Database>,
  channel: string | null,
  names: { keys: readonly string[]; providerIds: readonly string[] },
): Promise<{ byKey: Map<string, AnsweredDelivery>; byProviderId: Map<string, AnsweredDelivery> }> {
  const byKey = new Map<string, AnsweredDelivery>();
  const byProviderId = new Map<string, AnsweredDelivery>();
  if (names.keys.length === 0 && names.providerIds.length === 0) return { byKey, byProviderId };
  const keys = names.keys.length ? names.keys : [''];
  const providerIds = names.providerIds.length ? names.providerIds : [''];
  const rows = await sql<Row>`
    select d.idempotency_key as key, d.provider_id, d.channel, d.status, d.customer_id, c.customer_no,
           r.campaign_id, r.id::text as run_id,
           (v.body->'content'->>'id')::int as content_id, (v.body->'content'->>'version')::int as content_version,
           cv.body->>'type' as content_type, p.category as product_category,
           ch.reaches, ch.variant, coalesce(v.body->>'purpose', k.purpose) as purpose
      from deliveries d
      join customers c on c.id = d.customer_id
      join campaign_runs r on r.id = d.run_id
      join campaigns k on k.id = r.campaign_id
      join campaign_versions v on v.campaign_id = r.campaign_id and v.version = r.version
      join channels ch on ch.key = d.channel
      left join content_versions cv
        on cv.content_id = (v.body->'content'->>'id')::int and cv.version = (v.body->'content'->>'version')::int
      left join products p on p.id = cv.body->>'productId'
     where (${channel}::text is null or d.channel = ${channel})
       and (d.idempotency_key = any(${keys}::text[])
            or (d.provider_id = any(${providerIds}::text[]) and ${channel}::text is not null))`.execute(db);
  for (const r of rows.rows) {
    const delivery: AnsweredDelivery = {
      key: r.key,
      channel: r.channel,
      status: r.status,
      customerId: r.customer_id,
      customerNo: r.customer_no,
      campaignId: r.campaign_id,
      runId: Number(r.run_id),
      contentId: r.content_id ?? 0,
      contentVersion: r.content_version ?? 0,
      contentType: r.content_type,
      productCategory: r.product_category,
      reaches: r.reaches,
      variant: r.variant,
      purpose: r.purpose,
    };
    byKey.set(r.key, delivery);
    if (r.provider_id !== null) byProviderId.set(r.provider_id, delivery);
  }
  return { byKey, byProviderId };
}

/** The event names of a message's lifecycle. */
export const LIFECYCLE_EVENTS: Record<ResponseStatus | 'sent', string> = {
  sent: 'message_sent',
  delivered: 'message_delivered',
  failed: 'message_failed',
  opened: 'message_opened',
  clicked: 'message_clicked',
  replied: 'message_replied',
};

/**
 * The behaviour event of a response: the `message_sent` properties plus `extra`; its id is `msg:<key>:<status>`
 * (with a suffix for per-link clicks), so a response recorded twice is one event.
 */
export function responseEvent(
  d: AnsweredDelivery,
  status: ResponseStatus | 'sent',
  at: Date,
  extra: Readonly<Record<string, unknown>> = {},
  idSuffix = '',
) {
  return {
    event_id: `msg:${d.key}:${status}${idSuffix}`,
    customer_id: d.customerId,
    distinct_id: d.customerNo,
    event: LIFECYCLE_EVENTS[status],
    time: at.getTime(),
    properties: {
      campaign_id: d.campaignId,
      run_id: d.runId,
      content_id: d.contentId,
      content_version: d.contentVersion,
      content_type: d.contentType,
      ...(d.productCategory ? { product_category: d.productCategory } : {}),
      channel: d.reaches,
      variant: d.variant,
      purpose: d.purpose,
      ...extra,
    },
  };
}

/**
 * Records `message_sent` for deliveries that ended sent outside the worker (a manager confirmed a task or a WeCom
 * group message): one event per delivery key, whatever number of times it is called.
 */
export async function recordSentDeliveries(
  db: Kysely<Database>,
  events: EventStore,
  sent: readonly { readonly key: string; readonly at: Date }[],
): Promise<void> {
  if (sent.length === 0) return;
  const { byKey } = await findDeliveries(db, null, { keys: sent.map((r) => r.key), providerIds: [] });
  const rows = sent.flatMap((r) => {
    const d = byKey.get(r.key);
    return d ? [responseEvent(d, 'sent', r.at)] : [];
  });
  if (rows.length) await events.insert('events', rows);
}
