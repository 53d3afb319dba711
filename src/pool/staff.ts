import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Database, StaffRole } from '../store/operational/database.ts';
import { orgUnitExists } from './org.ts';
import { countOwned } from './ownership.ts';
import { staffScopeFilter, type DataScope } from './scope.ts';

/** A staff member as the pool shows it, with the size of their pool. */
export interface StaffMember {
  readonly id: string;
  readonly name: string;
  readonly orgUnitId: string;
  readonly role: StaffRole;
  readonly status: 'active' | 'departed';
  readonly poolCapacity: number;
  readonly poolSize: number;
  readonly phone: string | null;
  readonly email: string | null;
  readonly joinedOn: string | null;
  readonly departedOn: string | null;
}

/** Fields of a new staff member. */
export interface NewStaff {
  readonly id: string;
  readonly name: string;
  readonly orgUnitId: string;
  readonly role: StaffRole;
  readonly poolCapacity?: number;
  readonly phone?: string | null;
  readonly email?: string | null;
  readonly joinedOn?: string | null;
}

/** A change to a staff member; absent fields stay as they are. */
export interface StaffPatch {
  readonly name?: string;
  readonly orgUnitId?: string;
  readonly role?: StaffRole;
  readonly status?: 'active' | 'departed';
  readonly poolCapacity?: number;
  readonly phone?: string | null;
  readonly email?: string | null;
  readonly departedOn?: string | null;
}

/** Why a staff change was refused. */
export type StaffFailure = { code: 'not_found' | 'conflict' | 'bad_request'; message: string };

type Deps = { readonly db: Kysely<Database>; readonly clock: Clock };

/** Staff in the scope, optionally filtered, with pool sizes. */
export async function listStaff(
  db: Kysely<Database>,
  scope: DataScope,
  filter: { role?: StaffRole; status?: 'active' | 'departed'; orgUnitId?: string } = {},
): Promise<StaffMember[]> {
  let q = db.selectFrom('staff').selectAll().where(staffScopeFilter(scope)).orderBy('id');
  if (filter.role) q = q.where('role', '=', filter.role);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.orgUnitId) q = q.where('org_unit_id', '=', filter.orgUnitId);
  const rows = await q.execute();
  const sizes = await countOwned(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => present(r, sizes.get(r.id) ?? 0));
}

/** One staff member with pool size, or undefined. */
export async function getStaff(db: Kysely<Database>, id: string): Promise<StaffMember | undefined> {
  const row = await db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return present(row, (await countOwned(db, [id])).get(id) ?? 0);
}

/** Creates a staff member (audited). */
export async function createStaff(
  deps: Deps,
  actor: string,
  input: NewStaff,
): Promise<Result<StaffMember, StaffFailure>> {
  return deps.db.transaction().execute(async (tx) => {
    const exists = await tx.selectFrom('staff').select('id').where('id', '=', input.id).executeTakeFirst();
    if (exists) return err({ code: 'conflict' as const, message: `staff ${input.id} already exists` });
    if (!(await orgUnitExists(tx, input.orgUnitId)))
      return err({ code: 'bad_request' as const, message: `no org unit ${input.orgUnitId}` });
    await tx
      .insertInto('staff')
      .values({
        id: input.id,
        name: input.name,
        org_unit_id: input.orgUnitId,
        role: input.role,
        pool_capacity: input.poolCapacity ?? 2000,
        phone: input.phone ?? null,
        email: input.email ?? null,
        joined_on: input.joinedOn ?? null,
      })
      .execute();
    await recordAudit(tx, {
      actor,
      action: 'staff.create',
      entityType: 'staff',
      entityId: input.id,
      details: {
        name: input.name,
        orgUnitId: input.orgUnitId,
        role: input.role,
        poolCapacity: input.poolCapacity,
      },
    });
    const row = await tx.selectFrom('staff').selectAll().where('id', '=', input.id).executeTakeFirstOrThrow();
    return ok(present(row, 0));
  });
}

