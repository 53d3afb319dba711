// User administration over the operational store: the list an administrator reads, changes to role, scope, status
// and grants (each audited in the same transaction, with before and after), and a user changing their own password.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Database, UserRole, UserTable } from '../store/operational/database.ts';
import { loginThrottle, recordLoginFailure, type LoginThrottled } from './login-throttle.ts';
import { hashPassword, passwordPolicyProblem, verifyPassword } from './passwords.ts';
import { isGrantable, type GrantablePermission } from './principal.ts';
import { hashSecret } from './tokens.ts';

/** A user as administrators see it (never the password hash). */
export interface UserAccount {
  readonly id: number;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: UserRole;
  readonly orgUnitId: string | null;
  readonly staffId: string | null;
  readonly status: 'active' | 'disabled';
  readonly mustChangePassword: boolean;
  readonly grants: GrantablePermission[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Which users to list; `q` matches the username or display name. */
export interface UserFilter {
  readonly q?: string;
  readonly role?: UserRole;
  readonly status?: 'active' | 'disabled';
  readonly limit: number;
  readonly offset: number;
}

/** A change to a user; absent fields stay as they are, null clears an org unit or staff link. */
export interface UserPatch {
  readonly displayName?: string | null;
  readonly role?: UserRole;
  readonly orgUnitId?: string | null;
  readonly staffId?: string | null;
  readonly status?: 'active' | 'disabled';
  /** The complete set of grants after the change. */
  readonly grants?: readonly GrantablePermission[];
}

/** Why an account change was refused; `details.field` names the field at fault when there is one. */
export type AccountFailure =
  | {
      code: 'not_found' | 'conflict' | 'bad_request' | 'forbidden';
      message: string;
      details?: { field: string; reason: string };
    }
  | { code: 'too_many_attempts'; message: string; details: LoginThrottled };

type Deps = { readonly db: Kysely<Database>; readonly clock: Clock };
type UserRow = Pick<Selectable<UserTable>, (typeof USER_COLUMNS)[number]>;

/** One page of users, by username. */
export async function listUsers(
  db: Kysely<Database>,
  filter: UserFilter,
): Promise<{ total: number; items: UserAccount[] }> {
  let q = db.selectFrom('users');
  if (filter.role) q = q.where('role', '=', filter.role);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('username', 'ilike', like), eb('display_name', 'ilike', like)]));
  }
  const [count, rows] = await Promise.all([
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    q.select(USER_COLUMNS).orderBy('username').limit(filter.limit).offset(filter.offset).execute(),
  ]);
  return { total: count.n, items: rows.map(present) };
}

/** One user, or undefined. */
export async function getUser(db: Kysely<Database>, id: number): Promise<UserAccount | undefined> {
  const row = await db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? present(row) : undefined;
}

/**
 * Changes a user's role, scope, status, grants or display name. Disabling deletes the user's sessions in the same
 * transaction (they are signed out at once); a change that would leave no active administrator is refused.
 */
export async function updateUser(
  deps: Deps,
  id: number,
  patch: UserPatch,
  actor: string,
): Promise<Result<UserAccount, AccountFailure>> {
  const bad = (field: string, reason: string, message: string) =>
    err({ code: 'bad_request' as const, message, details: { field, reason } });
  const ungrantable = (patch.grants ?? []).find((g) => !isGrantable(g));
  if (ungrantable) return bad('grants', 'not_grantable', `grants: ${ungrantable} cannot be granted`);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('users')
      .select(USER_COLUMNS)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!before) return err({ code: 'not_found' as const, message: `no user ${id}` });
    const unknown = await unknownReference(tx, patch);
    if (unknown)
      return bad(
        unknown,
        'unknown',
        `${unknown}: no ${unknown === 'orgUnitId' ? 'org unit' : 'staff'} ${patch[unknown]}`,
      );
    const after = {
      role: patch.role ?? before.role,
      org_unit_id: patch.orgUnitId === undefined ? before.org_unit_id : patch.orgUnitId,
      staff_id: patch.staffId === undefined ? before.staff_id : patch.staffId,
      status: patch.status ?? before.status,
      display_name: patch.displayName === undefined ? before.display_name : patch.displayName,
      grants: patch.grants ? [...new Set(patch.grants)].sort() : grantsOf(before),
    };
    const wasAdmin = before.role === 'admin' && before.status === 'active';
    if (wasAdmin && !(after.role === 'admin' && after.status === 'active')) {
      // Locking the other active admins serialises two admins demoting each other at the same moment.
      const others = await tx
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('status', '=', 'active')
        .where('id', '<>', id)
        .forUpdate()
        .execute();
      if (others.length === 0) {
        const field = after.role !== 'admin' ? 'role' : 'status';
        return err({
          code: 'conflict' as const,
          message: `${field}: ${before.username} is the last active administrator; make another user an active administrator first`,
          details: { field, reason: 'last_active_admin' },
        });
      }
    }
    await tx
      .updateTable('users')
      .set({ ...after, grants: JSON.stringify(after.grants), updated_at: now })
      .where('id', '=', id)
      .execute();
    const audit = (action: string, details: Record<string, unknown>) =>
      recordAudit(tx, { actor, action, entityType: 'user', entityId: String(id), details, at: now });
    const scopeBefore = { role: before.role, orgUnitId: before.org_unit_id, staffId: before.staff_id };
    const scopeAfter = { role: after.role, orgUnitId: after.org_unit_id, staffId: after.staff_id };
    if (JSON.stringify(scopeBefore) !== JSON.stringify(scopeAfter))
      await audit('user.role_change', { username: before.username, before: scopeBefore, after: scopeAfter });
    if (after.status !== before.status) {
      const revoked = after.status === 'disabled' ? await deleteSessions(tx, id) : 0;
      await audit(after.status === 'disabled' ? 'user.disable' : 'user.enable', {
        username: before.username,
        ...(after.status === 'disabled' ? { sessionsRevoked: revoked } : {}),
      });
    }
    const had = grantsOf(before);
    for (const permission of after.grants.filter((g) => !had.includes(g)))
      await audit('user.grant', { username: before.username, permission });
    for (const permission of had.filter((g) => !after.grants.includes(g)))
      await audit('user.grant_revoke', { username: before.username, permission });
    if (after.display_name !== before.display_name)
      await audit('user.update', {
        username: before.username,
        before: { displayName: before.display_name },
        after: { displayName: after.display_name },
      });
    return ok(present({ ...before, ...after, updated_at: now }));
  });
}

