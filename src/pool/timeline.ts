// The customer 360 timeline: interactions, app events (event store), holdings opened and matured, ownership and
// consent changes and tasks, merged newest first and paged with a cursor. Each source yields items strictly after
// the cursor in one total order (time, then source rank, then the item's key), so pages never repeat or skip.
// Campaign deliveries will be one more source (TimelineProvider) once campaigns exist. WeCom friendship changes
// (added, removed by either side, linked, transfer failed) come from `wecom_friendship_changes` (src/wecom).
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../shared/clock.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';

export const TIMELINE_SOURCES = [
  'interaction',
  'event',
  'holding',
  'ownership',
  'consent',
  'task',
  'wecom',
] as const;
export type TimelineSource = (typeof TIMELINE_SOURCES)[number];

/** One entry of the timeline. */
export interface TimelineItem {
  readonly at: string;
  readonly source: TimelineSource;
  readonly kind: string;
  readonly title: string;
  readonly details: Record<string, unknown>;
  /** Orders items of one source with the same time; part of the cursor. */
  readonly key: string;
}

interface Cursor {
  readonly at: string;
  readonly rank: number;
  readonly key: string;
}

type Deps = { readonly db: Kysely<Database>; readonly events: EventStore; readonly clock: Clock };

/** A source of timeline items: up to `limit` items of one customer before the cursor, newest first. */
export type TimelineProvider = (
  deps: Deps,
  customerId: number,
  before: Cursor | undefined,
  limit: number,
) => Promise<TimelineItem[]>;

const RANK: Record<TimelineSource, number> = {
  interaction: 6,
  event: 5,
  task: 4,
  ownership: 3,
  consent: 2,
  holding: 1,
  wecom: 0,
};
const pad = (n: number) => String(n).padStart(20, '0');
const isoOf = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

/** Parses `sources=interaction,event`; all sources when absent. */
export function parseTimelineSources(text: string | undefined): Result<TimelineSource[], string> {
  if (text === undefined || text.trim() === '') return ok([...TIMELINE_SOURCES]);
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = list.filter((s) => !(TIMELINE_SOURCES as readonly string[]).includes(s));
  return bad.length > 0 ? err(`unknown timeline sources: ${bad.join(', ')}`) : ok(list as TimelineSource[]);
}

/** A page of a customer's timeline, newest first, with the cursor of the next page (null at the end). */
export async function customerTimeline(
  deps: Deps,
  customerId: number,
  options: { limit: number; before?: string | undefined; sources: readonly TimelineSource[] },
): Promise<
  Result<
    {
      items: Omit<TimelineItem, 'key'>[];
      nextCursor: string | null;
      /** Sources that failed (e.g. an unreachable event store) are flagged with the reason, for the log. */
      sources: { source: TimelineSource; available: boolean; error?: string }[];
    },
    string
  >
> {
  const cursor = options.before === undefined ? undefined : decodeCursor(options.before);
  if (cursor === null) return err('before: not a timeline cursor');
  const fetched = await Promise.all(
    options.sources.map(async (source) => {
      try {
        return {
          source,
          available: true,
          items: await PROVIDERS[source](deps, customerId, cursor, options.limit + 1),
        };
      } catch (error) {
        // The event store may be unreachable; the rest of the timeline still answers, flagged incomplete.
        return { source, available: false, items: [] as TimelineItem[], error: String(error) };
      }
    }),
  );
  const all = fetched.flatMap((f) => f.items).filter((i) => cursor === undefined || before(i, cursor));
  all.sort((a, b) => (before(a, cursorOf(b)) ? 1 : -1));
  const page = all.slice(0, options.limit);
  const last = page[page.length - 1];
  return ok({
    items: page.map(({ key: _key, ...item }) => item),
    nextCursor: all.length > options.limit && last ? encodeCursor(cursorOf(last)) : null,
    sources: fetched.map((f) => ({
      source: f.source,
      available: f.available,
      ...(f.error === undefined ? {} : { error: f.error }),
    })),
  });
}

