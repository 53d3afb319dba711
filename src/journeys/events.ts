import { sql, type Kysely } from 'kysely';
import type { PropertyPredicate, Scalar } from '../contracts/rule.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';
import { enterCustomersAt } from './enter.ts';
import { durationMs, type EventMatch, type JourneyBody } from './model.ts';
import { splitExperimentIds } from './split-experiments.ts';

// Events reaching journeys as they are ingested (the event feed, event-feed.ts, brings them): an entry event enters
// the customer; a goal event converts the customer in every live journey with that goal (and marks the control
// group's entries converted, for the lift); an awaited event wakes a wait_for_event before its timeout.

/** One ingested event of a known customer. */
export interface JourneyEvent {
  readonly customerId: number;
  readonly name: string;
  readonly time: Date;
  readonly properties?: Readonly<Record<string, unknown>>;
}

const compare = (a: unknown, b: number | string): number | undefined =>
  typeof a === typeof b ? (a! < b ? -1 : a! > b ? 1 : 0) : undefined;

function holds(value: unknown, condition: Scalar | PropertyPredicate): boolean {
  if (typeof condition !== 'object') return value === condition;
  if (value === undefined || value === null) return false;
  const c = condition;
  const cmp = (bound: number | string | undefined, ok: (n: number) => boolean) => {
    if (bound === undefined) return true;
    const n = compare(value, bound);
    return n !== undefined && ok(n);
  };
  return (
    (c.eq === undefined || value === c.eq) &&
    (c.ne === undefined || value !== c.ne) &&
    cmp(c.gt, (n) => n > 0) &&
    cmp(c.gte, (n) => n >= 0) &&
    cmp(c.lt, (n) => n < 0) &&
    cmp(c.lte, (n) => n <= 0) &&
    (c.in === undefined || c.in.includes(value as Scalar)) &&
    (c.contains === undefined || (typeof value === 'string' && value.includes(c.contains)))
  );
}

/** Whether an event matches an event name with property conditions (a missing property matches nothing). */
export function eventMatches(match: EventMatch, event: JourneyEvent): boolean {
  if (event.name !== match.event) return false;
  return Object.entries(match.where ?? {}).every(([key, condition]) =>
    holds(event.properties?.[key], condition),
  );
}

/** A published version of a live or paused journey: customers can be inside it. */
export interface OpenVersion {
  readonly id: number;
  readonly journey_id: number;
  readonly current_version: number | null;
  readonly status: string;
  readonly published_at: Date;
  readonly body: JourneyBody;
}

/** Versions of live or paused journeys: those customers can be inside. */
export async function openVersions(db: Kysely<Database>): Promise<OpenVersion[]> {
  const rows = await db
    .selectFrom('journey_versions as v')
    .innerJoin('journeys as j', 'j.id', 'v.journey_id')
    .select(['v.id', 'v.journey_id', 'v.body', 'v.published_at', 'j.current_version', 'j.status'])
    .where('j.status', 'in', ['live', 'paused'])
    .where('v.published_at', 'is not', null)
    .execute();
  return rows.map((r) => ({
    ...r,
    published_at: new Date(r.published_at!),
    body: r.body as unknown as JourneyBody,
  }));
}

/** Whether a version takes new entries: the current version of a live journey. */
const takesEntries = (v: OpenVersion) => v.status === 'live' && v.current_version === v.id;

/** The event names the open versions listen to (entry events of live ones, goals, awaited events). */
export function listenedEvents(versions: readonly OpenVersion[]): Set<string> {
  const names = new Set<string>();
  for (const v of versions) {
    if (v.body.entry.kind === 'event' && takesEntries(v)) names.add(v.body.entry.event);
    if (v.body.goal) names.add(v.body.goal.event);
    for (const node of v.body.nodes) if (node.kind === 'wait_for_event') names.add(node.event);
  }
  return names;
}

/** The (customer, time) pairs of events matching `match`, as two parallel arrays for `unnest`. */
function pairs(match: EventMatch, events: readonly JourneyEvent[]): [number[], string[]] {
  const ids: number[] = [];
  const times: string[] = [];
  for (const e of events)
    if (eventMatches(match, e)) {
      ids.push(e.customerId);
      times.push(e.time.toISOString());
    }
  return [ids, times];
}

/**
 * Goal events: every live entry of the customer in a journey whose goal they match ends as converted; entries of the
 * control group (and entries that already left) get their conversion time, once: the first goal event at or after
 * the entry. Returns the entries converted.
 */
