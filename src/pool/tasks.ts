// Follow-up tasks: a to-do about one customer, assigned to a staff member, with a due date and a status. A task is
// visible when its customer is in the caller's scope; tasks follow their customer when ownership moves.
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { TaskSource, TaskStatus } from '../store/operational/pool-tables.ts';
import { countRows } from './count.ts';
import { iso } from './customers.ts';
import { maskName } from './mask.ts';
import { applyCustomerScope, staffInScope, type DataScope } from './scope.ts';

/** A task as the API shows it (customer name masked). */
export interface TaskView {
  readonly id: number;
  readonly customerNo: string;
  readonly customerName: string | null;
  readonly assigneeId: string;
  readonly title: string;
  readonly notes: string | null;
  readonly dueOn: string | null;
  readonly status: TaskStatus;
  readonly source: TaskSource;
  readonly createdBy: string;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly completedAt: string | null;
}

/** Why a task change was refused. */
export type TaskFailure = { code: 'not_found' | 'forbidden' | 'bad_request'; message: string };

/** Who acts on tasks: account managers act only as themselves. */
export interface TaskActor {
  readonly actor: string;
  readonly scope: DataScope;
  readonly staffId: string | null;
}

type Deps = { readonly db: Kysely<Database>; readonly clock: Clock };

/** Filters of a task list. */
export interface TaskQuery {
  readonly status?: TaskStatus;
  readonly assigneeId?: string;
  readonly customerNo?: string;
  /** Due on or after this day. */
  readonly dueFrom?: string;
  /** Due on or before this day (overdue included). */
  readonly dueBy?: string;
  /** Where the task came from (manual, interaction, reminder, campaign). */
  readonly source?: TaskSource;
  readonly limit?: number;
  readonly offset?: number;
}

/** Tasks on customers in the scope, earliest due first. */
export async function listTasks(
  db: Kysely<Database>,
  scope: DataScope,
  query: TaskQuery,
): Promise<{ total: number; items: TaskView[] }> {
  const base = () => {
    let q = applyCustomerScope(
      db.selectFrom('tasks as t').innerJoin('customers as c', 'c.id', 't.customer_id'),
      scope,
      'c',
    );
    if (query.status) q = q.where('t.status', '=', query.status);
    if (query.assigneeId) q = q.where('t.assignee_id', '=', query.assigneeId);
    if (query.customerNo) q = q.where('c.customer_no', '=', query.customerNo);
    if (query.dueFrom) q = q.where('t.due_on', '>=', query.dueFrom);
    if (query.dueBy) q = q.where('t.due_on', '<=', query.dueBy);
    if (query.source) q = q.where('t.source', '=', query.source);
    return q;
  };
  const [total, rows] = await Promise.all([
    countRows(base()),
    base()
      .selectAll('t')
      .select(['c.customer_no', 'c.name'])
      .orderBy(sql`t.due_on asc nulls last`)
      .orderBy('t.id')
      .limit(query.limit ?? 50)
      .offset(query.offset ?? 0)
      .execute(),
  ]);
  return { total, items: rows.map(present) };
}

/** One task in the scope, or undefined. */
export async function getTask(
  db: Kysely<Database>,
  scope: DataScope,
  id: number,
): Promise<TaskView | undefined> {
  const row = await applyCustomerScope(
    db.selectFrom('tasks as t').innerJoin('customers as c', 'c.id', 't.customer_id'),
    scope,
    'c',
  )
    .selectAll('t')
    .select(['c.customer_no', 'c.name'])
    .where('t.id', '=', id)
    .executeTakeFirst();
  return row ? present(row) : undefined;
}

