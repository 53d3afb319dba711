import { sql, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { openInviteeToken, inviteeToken, inviteeUrl } from '../campaigns/feedback/invitee-links.ts';
import { err, ok, validationFailed, type Failure, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { Rsvp } from '../store/operational/activity-tables.ts';
import { lockActivity, type ActivityDeps, type ActivityRow } from './service.ts';

// An invitee's answer and their arrival. RSVP links and check-in codes are signed tokens (src/campaigns/feedback/
// invitee-links.ts) under the tracked links' secret. Capacity: invitations may exceed it, registrations may not — a
// 'yes' when the activity is full is recorded as 'waitlist' (not registered; nobody is moved up automatically). An
// answer is recorded once: a second one, either way, changes nothing and says what stands. Check-in by staff is
// accepted only within the activity's window (start − margin before, end + margin after).

/** Signing: the tracked links' secret and the public address `/a/<token>` is served at. */
export interface InviteeLinks {
  readonly secret: string | undefined;
  readonly publicUrl: string;
}

const noSecret: Failure = {
  code: 'conflict',
  message: 'invitee links are signed with FLYWHEEL_LINK_SECRET, which is not set',
};

/** An invitee as their own page shows them. */
export interface InviteeView {
  readonly activity: { name: string; venue: string | null; startsAt: string; endsAt: string; status: string };
  readonly kind: 'rsvp' | 'check_in';
  readonly rsvp: Rsvp;
  readonly registered: boolean;
  readonly checkedIn: boolean;
  /** The invitee's own check-in code (the URL its QR carries) once registered, or on the check-in link itself. */
  readonly checkInUrl: string | null;
}

type Opened = { activityId: number; customerId: number; kind: 'rsvp' | 'check_in' };

function open(links: InviteeLinks, token: string): Result<Opened> {
  if (links.secret === undefined) return err({ code: 'bad_request', message: 'this link is not valid' });
  return openInviteeToken(links.secret, token);
}

const missing: Failure = { code: 'not_found', message: 'this invitation is not known' };

/** The page of an invitee link (an RSVP or a check-in code). */
export async function inviteeView(
  deps: ActivityDeps,
  links: InviteeLinks,
  token: string,
): Promise<Result<InviteeView>> {
  const opened = open(links, token);
  if (!opened.ok) return opened;
  const row = await deps.db
    .selectFrom('activity_invitees as i')
    .innerJoin('activities as a', 'a.id', 'i.activity_id')
    .select([
      'a.name',
      'a.venue',
      'a.starts_at',
      'a.ends_at',
      'a.status',
      'i.rsvp',
      'i.registered_at',
      'i.checked_in_at',
      'i.control',
    ])
    .where('i.activity_id', '=', opened.value.activityId)
    .where('i.customer_id', '=', opened.value.customerId)
    .executeTakeFirst();
  if (!row || row.control) return err(missing);
  const { activityId, customerId, kind } = opened.value;
  const showCode = (kind === 'check_in' || row.registered_at !== null) && row.status !== 'finished';
  return ok({
    activity: {
      name: row.name,
      venue: row.venue,
      startsAt: new Date(row.starts_at).toISOString(),
      endsAt: new Date(row.ends_at).toISOString(),
      status: row.status,
    },
    kind: opened.value.kind,
    rsvp: row.rsvp,
    registered: row.registered_at !== null,
    checkedIn: row.checked_in_at !== null,
    // open() succeeded, so the secret is set.
    checkInUrl: showCode
      ? inviteeUrl(links.publicUrl, inviteeToken(links.secret!, 'check_in', activityId, customerId))
      : null,
  });
}

/** What an RSVP recorded (or found recorded before). */
export interface RsvpOutcome {
  readonly rsvp: Rsvp;
  readonly registered: boolean;
  /** False: an earlier answer stands and nothing changed. */
  readonly recorded: boolean;
}

/** Records an invitee's answer once, audited as the customer; a 'yes' registers them while there is room. */
export async function answerRsvp(
  deps: ActivityDeps,
  links: InviteeLinks,
  token: string,
  answer: 'yes' | 'no',
): Promise<Result<RsvpOutcome>> {
  const opened = open(links, token);
  if (!opened.ok) return opened;
  if (opened.value.kind !== 'rsvp')
    return err({ code: 'bad_request', message: 'this link is not an RSVP link' });
  const { activityId, customerId } = opened.value;
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx): Promise<Result<RsvpOutcome>> => {
    // The activity locked: registrations counted against capacity are not raced.
    const locked = await lockActivity(tx, activityId, ['open'], 'answer');
    if (!locked.ok) return locked;
    const invitee = await tx
      .selectFrom('activity_invitees as i')
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .select(['i.rsvp', 'i.registered_at', 'i.control', 'c.customer_no'])
      .where('i.activity_id', '=', activityId)
      .where('i.customer_id', '=', customerId)
      .executeTakeFirst();
    if (!invitee || invitee.control) return err(missing);
    if (invitee.rsvp !== 'none')
      return ok({ rsvp: invitee.rsvp, registered: invitee.registered_at !== null, recorded: false });
    let rsvp: Rsvp = answer;
    if (answer === 'yes' && (await registeredCount(tx, activityId)) >= locked.value.capacity)
      rsvp = 'waitlist';
    const registered = rsvp === 'yes';
    await tx
      .updateTable('activity_invitees')
      .set({ rsvp, rsvp_at: now, ...(registered ? { registered_at: now } : {}) })
      .where('activity_id', '=', activityId)
      .where('customer_id', '=', customerId)
      .execute();
    await recordAudit(tx, {
      actor: `customer:${invitee.customer_no}`,
      action: 'activity.rsvp',
      entityType: 'activity',
      entityId: String(activityId),
      details: { answer, rsvp },
      at: now,
    });
    return ok({ rsvp, registered, recorded: true });
  });
}

