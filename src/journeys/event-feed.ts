import { sql, type Kysely } from 'kysely';
import type { Clock } from '../shared/clock.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import { listenedEvents, openVersions, recordJourneyEvents, type JourneyEvent } from './events.ts';

// The journey event feed: what ingestion stored in the event store reaches journeys (entries, goals, awaited events)
// on the worker's tick. It reads, from a cursor kept in the operational store, the events of known customers whose
// name some live or paused journey listens to, in the order the event store received them, a page at a time. The
// event store has no transactions and an insert that started earlier may become visible later, so each pass reads
// from a few seconds before the cursor; what it already applied it knows by the event's receipt. A page's receipts,
// the entries/conversions/wakes its fresh events cause and the cursor's advance commit in one transaction: a process
// killed between reading and committing leaves nothing, and the next pass applies the page once.

/** What the feed needs. */
export interface EventFeedDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly events: EventStore;
}

/** How a pass reads. */
export interface EventFeedOptions {
  /** Events per page (one event-store query, one transaction). */
  readonly limit?: number;
  /** Pages per pass at most: a backlog is worked off over several ticks, the rest of the tick still runs. */
  readonly maxPages?: number;
  /** How far before the cursor each pass starts reading (inserts that became visible late). */
  readonly overlapMs?: number;
  /** Called inside a page's transaction just before it commits (tests: a crash between reading and committing). */
  readonly beforeCommit?: () => Promise<void>;
}

/** What one pass did. */
export interface EventFeedReport {
  /** Event-store rows read (re-reads of the overlap included). */
  readonly read: number;
  /** Events applied for the first time. */
  readonly applied: number;
  readonly entered: number;
  readonly converted: number;
  readonly woken: number;
  readonly pages: number;
}

const FEED = 'events';
const DEFAULTS = { limit: 2_000, maxPages: 20, overlapMs: 5_000 };
/** Receipts are kept this long behind the cursor: far more than any overlap or visibility delay. */
const RECEIPT_KEEP_MS = 2 * 86_400_000;

interface Row {
  event_id: string;
  customer_id: number;
  event: string;
  time: number;
  properties: string;
  received: number;
}

const NOTHING: EventFeedReport = { read: 0, applied: 0, entered: 0, converted: 0, woken: 0, pages: 0 };

/**
 * One pass of the feed: pages of events received since the cursor (less the overlap), each applied once in its own
 * transaction, until a page is not full or `maxPages` ran. Without a journey listening to any event, it reads nothing.
 */
export async function feedJourneyEvents(
  deps: EventFeedDeps,
  options: EventFeedOptions = {},
): Promise<EventFeedReport> {
  const { limit, maxPages, overlapMs } = { ...DEFAULTS, ...options };
  const versions = await openVersions(deps.db);
  const names = [...listenedEvents(versions)];
  if (names.length === 0) return NOTHING;
  // Nothing an event does reaches before the earliest open version went live (entries, goals and waits all start
  // after it): older events — an imported history — are not read at all.
  const since = Math.min(...versions.map((v) => v.published_at.getTime()));
  const cursor = await deps.db
    .selectFrom('journey_event_cursor')
    .select('received_at')
    .where('feed', '=', FEED)
    .executeTakeFirst();
  let after = { at: cursor ? new Date(cursor.received_at).getTime() - overlapMs : 0, id: '' };
  const report = { ...NOTHING };
  for (let page = 0; page < maxPages; page++) {
    const rows = await deps.events.query<Row>(
      `SELECT event_id, customer_id, event, toUnixTimestamp64Milli(time) AS time, properties,
              toUnixTimestamp64Milli(received_at) AS received
         FROM events
        WHERE event IN {names:Array(String)} AND customer_id > 0
          AND time >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')
          AND received_at >= fromUnixTimestamp64Milli({at:Int64}, 'UTC')
          AND (received_at, event_id) > (fromUnixTimestamp64Milli({at:Int64}, 'UTC'), {id:String})
        ORDER BY received_at, event_id
        LIMIT {limit:UInt32}`,
      { names, since, at: after.at, id: after.id, limit },
    );
    if (rows.length === 0) break;
    const outcome = await applyPage(deps, rows, options.beforeCommit);
    if (outcome === 'busy') break;
    report.read += rows.length;
    report.applied += outcome.applied;
    report.entered += outcome.entered;
    report.converted += outcome.converted;
    report.woken += outcome.woken;
    report.pages++;
    const last = rows.at(-1)!;
    after = { at: last.received, id: last.event_id };
    if (rows.length < limit) break;
  }
  if (report.pages > 0)
    await sql`
      delete from journey_event_receipts
       where received_at < (select received_at from journey_event_cursor where feed = ${FEED})
                           - ${RECEIPT_KEEP_MS}::bigint * interval '1 millisecond'`.execute(deps.db);
  return report;
}

/**
 * Applies a page in one transaction: the cursor row locked (another worker applying a page makes this one 'busy'),
 * the receipts written, the fresh events applied, the cursor advanced.
 */
async function applyPage(
  deps: EventFeedDeps,
  rows: readonly Row[],
  beforeCommit: (() => Promise<void>) | undefined,
): Promise<'busy' | { applied: number; entered: number; converted: number; woken: number }> {
  const byId = new Map<string, Row>();
  for (const r of rows) if (!byId.has(r.event_id)) byId.set(r.event_id, r); // a re-sent id stored twice
  const latest = new Date(Math.max(...rows.map((r) => r.received))).toISOString();
  return deps.db.transaction().execute(async (tx) => {
    await sql`
      insert into journey_event_cursor (feed, received_at, updated_at)
      values (${FEED}, to_timestamp(0), ${deps.clock.now()}) on conflict do nothing`.execute(tx);
    const locked = await sql`
      select feed from journey_event_cursor where feed = ${FEED} for update skip locked`.execute(tx);
    if (locked.rows.length === 0) return 'busy' as const;
    const ids = [...byId.keys()];
    const { rows: fresh } = await sql<{ event_id: string }>`
      insert into journey_event_receipts (event_id, received_at)
      select t.id, t.at from unnest(${ids}::text[], ${ids.map((id) => new Date(byId.get(id)!.received).toISOString())}::timestamptz[])
               as t(id, at)
      on conflict do nothing
      returning event_id`.execute(tx);
    const events = fresh.map(({ event_id }) => journeyEvent(byId.get(event_id)!));
    const done = events.length
      ? await recordJourneyEvents({ db: tx, clock: deps.clock }, events)
      : { entered: 0, converted: 0, woken: 0 };
    await sql`
      update journey_event_cursor
         set received_at = greatest(received_at, ${latest}::timestamptz), updated_at = ${deps.clock.now()}
       where feed = ${FEED}`.execute(tx);
    await beforeCommit?.();
    return { applied: events.length, ...done };
  });
}

function journeyEvent(row: Row): JourneyEvent {
  let properties: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.properties);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      properties = parsed as Record<string, unknown>;
  } catch {
    // Ingestion stores JSON objects; anything else matches no property condition.
  }
  return { customerId: row.customer_id, name: row.event, time: new Date(row.time), properties };
}
