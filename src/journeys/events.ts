import { sql, type Kysely } from 'kysely';
import type { PropertyPredicate, Scalar } from '../contracts/rule.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';
import { enterCustomers } from './enter.ts';
import type { EventMatch, JourneyBody } from './model.ts';

// Events reaching journeys as they are ingested: a goal event converts the customer in every live journey with that
// goal (and marks the control group's entries converted, for the lift); an awaited event wakes a wait_for_event
// before its timeout; an entry event enters the customer.

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

interface VersionRow {
  id: number;
  journey_id: number;
  current_version: number | null;
  status: string;
  body: JourneyBody;
}

/** Versions of live or paused journeys: those customers can be inside. */
async function openVersions(db: Kysely<Database>): Promise<VersionRow[]> {
  const rows = await db
    .selectFrom('journey_versions as v')
    .innerJoin('journeys as j', 'j.id', 'v.journey_id')
    .select(['v.id', 'v.journey_id', 'v.body', 'j.current_version', 'j.status'])
    .where('j.status', 'in', ['live', 'paused'])
    .where('v.published_at', 'is not', null)
    .execute();
  return rows.map((r) => ({ ...r, body: r.body as unknown as JourneyBody }));
}

/** Groups the customers of matching events, earliest time each. */
function matching(match: EventMatch, events: readonly JourneyEvent[]): Map<number, Date> {
  const out = new Map<number, Date>();
  for (const e of events)
    if (eventMatches(match, e)) {
      const seen = out.get(e.customerId);
      if (!seen || e.time < seen) out.set(e.customerId, e.time);
    }
  return out;
}

/**
 * Goal events: every live entry of the customer in a journey whose goal they match ends as converted; entries of the
 * control group (and entries that already left) get their conversion time, once. Returns the entries converted.
 */
export async function recordGoalEvents(
  deps: { readonly db: Kysely<Database> },
  events: readonly JourneyEvent[],
): Promise<number> {
  let converted = 0;
  for (const version of await openVersions(deps.db)) {
    if (!version.body.goal) continue;
    const hits = matching(version.body.goal, events);
    if (hits.size === 0) continue;
    const { rows } = await sql<{ state: string }>`
      update journey_memberships m
         set converted_at = t.at,
             state = case when m.state in ('active', 'waiting') then 'converted' else m.state end,
             exit_reason = case when m.state in ('active', 'waiting') then 'goal' else m.exit_reason end,
             exited_at = case when m.state in ('active', 'waiting') then t.at else m.exited_at end,
             due_at = case when m.state in ('active', 'waiting') then null else m.due_at end
        from unnest(${[...hits.keys()]}::int[], ${[...hits.values()].map((d) => d.toISOString())}::timestamptz[])
               as t(customer_id, at)
       where m.version_id = ${version.id} and m.customer_id = t.customer_id
         and m.converted_at is null and m.entered_at <= t.at
      returning m.state`.execute(deps.db);
    converted += rows.filter((r) => r.state === 'converted').length;
  }
  return converted;
}

/** Awaited events: memberships waiting for them on a wait_for_event node leave by its 'event' exit when next due. */
export async function signalAwaitedEvents(
  deps: { readonly db: Kysely<Database> },
  events: readonly JourneyEvent[],
): Promise<number> {
  let woken = 0;
  for (const version of await openVersions(deps.db))
    for (const node of version.body.nodes) {
      if (node.kind !== 'wait_for_event') continue;
      const hits = matching(node, events);
      if (hits.size === 0) continue;
      const result = await sql`
        update journey_memberships m set signal = 'event', due_at = least(m.due_at, t.at)
          from unnest(${[...hits.keys()]}::int[], ${[...hits.values()].map((d) => d.toISOString())}::timestamptz[])
                 as t(customer_id, at)
         where m.version_id = ${version.id} and m.current_node = ${node.id} and m.state = 'waiting'
           and m.customer_id = t.customer_id and m.signal is null`.execute(deps.db);
      woken += Number(result.numAffectedRows ?? 0);
    }
  return woken;
}

/**
 * Everything ingested events do to journeys, in order: goals convert, awaited events wake, entry events enter (at
 * the event's time). The ingestion path calls it with each batch of events of known customers.
 */
export async function recordJourneyEvents(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  events: readonly JourneyEvent[],
): Promise<{ converted: number; woken: number; entered: number }> {
  const converted = await recordGoalEvents(deps, events);
  const woken = await signalAwaitedEvents(deps, events);
  let entered = 0;
  for (const version of await openVersions(deps.db)) {
    const entry = version.body.entry;
    if (version.status !== 'live' || version.current_version !== version.id || entry.kind !== 'event')
      continue;
    const hits = matching(entry, events);
    for (const [customerId, at] of hits)
      entered += (await enterCustomers(deps, version.id, [customerId], at)).entered;
  }
  return { converted, woken, entered };
}
