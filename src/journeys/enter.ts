import { sql, type Kysely } from 'kysely';
import { holdingsDue } from '../pool/reminders.ts';
import { sampleTest } from '../segments/sample.ts';
import type { Clock } from '../shared/clock.ts';
import { shiftDay } from '../shared/day.ts';
import type { Database } from '../store/operational/database.ts';
import type { JourneyBody } from './model.ts';

// Entering a journey: one membership per (journey, customer, entry number). The re-entry rule picks who may start a
// next entry; the unique keys settle races (two processes entering one customer at once write one row) and keep at
// most one live entry per customer and journey. The control group — a fixed hashed sample per journey, like a
// campaign's — is recorded as entries that exit at once with arm 'control', so conversion can be compared.

/** What entering needs. */
export interface EnterDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

/** Counts of one call. */
export interface EnterReport {
  /** New entries into the graph. */
  readonly entered: number;
  /** New entries held out as the control group. */
  readonly control: number;
  /** Customers the re-entry rule or a live entry kept out. */
  readonly skipped: number;
}

/** The control group's seed: fixed per journey, so every version holds back the same customers. */
export const journeyControlSeed = (journeyId: number) => `journey:${journeyId}:control`;

/** A journey version with its journey, as entering and the engine read it. */
export interface LiveVersion {
  readonly id: number;
  readonly journeyId: number;
  readonly status: string;
  readonly currentVersion: number | null;
  readonly body: JourneyBody;
}

/** The version and its journey's status, or undefined. */
export async function loadVersion(db: Kysely<Database>, versionId: number): Promise<LiveVersion | undefined> {
  const row = await db
    .selectFrom('journey_versions as v')
    .innerJoin('journeys as j', 'j.id', 'v.journey_id')
    .select(['v.id', 'v.journey_id', 'v.body', 'j.status', 'j.current_version'])
    .where('v.id', '=', versionId)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        journeyId: row.journey_id,
        status: row.status,
        currentVersion: row.current_version,
        body: row.body as unknown as JourneyBody,
      }
    : undefined;
}

/**
 * Enters customers into a live journey's version at `at`, as its re-entry rule allows; the control group's entries
 * exit at once. Customers of a journey that is not live, or of a version that is not its current one, enter nothing.
 */
export function enterCustomers(
  deps: EnterDeps,
  versionId: number,
  customerIds: readonly number[],
  at: Date,
  holdingDueOn?: string,
): Promise<EnterReport> {
  return enterCustomersAt(
    deps,
    versionId,
    customerIds.map((customerId) => ({ customerId, at, ...(holdingDueOn ? { holdingDueOn } : {}) })),
  );
}

/** One customer entering at a time of their own (the event that brought them). */
export interface Entering {
  readonly customerId: number;
  readonly at: Date;
  /** A date entry's holding due day: the notices' {{ reminder.* }} are about that holding. */
  readonly holdingDueOn?: string;
}

/**
 * Enters customers each at their own time (one statement for all), as `enterCustomers` does; a customer named twice
 * enters at the first of their times.
 */
export async function enterCustomersAt(
  deps: EnterDeps,
  versionId: number,
  entering: readonly Entering[],
): Promise<EnterReport> {
  const version = await loadVersion(deps.db, versionId);
  const first = new Map<number, Entering>();
  for (const e of entering) {
    const seen = first.get(e.customerId);
    if (!seen || e.at < seen.at) first.set(e.customerId, e);
  }
  const ids = [...first.keys()];
  if (!version || version.status !== 'live' || version.currentVersion !== versionId || ids.length === 0)
    return { entered: 0, control: 0, skipped: ids.length };
  const { body, journeyId } = version;
  const inControl =
    body.controlPercent > 0 ? sampleTest(journeyControlSeed(journeyId), body.controlPercent) : () => false;
  const control = ids.map(inControl);
  const ats = [...first.values()].map((e) => e.at.toISOString());
  const dues = [...first.values()].map((e) => e.holdingDueOn ?? null);
  const rule = body.reentry;
  const allowed =
    rule.kind === 'once'
      ? sql`p.n is null`
      : rule.kind === 'afterDays'
        ? sql`(p.n is null or p.last <= c.at - make_interval(days => ${rule.days}::int))`
        : sql`true`;
  // A customer already inside conflicts with the partial unique index of live entries: nothing is written.
  const { rows } = await sql<{ state: string }>`
    insert into journey_memberships (journey_id, version_id, customer_id, entry_no, current_node, state, due_at,
                                     arm, entered_at, exited_at, exit_reason, holding_due_on)
    select ${journeyId}::int, ${versionId}::int, c.id, coalesce(p.n, 0) + 1,
           ${body.start}::text,
           case when c.control then 'exited' else 'active' end,
           case when c.control then null else c.at end,
           case when c.control then 'control' end,
           c.at,
           case when c.control then c.at end,
           case when c.control then 'control' end,
           c.due
      from unnest(${ids}::int[], ${control}::bool[], ${ats}::timestamptz[], ${dues}::date[]) as c(id, control, at, due)
      left join lateral (select max(m.entry_no) as n, max(m.entered_at) as last
                           from journey_memberships m
                          where m.journey_id = ${journeyId} and m.customer_id = c.id) p on true
     where ${allowed}
    on conflict do nothing
    returning state`.execute(deps.db);
  const held = rows.filter((r) => r.state === 'exited').length;
  return { entered: rows.length - held, control: held, skipped: ids.length - rows.length };
}

/**
 * Customers whose date of the entry falls `daysBefore` days after `day`: holdings due (maturity, renewal, repayment,
 * auto-investment — the pool's reminder vocabulary) or a birthday.
 */
export async function customersDueOn(
  db: Kysely<Database>,
  entry: Extract<JourneyBody['entry'], { kind: 'date' }>,
  day: string,
): Promise<number[]> {
  const target = shiftDay(day, entry.daysBefore);
  if (entry.field !== 'birthday') return [...(await holdingsDue(db, entry.field, target)).keys()];
  // 29 February counts on the 28th in common years, as the pool's birthday reminders do.
  const leap29 = target.slice(5) === '02-28' && !isLeap(Number(target.slice(0, 4)));
  const { rows } = await sql<{ id: number }>`
    select id from customers
     where birth_date is not null
       and (to_char(birth_date, 'MM-DD') = ${target.slice(5)}
            ${leap29 ? sql`or to_char(birth_date, 'MM-DD') = '02-29'` : sql``})`.execute(db);
  return rows.map((r) => r.id);
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Live journeys with their current version's id and entry, in id order. */
export async function liveJourneys(
  db: Kysely<Database>,
): Promise<{ id: number; versionId: number; entry: JourneyBody['entry'] }[]> {
  const rows = await db
    .selectFrom('journeys as j')
    .innerJoin('journey_versions as v', 'v.id', 'j.current_version')
    .select(['j.id', 'v.id as version_id', 'v.body'])
    .where('j.status', '=', 'live')
    .orderBy('j.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    versionId: r.version_id,
    entry: (r.body as unknown as JourneyBody).entry,
  }));
}
