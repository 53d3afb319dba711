import { sql, type Kysely } from 'kysely';
import { LIFECYCLE_TAG } from '../../analytics/lifecycle/service.ts';
import { RoaringBitmap32 } from '../../shared/bitmap.ts';
import type { EventStore } from '../../store/events/store.ts';
import type { Database } from '../../store/operational/database.ts';
import { deserializeBitmap, loadTagSnapshot } from '../../tags/snapshot-store.ts';
import type { ResultProduct } from './model.ts';

// The facts behind a run's results, each as a bitmap of customers: the run's audience, control group and targeted
// customers (operational store), the message lifecycle events and conversions (event store), and the groups a
// breakdown cuts by (tier from the customer record, lifecycle stage from the run day's tag snapshot).

/** Message lifecycle events a run's funnel counts (recorded by the worker and by provider callbacks). */
export const LIFECYCLE_EVENTS = {
  sent: 'message_sent',
  delivered: 'message_delivered',
  opened: 'message_opened',
  clicked: 'message_clicked',
} as const;

/** The customer sets of one run. */
export interface RunSets {
  readonly audience: RoaringBitmap32;
  readonly control: RoaringBitmap32;
  readonly targeted: RoaringBitmap32;
  readonly sent: RoaringBitmap32;
  readonly delivered: RoaringBitmap32;
  readonly opened: RoaringBitmap32;
  readonly clicked: RoaringBitmap32;
  /** Customers (of either arm) with the conversion event in the window; empty without a conversion event. */
  readonly converted: RoaringBitmap32;
  readonly lastEventAt: number | null;
}

const bitmap = (ids: readonly number[]) => new RoaringBitmap32(ids);
const fromBytes = (b: Buffer | null) => (b === null ? new RoaringBitmap32() : deserializeBitmap(b));

/** Customers of a run by delivery status: the targeted (every delivery row) and those a channel accepted. */
async function deliverySets(db: Kysely<Database>, runId: number) {
  const rows = await sql<{ customer_id: number; status: string }>`
    select customer_id, case when bool_or(status = 'delivered') then 'delivered'
                             when bool_or(status in ('sent', 'delivered')) then 'sent'
                             else 'other' end as status
      from deliveries where run_id = ${runId} and status <> 'suppressed' group by customer_id`.execute(db);
  const targeted = new RoaringBitmap32();
  const sent = new RoaringBitmap32();
  const delivered = new RoaringBitmap32();
  for (const r of rows.rows) {
    targeted.add(r.customer_id);
    if (r.status !== 'other') sent.add(r.customer_id);
    if (r.status === 'delivered') delivered.add(r.customer_id);
  }
  return { targeted, sent, delivered };
}

/** Customers per message lifecycle event of a run, and the time of its latest event. */
async function eventSets(events: EventStore, runId: number) {
  const rows = await events.query<{ event: string; ids: number[]; last: string }>(
    `SELECT event, arraySort(groupUniqArray(customer_id)) AS ids, toString(toUnixTimestamp64Milli(max(time))) AS last
       FROM events_dedup
      WHERE event IN ({names:Array(String)}) AND JSONExtractUInt(properties, 'run_id') = {run:UInt64}
      GROUP BY event`,
    { names: Object.values(LIFECYCLE_EVENTS), run: runId },
  );
  const by = new Map(rows.map((r) => [r.event, r]));
  const last = rows.reduce((m, r) => Math.max(m, Number(r.last)), Number.NEGATIVE_INFINITY);
  return {
    sets: Object.fromEntries(
      Object.entries(LIFECYCLE_EVENTS).map(([stage, name]) => [stage, bitmap(by.get(name)?.ids ?? [])]),
    ) as Record<keyof typeof LIFECYCLE_EVENTS, RoaringBitmap32>,
    last: Number.isFinite(last) ? last : null,
  };
}