function cursorOf(item: TimelineItem): Cursor {
  return { at: item.at, rank: RANK[item.source], key: item.key };
}

/** Whether an item comes after the cursor in newest-first order. */
function before(item: TimelineItem, c: Cursor): boolean {
  if (item.at !== c.at) return item.at < c.at;
  const rank = RANK[item.source];
  if (rank !== c.rank) return rank < c.rank;
  return item.key < c.key;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.rank, c.key])).toString('base64url');
}

function decodeCursor(text: string): Cursor | null {
  try {
    const [at, rank, key] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at !== 'string' ||
      Number.isNaN(Date.parse(at)) ||
      typeof rank !== 'number' ||
      typeof key !== 'string'
    )
      return null;
    return { at, rank, key };
  } catch {
    return null;
  }
}

/** The time bound a source may push down: `at <= bound` (inclusive, ties are filtered afterwards). */
const bound = (c: Cursor | undefined) => c?.at ?? '9999-12-31T23:59:59.999Z';

const interactions: TimelineProvider = async ({ db }, customerId, c, limit) => {
  let q = db
    .selectFrom('interactions')
    .select(['id', 'at', 'channel', 'direction', 'summary', 'outcome', 'next_step', 'staff_id'])
    .where('customer_id', '=', customerId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (c) {
    // Same source as the cursor: strictly before (at, id); otherwise every item up to the cursor's time.
    q =
      c.rank === RANK.interaction
        ? q.where(sql<boolean>`(at, id) < (${c.at}::timestamptz, ${Number(c.key)}::bigint)`)
        : q.where('at', c.rank > RANK.interaction ? '<=' : '<', new Date(c.at));
  }
  return (await q.execute()).map((r) => ({
    at: isoOf(r.at),
    source: 'interaction',
    kind: r.channel,
    title: `${r.channel} (${r.direction === 'in' ? 'inbound' : 'outbound'})`,
    details: {
      channel: r.channel,
      direction: r.direction,
      summary: r.summary,
      outcome: r.outcome,
      nextStep: r.next_step,
      staffId: r.staff_id,
    },
    key: pad(r.id),
  }));
};

const events: TimelineProvider = async ({ events: store }, customerId, c, limit) => {
  const cond =
    c === undefined
      ? ''
      : c.rank === RANK.event
        ? 'AND (time, event_id) < (parseDateTime64BestEffort({at:String}, 3), {key:String})'
        : `AND time ${c.rank > RANK.event ? '<=' : '<'} parseDateTime64BestEffort({at:String}, 3)`;
  // The time goes out as text under another name: ClickHouse would substitute an alias named `time` in WHERE.
  const rows = await store.query<{ event_id: string; event: string; at_text: string; properties: string }>(
    `SELECT event_id, event, toString(time) AS at_text, properties FROM events_dedup
      WHERE customer_id = {customer:UInt32} ${cond}
      ORDER BY time DESC, event_id DESC LIMIT {limit:UInt32}`,
    { customer: customerId, limit, at: c?.at ?? '', key: c?.key ?? '' },
  );
  return rows.map((r) => ({
    at: new Date(r.at_text.replace(' ', 'T') + 'Z').toISOString(),
    source: 'event',
    kind: r.event,
    title: r.event,
    details: { properties: parseJson(r.properties) },
    key: r.event_id,
  }));
};

const holdings: TimelineProvider = async ({ db, clock }, customerId, c) => {
  const rows = await db
    .selectFrom('holdings as h')
    .innerJoin('products as p', 'p.id', 'h.product_id')
    .select([
      'h.account_no',
      'h.product_id',
      'p.name',
      'p.category',
      'h.opened_on',
      'h.maturity_date',
      'h.balance',
    ])
    .where('h.customer_id', '=', customerId)
    .limit(500)
    .execute();
  // Maturities still ahead are reminders, not history.
  const today = clock.today();
  // A day's item stands at the start of that business day.
  const dayAt = (date: string) => clock.startOf(date).toISOString();
  const last4 = (a: string) => a.slice(-4);
  return rows
    .flatMap((h): TimelineItem[] => {
      const details = {
        productId: h.product_id,
        productName: h.name,
        category: h.category,
        accountLast4: last4(h.account_no),
      };
      const items: TimelineItem[] = [
        {
          at: dayAt(h.opened_on),
          source: 'holding',
          kind: 'holding_opened',
          title: `opened ${h.name}`,
          details,
          key: `o${h.account_no}`,
        },
      ];
      if (h.maturity_date !== null && h.maturity_date <= today)
        items.push({
          at: dayAt(h.maturity_date),
          source: 'holding',
          kind: 'holding_matured',
          title: `${h.name} matured`,
          details,
          key: `m${h.account_no}`,
        });
      return items;
    })
    .filter((i) => i.at <= bound(c));
};

const ownership: TimelineProvider = async ({ db }, customerId, c) => {
  const rows = await db
    .selectFrom('ownership_history')
    .select(['id', 'at', 'kind', 'from_manager', 'to_manager', 'reason', 'job_id'])
    .where('customer_id', '=', customerId)
    .where('at', '<=', new Date(bound(c)))
    .orderBy('at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    at: isoOf(r.at),
    source: 'ownership',
    kind: r.kind,
    title: `${r.kind}: ${r.from_manager ?? '—'} → ${r.to_manager ?? '—'}`,
    details: { from: r.from_manager, to: r.to_manager, reason: r.reason, jobId: r.job_id },
    key: pad(r.id),
  }));
};