async function registeredCount(tx: Transaction<Database>, activityId: number): Promise<number> {
  const row = await tx
    .selectFrom('activity_invitees')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('activity_id', '=', activityId)
    .where('registered_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The check-in code of an invitee: the signed check-in URL a QR code carries. */
export async function checkInCode(
  deps: ActivityDeps,
  links: InviteeLinks,
  activityId: number,
  customerNo: string,
): Promise<Result<{ customerNo: string; token: string; url: string }>> {
  if (links.secret === undefined) return err(noSecret);
  const row = await deps.db
    .selectFrom('activity_invitees as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select('c.id')
    .where('i.activity_id', '=', activityId)
    .where('c.customer_no', '=', customerNo)
    .executeTakeFirst();
  if (!row)
    return err({ code: 'not_found', message: `customer ${customerNo} is not on activity ${activityId}` });
  const token = inviteeToken(links.secret, 'check_in', activityId, row.id);
  return ok({ customerNo, token, url: inviteeUrl(links.publicUrl, token) });
}

/** The check-in window of an activity. */
export function checkInWindow(a: ActivityRow): { from: Date; to: Date } {
  return {
    from: new Date(new Date(a.starts_at).getTime() - a.check_in_before_minutes * 60_000),
    to: new Date(new Date(a.ends_at).getTime() + a.check_in_after_minutes * 60_000),
  };
}

/** A check-in token as scanned: the token, or the whole check-in URL. */
const tokenOf = (scanned: string) => scanned.slice(scanned.lastIndexOf('/') + 1).trim();

/** Checks an invitee in by their code (staff at the door), within the window; a second scan changes nothing. */
export async function checkIn(
  deps: ActivityDeps,
  links: InviteeLinks,
  actor: string,
  activityId: number,
  scanned: string,
): Promise<Result<{ customerNo: string; checkedInAt: string; recorded: boolean }>> {
  const opened = open(links, tokenOf(scanned));
  const bad = (message: string) => err(validationFailed(message, [{ path: ['token'], message }]));
  if (!opened.ok) return bad('this code is not valid');
  if (opened.value.kind !== 'check_in') return bad('this is not a check-in code');
  if (opened.value.activityId !== activityId)
    return bad(`this code is for activity ${opened.value.activityId}`);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const locked = await lockActivity(tx, activityId, ['open'], 'check in');
    if (!locked.ok) return locked;
    const window = checkInWindow(locked.value);
    if (now < window.from || now > window.to)
      return bad(
        `check-in is open from ${window.from.toISOString()} to ${window.to.toISOString()}; it is ${now.toISOString()}`,
      );
    const invitee = await tx
      .selectFrom('activity_invitees as i')
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .select(['c.customer_no', 'i.checked_in_at'])
      .where('i.activity_id', '=', activityId)
      .where('i.customer_id', '=', opened.value.customerId)
      .executeTakeFirst();
    if (!invitee) return err(missing);
    if (invitee.checked_in_at)
      return ok({
        customerNo: invitee.customer_no,
        checkedInAt: new Date(invitee.checked_in_at).toISOString(),
        recorded: false,
      });
    await sql`update activity_invitees set checked_in_at = ${now}, check_in_by = ${actor}
               where activity_id = ${activityId} and customer_id = ${opened.value.customerId}`.execute(tx);
    await recordAudit(tx, {
      actor,
      action: 'activity.check_in',
      entityType: 'activity',
      entityId: String(activityId),
      details: { customerNo: invitee.customer_no },
      at: now,
    });
    return ok({ customerNo: invitee.customer_no, checkedInAt: now.toISOString(), recorded: true });
  });
}
