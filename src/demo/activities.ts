import { sql, type Kysely } from 'kysely';
import { answerRsvp, checkIn, checkInCode, type InviteeLinks } from '../activities/attend.ts';
import { importAttendance } from '../activities/attendance.ts';
import { generateFollowUps } from '../activities/follow-up.ts';
import { inviteToActivity } from '../activities/invite.ts';
import { captureLead } from '../activities/leads.ts';
import { createActivity, finishActivity, type ActivityDeps } from '../activities/service.ts';
import { segmentAudience } from '../campaigns/audience.ts';
import { completeFinishedRuns } from '../campaigns/delivery/worker.ts';
import { inviteeToken } from '../campaigns/feedback/invitee-links.ts';
import type { LinkTracking } from '../campaigns/feedback/links.ts';
import { reviewPlan, savePlan } from '../ogsm/service.ts';
import { updateTask } from '../pool/tasks.ts';
import { SegmentService } from '../segments/service.ts';
import { fixedClock, type Clock } from '../shared/clock.ts';
import { shiftDay } from '../shared/day.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import { tagSource } from '../tags/segment-source.ts';
import { hash32, Rng } from './random.ts';
import {
  KNOWN_CUSTOMER_LEAD,
  OUTSIDE_MEMBERS,
  SALON_BRANCH,
  SALON_CONTROL_PERCENT,
  SALON_FUND,
  SALON_INVITATION,
  SALON_LEADS,
  SALON_NAME,
  SALON_POPULATION,
  SALON_REVIEW,
  SALON_TIMES,
  SALON_VENUE_UNIT,
  salonBody,
  salonCapacity,
  salonPlan,
} from './salon-plan.ts';
import {
  approvedContent,
  demoEvent,
  ensureDemoChannels,
  markDelivered,
  receiptsOf,
  sendDue,
  sentDeliveries,
} from './sending.ts';

// The demo bank's finished offline activity (a wealth salon, salon-plan.ts), played out through the activities
// domain as its organisers and guests would have, each step with a clock at its moment in the past: set up and
// invited two weeks before the as-of day (the invitations sent and delivered then, so none is left for the worker),
// answers over the following days, check-ins, walk-ins and leads on the afternoon ten days before, finished that
// evening, follow-ups the next morning (most done since), and its OGSM plan reviewed a week later. Who answers, comes
// and when is drawn from the demo's seed.

const AUTHOR = 'user:demo-ops';
const CHECKER = 'user:demo-compliance';
const MINUTE = 60_000;

/** What seeding the demo's activity needs. */
export interface DemoActivityDeps {
  readonly db: Kysely<Database>;
  readonly events: EventStore;
  /** The demo's clock: today is its as-of day, its calendar the bank's zone. */
  readonly clock: Clock;
  /** The demo's seed (FLYWHEEL_DEMO_SEED). */
  readonly seed: string;
  /** The worker's link signing (FLYWHEEL_LINK_SECRET): the invitations then carry working RSVP links. */
  readonly links?: LinkTracking;
}

/** What the seeded activity holds. */
export interface DemoActivity {
  readonly activityId: number;
  readonly name: string;
  readonly invited: number;
  readonly attended: number;
  readonly leads: number;
  readonly tasks: number;
}

const fail = (step: string, error: { message: string }): never => {
  throw new Error(`demo activity, ${step}: ${error.message}`);
};

