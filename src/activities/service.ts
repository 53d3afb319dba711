import { createHash } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { controlCampaignIn } from '../campaigns/service.ts';
import type { Clock } from '../shared/clock.ts';
import {
  AppError,
  err,
  ok,
  schemaIssues,
  validationFailed,
  type Failure,
  type LocatedIssue,
  type Result,
} from '../shared/errors.ts';
import type { ActivityStatus, ActivityTable } from '../store/operational/activity-tables.ts';
import type { Database } from '../store/operational/database.ts';
import { activityBodySchema, type ActivityBody } from './model.ts';

// Activities as their organisers handle them: created (a draft), edited until finished, opened by their first
// invitation, finished (then follow-ups may be generated). The body's products and staff must exist; a partner's
// members are linked to customers by customer number or phone where the bank knows them. Every change is audited in
// its transaction.

/** What the activity service needs. */
export interface ActivityDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

/** The hash a phone is matched and kept by: digits (and a leading +) only, SHA-256 hex, as ingestion hashes phones. */
export function phoneHash(phone: string): string {
  return createHash('sha256').update(normalPhone(phone)).digest('hex');
}

/** A phone as matched: digits and a leading + only. */
export function normalPhone(phone: string): string {
  return phone.trim().replace(/[\s()-]/g, '');
}

/** Not found, named. */
export const activityNotFound = (id: number): Failure => ({
  code: 'not_found',
  message: `no activity ${id}`,
});

/** The body checked by the schema and against the store (products and staff exist), every problem located. */
async function checkBody(db: Kysely<Database>, input: unknown): Promise<Result<ActivityBody>> {
  const parsed = activityBodySchema.safeParse(input);
  if (!parsed.success)
    return err(validationFailed('the activity is not well formed', schemaIssues(parsed.error.issues)));
  const body = parsed.data;
  const issues: LocatedIssue[] = [];
  const productIds = body.products.map((p) => p.productId);
  const staffIds = body.staff.map((s) => s.staffId);
  const [products, staff] = await Promise.all([
    productIds.length ? db.selectFrom('products').select('id').where('id', 'in', productIds).execute() : [],
    staffIds.length ? db.selectFrom('staff').select('id').where('id', 'in', staffIds).execute() : [],
  ]);
  const knownProducts = new Set(products.map((p) => p.id));
  const knownStaff = new Set(staff.map((s) => s.id));
  body.products.forEach((p, i) => {
    if (!knownProducts.has(p.productId))
      issues.push({ path: ['products', i, 'productId'], message: `no product ${p.productId}` });
  });
  body.staff.forEach((s, i) => {
    if (!knownStaff.has(s.staffId))
      issues.push({ path: ['staff', i, 'staffId'], message: `no staff member ${s.staffId}` });
  });
  const members = (body.partner?.members ?? []).map((m) => ('memberNo' in m ? { customerNo: undefined } : m));
  const numbers = members.flatMap((m) => (m.customerNo ? [m.customerNo] : []));
  const known = new Set(
    numbers.length
      ? (
          await db.selectFrom('customers').select('customer_no').where('customer_no', 'in', numbers).execute()
        ).map((c) => c.customer_no)
      : [],
  );
  members.forEach((m, i) => {
    if (m.customerNo && !known.has(m.customerNo))
      issues.push({ path: ['partner', 'members', i, 'customerNo'], message: `no customer ${m.customerNo}` });
  });
  if (issues.length)
    return err(
      validationFailed(`the activity has ${issues.length} problem(s): ${issues[0]!.message}`, issues),
    );
  return ok(body);
}

/** The columns of a body. */
function columns(body: ActivityBody) {
  return {
    name: body.name,
    mode: body.scene.mode,
    frequency: body.scene.frequency,
    aim: body.scene.aim,
    venue: body.venue ?? null,
    starts_at: new Date(body.startsAt),
    ends_at: new Date(body.endsAt),
    capacity: body.capacity,
    check_in_before_minutes: body.checkInMargin.beforeMinutes,
    check_in_after_minutes: body.checkInMargin.afterMinutes,
    products: JSON.stringify(body.products),
    staff: JSON.stringify(body.staff),
    partner_name: body.partner?.name ?? null,
    partner_kind: body.partner?.kind ?? null,
  };
}

/**
 * Customers by customer number and by phone hash (the stored hash, or the phone as stored, hashed): how a partner's
 * members, an attendance sheet's rows and leads find the customer they are. The lowest id wins a shared phone.
 */