/** Updates a staff member (audited with the fields that changed); departing sets departed_on to today by default. */
export async function updateStaff(
  deps: Deps,
  actor: string,
  id: string,
  patch: StaffPatch,
): Promise<Result<StaffMember, StaffFailure>> {
  return deps.db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('staff')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!before) return err({ code: 'not_found' as const, message: `no staff ${id}` });
    if (patch.orgUnitId !== undefined) {
      if (!(await orgUnitExists(tx, patch.orgUnitId)))
        return err({ code: 'bad_request' as const, message: `no org unit ${patch.orgUnitId}` });
    }
    const today = deps.clock.today();
    const set: Record<string, unknown> = {};
    if (patch.name !== undefined) set['name'] = patch.name;
    if (patch.orgUnitId !== undefined) set['org_unit_id'] = patch.orgUnitId;
    if (patch.role !== undefined) set['role'] = patch.role;
    if (patch.poolCapacity !== undefined) set['pool_capacity'] = patch.poolCapacity;
    if (patch.phone !== undefined) set['phone'] = patch.phone;
    if (patch.email !== undefined) set['email'] = patch.email;
    if (patch.status !== undefined) {
      set['status'] = patch.status;
      set['departed_on'] =
        patch.status === 'departed' ? (patch.departedOn ?? before.departed_on ?? today) : null;
    } else if (patch.departedOn !== undefined) set['departed_on'] = patch.departedOn;
    const changed = Object.fromEntries(
      Object.entries(set).filter(([k, v]) => (before as Record<string, unknown>)[k] !== v),
    );
    if (Object.keys(changed).length > 0) {
      await tx
        .updateTable('staff')
        .set({ ...changed, updated_at: deps.clock.now() })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, {
        actor,
        action: patch.status === 'departed' && before.status !== 'departed' ? 'staff.depart' : 'staff.update',
        entityType: 'staff',
        entityId: id,
        details: {
          changed,
          before: Object.fromEntries(
            Object.keys(changed).map((k) => [k, (before as Record<string, unknown>)[k]]),
          ),
        },
      });
    }
    const row = await tx.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return ok(present(row, (await countOwned(tx, [id])).get(id) ?? 0));
  });
}

/** Deletes a staff member who never served anyone; otherwise refuses (set status departed instead). */
export async function deleteStaff(
  deps: Deps,
  actor: string,
  id: string,
): Promise<Result<void, StaffFailure>> {
  return deps.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('staff').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) return err({ code: 'not_found' as const, message: `no staff ${id}` });
    const { rows } = await sql<{ used: boolean }>`select
      exists (select 1 from customer_owners where manager_id = ${id})
      or exists (select 1 from ownership_history where from_manager = ${id} or to_manager = ${id})
      or exists (select 1 from customer_assistants where staff_id = ${id})
      or exists (select 1 from users where staff_id = ${id})
      or exists (select 1 from tasks where assignee_id = ${id})
      or exists (select 1 from interactions where staff_id = ${id})
      or exists (select 1 from handover_items where taker_id = ${id})
      or exists (select 1 from handover_jobs where from_manager = ${id}) as used`.execute(tx);
    if (rows[0]?.used) {
      return err({
        code: 'conflict' as const,
        message: `staff ${id} has customers or history: set status "departed" instead of deleting`,
      });
    }
    await tx.deleteFrom('staff').where('id', '=', id).execute();
    await recordAudit(tx, { actor, action: 'staff.delete', entityType: 'staff', entityId: id });
    return ok(undefined);
  });
}

function present(
  r: {
    id: string;
    name: string;
    org_unit_id: string;
    role: StaffRole;
    status: 'active' | 'departed';
    pool_capacity: number;
    phone: string | null;
    email: string | null;
    joined_on: string | null;
    departed_on: string | null;
  },
  poolSize: number,
): StaffMember {
  return {
    id: r.id,
    name: r.name,
    orgUnitId: r.org_unit_id,
    role: r.role,
    status: r.status,
    poolCapacity: r.pool_capacity,
    poolSize,
    phone: r.phone,
    email: r.email,
    joinedOn: r.joined_on,
    departedOn: r.departed_on,
  };
}