/** Seeds the finished salon and its reviewed OGSM plan (once: nothing when an activity exists). */
export async function seedDemoActivity(deps: DemoActivityDeps): Promise<DemoActivity | null> {
  const { db, clock, seed } = deps;
  if (await db.selectFrom('activities').select('id').limit(1).executeTakeFirst()) return null;
  const asOf = clock.today();
  const invitedOn = shiftDay(asOf, -SALON_TIMES.invitedDaysBefore);
  const heldOn = shiftDay(asOf, -SALON_TIMES.heldDaysBefore);
  const at = (daysAfterSalon: number, hhmm: string) => clock.at(shiftDay(heldOn, daysAfterSalon), hhmm);
  const on = (instant: Date): ActivityDeps => ({ db, clock: fixedClock(instant, clock.timeZone) });
  // The organisers' answers and scans go through signed tokens; without the worker's secret they are signed with
  // one of this process only (a token is never stored), and the messages carry no link, as the worker would send.
  const secret = deps.links?.secret ?? `demo-activity:${seed}`;
  const links: InviteeLinks = { secret, publicUrl: deps.links?.publicUrl ?? 'http://localhost' };

  const people = await salonPeople(db, seed);
  const customers = Number(
    (
      await db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const capacity = salonCapacity(customers);
  const memberPhones = Rng.for(seed, 'salon-members');
  const setUp = clock.at(invitedOn, '10:00');
  await ensureDemoChannels(db, setUp, AUTHOR);
  const contentId = await approvedContent(
    on(clock.at(invitedOn, '09:30')),
    { author: AUTHOR, checker: CHECKER },
    SALON_INVITATION,
  );
  const created = await createActivity(
    on(setUp),
    AUTHOR,
    salonBody({
      venue: people.venue,
      startsAt: at(0, SALON_TIMES.startsAt),
      endsAt: at(0, SALON_TIMES.endsAt),
      capacity,
      staff: people.staff,
      members: [
        ...people.members.map((m) => ({ name: m.name, customerNo: m.customer_no })),
        ...OUTSIDE_MEMBERS.map((name) => ({ name, phone: drawnPhone(memberPhones, '177') })),
      ],
    }),
  );
  if (!created.ok) return fail('create', created.error);
  const id = created.value.id;
  const subject = { kind: 'activity' as const, id };
  const planned = await savePlan(on(clock.at(invitedOn, '10:10')), AUTHOR, subject, salonPlan(capacity));
  if (!planned.ok) return fail('OGSM plan', planned.error);

  // Invited and sent at once; the receipts arrive within the minute.
  const inviteAt = clock.at(invitedOn, '10:30');
  const inviting = on(inviteAt);
  const segments = new SegmentService({ db, events: deps.events, clock: inviting.clock, tags: tagSource });
  const invited = await inviteToActivity({ ...inviting, audience: segmentAudience(segments) }, AUTHOR, id, {
    population: SALON_POPULATION,
    controlPercent: SALON_CONTROL_PERCENT,
    content: { id: contentId, version: 1 },
    channels: ['sms'],
  });
  if (!invited.ok) return fail('invitation', invited.error);
  await sendDue(deps, inviting.clock, deps.links);
  const runs = await db
    .selectFrom('campaign_runs')
    .select('id')
    .where('campaign_id', '=', invited.value.campaignId)
    .execute();
  for (const run of runs) {
    const sent = { campaignId: invited.value.campaignId, runId: Number(run.id), sentAt: inviteAt.getTime() };
    const receipts = receiptsOf(await sentDeliveries(db, sent.runId), sent, {
      sms: { delivered: 0.97, opened: 0, clicked: 0 },
    });
    await deps.events.insert('events', receipts.rows);
    await markDelivered(db, receipts.delivered);
  }
  await completeFinishedRuns(db, clock.at(shiftDay(invitedOn, 1), '02:00'));

  // Answers over the days before; most yes-sayers come, scanned at the door.
  const reached = await delivered(db, invited.value.campaignId, seed);
  const yes = Math.min(Math.round(capacity * 0.9), Math.ceil(reached.length * 0.3));
  const no = Math.max(1, Math.round(yes * 0.25));
  const rsvp = Rng.for(seed, 'salon-rsvp');
  const answers = reached.slice(0, yes + no).map((guest, k) => ({
    guest,
    answer: k < yes ? ('yes' as const) : ('no' as const),
    at: answerTime(rsvp, clock, invitedOn),
  }));
  for (const a of answers.toSorted((x, y) => x.at.getTime() - y.at.getTime())) {
    const token = inviteeToken(secret, 'rsvp', id, a.guest.id);
    const answered = await answerRsvp(on(a.at), links, token, a.answer);
    if (!answered.ok) return fail('RSVP', answered.error);
  }
  const doors = at(0, '13:25');
  const door = Rng.for(seed, 'salon-door');
  const arrivals = answers
    .filter((a) => a.answer === 'yes' && door.chance(0.85))
    .map((a) => ({ guest: a.guest, at: new Date(doors.getTime() + door.int(0, 55) * MINUTE) }))
    .toSorted((x, y) => x.at.getTime() - y.at.getTime());
  for (const arrival of arrivals) {
    const code = await checkInCode(on(arrival.at), links, id, arrival.guest.customer_no);
    if (!code.ok) return fail('check-in code', code.error);
    const scanned = await checkIn(on(arrival.at), links, AUTHOR, id, code.value.url);
    if (!scanned.ok) return fail('check-in', scanned.error);
  }

  // Leads taken in the second half: prospects the chamber brought, and one who is a customer already.
  const leadPhones = Rng.for(seed, 'salon-leads');
  const leads = [
    ...SALON_LEADS.map((lead) => ({ ...lead, phone: drawnPhone(leadPhones, '199') })),
    ...(people.knownLead.phone
      ? [{ ...KNOWN_CUSTOMER_LEAD, name: people.knownLead.name, phone: people.knownLead.phone }]
      : []),
  ];
  const takers = people.staff.filter((s) => s.role !== 'branch_head');
  for (const [k, lead] of leads.entries()) {
    const capturedBy = takers[k % takers.length]!.staffId;
    const captured = await captureLead(on(at(0, `15:${String(20 + k * 9).padStart(2, '0')}`)), AUTHOR, id, {
      ...lead,
      capturedBy,
    });
    if (!captured.ok) return fail('lead', captured.error);
  }

  // The sign-in sheet of those who came uninvited (the chamber's members who bank with us, a friend), typed in after.
  const sheet = [
    'customer_no,checked_in_at',
    ...people.walkIns.map((w, k) => `${w.customer_no},${heldOn} 14:${String(5 + k * 7).padStart(2, '0')}`),
  ];
  const imported = await importAttendance(on(at(0, '16:45')), AUTHOR, id, sheet.join('\n'));
  if (!imported.ok) return fail('attendance sheet', imported.error);

  const finished = await finishActivity(on(at(0, '17:40')), AUTHOR, id);
  if (!finished.ok) return fail('finish', finished.error);
  const followUps = await generateFollowUps(on(at(1, '09:00')), AUTHOR, id, {
    who: ['attendees', 'leads'],
    dueDays: 3,
    title: '沙龙回访：{activity}',
  });
  if (!followUps.ok) return fail('follow-ups', followUps.error);
  await completeFollowUps(db, clock, id, seed, heldOn);
  await salonPurchases(deps, id, at(0, SALON_TIMES.endsAt));

  const reviewed = await reviewPlan(on(at(7, '10:00')), CHECKER, subject, SALON_REVIEW);
  if (!reviewed.ok) return fail('OGSM review', reviewed.error);
  return {
    activityId: id,
    name: SALON_NAME,
    invited: invited.value.invitees,
    attended: arrivals.length + people.walkIns.length,
    leads: leads.length,
    tasks: followUps.value.created,
  };
}

/** An 11-digit mobile number on a prefix the demo's customers never have, so it matches nobody. */
function drawnPhone(rng: Rng, prefix: string): string {
  return prefix + String(rng.int(0, 99_999_999)).padStart(8, '0');
}

/** When an invitee answered: half on the day of the invitation, the rest over the days until the eve of the salon. */
function answerTime(rng: Rng, clock: Clock, invitedOn: string): Date {
  const days = SALON_TIMES.invitedDaysBefore - SALON_TIMES.heldDaysBefore;
  const day = rng.chance(0.5) ? 0 : rng.int(1, days - 1);
  const from = day === 0 ? 10 * 60 + 40 : 8 * 60;
  const minute = rng.int(from, 21 * 60 + 59);
  const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return clock.at(shiftDay(invitedOn, day), hhmm);
}

interface Guest {
  readonly id: number;
  readonly customer_no: string;
}

/** The invitees whose invitation was delivered, in an order drawn from the seed (who answers first). */
async function delivered(db: Kysely<Database>, campaignId: number, seed: string): Promise<Guest[]> {
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('campaign_runs as r', 'r.id', 'd.run_id')
    .innerJoin('customers as c', 'c.id', 'd.customer_id')
    .select(['c.id', 'c.customer_no'])
    .where('r.campaign_id', '=', campaignId)
    .where('d.status', '=', 'delivered')
    .execute();
  const key = (g: Guest) => hash32(seed, 'salon-guest', g.id);
  return rows.toSorted((a, b) => key(a) - key(b) || a.id - b.id);
}

/** The venue, the staff (host, a colleague, the branch head) and the guests from outside the invitation. */
async function salonPeople(db: Kysely<Database>, seed: string) {
  const unit = await db
    .selectFrom('org_units')
    .select('name')
    .where('id', '=', SALON_VENUE_UNIT)
    .executeTakeFirst();
  if (!unit) throw new Error(`demo activity: no sub-branch ${SALON_VENUE_UNIT}`);
  const active = (unit: string, role: 'account_manager' | 'branch_head', n: number) =>
    db
      .selectFrom('staff')
      .select('id')
      .where('org_unit_id', '=', unit)
      .where('role', '=', role)
      .where('status', '=', 'active')
      .orderBy('id')
      .limit(n)
      .execute();
  const managers = await active(SALON_VENUE_UNIT, 'account_manager', 2);
  const host = managers[0];
  if (!host) throw new Error(`demo activity: no account manager at ${SALON_VENUE_UNIT}`);
  const [head] = await active(SALON_BRANCH, 'branch_head', 1);
  const staff = [
    { staffId: host.id, role: 'host' },
    ...managers.slice(1).map((m) => ({ staffId: m.id, role: 'assistant' })),
    ...(head ? [{ staffId: head.id, role: 'branch_head' }] : []),
  ];
  // Business people of the branch below the invited tiers: two are chamber members, one comes along, one is a lead.
  const { rows } = await sql<Guest & { name: string | null; phone: string | null }>`
    select c.id, c.customer_no, c.name, c.phone from customers c join org_units u on u.id = c.org_unit_id
     where u.parent_id = ${SALON_BRANCH} and c.tier in ('mass', 'gold')
       and c.occupation in ('business_owner', 'self_employed', 'executive')
     order by c.id limit 400`.execute(db);
  const key = (g: Guest) => hash32(seed, 'salon-outsider', g.id);
  const [first, second, friend, known] = rows.toSorted((a, b) => key(a) - key(b) || a.id - b.id);
  if (!first || !second || !friend || !known)
    throw new Error(`demo activity: too few business customers at ${SALON_BRANCH}`);
  return {
    venue: unit.name,
    staff,
    members: [first, second].map((m) => ({ name: m.name ?? m.customer_no, customer_no: m.customer_no })),
    walkIns: [first, second, friend],
    knownLead: { name: known.name ?? known.customer_no, phone: known.phone },
  };
}

/**
 * Most follow-ups were done by their due day, by the manager they were given to (as the system on their behalf, as
 * the demo's other past work); a few are still open.
 */
async function completeFollowUps(
  db: Kysely<Database>,
  clock: Clock,
  activityId: number,
  seed: string,
  heldOn: string,
): Promise<void> {
  const tasks = await db
    .selectFrom('tasks')
    .select(['id', 'customer_id'])
    .where('delivery_key', 'like', `activity:${activityId}:%`)
    .orderBy('id')
    .execute();
  const who = { actor: 'system:demo', scope: { kind: 'all' } as const, staffId: null };
  for (const task of tasks) {
    const rng = Rng.for(seed, 'salon-follow-up', task.customer_id);
    if (!rng.chance(0.75)) continue;
    const doneAt = clock.at(
      shiftDay(heldOn, rng.int(1, 3)),
      `${rng.int(10, 17)}:${String(rng.int(0, 59)).padStart(2, '0')}`,
    );
    const done = await updateTask({ db, clock: fixedClock(doneAt, clock.timeZone) }, who, task.id, {
      status: 'done',
    });
    if (!done.ok) fail('follow-up', done.error);
  }
}

/**
 * What the salon did for sales: some attendees bought the featured bond fund in the days after it (before the as-of
 * day), on top of what the generator has them buy anyway — a purchase event, as the demo's campaigns record theirs.
 */
async function salonPurchases(deps: DemoActivityDeps, activityId: number, endsAt: Date): Promise<void> {
  const attendees = await deps.db
    .selectFrom('activity_invitees as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['c.id', 'c.customer_no'])
    .where('i.activity_id', '=', activityId)
    .where('i.checked_in_at', 'is not', null)
    .where('i.control', '=', false)
    .where('i.source', '<>', 'lead')
    .orderBy('c.id')
    .execute();
  const until = deps.clock.startOf(deps.clock.today()).getTime();
  const span = until - endsAt.getTime();
  const rows = attendees.flatMap((a) => {
    const rng = Rng.for(deps.seed, 'salon-purchase', a.id);
    if (!rng.chance(0.3)) return [];
    const at = endsAt.getTime() + 30 * MINUTE + rng.next() * (span - 60 * MINUTE);
    return [
      demoEvent(`demo-activity-${activityId}-${a.id}`, 'purchase', { id: a.id, no: a.customer_no }, at, {
        product_id: SALON_FUND,
        category: 'fund',
        channel: 'branch',
        amount: rng.int(5, 30) * 10_000,
      }),
    ];
  });
  await deps.events.insert('events', rows);
}
