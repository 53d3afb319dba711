import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { activityResults } from '../activities/results.ts';
import { attainmentList } from '../ogsm/review.ts';
import { readPlan } from '../ogsm/service.ts';
import { fixedClock } from '../shared/clock.ts';
import { shiftDay } from '../shared/day.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { seedDemoActivity, type DemoActivity } from './activities.ts';
import { SALON_TIMES } from './salon-plan.ts';
import { seedDemoBank } from './seed.ts';
import { sendDue } from './sending.ts';

// The demo's finished salon, played out through the activities domain on a small demo bank (real PGlite and chDB):
// finished in the past, answers, check-ins, a walk-in sheet, leads (new prospects and a known customer), follow-ups,
// a control group, computable results and a reviewed OGSM plan; nothing left for the worker to send; seeded once.

const AS_OF = '2025-06-30';
const SEED = 'flywheel';
const clock = fixedClock('2025-06-30T08:00:00Z');
let store: OperationalStore;
let events: EventStore;
let seeded: DemoActivity | null;

beforeAll(async () => {
  store = await openMigratedMemoryStore();
  events = await openEventStore({ kind: 'chdb', dataDir: null });
  const bank = await seedDemoBank({ store, events }, { customers: 3000, days: 7, seed: SEED, asOf: AS_OF });
  if (!bank.ok) throw new Error(bank.error.message);
  seeded = await seedDemoActivity({ db: store.db, events, clock, seed: SEED });
});
afterAll(async () => {
  await events?.close();
  await store?.close();
});

const invitees = () =>
  store.db
    .selectFrom('activity_invitees as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.source', 'i.control', 'i.rsvp', 'i.checked_in_at', 'c.source as origin'])
    .where('i.activity_id', '=', seeded!.activityId)
    .execute();

