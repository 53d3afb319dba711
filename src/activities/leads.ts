import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { CUSTOMERS_LOCK } from '../ingest/target.ts';
import { writeOwnership } from '../pool/ownership.ts';
import { err, ok, schemaIssues, validationFailed, type Result } from '../shared/errors.ts';
import { leadSchema } from './model.ts';
import { lockActivity, normalPhone, phoneHash, type ActivityDeps } from './service.ts';

// A lead captured on site. Its phone is matched against the bank's customers first (the stored hash, or the phone as
// written): a known customer becomes a lead of the activity — not a second customer. Otherwise a prospect is created
// in the lifecycle stage 'portrait' (no events yet: the lifecycle tag's default stage; also written in the customer's
// attributes) with `source = 'activity:<id>'`, the next dense ordinal under the importers' lock, the marketing consent
// given on site, and — when the staff member who captured it keeps a pool (an active account manager) — its owner.
// Either way the lead is on the activity as present (checked in now). One transaction, audited.

/** What capturing a lead did. */
export interface LeadOutcome {
  readonly customerNo: string;
  readonly created: boolean;
  readonly owner: string | null;
}

/** Captures a lead at an open activity. */
export async function captureLead(
  deps: ActivityDeps,
  actor: string,
  activityId: number,
  input: unknown,
): Promise<Result<LeadOutcome>> {
  const parsed = leadSchema.safeParse(input);
  if (!parsed.success)
    return err(validationFailed('the lead is not well formed', schemaIssues(parsed.error.issues)));
  const lead = parsed.data;
  const now = deps.clock.now();
  const hash = phoneHash(lead.phone);
  return deps.db.transaction().execute(async (tx): Promise<Result<LeadOutcome>> => {
    const locked = await lockActivity(tx, activityId, ['draft', 'open'], 'take leads');
    if (!locked.ok) return locked;
    if (!locked.value.staff.some((s) => s.staffId === lead.capturedBy))
      return err(
        validationFailed(`${lead.capturedBy} is not on the activity's staff`, [
          { path: ['capturedBy'], message: `${lead.capturedBy} is not on the activity's staff` },
        ]),
      );
    const staff = await tx
      .selectFrom('staff')
      .select(['org_unit_id', 'role', 'status', 'pool_capacity'])
      .where('id', '=', lead.capturedBy)
      .executeTakeFirstOrThrow();
    // Serialises with imports: the ordinal is max + 1, the phone is matched against every customer committed.
    await sql`select pg_advisory_xact_lock(${CUSTOMERS_LOCK})`.execute(tx);
    const existing = await tx
      .selectFrom('customers')
      .select(['id', 'customer_no'])
      .where((eb) => eb.or([eb('phone_sha256', '=', hash), eb('phone', '=', normalPhone(lead.phone))]))
      .orderBy('id')
      .executeTakeFirst();
    let customer = existing;
    let owner: string | null = null;
    if (!customer) {
      const max = await sql<{ max: number }>`select coalesce(max(id), 0)::int as max from customers`.execute(
        tx,
      );
      const id = (max.rows[0]?.max ?? 0) + 1;
      customer = { id, customer_no: `L${String(id).padStart(9, '0')}` };
      await tx
        .insertInto('customers')
        .values({
          id,
          customer_no: customer.customer_no,
          name: lead.name,
          phone: normalPhone(lead.phone),
          phone_sha256: hash,
          org_unit_id: staff.org_unit_id,
          customer_since: deps.clock.dayOf(now),
          attributes: JSON.stringify({ lifecycle_stage: 'portrait' }),
          source: `activity:${activityId}`,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const consents = Object.entries(lead.consent).filter(([, given]) => given === true);
      if (consents.length)
        await tx
          .insertInto('consents')
          .values(
            consents.map(([channel]) => ({
              customer_id: id,
              channel: channel as 'sms' | 'phone' | 'wecom' | 'email',
              status: 'granted' as const,
              source: `activity:${activityId}`,
              updated_at: now,
            })),
          )
          .execute();
      if (staff.role === 'account_manager' && staff.status === 'active' && staff.pool_capacity > 0) {
        owner = lead.capturedBy;
        await writeOwnership(tx, [{ customerId: id, from: null, to: owner }], {
          kind: 'assign',
          source: 'assign',
          reason: `lead at activity ${activityId}`,
          actor,
          at: now,
        });
      }
    }
    await sql`
      insert into activity_invitees (activity_id, customer_id, source, checked_in_at, check_in_by, captured_by, interest)
      values (${activityId}, ${customer.id}, 'lead', ${now}, ${actor}, ${lead.capturedBy}, ${lead.interest ?? null})
      on conflict (activity_id, customer_id) do update
        set captured_by = excluded.captured_by, interest = coalesce(excluded.interest, activity_invitees.interest),
            checked_in_at = coalesce(activity_invitees.checked_in_at, excluded.checked_in_at),
            check_in_by = coalesce(activity_invitees.check_in_by, excluded.check_in_by)`.execute(tx);
    await recordAudit(tx, {
      actor,
      action: 'activity.lead',
      entityType: 'activity',
      entityId: String(activityId),
      details: { customerNo: customer.customer_no, created: !existing, owner },
      at: now,
    });
    return ok({ customerNo: customer.customer_no, created: !existing, owner });
  });
}
