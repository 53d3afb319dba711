import { sql, type Kysely } from 'kysely';
import { maskName, maskPhone } from '../pool/mask.ts';
import type { Database } from '../store/operational/database.ts';
import type { ActivityRow } from './service.ts';

// Activities as they are read: the list with their counts, one activity with its partner's members, and a page of
// its invitees with names and phones masked (the invitee list is bank-wide; revealing is the pool's job, audited).

/** An activity as the API answers it. */
export function activityView(a: ActivityRow) {
  return {
    id: a.id,
    name: a.name,
    scene: { mode: a.mode, frequency: a.frequency, aim: a.aim },
    venue: a.venue,
    startsAt: new Date(a.starts_at).toISOString(),
    endsAt: new Date(a.ends_at).toISOString(),
    capacity: a.capacity,
    checkInMargin: { beforeMinutes: a.check_in_before_minutes, afterMinutes: a.check_in_after_minutes },
    products: a.products,
    staff: a.staff,
    partner: a.partner_name ? { name: a.partner_name, kind: a.partner_kind ?? '' } : null,
    status: a.status,
    createdBy: a.created_by,
    updatedAt: new Date(a.updated_at).toISOString(),
    finishedAt: a.finished_at ? new Date(a.finished_at).toISOString() : null,
  };
}

/**
 * Whether a staff member is on an activity's staff (its body's `staff`): who works its door — checks guests in and
 * takes leads — without campaigns.write. False for an activity that does not exist.
 */
export async function onActivityStaff(
  db: Kysely<Database>,
  activityId: number,
  staffId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('activities')
    .select('staff')
    .where('id', '=', activityId)
    .executeTakeFirst();
  return row?.staff.some((s) => s.staffId === staffId) ?? false;
}

/**
 * Activities, most recent start first, with invited, registered, checked-in and lead counts; with `staffId`, only those
 * that staff member works (a host's view).
 */
export async function listActivities(db: Kysely<Database>, staffId?: string) {
  const rows = await db
    .selectFrom('activities')
    .selectAll()
    .$if(staffId !== undefined, (q) =>
      q.where(sql<boolean>`staff @> ${JSON.stringify([{ staffId }])}::jsonb`),
    )
    .orderBy('starts_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const counts = await sql<{
    activity_id: number;
    invited: number;
    registered: number;
    checked_in: number;
    leads: number;
  }>`
    select activity_id, count(*) filter (where source = 'invited' and not control)::int as invited,
           count(registered_at)::int as registered, count(checked_in_at)::int as checked_in,
           count(*) filter (where source = 'lead')::int as leads
      from activity_invitees group by 1`.execute(db);
  const by = new Map(counts.rows.map((c) => [c.activity_id, c]));
  return rows.map((a) => ({
    ...activityView(a),
    invited: by.get(a.id)?.invited ?? 0,
    registered: by.get(a.id)?.registered ?? 0,
    checkedIn: by.get(a.id)?.checked_in ?? 0,
    leads: by.get(a.id)?.leads ?? 0,
  }));
}

/** One activity with its partner's members (masked names; linked customers by number). */
export async function getActivity(db: Kysely<Database>, id: number) {
  const a = await db.selectFrom('activities').selectAll().where('id', '=', id).executeTakeFirst();
  if (!a) return undefined;
  const members = await db
    .selectFrom('activity_partner_members as m')
    .leftJoin('customers as c', 'c.id', 'm.customer_id')
    .select(['m.member_no', 'm.name', 'c.customer_no'])
    .where('m.activity_id', '=', id)
    .orderBy('m.member_no')
    .execute();
  return {
    ...activityView(a),
    partnerMembers: members.map((m) => ({
      memberNo: m.member_no,
      name: maskName(m.name) ?? '',
      customerNo: m.customer_no,
    })),
  };
}

/** A page of an activity's invitees, in customer order, names and phones masked. */
export async function inviteePage(db: Kysely<Database>, id: number, page: { limit: number; offset: number }) {
  const [rows, total] = await Promise.all([
    db
      .selectFrom('activity_invitees as i')
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .select([
        'c.customer_no',
        'c.name',
        'c.phone',
        'i.source',
        'i.control',
        'i.rsvp',
        'i.registered_at',
        'i.checked_in_at',
        'i.captured_by',
      ])
      .where('i.activity_id', '=', id)
      .orderBy('i.customer_id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('activity_invitees')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('activity_id', '=', id)
      .executeTakeFirstOrThrow(),
  ]);
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      customerNo: r.customer_no,
      name: maskName(r.name),
      phone: maskPhone(r.phone),
      source: r.source,
      control: r.control,
      rsvp: r.rsvp,
      registeredAt: iso(r.registered_at),
      checkedInAt: iso(r.checked_in_at),
      capturedBy: r.captured_by,
    })),
  };
}