describe('the demo activity', () => {
  it('is a salon finished ten days before the as-of day, set up four days before it', async () => {
    const activity = await store.db
      .selectFrom('activities')
      .selectAll()
      .where('id', '=', seeded!.activityId)
      .executeTakeFirstOrThrow();
    const heldOn = shiftDay(AS_OF, -SALON_TIMES.heldDaysBefore);
    expect(activity).toMatchObject({
      status: 'finished',
      mode: 'offline',
      frequency: 'low',
      partner_kind: 'chamber_of_commerce',
    });
    expect(new Date(activity.starts_at)).toEqual(clock.at(heldOn, '14:00'));
    expect(new Date(activity.ends_at)).toEqual(clock.at(heldOn, '16:30'));
    expect(new Date(activity.created_at)).toEqual(clock.at(shiftDay(AS_OF, -14), '10:00'));
    expect(activity.finished_at!.getTime()).toBeGreaterThan(activity.ends_at.getTime());
    expect(activity.staff.map((s) => s.role)).toEqual(['host', 'assistant', 'branch_head']);
    expect(activity.products.map((p) => p.role)).toEqual(['hot_selling', 'traffic']);
    const members = await store.db
      .selectFrom('activity_partner_members')
      .select('customer_id')
      .where('activity_id', '=', seeded!.activityId)
      .execute();
    expect(members.filter((m) => m.customer_id !== null)).toHaveLength(2);
    expect(members).toHaveLength(5);
    // Every step happened in the past, in order: the audit's times lie between set-up and the review.
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'at'])
      .where('entity_type', '=', 'activity')
      .where('entity_id', '=', String(seeded!.activityId))
      .orderBy('id')
      .execute();
    const times = audit.map((a) => new Date(a.at).getTime());
    expect(times).toEqual(times.toSorted((a, b) => a - b));
    expect(audit.at(-1)?.action).toBe('activity.follow_up');
    expect(times.at(-1)!).toBeLessThan(clock.now().getTime());
  });

  it('has answers yes and no, check-ins, walk-ins, leads (new prospects and a customer) and a control group', async () => {
    const all = await invitees();
    const invited = all.filter((i) => i.source === 'invited' && !i.control);
    expect(invited.filter((i) => i.rsvp === 'yes').length).toBeGreaterThan(0);
    expect(invited.filter((i) => i.rsvp === 'no').length).toBeGreaterThan(0);
    expect(invited.filter((i) => i.checked_in_at !== null).length).toBeGreaterThan(0);
    // Nobody came who said no.
    expect(invited.filter((i) => i.rsvp === 'no' && i.checked_in_at !== null)).toEqual([]);
    expect(all.filter((i) => i.source === 'walk_in' && i.checked_in_at !== null)).toHaveLength(3);
    const leads = all.filter((i) => i.source === 'lead');
    expect(leads.filter((l) => l.origin === `activity:${seeded!.activityId}`)).toHaveLength(3);
    expect(leads.filter((l) => l.origin === null)).toHaveLength(1);
    const control = all.filter((i) => i.control);
    expect(control.length).toBeGreaterThan(0);
    expect(control.every((c) => c.rsvp === 'none' && c.checked_in_at === null)).toBe(true);
  });

  it('has follow-up tasks for attendees and leads, most done, and results a user can read', async () => {
    const tasks = await store.db
      .selectFrom('tasks')
      .select(['status', 'source'])
      .where('delivery_key', 'like', `activity:${seeded!.activityId}:%`)
      .execute();
    expect(tasks.length).toBe(seeded!.tasks);
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((t) => t.source === 'activity')).toBe(true);
    expect(tasks.filter((t) => t.status === 'done').length).toBeGreaterThan(tasks.length / 2);
    const results = await activityResults({ db: store.db, events }, seeded!.activityId, {
      event: 'purchase',
      windowDays: 30,
    });
    if (!results.ok) throw new Error(results.error.message);
    const { counts, groups } = results.value;
    expect(counts).toMatchObject({ queued: 0, walkIns: 3, leads: 4, newCustomers: 3, tasks: tasks.length });
    expect(counts.delivered).toBeGreaterThan(0);
    expect(counts.rsvpYes).toBeGreaterThan(counts.rsvpNo);
    expect(groups.attendees.customers).toBe(seeded!.attended);
    expect(groups.attendees.converted).toBeGreaterThan(0);
    expect(results.value.invitedVsControl).not.toBeNull();
  });

  it('carries its OGSM plan, reviewed with scores and a lesson', async () => {
    const plan = await readPlan(store.db, { kind: 'activity', id: seeded!.activityId });
    expect(plan?.reviewedBy).toBe('user:demo-compliance');
    expect(plan?.lesson).toBeTruthy();
    expect(plan?.body.goals.map((g) => [g.metric, g.population])).toEqual([
      ['reached', 'attendees'],
      ['conversions', 'attendees'],
      ['new_buyers', 'attendees'],
    ]);
    expect(plan?.body.strategies.every((s) => s.score !== null && s.note)).toBe(true);
    // The OGSM list measures it: the attendees reached, against its target.
    const [row] = await attainmentList({ db: store.db, events, clock }, 'activity');
    expect(row?.reviewed).toBe(true);
    expect(row?.goals[0]).toMatchObject({ id: 'attendees', value: seeded!.attended + 4 });
  });

  it('leaves no invitation for the worker to send at start, and a second seed adds nothing', async () => {
    const pending = await sql<{ n: number }>`
      select count(*)::int as n from deliveries d join campaign_runs r on r.id = d.run_id
        join activity_sends s on s.campaign_id = r.campaign_id
       where d.status in ('queued', 'sending')`.execute(store.db);
    expect(pending.rows[0]?.n).toBe(0);
    const runs = await sql<{ status: string }>`
      select r.status from campaign_runs r join activity_sends s on s.campaign_id = r.campaign_id`.execute(
      store.db,
    );
    expect(runs.rows.map((r) => r.status)).toEqual(['completed']);
    // The worker at the as-of day, as it starts, finds nothing to send.
    expect(await sendDue({ db: store.db, events }, clock)).toBe(0);
    const before = (await invitees()).length;
    expect(await seedDemoActivity({ db: store.db, events, clock, seed: SEED })).toBeNull();
    expect(await invitees()).toHaveLength(before);
    expect(await store.db.selectFrom('activities').select('id').execute()).toHaveLength(1);
  });
});
