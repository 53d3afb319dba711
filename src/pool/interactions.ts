// Interactions: every contact with a customer (WeCom chat, call, visit, SMS, email, event attendance), logged one
// by one or in batches with a verdict per row. A row's externalId makes a re-sent batch change nothing.
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';
import type { InteractionChannel, InteractionOutcome } from '../store/operational/pool-tables.ts';
import { consentWarning, warningMessage, type ConsentWarning, type RestrictionsOf } from './consent-cue.ts';
import { applyCustomerScope, staffScopeFilter, type DataScope } from './scope.ts';

export const CHANNELS = ['wecom_chat', 'call', 'visit', 'sms', 'email', 'event_attendance'] as const;
export const OUTCOMES = ['positive', 'neutral', 'negative', 'no_response'] as const;
/** Contacts may be logged a little ahead of the server clock (device clocks drift), never further. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** One contact to log. */
export interface InteractionInput {
  readonly customerNo: string;
  readonly channel: InteractionChannel;
  readonly direction: 'in' | 'out';
  readonly summary?: string | null;
  readonly outcome?: InteractionOutcome | null;
  readonly nextStep?: string | null;
  /** When it happened (ISO timestamp); default now. */
  readonly at?: string;
  /** Who had the contact; default the caller's staff id. Account managers log only their own. */
  readonly staffId?: string | null;
  readonly externalId?: string | null;
  /** Creates a follow-up task for that day, assigned to the staff member (or the owner). */
  readonly followUpOn?: string | null;
  /** The user saw the consent warning of this contact and logs it anyway (kept with the contact, audited). */
  readonly acknowledgedConsentWarning?: boolean;
}

/** The verdict on one row. */
export type InteractionResult =
  | {
      readonly index: number;
      readonly status: 'created';
      readonly id: number;
      readonly taskId: number | null;
    }
  | { readonly index: number; readonly status: 'duplicate' }
  | {
      readonly index: number;
      readonly status: 'rejected';
      readonly error: {
        code: 'not_found' | 'forbidden' | 'bad_request' | 'conflict';
        field: string;
        message: string;
        /** Why the contact needs an acknowledgement (code conflict, field acknowledgedConsentWarning). */
        warning?: ConsentWarning;
      };
    };

/** Who logs: actor, scope, and the staff id of an account manager (who may log only their own contacts). */
export interface InteractionAuthor {
  readonly actor: string;
  readonly scope: DataScope;
  readonly staffId: string | null;
  readonly ownContactsOnly: boolean;
}

/**
 * Logs interactions in one transaction with a verdict per row (created, duplicate by externalId, or rejected with
 * the field and reason); keeps each customer's last contact; one audit record for the batch.
 */