const consents: TimelineProvider = async ({ db }, customerId, c) => {
  const rows = await db
    .selectFrom('consent_history')
    .select(['id', 'channel', 'purpose', 'status', 'source', 'changed_at'])
    .where('customer_id', '=', customerId)
    .where('changed_at', '<=', new Date(bound(c)))
    .orderBy('changed_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    at: isoOf(r.changed_at),
    source: 'consent',
    kind: `consent_${r.status}`,
    title: `${r.channel} ${r.purpose} consent ${r.status}`,
    details: { channel: r.channel, purpose: r.purpose, status: r.status, source: r.source },
    key: pad(r.id),
  }));
};

const tasks: TimelineProvider = async ({ db }, customerId, c) => {
  const rows = await db
    .selectFrom('tasks')
    .select(['id', 'title', 'assignee_id', 'status', 'due_on', 'created_at', 'completed_at'])
    .where('customer_id', '=', customerId)
    .where('created_at', '<=', new Date(bound(c)))
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute();
  return rows.flatMap((r): TimelineItem[] => {
    const details = { taskId: r.id, assigneeId: r.assignee_id, status: r.status, dueOn: r.due_on };
    const items: TimelineItem[] = [
      {
        at: isoOf(r.created_at),
        source: 'task',
        kind: 'task_created',
        title: r.title,
        details,
        key: `c${pad(r.id)}`,
      },
    ];
    if (r.completed_at)
      items.push({
        at: isoOf(r.completed_at),
        source: 'task',
        kind: `task_${r.status}`,
        title: r.title,
        details,
        key: `d${pad(r.id)}`,
      });
    return items.filter((i) => i.at <= bound(c));
  });
};

const wecom: TimelineProvider = async ({ db }, customerId, c) => {
  const rows = await db
    .selectFrom('wecom_friendship_changes')
    .select(['id', 'at', 'change', 'staff_id', 'details'])
    .where('customer_id', '=', customerId)
    .where('at', '<=', new Date(bound(c)))
    .orderBy('at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    at: isoOf(r.at),
    source: 'wecom',
    kind: `wecom_${r.change}`,
    title: `WeCom friendship with ${r.staff_id}: ${r.change.replace(/_/g, ' ')}`,
    details: { staffId: r.staff_id, change: r.change, ...r.details },
    key: pad(r.id),
  }));
};

const PROVIDERS: Record<TimelineSource, TimelineProvider> = {
  interaction: interactions,
  event: events,
  holding: holdings,
  ownership,
  consent: consents,
  task: tasks,
  wecom,
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
