import { sql } from 'kysely';
import { activityResults } from '../activities/results.ts';
import { reasonText } from '../analytics/reasons.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { err, ok } from '../shared/errors.ts';
import type { SubjectAdapter } from './subjects.ts';

// An offline activity as OGSM measures it, read from the activity's own results (src/activities/results.ts), never
// a second definition: start = the activity's start; treated = its attendees (checked in, walk-ins and leads
// included, the control group never); control = the invitees held out at invitation; reached = attendees.
// Conversions = the attendees who converted (the results' `purchase` from the start to `windowDays` after the end)
// against the control group, the lift the results' randomised one — all invited against control — since attending is
// self-selected. new_buyers and aum_change count the attendees against control through the shared metrics. The
// activity's own metrics: leads = the results' leads (captured on site, source 'lead'), attendees = the treated.

/** Goals of an activity count its attendees or the whole group; both are its attendees here. */
export const activityAdapter: SubjectAdapter = {
  kind: 'activity',
  metrics: ['conversions', 'conversion_rate', 'reached', 'new_buyers', 'aum_change', 'leads', 'attendees'],
  population: ['attendees', 'group'],
  nameOf: async (db, id) =>
    (await db.selectFrom('activities').select('name').where('id', '=', id).executeTakeFirst())?.name,
  async facts(deps, id) {
    const activity = await deps.db
      .selectFrom('activities')
      .select(['name', 'starts_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!activity) return err({ code: 'not_found', message: `no activity ${id}` });
    const groups = await sql<{ control: boolean; ids: number[] }>`
      select control, array_agg(customer_id) as ids from activity_invitees
       where activity_id = ${id} and (control or checked_in_at is not null) group by 1`.execute(deps.db);
    const set = (control: boolean) =>
      new RoaringBitmap32(groups.rows.find((g) => g.control === control)?.ids ?? []);
    // Leads as the activity's results count them: people who came onto it by being captured (source 'lead').
    const leads = await sql<{ n: number }>`
      select count(*)::int as n from activity_invitees
       where activity_id = ${id} and source = 'lead'`.execute(deps.db);
    const start = new Date(activity.starts_at);
    const started = start <= deps.clock.now();
    const treated = set(false);
    return ok({
      name: activity.name,
      start: started ? start : null,
      startReason: started ? null : reasonText('activityNotStarted', { id }),
      treated,
      control: set(true),
      reached: treated.size,
      activity: { leads: leads.rows[0]?.n ?? 0, attendees: treated.size },
      async conversion(windowDays) {
        const results = await activityResults(deps, id, { event: 'purchase', windowDays });
        if (!results.ok) return err(results.error.message);
        const r = results.value;
        const attendees = r.groups.attendees;
        return ok({
          units: attendees.customers,
          converted: attendees.converted,
          controlUnits: r.groups.control.customers,
          controlConverted: r.groups.control.converted,
          lift: r.invitedVsControl,
          liftReason: r.invitedVsControl
            ? null
            : r.groups.control.customers === 0
              ? reasonText('activityNoControl')
              : reasonText('nobodyInvitedYet'),
          eventsThrough: null,
        });
      },
    });
  },
};
