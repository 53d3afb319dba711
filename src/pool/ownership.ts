// Ownership: at most one account manager per customer (the primary key of customer_owners), every change written
// to ownership_history, and the open work of a customer (tasks, reminders) following it to its new owner.
import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';
import type { OwnershipKind, OwnershipSource } from '../store/operational/pool-tables.ts';
import { applyCustomerScope, staffScopeFilter, type DataScope } from './scope.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** One ownership change to write. `to` null removes the owner. */
export interface OwnershipChange {
  readonly customerId: number;
  readonly from: string | null;
  readonly to: string | null;
}

/** Writes ownership changes with their history rows; the caller has checked them and holds the transaction. */
export async function writeOwnership(
  tx: Db,
  changes: readonly OwnershipChange[],
  how: {
    kind: OwnershipKind;
    source: OwnershipSource;
    reason: string | null;
    actor: string;
    at: Date;
    jobId?: number | null;
    handoverStatus?: ReadonlyMap<number, 'waiting' | 'done'>;
  },
): Promise<void> {
  if (changes.length === 0) return;
  const at = how.at.toISOString();
  const sets = changes
    .filter((c) => c.to !== null)
    .map((c) => ({
      customer_id: c.customerId,
      manager_id: c.to,
      hs: how.handoverStatus?.get(c.customerId) ?? null,
    }));
  if (sets.length > 0) {
    await sql`insert into customer_owners (customer_id, manager_id, since, source, handover_status, handover_job_id, updated_at)
      select x.customer_id, x.manager_id, ${at}::timestamptz, ${how.source}, x.hs, ${how.jobId ?? null}::bigint, ${at}::timestamptz
      from json_to_recordset(${JSON.stringify(sets)}::json) as x(customer_id integer, manager_id text, hs text)
      on conflict (customer_id) do update set manager_id = excluded.manager_id, since = excluded.since,
        source = excluded.source, handover_status = excluded.handover_status,
        handover_job_id = excluded.handover_job_id, updated_at = excluded.updated_at`.execute(tx);
  }
  const removed = changes.filter((c) => c.to === null).map((c) => c.customerId);
  if (removed.length > 0)
    await tx.deleteFrom('customer_owners').where('customer_id', 'in', removed).execute();
  const history = changes.map((c) => ({ customer_id: c.customerId, from_manager: c.from, to_manager: c.to }));
  await sql`insert into ownership_history (customer_id, from_manager, to_manager, reason, kind, job_id, at, actor)
    select x.customer_id, x.from_manager, x.to_manager, ${how.reason}, ${how.kind}, ${how.jobId ?? null}::bigint,
      ${at}::timestamptz, ${how.actor}
    from json_to_recordset(${JSON.stringify(history)}::json) as x(customer_id integer, from_manager text, to_manager text)`.execute(
    tx,
  );
}

/**
 * Moves the open tasks and reminders of customers from their previous owner to the new one (work assigned to
 * someone else, e.g. an assistant, stays). Returns the ids of the tasks moved.
 */
export async function moveOpenWork(
  tx: Db,
  changes: readonly OwnershipChange[],
  at: Date,
): Promise<{ taskIds: number[]; reminders: number }> {
  const moves = changes
    .filter((c) => c.from !== null && c.to !== null && c.from !== c.to)
    .map((c) => ({ customer_id: c.customerId, from_id: c.from, to_id: c.to }));
  if (moves.length === 0) return { taskIds: [], reminders: 0 };
  const json = JSON.stringify(moves);
  const tasks = await sql<{
    id: number;
  }>`update tasks t set assignee_id = m.to_id, updated_at = ${at.toISOString()}::timestamptz
    from json_to_recordset(${json}::json) as m(customer_id integer, from_id text, to_id text)
    where t.customer_id = m.customer_id and t.assignee_id = m.from_id and t.status = 'open'
    returning t.id`.execute(tx);
  const reminders = await sql`update reminders r set assignee_id = m.to_id
    from json_to_recordset(${json}::json) as m(customer_id integer, from_id text, to_id text)
    where r.customer_id = m.customer_id and r.assignee_id = m.from_id and r.status = 'open'`.execute(tx);
  return {
    taskIds: tasks.rows.map((r) => Number(r.id)).sort((a, b) => a - b),
    reminders: Number(reminders.numAffectedRows ?? 0),
  };
}