/** Creates a task on a customer in the scope; the assignee defaults to the caller's staff id, else the owner. */
export async function createTask(
  deps: Deps,
  who: TaskActor,
  input: {
    customerNo: string;
    title: string;
    notes?: string | null;
    dueOn?: string | null;
    assigneeId?: string;
  },
): Promise<Result<TaskView, TaskFailure>> {
  const customer = await applyCustomerScope(
    deps.db
      .selectFrom('customers')
      .leftJoin('customer_owners as o', 'o.customer_id', 'customers.id')
      .select(['customers.id', 'o.manager_id']),
    who.scope,
  )
    .where('customers.customer_no', '=', input.customerNo)
    .executeTakeFirst();
  if (!customer) return err({ code: 'not_found', message: `no customer ${input.customerNo}` });
  const assignee = input.assigneeId ?? who.staffId ?? customer.manager_id;
  if (assignee === null)
    return err({ code: 'bad_request', message: 'assigneeId: the customer has no owner; name one' });
  const allowed = await checkAssignee(deps.db, who, assignee);
  if (!allowed.ok) return allowed;
  const id = await deps.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('tasks')
      .values({
        customer_id: customer.id,
        assignee_id: assignee,
        title: input.title,
        notes: input.notes ?? null,
        due_on: input.dueOn ?? null,
        created_by: who.actor,
        created_at: deps.clock.now(),
        updated_at: deps.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor: who.actor,
      action: 'task.create',
      entityType: 'task',
      entityId: String(row.id),
      details: { customerNo: input.customerNo, assigneeId: assignee, dueOn: input.dueOn ?? null },
    });
    return Number(row.id);
  });
  return ok((await getTask(deps.db, who.scope, id))!);
}

/** Changes a task in the scope (audited); done and cancelled stamp completedAt. */
export async function updateTask(
  deps: Deps,
  who: TaskActor,
  id: number,
  patch: {
    title?: string;
    notes?: string | null;
    dueOn?: string | null;
    status?: TaskStatus;
    assigneeId?: string;
  },
): Promise<Result<TaskView, TaskFailure>> {
  const before = await getTask(deps.db, who.scope, id);
  if (!before) return err({ code: 'not_found', message: `no task ${id}` });
  if (patch.assigneeId !== undefined && patch.assigneeId !== before.assigneeId) {
    const allowed = await checkAssignee(deps.db, who, patch.assigneeId);
    if (!allowed.ok) return allowed;
  }
  const now = deps.clock.now();
  const set: Record<string, unknown> = {};
  if (patch.title !== undefined) set['title'] = patch.title;
  if (patch.notes !== undefined) set['notes'] = patch.notes;
  if (patch.dueOn !== undefined) set['due_on'] = patch.dueOn;
  if (patch.assigneeId !== undefined) set['assignee_id'] = patch.assigneeId;
  if (patch.status !== undefined && patch.status !== before.status) {
    set['status'] = patch.status;
    set['completed_at'] = patch.status === 'open' ? null : now;
  }
  if (Object.keys(set).length > 0) {
    await deps.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('tasks')
        .set({ ...set, updated_at: now })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, {
        actor: who.actor,
        action: 'task.update',
        entityType: 'task',
        entityId: String(id),
        details: { changed: set },
      });
    });
  }
  return ok((await getTask(deps.db, who.scope, id))!);
}

/** Whether `who` may give a task to `assignee`: account managers only to themselves, others within their scope. */
export async function checkAssignee(
  db: Kysely<Database>,
  who: TaskActor,
  assignee: string,
): Promise<Result<true, TaskFailure>> {
  if (who.scope.kind === 'own' && assignee !== who.staffId)
    return err({ code: 'forbidden', message: 'account managers assign tasks to themselves only' });
  if (!(await staffInScope(db, who.scope, assignee)))
    return err({ code: 'bad_request', message: `assigneeId: no staff ${assignee} in your scope` });
  return ok(true);
}

function present(r: {
  id: number;
  customer_no: string;
  name: string | null;
  assignee_id: string;
  title: string;
  notes: string | null;
  due_on: string | null;
  status: TaskStatus;
  source: TaskSource;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}): TaskView {
  return {
    id: Number(r.id),
    customerNo: r.customer_no,
    customerName: maskName(r.name),
    assigneeId: r.assignee_id,
    title: r.title,
    notes: r.notes,
    dueOn: r.due_on,
    status: r.status,
    source: r.source,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    completedAt: iso(r.completed_at),
  };
}