export async function findCustomers(
  db: Kysely<Database> | Transaction<Database>,
  numbers: readonly string[],
  phones: readonly string[],
): Promise<{ byNo: Map<string, number>; byPhone: Map<string, number> }> {
  const byNo = new Map(
    numbers.length
      ? (
          await db
            .selectFrom('customers')
            .select(['id', 'customer_no'])
            .where('customer_no', 'in', [...numbers])
            .execute()
        ).map((c) => [c.customer_no, c.id])
      : [],
  );
  const byPhone = new Map<string, number>();
  if (phones.length)
    for (const c of await db
      .selectFrom('customers')
      .select(['id', 'phone', 'phone_sha256'])
      .where((eb) =>
        eb.or([eb('phone_sha256', 'in', phones.map(phoneHash)), eb('phone', 'in', phones.map(normalPhone))]),
      )
      .orderBy('id')
      .execute()) {
      const hash = c.phone_sha256 ?? (c.phone ? phoneHash(c.phone) : undefined);
      if (hash && !byPhone.has(hash)) byPhone.set(hash, c.id);
    }
  return { byNo, byPhone };
}

/** A saved member kept by an edit. */
type SavedMember = { name: string; phone_sha256: string | null; customer_id: number | null };

/** The activity's saved members by number, and the body's references to numbers it does not have, located. */
async function savedMembers(
  tx: Transaction<Database>,
  activityId: number | null,
  body: ActivityBody,
): Promise<{ saved: Map<number, SavedMember>; issues: LocatedIssue[] }> {
  const saved = new Map<number, SavedMember>(
    activityId === null
      ? []
      : (
          await tx
            .selectFrom('activity_partner_members')
            .select(['member_no', 'name', 'phone_sha256', 'customer_id'])
            .where('activity_id', '=', activityId)
            .execute()
        ).map(({ member_no, ...kept }) => [member_no, kept]),
  );
  const issues: LocatedIssue[] = [];
  (body.partner?.members ?? []).forEach((m, i) => {
    if ('memberNo' in m && !saved.has(m.memberNo))
      issues.push({ path: ['partner', 'members', i, 'memberNo'], message: `no saved member ${m.memberNo}` });
  });
  return { saved, issues };
}

/**
 * Writes the partner's members: the saved ones an edit keeps as they were, new ones linked to a customer by number,
 * else by phone, when one matches.
 */
async function writeMembers(
  tx: Transaction<Database>,
  activityId: number,
  body: ActivityBody,
  saved: ReadonlyMap<number, SavedMember>,
): Promise<void> {
  await tx.deleteFrom('activity_partner_members').where('activity_id', '=', activityId).execute();
  const members = body.partner?.members ?? [];
  if (members.length === 0) return;
  const fresh = members.flatMap((m) => ('memberNo' in m ? [] : [m]));
  const { byNo, byPhone } = await findCustomers(
    tx,
    fresh.flatMap((m) => (m.customerNo ? [m.customerNo] : [])),
    fresh.flatMap((m) => (m.phone ? [m.phone] : [])),
  );
  await tx
    .insertInto('activity_partner_members')
    .values(
      members.map((m, i) => {
        const row = { activity_id: activityId, member_no: i + 1 };
        if ('memberNo' in m) return { ...row, ...saved.get(m.memberNo)! };
        const hash = m.phone ? phoneHash(m.phone) : null;
        return {
          ...row,
          name: m.name,
          phone_sha256: hash,
          customer_id:
            (m.customerNo ? byNo.get(m.customerNo) : undefined) ??
            (hash ? byPhone.get(hash) : undefined) ??
            null,
        };
      }),
    )
    .execute();
}

/** A body's members issues as the failure a save answers. */
const memberFailure = (issues: LocatedIssue[]): Failure =>
  validationFailed(`the activity has ${issues.length} problem(s): ${issues[0]!.message}`, issues);

/** Saves a new activity (a draft); its id. */
export async function createActivity(
  deps: ActivityDeps,
  actor: string,
  input: unknown,
): Promise<Result<{ id: number }>> {
  const checked = await checkBody(deps.db, input);
  if (!checked.ok) return checked;
  const body = checked.value;
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx): Promise<Result<{ id: number }>> => {
    const { saved, issues } = await savedMembers(tx, null, body);
    if (issues.length) return err(memberFailure(issues));
    const row = await tx
      .insertInto('activities')
      .values({ ...columns(body), created_by: actor, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeMembers(tx, row.id, body, saved);
    await recordAudit(tx, {
      actor,
      action: 'activity.create',
      entityType: 'activity',
      entityId: String(row.id),
      details: { name: body.name },
      at: now,
    });
    return ok({ id: row.id });
  });
}

