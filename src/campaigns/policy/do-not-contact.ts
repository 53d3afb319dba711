import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../../audit/audit.ts';
import { iso } from '../../pool/customers.ts';
import { maskName } from '../../pool/mask.ts';
import type { Clock } from '../../shared/clock.ts';
import { err, ok, type Result } from '../../shared/errors.ts';
import type { Database } from '../../store/operational/database.ts';

// The do-not-contact list: customers the bank must not contact at all (a complaint, a legal hold), whatever their
// consent says. Every message passes it (policy/decide.ts); admins add and remove customers, each change audited.

/** One entry as clients see it: the customer's number and masked name, why, who added it and when. */
export interface DoNotContactEntry {
  readonly customerNo: string;
  readonly name: string | null;
  readonly reason: string;
  readonly addedBy: string;
  readonly addedAt: string;
}

type Deps = { db: Kysely<Database>; clock: Clock };

async function customerId(db: Kysely<Database>, customerNo: string): Promise<number | undefined> {
  return (
    await db.selectFrom('customers').select('id').where('customer_no', '=', customerNo).executeTakeFirst()
  )?.id;
}

/** Puts a customer on the list (again: the reason is updated). */
export async function addDoNotContact(
  deps: Deps,
  actor: string,
  customerNo: string,
  reason: string,
): Promise<Result<void>> {
  const id = await customerId(deps.db, customerNo);
  if (id === undefined)
    return err({
      code: 'not_found',
      message: `no customer ${customerNo}`,
      details: { issues: [{ path: ['customerNo'], message: 'unknown customer' }] },
    });
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('do_not_contact')
      .values({ customer_id: id, reason, added_by: actor, added_at: now })
      .onConflict((oc) => oc.column('customer_id').doUpdateSet({ reason, added_by: actor, added_at: now }))
      .execute();
    await recordAudit(tx, {
      actor,
      action: 'policy.do_not_contact.add',
      entityType: 'customer',
      entityId: customerNo,
      details: { reason },
      at: now,
    });
  });
  return ok(undefined);
}

/** Takes a customer off the list; not_found when they were not on it. */
export async function removeDoNotContact(
  deps: Deps,
  actor: string,
  customerNo: string,
): Promise<Result<void>> {
  const id = await customerId(deps.db, customerNo);
  return deps.db.transaction().execute(async (tx) => {
    const removed =
      id === undefined
        ? undefined
        : await tx
            .deleteFrom('do_not_contact')
            .where('customer_id', '=', id)
            .returning('customer_id')
            .executeTakeFirst();
    if (!removed)
      return err({ code: 'not_found', message: `customer ${customerNo} is not on the do-not-contact list` });
    await recordAudit(tx, {
      actor,
      action: 'policy.do_not_contact.remove',
      entityType: 'customer',
      entityId: customerNo,
      at: deps.clock.now(),
    });
    return ok(undefined);
  });
}

/** A page of the list, newest first, names masked. */
export async function listDoNotContact(
  db: Kysely<Database>,
  page: { limit: number; offset: number },
): Promise<{ total: number; items: DoNotContactEntry[] }> {
  const [rows, total] = await Promise.all([
    db
      .selectFrom('do_not_contact as d')
      .innerJoin('customers as c', 'c.id', 'd.customer_id')
      .select(['c.customer_no', 'c.name', 'd.reason', 'd.added_by', 'd.added_at'])
      .orderBy('d.added_at', 'desc')
      .orderBy('c.customer_no')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('do_not_contact')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    total: total.n,
    items: rows.map((r) => ({
      customerNo: r.customer_no,
      name: maskName(r.name),
      reason: r.reason,
      addedBy: r.added_by,
      addedAt: iso(r.added_at)!,
    })),
  };
}
