// Bulk actions of the customers list (issue #12): on a selection (customer numbers) or on the whole filtered result
// (the filter, evaluated here in the caller's scope — never a million ids over the wire). Each action goes through
// the code path of its single form (assignment: `assignResolved`, same checks, capacity and audit; tasks: the
// assignee rules of `createTask`; lists: `saveList`) and answers what was done and what was refused, and why.
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { saveList } from '../segments/lists.ts';
import type { SegmentService } from '../segments/service.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { Clock } from '../shared/clock.ts';
import { err, ok, type Failure, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { filterMembers, type CustomerFilter } from './customer-filter.ts';
import { assignResolved } from './ownership.ts';
import { applyCustomerScope, type DataScope } from './scope.ts';
import { checkAssignee } from './tasks.ts';

/** Customers a bulk action may touch at once; a larger selection is refused whole (narrow the filter). */
export const BULK_LIMIT = 100_000;
/** Refused customers named in the answer (the counts are always complete). */
const REFUSED_SHOWN = 100;

/** Whom a bulk action is for: picked rows, or everyone the filter selects. */
export type BulkTarget = { readonly customerNos: readonly string[] } | { readonly filter: CustomerFilter };

/** What a bulk action does. */
export type BulkAction =
  | { readonly kind: 'assign'; readonly managerId: string | null; readonly reason?: string | null }
  | {
      readonly kind: 'task';
      readonly title: string;
      readonly notes?: string | null;
      readonly dueOn?: string | null;
      readonly assigneeId?: string;
    }
  | { readonly kind: 'list'; readonly name: string };

/** What a bulk action did: how many it was for, done and refused (by reason, with the first refused customers). */
export interface BulkOutcome {
  readonly action: BulkAction['kind'];
  readonly matched: number;
  readonly done: number;
  readonly refused: number;
  readonly reasons: Record<string, number>;
  readonly refusedCustomers: { customerNo: string; reason: string }[];
  /** The list created by a `list` action (a campaign's audience can name it). */
  readonly listId?: string;
}

/** Who acts: their audit name, data scope and staff id (tasks default to them). */
export interface BulkActor {
  readonly actor: string;
  readonly scope: DataScope;
  readonly staffId: string | null;
}

type Deps = { readonly db: Kysely<Database>; readonly clock: Clock; readonly segments: SegmentService };

/** The target's customers in scope: ordinal → number, and the picked numbers that are unknown or out of scope. */
async function resolveTarget(
  deps: Deps,
  scope: DataScope,
  target: BulkTarget,
): Promise<Result<{ idByNo: Map<string, number>; missing: string[]; order: string[] }, Failure>> {
  let rows: { id: number; customer_no: string }[];
  let picked: string[] | undefined;
  if ('customerNos' in target) {
    picked = [...new Set(target.customerNos)];
    rows = await applyCustomerScope(
      deps.db.selectFrom('customers').select(['customers.id', 'customers.customer_no']),
      scope,
    )
      .where(sql<boolean>`customers.customer_no = any(${picked}::text[])`)
      .execute();
  } else {
    const members = await filterMembers(deps, scope, target.filter);
    if (!members.ok) return members;
    if (members.value.size > BULK_LIMIT) return err(tooMany(members.value.size));
    const ids = Array.from(members.value.toUint32Array());
    ({ rows } = await sql<{ id: number; customer_no: string }>`
      select id, customer_no from customers where id = any(${ids}::int[]) order by id`.execute(deps.db));
  }
  const idByNo = new Map(rows.map((r) => [r.customer_no, Number(r.id)]));
  const order = picked ?? rows.map((r) => r.customer_no);
  return ok({ idByNo, missing: order.filter((no) => !idByNo.has(no)), order });
}

function tooMany(n: number): Failure {
  return {
    code: 'bad_request',
    message: `${n} customers match: a bulk action takes at most ${BULK_LIMIT.toLocaleString('en')}; narrow the filters`,
    details: { reason: 'too_many', matched: n, limit: BULK_LIMIT },
  };
}

/** Runs a bulk action for `who`; the caller has checked the permission the action needs. */
export async function runBulkAction(
  deps: Deps,
  who: BulkActor,
  target: BulkTarget,
  action: BulkAction,
): Promise<Result<BulkOutcome, Failure>> {
  const resolved = await resolveTarget(deps, who.scope, target);
  if (!resolved.ok) return resolved;
  const { idByNo, missing, order } = resolved.value;
  const refusals: { customerNo: string; reason: string }[] = missing.map((customerNo) => ({
    customerNo,
    reason: 'not_found',
  }));
  let done = 0;
  let listId: string | undefined;
  if (action.kind === 'assign') {
    const items = order.map((customerNo) => ({ customerNo, managerId: action.managerId }));
    const results = await deps.db
      .transaction()
      .execute((tx) => assignResolved(tx, deps.clock.now(), who, items, idByNo, action.reason ?? null));
    for (const r of results) {
      if (r.status === 'assigned' || r.status === 'unassigned') done++;
      else if (r.status !== 'not_found') refusals.push({ customerNo: r.customerNo, reason: r.status });
    }
  } else if (action.kind === 'task') {
    const made = await createTasks(deps, who, idByNo, action);
    if (!made.ok) return made;
    done = made.value.created;
    refusals.push(...made.value.refused);
  } else {
    if (idByNo.size === 0)
      return err({ code: 'bad_request', message: 'no customer of the selection is in your scope' });
    const saved = await saveList(
      deps.segments,
      { name: action.name, bitmap: new RoaringBitmap32([...idByNo.values()]) },
      who.actor,
    );
    if (!saved.ok) return err({ code: 'bad_request', message: saved.error.message });
    done = saved.value.members;
    listId = saved.value.id;
  }
  const reasons: Record<string, number> = {};
  for (const r of refusals) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
  const outcome: BulkOutcome = {
    action: action.kind,
    matched: order.length,
    done,
    refused: refusals.length,
    reasons,
    refusedCustomers: refusals.slice(0, REFUSED_SHOWN),
    ...(listId ? { listId } : {}),
  };
  // The request as the user made it (the filter, not the customers it selected); the changes have their own records.
  await recordAudit(deps.db, {
    actor: who.actor,
    action: 'customers.bulk',
    entityType: 'customer_batch',
    details: {
      action,
      target: 'filter' in target ? { filter: target.filter } : { selected: order.length },
      matched: outcome.matched,
      done,
      refused: outcome.refused,
      reasons,
      ...(listId ? { listId } : {}),
    },
  });
  return ok(outcome);
}

/**
 * One task per customer, in one statement: assigned to `assigneeId`, else the caller's staff id, else the owner
 * (customers without one are refused `no_owner`); the assignee rules are `createTask`'s (an account manager only to
 * themselves, others within their scope). One audit record names every task created.
 */
async function createTasks(
  deps: Deps,
  who: BulkActor,
  idByNo: ReadonlyMap<string, number>,
  input: Extract<BulkAction, { kind: 'task' }>,
): Promise<Result<{ created: number; refused: { customerNo: string; reason: string }[] }, Failure>> {
  const ids = [...idByNo.values()];
  const noById = new Map([...idByNo].map(([no, id]) => [id, no]));
  const fixed = input.assigneeId ?? who.staffId;
  const owners =
    fixed !== null || ids.length === 0
      ? []
      : await deps.db
          .selectFrom('customer_owners')
          .select(['customer_id', 'manager_id'])
          .where(sql<boolean>`customer_id = any(${ids}::int[])`)
          .execute();
  const ownerOf = new Map(owners.map((o) => [o.customer_id, o.manager_id]));
  const refused: { customerNo: string; reason: string }[] = [];
  const allowed = new Map<string, boolean>();
  const rows: { customer_id: number; assignee_id: string }[] = [];
  for (const id of ids) {
    const assignee = fixed ?? ownerOf.get(id) ?? null;
    if (assignee === null) {
      refused.push({ customerNo: noById.get(id)!, reason: 'no_owner' });
      continue;
    }
    if (!allowed.has(assignee)) {
      const check = await checkAssignee(deps.db, who, assignee);
      // A named assignee the caller may not use refuses the whole action, as it does a single task.
      if (!check.ok && assignee === input.assigneeId) return err(check.error);
      allowed.set(assignee, check.ok);
    }
    if (!allowed.get(assignee)) {
      refused.push({ customerNo: noById.get(id)!, reason: 'assignee_out_of_scope' });
      continue;
    }
    rows.push({ customer_id: id, assignee_id: assignee });
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (tx) => {
    if (rows.length === 0) return;
    const { rows: made } = await sql<{ id: number; customer_id: number; assignee_id: string }>`
      insert into tasks (customer_id, assignee_id, title, notes, due_on, created_by, created_at, updated_at)
      select x.customer_id, x.assignee_id, ${input.title}, ${input.notes ?? null}, ${input.dueOn ?? null}::date,
        ${who.actor}, ${now}::timestamptz, ${now}::timestamptz
      from json_to_recordset(${JSON.stringify(rows)}::json) as x(customer_id integer, assignee_id text)
      returning id, customer_id, assignee_id`.execute(tx);
    await recordAudit(tx, {
      actor: who.actor,
      action: 'task.create',
      entityType: 'task_batch',
      details: {
        title: input.title,
        dueOn: input.dueOn ?? null,
        // [task id, customer_no, assignee] per task
        tasks: made.map((t) => [Number(t.id), noById.get(t.customer_id), t.assignee_id]),
      },
    });
  });
  return ok({ created: rows.length, refused });
}
