import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { findCustomerInScope, staffInScope, type DataScope } from '../pool/scope.ts';
import type { Clock } from '../shared/clock.ts';
import { err, ok, type Failure, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { WecomFriendshipChange } from '../store/operational/wecom-tables.ts';

// What a friendship change does to the rest of the bank's data, shared by callbacks, the full sync and manual
// linking: the customer's `wecom` identity, `customers.wecom_friend` / `wecom_external_userid`, and the change as the
// 360 timeline shows it. Callers hold the transaction and write the audit record.

type Tx = Transaction<Database>;

/** Links an external user to a customer as an identity (events and later callbacks resolve through it). */
export async function linkIdentity(tx: Tx, customerId: number, externalUserid: string): Promise<void> {
  await linkIdentities(tx, [{ customerId, externalUserid }]);
}

/** linkIdentity for many external users in one statement (a full sync). */
export async function linkIdentities(
  tx: Tx,
  links: readonly { customerId: number; externalUserid: string }[],
): Promise<void> {
  if (links.length === 0) return;
  await tx
    .insertInto('customer_identities')
    .values(
      links.map((l) => ({ kind: 'wecom' as const, value: l.externalUserid, customer_id: l.customerId })),
    )
    .onConflict((oc) =>
      oc.columns(['kind', 'value']).doUpdateSet((eb) => ({ customer_id: eb.ref('excluded.customer_id') })),
    )
    .execute();
}

/**
 * Recomputes `wecom_friend` (true while any friendship of the customer is active) and `wecom_external_userid` (the
 * external user of the customer's newest active friendship, else the newest one, else as it was).
 */
export async function refreshCustomerFlags(tx: Tx, customerIds: Iterable<number>, at: Date): Promise<void> {
  const all = [...new Set(customerIds)];
  // In parts: one statement's parameters are bounded (PostgreSQL: 65,535).
  for (let i = 0; i < all.length; i += 5000) {
    const ids = all.slice(i, i + 5000);
    await sql`
    update customers c set
      wecom_friend = exists (
        select 1 from wecom_friendships f where f.customer_id = c.id and f.removed_at is null),
      wecom_external_userid = coalesce((
        select f.external_userid from wecom_friendships f where f.customer_id = c.id
         order by (f.removed_at is null) desc, f.added_at desc, f.staff_id limit 1), c.wecom_external_userid),
      updated_at = ${at}
    where c.id in (${sql.join(ids)})`.execute(tx);
  }
}

/** One friendship change, for the customer's timeline (and the coverage report's added / lost). */
export interface ChangeRecord {
  readonly at: Date;
  readonly staffId: string;
  readonly externalUserid: string;
  readonly customerId: number | null;
  readonly change: WecomFriendshipChange;
  readonly details?: Record<string, unknown>;
}

/** Records friendship changes (one statement). */
export async function recordChanges(tx: Tx, changes: readonly ChangeRecord[]): Promise<void> {
  if (changes.length === 0) return;
  await tx
    .insertInto('wecom_friendship_changes')
    .values(
      changes.map((c) => ({
        at: c.at,
        staff_id: c.staffId,
        external_userid: c.externalUserid,
        customer_id: c.customerId,
        change: c.change,
        details: JSON.stringify(c.details ?? {}),
      })),
    )
    .execute();
}

/**
 * Links a friendship to a customer by hand (an unmatched friend, or a wrong match): the staff member and the customer
 * must both be in the actor's scope — a customer outside it is "not found", as if unknown.
 */
export async function linkFriend(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  scope: DataScope,
  link: { readonly staffId: string; readonly externalUserid: string; readonly customerNo: string },
  actor: string,
): Promise<Result<{ customerNo: string; previousCustomerId: number | null }, Failure>> {
  const { db, clock } = deps;
  const friendship = await db
    .selectFrom('wecom_friendships')
    .select(['customer_id'])
    .where('staff_id', '=', link.staffId)
    .where('external_userid', '=', link.externalUserid)
    .executeTakeFirst();
  if (!friendship || !(await staffInScope(db, scope, link.staffId)))
    return err({ code: 'not_found', message: `no WeCom friend ${link.externalUserid} of ${link.staffId}` });
  const customer = await findCustomerInScope(db, scope, link.customerNo);
  if (!customer) return err({ code: 'not_found', message: `no customer ${link.customerNo}` });
  const at = clock.now();
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('wecom_friendships')
      .set({ customer_id: customer.id, matched_by: 'manual', updated_at: at })
      .where('staff_id', '=', link.staffId)
      .where('external_userid', '=', link.externalUserid)
      .execute();
    await linkIdentity(tx, customer.id, link.externalUserid);
    // A wrong match corrected: the external user is no longer the previous customer's.
    await tx
      .updateTable('customers')
      .set({ wecom_external_userid: null })
      .where('wecom_external_userid', '=', link.externalUserid)
      .where('id', '<>', customer.id)
      .execute();
    const affected = [customer.id, ...(friendship.customer_id === null ? [] : [friendship.customer_id])];
    await refreshCustomerFlags(tx, affected, at);
    await recordChanges(tx, [
      {
        at,
        staffId: link.staffId,
        externalUserid: link.externalUserid,
        customerId: customer.id,
        change: 'linked',
        details: { by: actor },
      },
    ]);
    await recordAudit(tx, {
      actor,
      action: 'wecom.friend_linked',
      entityType: 'customer',
      entityId: customer.customer_no,
      details: {
        staffId: link.staffId,
        externalUserid: link.externalUserid,
        previousCustomerId: friendship.customer_id,
      },
      at,
    });
  });
  return ok({ customerNo: customer.customer_no, previousCustomerId: friendship.customer_id });
}