/** One manual assignment: `managerId` null unassigns. */
export interface AssignItem {
  readonly customerNo: string;
  readonly managerId: string | null;
}

/** What happened to one assignment. */
export interface AssignResult {
  readonly customerNo: string;
  readonly status:
    | 'assigned'
    | 'unassigned'
    | 'unchanged'
    | 'duplicate'
    | 'not_found'
    | 'manager_not_found'
    | 'manager_departed'
    | 'manager_at_limit';
  readonly from: string | null;
  readonly to: string | null;
}

/**
 * Assigns (or unassigns) customers by hand, in one transaction, item by item: customers outside the scope are
 * `not_found`, managers outside it `manager_not_found`; a manager's capacity is never exceeded. Open tasks and
 * reminders follow the customer. One audit record lists every change.
 */
export async function assignCustomers(
  deps: { db: Kysely<Database>; clock: Clock },
  who: { actor: string; scope: DataScope },
  items: readonly AssignItem[],
  reason: string | null = null,
): Promise<AssignResult[]> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const customerNos = [...new Set(items.map((i) => i.customerNo))];
    const customers =
      customerNos.length === 0
        ? []
        : await applyCustomerScope(
            tx.selectFrom('customers').select(['customers.id', 'customers.customer_no']),
            who.scope,
          )
            .where(sql<boolean>`customers.customer_no = any(${customerNos}::text[])`)
            .execute();
    const idByNo = new Map(customers.map((c) => [c.customer_no, c.id]));
    return assignResolved(tx, now, who, items, idByNo, reason);
  });
}

/**
 * The checks and writes of an assignment whose customers were already looked up in the caller's scope (`idByNo`;
 * a number missing from it is `not_found`), inside the caller's transaction: a bulk action by filter resolves its
 * customers from the list's set and shares every check, limit and audit record with `assignCustomers`.
 */
export async function assignResolved(
  tx: Transaction<Database>,
  now: Date,
  who: { actor: string; scope: DataScope },
  items: readonly AssignItem[],
  idByNo: ReadonlyMap<string, number>,
  reason: string | null,
): Promise<AssignResult[]> {
  const noById = new Map([...idByNo].map(([no, id]) => [id, no]));
  const managerIds = [
    ...new Set(items.map((i) => i.managerId).filter((m): m is string => m !== null)),
  ].sort();
  const managerById = await lockManagers(tx, managerIds, who.scope);
  const ids = [...idByNo.values()];
  const owners =
    ids.length === 0
      ? []
      : await tx
          .selectFrom('customer_owners')
          .select(['customer_id', 'manager_id'])
          .where(sql<boolean>`customer_id = any(${ids}::int[])`)
          .forUpdate()
          .execute();
  const ownerOf = new Map<number, string | null>(owners.map((o) => [o.customer_id, o.manager_id]));
  const sizes = await countOwned(tx, managerIds);

  const results: AssignResult[] = [];
  const changes: OwnershipChange[] = [];
  const seen = new Set<number>();
  for (const item of items) {
    const id = idByNo.get(item.customerNo);
    const from = id === undefined ? null : (ownerOf.get(id) ?? null);
    const result = (status: AssignResult['status'], to: string | null = item.managerId) =>
      results.push({ customerNo: item.customerNo, status, from, to });
    if (id === undefined) {
      result('not_found', null);
      continue;
    }
    if (seen.has(id)) {
      result('duplicate', null);
      continue;
    }
    seen.add(id);
    if (item.managerId === from) {
      result('unchanged');
      continue;
    }
    if (item.managerId !== null) {
      const manager = managerById.get(item.managerId);
      if (!manager) {
        result('manager_not_found');
        continue;
      }
      if (manager.status !== 'active') {
        result('manager_departed');
        continue;
      }
      const size = sizes.get(manager.id) ?? 0;
      if (size >= manager.pool_capacity) {
        result('manager_at_limit');
        continue;
      }
      sizes.set(manager.id, size + 1);
    }
    if (from !== null) sizes.set(from, (sizes.get(from) ?? 0) - 1);
    ownerOf.set(id, item.managerId);
    changes.push({ customerId: id, from, to: item.managerId });
    result(item.managerId === null ? 'unassigned' : 'assigned');
  }
  await writeOwnership(tx, changes, {
    kind: 'assign',
    source: 'assign',
    reason,
    actor: who.actor,
    at: now,
  });
  const moved = await moveOpenWork(tx, changes, now);
  if (changes.length > 0) {
    await recordAudit(tx, {
      actor: who.actor,
      action: 'pool.assign',
      entityType: changes.length === 1 ? 'customer' : 'customer_batch',
      entityId: changes.length === 1 ? (noById.get(changes[0]?.customerId ?? 0) ?? null) : null,
      details: {
        reason,
        // [customer_no, from, to] per change
        changes: changes.map((c) => [noById.get(c.customerId), c.from, c.to]),
        tasksMoved: moved.taskIds,
        remindersMoved: moved.reminders,
      },
    });
  }
  return results;
}