/**
 * Locks an activity for a change in `tx`; a failure when it is missing or in none of `allowed`. What every change of
 * an activity's invitees starts with, so two changes of one activity (capacity!) never interleave.
 */
export async function lockActivity(
  tx: Transaction<Database>,
  id: number,
  allowed: readonly ActivityStatus[],
  doing: string,
): Promise<Result<ActivityRow>> {
  const row = await selectActivity(tx, id).forUpdate().executeTakeFirst();
  if (!row) return err(activityNotFound(id));
  if (!allowed.includes(row.status))
    return err({ code: 'conflict', message: `activity ${id} is ${row.status}: cannot ${doing}` });
  return ok(row);
}

/** An activity's row. */
export type ActivityRow = Selectable<ActivityTable>;

const selectActivity = (db: Kysely<Database> | Transaction<Database>, id: number) =>
  db.selectFrom('activities').selectAll().where('id', '=', id);

/** Replaces an activity's body (not once finished); audited with the fields before. */
export async function updateActivity(
  deps: ActivityDeps,
  actor: string,
  id: number,
  input: unknown,
): Promise<Result<{ id: number }>> {
  const checked = await checkBody(deps.db, input);
  if (!checked.ok) return checked;
  const body = checked.value;
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx): Promise<Result<{ id: number }>> => {
    const locked = await lockActivity(tx, id, ['draft', 'open'], 'edit');
    if (!locked.ok) return locked;
    const { saved, issues } = await savedMembers(tx, id, body);
    if (issues.length) return err(memberFailure(issues));
    const registered = await tx
      .selectFrom('activity_invitees')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('activity_id', '=', id)
      .where('registered_at', 'is not', null)
      .executeTakeFirstOrThrow();
    if (Number(registered.n) > body.capacity)
      return err(
        validationFailed('the capacity is below the registrations already taken', [
          { path: ['capacity'], message: `${registered.n} are registered already` },
        ]),
      );
    await tx
      .updateTable('activities')
      .set({ ...columns(body), updated_at: now })
      .where('id', '=', id)
      .execute();
    await writeMembers(tx, id, body, saved);
    await recordAudit(tx, {
      actor,
      action: 'activity.update',
      entityType: 'activity',
      entityId: String(id),
      details: { before: { name: locked.value.name, capacity: locked.value.capacity } },
      at: now,
    });
    return ok({ id });
  });
}

/** Finishes an activity: no more RSVPs, check-ins or leads; follow-ups and results take it from here. */
export async function finishActivity(
  deps: ActivityDeps,
  actor: string,
  id: number,
): Promise<Result<{ status: 'finished' }>> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx): Promise<Result<{ status: 'finished' }>> => {
    const locked = await lockActivity(tx, id, ['draft', 'open'], 'finish');
    if (!locked.ok) return locked;
    await tx
      .updateTable('activities')
      .set({ status: 'finished', finished_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
    // Invitations still waiting (quiet hours, a paused channel) would arrive after the activity: the campaigns' own
    // cancel ends them and gives their cap reservations back.
    const waiting = await tx
      .selectFrom('activity_sends as s')
      .innerJoin('campaigns as c', 'c.id', 's.campaign_id')
      .select('s.campaign_id')
      .where('s.activity_id', '=', id)
      .where('c.status', 'in', ['approved', 'running', 'paused'])
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('deliveries as d')
            .innerJoin('campaign_runs as r', 'r.id', 'd.run_id')
            .select('d.run_id')
            .whereRef('r.campaign_id', '=', 's.campaign_id')
            .where('d.status', '=', 'queued'),
        ),
      )
      .orderBy('s.campaign_id')
      .execute();
    for (const { campaign_id } of waiting) {
      const cancelled = await controlCampaignIn(tx, deps.clock, actor, campaign_id, 'cancel');
      if (!cancelled.ok) throw new AppError('internal', cancelled.error.message);
    }
    await recordAudit(tx, {
      actor,
      action: 'activity.finish',
      entityType: 'activity',
      entityId: String(id),
      at: now,
    });
    return ok({ status: 'finished' });
  });
}