export async function recordGoalEvents(
  deps: { readonly db: Kysely<Database> },
  events: readonly JourneyEvent[],
  versions?: readonly OpenVersion[],
): Promise<number> {
  let converted = 0;
  for (const version of versions ?? (await openVersions(deps.db))) {
    if (!version.body.goal) continue;
    const [ids, times] = pairs(version.body.goal, events);
    if (ids.length === 0) continue;
    const { rows } = await sql<{ state: string; customer_id: number; at: Date }>`
      update journey_memberships m
         set converted_at = t.at,
             state = case when m.state in ('active', 'waiting') then 'converted' else m.state end,
             exit_reason = case when m.state in ('active', 'waiting') then 'goal' else m.exit_reason end,
             exited_at = case when m.state in ('active', 'waiting') then t.at else m.exited_at end,
             due_at = case when m.state in ('active', 'waiting') then null else m.due_at end
        from (select x.id, min(e.at) as at
                from unnest(${ids}::int[], ${times}::timestamptz[]) as e(customer_id, at)
                join journey_memberships x on x.customer_id = e.customer_id
               where x.version_id = ${version.id} and x.converted_at is null and x.entered_at <= e.at
               group by x.id) t
       where m.id = t.id
      returning m.state, m.customer_id, t.at`.execute(deps.db);
    converted += rows.filter((r) => r.state === 'converted').length;
    await convertArms(deps.db, version, rows);
  }
  return converted;
}

/** The split experiments' units of customers who converted turn converted = 1 (the lift of the split's arms). */
async function convertArms(
  db: Kysely<Database>,
  version: OpenVersion,
  converted: readonly { customer_id: number; at: Date }[],
): Promise<void> {
  const splits = version.body.nodes.filter((n) => n.kind === 'split').map((n) => n.id);
  if (splits.length === 0 || converted.length === 0) return;
  const experiments = await splitExperimentIds(db, version.journey_id, splits);
  const result = await sql`
    update experiment_units set metrics = jsonb_set(metrics, '{converted}', '1')
     where experiment_id = any(${experiments}::text[])
       and customer_id = any(${converted.map((r) => r.customer_id)}::int[])
       and (metrics ->> 'converted') is distinct from '1'`.execute(db);
  // The analysis states its data freshness: the latest conversion it counts.
  const latest = new Date(Math.max(...converted.map((r) => new Date(r.at).getTime())));
  if (Number(result.numAffectedRows ?? 0) > 0)
    await sql`
      update experiments set data_changed_at = greatest(data_changed_at, ${latest}::timestamptz)
       where id = any(${experiments}::text[])`.execute(db);
}

/**
 * Awaited events: memberships waiting for them on a wait_for_event node leave by its 'event' exit when next due.
 * Only an event between the start of the wait and its timeout counts.
 */
export async function signalAwaitedEvents(
  deps: { readonly db: Kysely<Database> },
  events: readonly JourneyEvent[],
  versions?: readonly OpenVersion[],
): Promise<number> {
  let woken = 0;
  for (const version of versions ?? (await openVersions(deps.db)))
    for (const node of version.body.nodes) {
      if (node.kind !== 'wait_for_event') continue;
      const [ids, times] = pairs(node, events);
      if (ids.length === 0) continue;
      // The wait started at due_at − timeout (a wait_for_event's due_at is its timeout until a signal).
      const result = await sql`
        update journey_memberships m set signal = 'event', due_at = t.at
          from (select x.id, min(e.at) as at
                  from unnest(${ids}::int[], ${times}::timestamptz[]) as e(customer_id, at)
                  join journey_memberships x on x.customer_id = e.customer_id
                 where x.version_id = ${version.id} and x.current_node = ${node.id} and x.state = 'waiting'
                   and x.signal is null and e.at <= x.due_at
                   and e.at >= x.due_at - ${durationMs(node.timeout)}::int * interval '1 millisecond'
                 group by x.id) t
         where m.id = t.id`.execute(deps.db);
      woken += Number(result.numAffectedRows ?? 0);
    }
  return woken;
}

/**
 * Everything ingested events do to journeys, in order: entry events enter (at the event's time, if it is not before
 * the version went live), goals convert (an entry and its goal in one batch included), awaited events wake. The
 * event feed (event-feed.ts) calls it in the transaction that records the events' receipts.
 */
export async function recordJourneyEvents(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  events: readonly JourneyEvent[],
  versions?: readonly OpenVersion[],
): Promise<{ converted: number; woken: number; entered: number }> {
  const open = versions ?? (await openVersions(deps.db));
  let entered = 0;
  for (const version of open) {
    const entry = version.body.entry;
    if (!takesEntries(version) || entry.kind !== 'event') continue;
    const entering = events
      .filter((e) => e.time >= version.published_at && eventMatches(entry, e))
      .map((e) => ({ customerId: e.customerId, at: e.time }));
    if (entering.length > 0) entered += (await enterCustomersAt(deps, version.id, entering)).entered;
  }
  const converted = await recordGoalEvents(deps, events, open);
  const woken = await signalAwaitedEvents(deps, events, open);
  return { converted, woken, entered };
}