/**
 * The staff rows of `ids` (within `scope` when given) by id, locked in id order: locking serialises concurrent
 * assignments to the same managers, so capacity checks stay exact.
 */
export async function lockManagers(
  tx: Transaction<Database>,
  ids: readonly string[],
  scope?: DataScope,
): Promise<Map<string, { id: string; status: 'active' | 'departed'; pool_capacity: number }>> {
  if (ids.length === 0) return new Map();
  let q = tx.selectFrom('staff').select(['id', 'status', 'pool_capacity']).where('id', 'in', ids);
  if (scope) q = q.where(staffScopeFilter(scope));
  const rows = await q.orderBy('id').forUpdate().execute();
  return new Map(rows.map((m) => [m.id, m]));
}

/** Customers owned by each staff member (missing ids own none). */
export async function countOwned(db: Db, staffIds: readonly string[]): Promise<Map<string, number>> {
  if (staffIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('customer_owners')
    .select(['manager_id', sql<number>`count(*)`.as('n')])
    .where('manager_id', 'in', staffIds)
    .groupBy('manager_id')
    .execute();
  return new Map(rows.map((r) => [r.manager_id, Number(r.n)]));
}

/**
 * The history reason of an owner adopted from the customer's account_manager_id attribute: a stable marker the
 * profile answers as `reasonCode: 'adopted_from_attribute'` (the dashboard words it in the user's language).
 */
export const ADOPTED_REASON = 'adopted from customers.attributes.account_manager_id';

/**
 * Makes `customers.attributes.account_manager_id` the owner of every customer that has none yet and whose manager
 * exists (imports and the demo bank set that attribute); idempotent. Returns how many customers were adopted.
 */
export async function adoptOwnersFromAttributes(db: Db, how: { actor: string; at: Date }): Promise<number> {
  const at = how.at.toISOString();
  const { rows } = await sql<{ n: number }>`
    with adopted as (
      insert into customer_owners (customer_id, manager_id, since, source, updated_at)
      select c.id, s.id, ${at}::timestamptz, 'backfill', ${at}::timestamptz
      from customers c join staff s on s.id = c.attributes ->> 'account_manager_id'
      where not exists (select 1 from customer_owners o where o.customer_id = c.id)
      on conflict (customer_id) do nothing
      returning customer_id, manager_id
    ), history as (
      insert into ownership_history (customer_id, from_manager, to_manager, reason, kind, at, actor)
      select customer_id, null, manager_id, ${ADOPTED_REASON}, 'assign',
        ${at}::timestamptz, ${how.actor}
      from adopted
      returning 1
    )
    select count(*) as n from history`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** A customer's ownership changes, newest first. */
export async function ownershipHistory(db: Db, customerId: number, limit = 100) {
  return db
    .selectFrom('ownership_history')
    .select(['id', 'from_manager', 'to_manager', 'reason', 'kind', 'job_id', 'at', 'actor'])
    .where('customer_id', '=', customerId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
