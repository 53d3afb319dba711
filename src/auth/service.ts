import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import {
  err,
  ok,
  validationFailed,
  type LocatedIssue,
  type Result,
  type ValidationIssue,
} from '../shared/errors.ts';
import type { Database, UserRole } from '../store/operational/database.ts';
import {
  loginThrottle,
  recordLoginFailure,
  recordLoginThrottled,
  type LoginThrottled,
} from './login-throttle.ts';
import {
  DEFAULT_PASSWORD_COST,
  dummyHash,
  generatePassword,
  hashPassword,
  passwordPolicyProblem,
  verifyPassword,
} from './passwords.ts';
import { permissionsOf, type Principal } from './principal.ts';
import { hashSecret, newSecret } from './tokens.ts';

/** Account data a new user needs. */
export interface NewUser {
  readonly username: string;
  readonly role: UserRole;
  readonly password?: string;
  readonly displayName?: string;
  readonly staffId?: string | null;
  readonly orgUnitId?: string | null;
  readonly mustChangePassword?: boolean;
}

type Failure =
  | { code: 'conflict' | 'unauthenticated' | 'not_found' | 'bad_request'; message: string }
  | { code: 'validation_failed'; message: string; details: ValidationIssue[] };
type ThrottledFailure = { code: 'too_many_attempts'; message: string; details: LoginThrottled };

/** Users, sessions and API keys over the operational store. */
export class AuthService {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;
  readonly #sessionTtlMs: number;
  readonly #dummyHash: string;
  /** scrypt's cost (log2 N) for new password hashes; a stored hash keeps the cost it was made with. */
  readonly passwordCost: number;

  constructor(deps: { db: Kysely<Database>; clock: Clock; sessionTtlHours: number; passwordCost?: number }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#sessionTtlMs = deps.sessionTtlHours * 3600_000;
    this.passwordCost = deps.passwordCost ?? DEFAULT_PASSWORD_COST;
    this.#dummyHash = dummyHash(this.passwordCost);
  }

