import { sql, type Kysely } from 'kysely';
import {
  binaryArm,
  compare,
  wilsonInterval,
  type Comparison,
  type Interval,
} from '../analytics/experiments/lift.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { ResultsQuery } from './model.ts';

// Did the activity work? Conversion is the named event (default 'purchase') in the event store from the activity's
// start to `windowDays` days after its end, per customer. Groups: attendees (checked in, control and leads apart),
// invited non-attendees, the control group held out at invitation (sent nothing), and leads captured on site. The
// invitation's effect is all invited (attended or not) against control — randomised, with the Wald 95% interval and z
// test of src/analytics/experiments/lift.ts; attendees against control and against non-attendees are shown too, but
// attending is chosen by the customer, so those differences are not the activity's causal effect. Rates carry
// Wilson 95% intervals; a figure that cannot be computed is null with its reason.

/** A group's conversion. */
export interface GroupRate {
  readonly customers: number;
  readonly converted: number;
  readonly rate: number | null;
  readonly interval: Interval | null;
  readonly reason: string | null;
}

/** An activity's results. */
export interface ActivityResults {
  readonly activityId: number;
  readonly event: string;
  readonly window: { readonly from: string; readonly to: string };
  readonly counts: Readonly<
    Record<
      | 'invited'
      | 'control'
      | 'delivered'
      | 'queued'
      | 'rsvpYes'
      | 'rsvpNo'
      | 'waitlist'
      | 'registered'
      | 'checkedIn'
      | 'walkIns'
      | 'leads'
      | 'newCustomers'
      | 'tasks',
      number
    >
  >;
  readonly groups: Readonly<Record<'attendees' | 'nonAttendees' | 'control' | 'leads', GroupRate>>;
  /** All invited (the invitation's effect, randomised) against control. */
  readonly invitedVsControl: Comparison | null;
  readonly attendeesVsControl: Comparison | null;
  readonly attendeesVsNonAttendees: Comparison | null;
  readonly definitions: Readonly<Record<string, string>>;
}

const DEFINITIONS = {
  converted: 'the event named happened from the start of the activity to windowDays days after its end',
  invitedVsControl:
    'invited customers (attended or not) against the control group held out at invitation: randomised, Wald 95% interval, two-sided z test',
  attendeesVsControl: 'attendees against the control group: attending is self-selected, descriptive only',
  attendeesVsNonAttendees: 'attendees against invited non-attendees: self-selected, descriptive only',
} as const;

function rate(customers: number, converted: number): GroupRate {
  const { interval, reason } = wilsonInterval(converted, customers);
  return { customers, converted, rate: customers > 0 ? converted / customers : null, interval, reason };
}

const versus = (t: string, tg: GroupRate, c: string, cg: GroupRate): Comparison | null =>
  tg.customers === 0 || cg.customers === 0
    ? null
    : compare(binaryArm(t, tg.customers, tg.converted), binaryArm(c, cg.customers, cg.converted), 'binary');

/** The results of an activity: counts and conversion by group. */
export async function activityResults(
  deps: { readonly db: Kysely<Database>; readonly events: EventStore },
  activityId: number,
  query: ResultsQuery,
): Promise<Result<ActivityResults>> {
  const activity = await deps.db
    .selectFrom('activities')
    .select(['starts_at', 'ends_at'])
    .where('id', '=', activityId)
    .executeTakeFirst();
  if (!activity) return err({ code: 'not_found', message: `no activity ${activityId}` });
  const from = new Date(activity.starts_at);
  const to = new Date(new Date(activity.ends_at).getTime() + query.windowDays * 86_400_000);
  const [invitees, deliveries, tasks] = await Promise.all([
    deps.db
      .selectFrom('activity_invitees as i')
      .leftJoin('customers as c', 'c.id', 'i.customer_id')
      .select([
        'i.customer_id',
        'i.source',
        'i.control',
        'i.rsvp',
        'i.registered_at',
        'i.checked_in_at',
        'c.source as origin',
      ])
      .where('i.activity_id', '=', activityId)
      .execute(),
    sql<{ status: string; n: number }>`
      select d.status, count(*)::int as n
        from deliveries d join campaign_runs r on r.id = d.run_id
        join activity_sends s on s.campaign_id = r.campaign_id
       where s.activity_id = ${activityId} group by 1`.execute(deps.db),
    sql<{ n: number }>`select count(*)::int as n from tasks
                        where delivery_key like ${`activity:${activityId}:%`}`.execute(deps.db),
  ]);
  const ids = invitees.map((i) => i.customer_id);
  const converted = new Set(
    ids.length === 0
      ? []
      : (
          await deps.events.query<{ customer_id: number }>(
            `SELECT DISTINCT customer_id FROM events
              WHERE event = {event:String} AND customer_id IN {ids:Array(UInt32)}
                AND time >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
                AND time < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`,
            { event: query.event, ids, from: from.getTime(), to: to.getTime() },
          )
        ).map((r) => Number(r.customer_id)),
  );
  const group = (pick: (i: (typeof invitees)[number]) => boolean) => {
    const members = invitees.filter(pick);
    return rate(members.length, members.filter((m) => converted.has(m.customer_id)).length);
  };
  const groups = {
    attendees: group((i) => !i.control && i.source !== 'lead' && i.checked_in_at !== null),
    nonAttendees: group((i) => !i.control && i.source === 'invited' && i.checked_in_at === null),
    control: group((i) => i.control),
    leads: group((i) => i.source === 'lead'),
  };
  const invited = group((i) => !i.control && i.source === 'invited');
  const delivered = deliveries.rows
    .filter((r) => r.status === 'sent' || r.status === 'delivered')
    .reduce((n, r) => n + r.n, 0);
  const count = (pick: (i: (typeof invitees)[number]) => boolean) => invitees.filter(pick).length;
  return ok({
    activityId,
    event: query.event,
    window: { from: from.toISOString(), to: to.toISOString() },
    counts: {
      invited: invited.customers,
      control: groups.control.customers,
      delivered,
      queued: deliveries.rows.find((r) => r.status === 'queued')?.n ?? 0,
      rsvpYes: count((i) => i.rsvp === 'yes'),
      rsvpNo: count((i) => i.rsvp === 'no'),
      waitlist: count((i) => i.rsvp === 'waitlist'),
      registered: count((i) => i.registered_at !== null),
      checkedIn: count((i) => i.checked_in_at !== null),
      walkIns: count((i) => i.source === 'walk_in'),
      leads: groups.leads.customers,
      newCustomers: count((i) => i.origin === `activity:${activityId}`),
      tasks: tasks.rows[0]?.n ?? 0,
    },
    groups,
    invitedVsControl: versus('invited', invited, 'control', groups.control),
    attendeesVsControl: versus('attendees', groups.attendees, 'control', groups.control),
    attendeesVsNonAttendees: versus('attendees', groups.attendees, 'non_attendees', groups.nonAttendees),
    definitions: DEFINITIONS,
  });
}