/**
 * A signed-in user changes their own password: the current one must be right (a wrong one counts as a failed sign-in
 * for the throttle), the new one must keep the policy and differ from the current. Clears must_change_password and
 * ends every other session of the user.
 */
export async function changeOwnPassword(
  deps: Deps,
  input: { userId: number; current: string; next: string; sessionToken: string | undefined; address: string },
  passwordCost?: number,
): Promise<Result<{ sessionsRevoked: number }, AccountFailure>> {
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'username', 'password_hash'])
    .where('id', '=', input.userId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!user) return err({ code: 'not_found', message: `no active user ${input.userId}` });
  const attempt = { username: user.username, address: input.address, now: deps.clock.now() };
  const throttled = await loginThrottle(deps.db, attempt);
  if (throttled)
    return err({
      code: 'too_many_attempts',
      message: `too many failed attempts: try again in ${throttled.retryAfterSeconds} s`,
      details: throttled,
    });
  const field = (name: string, reason: string, message: string) =>
    err({ code: 'bad_request' as const, message: `${name}: ${message}`, details: { field: name, reason } });
  if (!(await verifyPassword(input.current, user.password_hash))) {
    await recordLoginFailure(deps.db, { ...attempt, reason: 'wrong_current_password' });
    return field('currentPassword', 'wrong_password', 'is not your current password');
  }
  const weak = passwordPolicyProblem(input.next, user.username);
  if (weak) return field('newPassword', 'policy', weak);
  if (input.next === input.current)
    return field('newPassword', 'unchanged', 'must differ from the current one');
  const passwordHash = await hashPassword(input.next, passwordCost);
  return deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: false, updated_at: attempt.now })
      .where('id', '=', user.id)
      .execute();
    const keep = input.sessionToken ? hashSecret(input.sessionToken) : '';
    const revoked = await deleteSessions(tx, user.id, keep);
    await recordAudit(tx, {
      actor: `user:${user.username}`,
      action: 'user.password_change',
      entityType: 'user',
      entityId: String(user.id),
      details: { sessionsRevoked: revoked },
      at: attempt.now,
    });
    return ok({ sessionsRevoked: revoked });
  });
}

/** The field naming an org unit or staff member that does not exist, if any. */
export async function unknownReference(
  db: Kysely<Database> | Transaction<Database>,
  refs: { orgUnitId?: string | null; staffId?: string | null },
): Promise<'orgUnitId' | 'staffId' | null> {
  if (refs.orgUnitId) {
    const unit = await db
      .selectFrom('org_units')
      .select('id')
      .where('id', '=', refs.orgUnitId)
      .executeTakeFirst();
    if (!unit) return 'orgUnitId';
  }
  if (refs.staffId) {
    const member = await db
      .selectFrom('staff')
      .select('id')
      .where('id', '=', refs.staffId)
      .executeTakeFirst();
    if (!member) return 'staffId';
  }
  return null;
}

/** Deletes a user's sessions (except the one whose hash is `keep`); returns how many. */
async function deleteSessions(tx: Transaction<Database>, userId: number, keep = ''): Promise<number> {
  const res = await tx
    .deleteFrom('user_sessions')
    .where('user_id', '=', userId)
    .where('token_hash', '<>', keep)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

const USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'role',
  'org_unit_id',
  'staff_id',
  'status',
  'must_change_password',
  'grants',
  'created_at',
  'updated_at',
] as const;

function grantsOf(row: { grants: readonly string[] | null }): GrantablePermission[] {
  return (row.grants ?? []).filter(isGrantable).sort();
}

function present(row: UserRow): UserAccount {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    orgUnitId: row.org_unit_id,
    staffId: row.staff_id,
    status: row.status,
    mustChangePassword: row.must_change_password,
    grants: grantsOf(row),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