  /** Creates a user; returns the password (generated when none was given). */
  async createUser(
    input: NewUser,
    actor: string,
  ): Promise<Result<{ id: number; password: string }, Failure>> {
    const username = input.username.trim();
    if (!/^[A-Za-z0-9_.@-]{2,64}$/.test(username)) {
      return err({ code: 'bad_request', message: 'username: 2-64 letters, digits or _ . @ -' });
    }
    const password = input.password ?? generatePassword();
    const weak = passwordPolicyProblem(password, username);
    if (weak) return err({ code: 'bad_request', message: `password: ${weak}` });
    const passwordHash = await hashPassword(password, this.passwordCost);
    return this.#db.transaction().execute(async (trx) => {
      const unknown = await unknownReferences(trx, input);
      if (!unknown.ok) return unknown;
      const existing = await trx
        .selectFrom('users')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirst();
      if (existing) return err({ code: 'conflict' as const, message: `user ${username} already exists` });
      const row = await trx
        .insertInto('users')
        .values({
          username,
          display_name: input.displayName ?? null,
          password_hash: passwordHash,
          role: input.role,
          staff_id: input.staffId ?? null,
          org_unit_id: input.orgUnitId ?? null,
          must_change_password: input.mustChangePassword ?? false,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actor,
        action: 'user.create',
        entityType: 'user',
        entityId: String(row.id),
        details: { username, role: input.role },
      });
      return ok({ id: row.id, password });
    });
  }

  /**
   * Checks a username and password from a client address; on success opens a session and returns its token.
   * Refused before the password is checked once the username or the address has too many recent failures
   * (login-throttle.ts); every failure and refusal is audited.
   */
  async login(
    username: string,
    password: string,
    address = 'unknown',
  ): Promise<Result<{ token: string; expiresAt: Date; principal: Principal }, Failure | ThrottledFailure>> {
    const attempt = { username, address, now: this.#clock.now() };
    const throttled = await loginThrottle(this.#db, attempt);
    if (throttled) {
      await recordLoginThrottled(this.#db, attempt, throttled);
      return err({ code: 'too_many_attempts', message: throttledMessage(throttled), details: throttled });
    }
    const found = await this.#db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    const user = found?.status === 'active' ? found : undefined;
    // Verify against a dummy hash when the user is unknown, so timing does not reveal which usernames exist.
    const valid = await verifyPassword(password, user?.password_hash ?? this.#dummyHash);
    if (!user || !valid) {
      const reason = !found ? 'unknown_user' : !user ? 'disabled' : 'wrong_password';
      await recordLoginFailure(this.#db, { ...attempt, reason });
      return err({ code: 'unauthenticated', message: 'wrong username or password' });
    }
    const token = newSecret('fws');
    const expiresAt = new Date(attempt.now.getTime() + this.#sessionTtlMs);
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('user_sessions')
        .values({ token_hash: hashSecret(token), user_id: user.id, expires_at: expiresAt })
        .execute();
      await recordAudit(trx, {
        actor: `user:${user.username}`,
        action: 'session.login',
        entityType: 'user',
        entityId: String(user.id),
        details: { address },
        at: attempt.now,
      });
    });
    return ok({ token, expiresAt, principal: userPrincipal(user) });
  }

  /** Ends a session. */
  async logout(token: string): Promise<void> {
    await this.#db.deleteFrom('user_sessions').where('token_hash', '=', hashSecret(token)).execute();
  }

  /** Resolves a session cookie to its user, if the session is still valid. */
  async principalForSession(token: string): Promise<Principal | null> {
    const row = await this.#db
      .selectFrom('user_sessions')
      .innerJoin('users', 'users.id', 'user_sessions.user_id')
      .selectAll('users')
      .where('user_sessions.token_hash', '=', hashSecret(token))
      .where('user_sessions.expires_at', '>', this.#clock.now())
      .where('users.status', '=', 'active')
      .executeTakeFirst();
    return row ? userPrincipal(row) : null;
  }

  /** Checks that the org unit and staff member an account or key would belong to exist (before creating it). */
  checkReferences(input: {
    orgUnitId?: string | null;
    staffId?: string | null;
  }): Promise<Result<void, Failure>> {
    return unknownReferences(this.#db, input);
  }

  /** Creates an API key; the secret is returned once and stored only as a hash. */
  async createApiKey(
    input: { name: string; role: UserRole; orgUnitId?: string | null },
    actor: string,
  ): Promise<{ id: number; key: string }> {
    const key = newSecret('fwk');
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('api_keys')
        .values({
          name: input.name,
          prefix: key.slice(0, 8),
          key_hash: hashSecret(key),
          role: input.role,
          org_unit_id: input.orgUnitId ?? null,
          created_by: actor,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actor,
        action: 'apikey.create',
        entityType: 'api_key',
        entityId: String(row.id),
        details: { name: input.name, role: input.role },
      });
      return { id: row.id, key };
    });
  }

  /** Revokes an API key. */
  async revokeApiKey(id: number, actor: string): Promise<Result<void, Failure>> {
    return this.#db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('api_keys')
        .set({ revoked_at: this.#clock.now() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!res.numUpdatedRows) return err({ code: 'not_found' as const, message: `no active API key ${id}` });
      await recordAudit(trx, { actor, action: 'apikey.revoke', entityType: 'api_key', entityId: String(id) });
      return ok(undefined);
    });
  }

  /** Resolves a bearer API key to its principal. */
  async principalForApiKey(key: string): Promise<Principal | null> {
    const row = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_hash', '=', hashSecret(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    // When the key was last used, to the minute: one write per key per minute, not one per request.
    const now = this.#clock.now();
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() >= 60_000) {
      await this.#db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    return {
      kind: 'api_key',
      id: String(row.id),
      actor: `apikey:${row.id}:${row.name}`,
      role: row.role,
      staffId: null,
      orgUnitId: row.org_unit_id,
      permissions: permissionsOf(row.role),
    };
  }

  /** Number of users; zero means the installation still needs its first admin. */
  async countUsers(): Promise<number> {
    const row = await this.#db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function throttledMessage(t: LoginThrottled): string {
  const who = t.scope === 'username' ? 'this username' : 'this address';
  return `too many failed sign-ins for ${who} (${t.failures} in ${t.windowSeconds / 60} minutes): try again in ${t.retryAfterSeconds} s`;
}

/** The references an account or key may carry: its field, the table it must exist in, what it is called. */
const REFERENCES = [
  { field: 'orgUnitId', table: 'org_units', what: 'org unit' },
  { field: 'staffId', table: 'staff', what: 'staff member' },
] as const;

/** Refuses an org unit or staff id that does not exist, naming the field, rather than meeting the foreign key. */
async function unknownReferences(
  db: Kysely<Database>,
  input: { orgUnitId?: string | null; staffId?: string | null },
): Promise<Result<void, Failure>> {
  const issues: LocatedIssue[] = [];
  for (const ref of REFERENCES) {
    const id = input[ref.field];
    if (id == null) continue;
    const found = await db.selectFrom(ref.table).select('id').where('id', '=', id).executeTakeFirst();
    if (!found) issues.push({ path: [ref.field], message: `no ${ref.what} ${id}` });
  }
  if (issues.length === 0) return ok(undefined);
  return err(validationFailed(issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; '), issues));
}

function userPrincipal(user: {
  id: number;
  username: string;
  role: UserRole;
  staff_id: string | null;
  org_unit_id: string | null;
  grants: readonly string[];
  must_change_password: boolean;
}): Principal {
  return {
    kind: 'user',
    id: String(user.id),
    actor: `user:${user.username}`,
    role: user.role,
    staffId: user.staff_id,
    orgUnitId: user.org_unit_id,
    permissions: permissionsOf(user.role, user.grants),
    mustChangePassword: user.must_change_password,
  };
}