export async function logInteractions(
  deps: { db: Kysely<Database>; clock: Clock; restrictions?: RestrictionsOf },
  who: InteractionAuthor,
  rows: readonly InteractionInput[],
): Promise<InteractionResult[]> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const nos = [...new Set(rows.map((r) => r.customerNo))];
    const customers =
      nos.length === 0
        ? []
        : await applyCustomerScope(
            tx
              .selectFrom('customers')
              .leftJoin('customer_owners as o', 'o.customer_id', 'customers.id')
              .select(['customers.id', 'customers.customer_no', 'o.manager_id']),
            who.scope,
          )
            .where('customers.customer_no', 'in', nos)
            .execute();
    const byNo = new Map(customers.map((c) => [c.customer_no, c]));
    const named = [...new Set(rows.map((r) => r.staffId).filter((s): s is string => typeof s === 'string'))];
    const staff =
      named.length === 0
        ? []
        : await tx
            .selectFrom('staff')
            .select('id')
            .where('id', 'in', named)
            .where(staffScopeFilter(who.scope))
            .execute();
    const knownStaff = new Set(staff.map((s) => s.id));
    const restrictions = deps.restrictions
      ? await deps.restrictions(
          tx,
          customers.map((c) => c.id),
        )
      : new Map();

    const results: InteractionResult[] = [];
    const seenExternal = new Set<string>();
    const accepted: {
      index: number;
      input: InteractionInput;
      customerId: number;
      staffId: string | null;
      at: Date;
      owner: string | null;
      warning: ConsentWarning | null;
    }[] = [];
    rows.forEach((input, index) => {
      const reject = (
        code: 'not_found' | 'forbidden' | 'bad_request' | 'conflict',
        field: string,
        message: string,
        warning?: ConsentWarning,
      ) =>
        results.push({
          index,
          status: 'rejected',
          error: { code, field, message, ...(warning ? { warning } : {}) },
        });
      const customer = byNo.get(input.customerNo);
      if (!customer) return reject('not_found', 'customerNo', `no customer ${input.customerNo}`);
      const staffId = input.staffId === undefined ? who.staffId : input.staffId;
      if (who.ownContactsOnly && staffId !== who.staffId)
        return reject('forbidden', 'staffId', 'account managers log their own contacts only');
      if (staffId !== null && staffId !== who.staffId && !knownStaff.has(staffId))
        return reject('not_found', 'staffId', `no staff ${staffId}`);
      const at = input.at === undefined ? now : new Date(input.at);
      if (Number.isNaN(at.getTime())) return reject('bad_request', 'at', 'not a timestamp');
      if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
        return reject('bad_request', 'at', 'in the future');
      const warning = consentWarning(input.channel, input.direction, restrictions.get(customer.id));
      if (warning && input.acknowledgedConsentWarning !== true)
        return reject('conflict', 'acknowledgedConsentWarning', warningMessage(warning), warning);
      if (input.externalId) {
        const key = `${customer.id}|${input.externalId}`;
        if (seenExternal.has(key)) return results.push({ index, status: 'duplicate' });
        seenExternal.add(key);
      }
      accepted.push({
        index,
        input,
        customerId: customer.id,
        staffId,
        at,
        owner: customer.manager_id,
        warning,
      });
    });

    // Ids are drawn first so each inserted row maps back to its input; a conflicting externalId inserts nothing.
    const ids =
      accepted.length === 0
        ? []
        : (
            await sql<{ id: number }>`select nextval(pg_get_serial_sequence('interactions', 'id')) as id
              from generate_series(1, ${accepted.length}::int)`.execute(tx)
          ).rows.map((r) => Number(r.id));
    const values = accepted.map((a, k) => ({
      id: ids[k]!,
      customer_id: a.customerId,
      staff_id: a.staffId,
      channel: a.input.channel,
      direction: a.input.direction,
      summary: a.input.summary ?? null,
      outcome: a.input.outcome ?? null,
      next_step: a.input.nextStep ?? null,
      at: a.at,
      external_id: a.input.externalId ?? null,
      created_by: who.actor,
      consent_warning: a.warning ? JSON.stringify({ ...a.warning, acknowledgedBy: who.actor }) : null,
    }));
    const inserted =
      values.length === 0
        ? []
        : await tx
            .insertInto('interactions')
            .values(values)
            .onConflict((oc) =>
              oc.columns(['customer_id', 'external_id']).where('external_id', 'is not', null).doNothing(),
            )
            .returning('id')
            .execute();
    const created = new Set(inserted.map((r) => Number(r.id)));
    const taskIds = new Map<number, number>();
    for (const [k, a] of accepted.entries()) {
      const id = ids[k]!;
      if (!created.has(id) || !a.input.followUpOn) continue;
      const assignee = a.staffId ?? a.owner;
      if (assignee === null) continue;
      const task = await tx
        .insertInto('tasks')
        .values({
          customer_id: a.customerId,
          assignee_id: assignee,
          title: a.input.nextStep ?? 'follow up',
          due_on: a.input.followUpOn,
          source: 'interaction',
          created_by: who.actor,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      taskIds.set(id, Number(task.id));
    }
    if (created.size > 0)
      await touchLastContact(
        tx,
        accepted.filter((_, k) => created.has(ids[k]!)).map((a) => a.customerId),
        [...created],
      );
    for (const [k, a] of accepted.entries()) {
      const id = ids[k]!;
      results.push(
        created.has(id)
          ? { index: a.index, status: 'created', id, taskId: taskIds.get(id) ?? null }
          : { index: a.index, status: 'duplicate' },
      );
    }
    results.sort((x, y) => x.index - y.index);
    if (created.size > 0) {
      await recordAudit(tx, {
        actor: who.actor,
        action: 'interaction.log',
        entityType: created.size === 1 ? 'interaction' : 'interaction_batch',
        entityId: created.size === 1 ? String([...created][0]) : null,
        details: {
          created: created.size,
          duplicates: results.filter((r) => r.status === 'duplicate').length,
          rejected: results.filter((r) => r.status === 'rejected').length,
          ids: [...created].sort((x, y) => x - y),
        },
      });
      // Each contact logged over a consent warning gets its own record: compliance reviews look them up one by one.
      for (const [k, a] of accepted.entries()) {
        if (!a.warning || !created.has(ids[k]!)) continue;
        await recordAudit(tx, {
          actor: who.actor,
          action: 'interaction.consent_warning_acknowledged',
          entityType: 'interaction',
          entityId: String(ids[k]),
          details: { customerNo: a.input.customerNo, channel: a.input.channel, ...a.warning },
        });
      }
    }
    return results;
  });
}

/** Keeps customer_contacts (last contact, last outbound contact, by whom) current for the given interactions. */
async function touchLastContact(
  db: Kysely<Database>,
  customerIds: readonly number[],
  interactionIds: readonly number[],
): Promise<void> {
  await sql`insert into customer_contacts (customer_id, last_contact_at, last_outbound_at, last_staff_id)
    select customer_id, max(at), max(at) filter (where direction = 'out'), (array_agg(staff_id order by at desc))[1]
    from interactions where customer_id in (${sql.join([...new Set(customerIds)])}) and id in (${sql.join(interactionIds)})
    group by customer_id
    on conflict (customer_id) do update set
      last_contact_at = greatest(customer_contacts.last_contact_at, excluded.last_contact_at),
      last_outbound_at = greatest(customer_contacts.last_outbound_at, excluded.last_outbound_at),
      last_staff_id = case when excluded.last_contact_at >= customer_contacts.last_contact_at
        then excluded.last_staff_id else customer_contacts.last_staff_id end`.execute(db);
}