/** Customers with `event` in [from, until), and the time of the latest such event. */
async function conversions(events: EventStore, event: string, from: Date, until: Date) {
  const rows = await events.query<{ ids: number[]; last: string | null }>(
    `SELECT arraySort(groupUniqArray(customer_id)) AS ids, toString(toUnixTimestamp64Milli(max(time))) AS last
       FROM events_dedup
      WHERE event = {event:String} AND customer_id > 0
        AND time >= fromUnixTimestamp64Milli({from:Int64}) AND time < fromUnixTimestamp64Milli({until:Int64})`,
    { event, from: from.getTime(), until: until.getTime() },
  );
  const row = rows[0];
  const ids = row?.ids ?? [];
  return { set: bitmap(ids), last: ids.length > 0 && row?.last ? Number(row.last) : null };
}

/** Reads the customer sets of a run; `conversion` names the event and its window when the campaign has one. */
export async function readRunSets(
  db: Kysely<Database>,
  events: EventStore,
  run: { id: number; audience: Buffer | null; control: Buffer | null },
  conversion: { event: string; from: Date; until: Date } | null,
): Promise<RunSets> {
  const [deliveries, lifecycle, converted] = await Promise.all([
    deliverySets(db, run.id),
    eventSets(events, run.id),
    conversion ? conversions(events, conversion.event, conversion.from, conversion.until) : null,
  ]);
  // A callback may report a delivery the row does not show yet (and the row is the worker's word for "sent").
  const sent = RoaringBitmap32.orMany([deliveries.sent, lifecycle.sets.sent]);
  const delivered = RoaringBitmap32.orMany([deliveries.delivered, lifecycle.sets.delivered]);
  const lasts = [lifecycle.last, converted?.last ?? null].filter((x): x is number => x !== null);
  return {
    audience: fromBytes(run.audience),
    control: fromBytes(run.control),
    targeted: deliveries.targeted,
    sent,
    delivered,
    opened: lifecycle.sets.opened,
    clicked: lifecycle.sets.clicked,
    converted: converted?.set ?? new RoaringBitmap32(),
    lastEventAt: lasts.length > 0 ? Math.max(...lasts) : null,
  };
}

/** Customers of `within` by tier (the customer record's) and by lifecycle stage (the tag snapshot of `asOf`). */
export async function readGroups(
  db: Kysely<Database>,
  within: RoaringBitmap32,
  asOf: string | null,
): Promise<{ tiers: Map<string, RoaringBitmap32>; stages: Map<string, RoaringBitmap32> }> {
  const tiers = new Map<string, RoaringBitmap32>();
  const ids = within.toArray();
  for (let from = 0; from < ids.length; from += 100_000) {
    const chunk = ids.slice(from, from + 100_000);
    const rows = await sql<{ tier: string | null; ids: number[] }>`
      select tier, array_agg(id order by id) as ids from customers
       where id = any(${chunk}::int[]) group by tier`.execute(db);
    for (const r of rows.rows) {
      const key = r.tier ?? 'unknown';
      const b = tiers.get(key) ?? new RoaringBitmap32();
      b.addMany(r.ids);
      tiers.set(key, b);
    }
  }
  const snapshot = asOf ? await loadTagSnapshot(db, asOf, { keys: [LIFECYCLE_TAG], onOrBefore: true }) : null;
  const stages = new Map<string, RoaringBitmap32>();
  for (const [value, members] of snapshot?.tags.get(LIFECYCLE_TAG) ?? [])
    stages.set(value, RoaringBitmap32.and(members, within));
  return { tiers, stages };
}

/** The product each content item is about, with its role now; items naming no product are left out. */
export async function contentProducts(
  db: Kysely<Database>,
  contentIds: readonly number[],
): Promise<Map<number, ResultProduct>> {
  if (contentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('content_items as c')
    .innerJoin('products as p', 'p.id', 'c.product_id')
    .select(['c.id as contentId', 'p.id', 'p.name', 'p.role'])
    .where('c.id', 'in', [...new Set(contentIds)])
    .execute();
  return new Map(rows.map(({ contentId, ...product }) => [contentId, product]));
}
