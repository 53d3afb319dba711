// Sign-in throttling that holds across processes: the audit records of failed sign-ins are the counters (indexed in
// migration 0006), counted per username and per client address over a sliding window. A failure is forgiven by a
// later successful sign-in of the same username from the same address (a typo, then the right password); a success
// never clears failures made from another address, so an attacker's count is not reset by the real user signing in.
import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Database } from '../store/operational/database.ts';

/** The limits: at most this many uncleared failures in the window, per username and per address. */
export const LOGIN_THROTTLE = Object.freeze({
  windowMinutes: 15,
  perUsername: 5,
  // Higher than per username: several people behind one office address may each mistype once.
  perAddress: 20,
});

const WINDOW_MS = LOGIN_THROTTLE.windowMinutes * 60_000;

/** Why a sign-in is refused before its password is checked, and when it may be tried again. */
export interface LoginThrottled {
  readonly scope: 'username' | 'address';
  readonly failures: number;
  readonly limit: number;
  readonly windowSeconds: number;
  readonly retryAfterSeconds: number;
}

/** Audit actions of sign-in outcomes; `session.login` (success) is written by AuthService.login. */
export const LOGIN_FAILED = 'session.login_failed';
export const LOGIN_THROTTLED = 'session.login_throttled';

/** The throttle that applies to a sign-in attempt now, or null when it may proceed. */
export async function loginThrottle(
  db: Kysely<Database>,
  attempt: { username: string; address: string; now: Date },
): Promise<LoginThrottled | null> {
  const since = new Date(attempt.now.getTime() - WINDOW_MS);
  const counters = [
    { scope: 'username', value: attempt.username, limit: LOGIN_THROTTLE.perUsername },
    { scope: 'address', value: attempt.address, limit: LOGIN_THROTTLE.perAddress },
  ] as const;
  for (const { scope, value, limit } of counters) {
    const times = await failureTimes(db, scope, value, since);
    if (times.length < limit) continue;
    // The count falls under the limit once the (n − limit + 1) oldest failures have left the window.
    const freeAt = (times[times.length - limit] as Date).getTime() + WINDOW_MS;
    return {
      scope,
      failures: times.length,
      limit,
      windowSeconds: WINDOW_MS / 1000,
      retryAfterSeconds: Math.max(1, Math.ceil((freeAt - attempt.now.getTime()) / 1000)),
    };
  }
  return null;
}

/** Records a failed sign-in (it counts against the username and the address); never the password tried. */
export async function recordLoginFailure(
  db: Kysely<Database> | Transaction<Database>,
  attempt: { username: string; address: string; now: Date; reason: string },
): Promise<void> {
  await recordAudit(db, {
    actor: 'anonymous',
    action: LOGIN_FAILED,
    entityType: 'login',
    entityId: attempt.username,
    details: { address: attempt.address, reason: attempt.reason },
    at: attempt.now,
  });
}

/** Records a sign-in refused by the throttle (not itself counted as a failure). */
export async function recordLoginThrottled(
  db: Kysely<Database>,
  attempt: { username: string; address: string; now: Date },
  throttled: LoginThrottled,
): Promise<void> {
  await recordAudit(db, {
    actor: 'anonymous',
    action: LOGIN_THROTTLED,
    entityType: 'login',
    entityId: attempt.username,
    details: { address: attempt.address, scope: throttled.scope, failures: throttled.failures },
    at: attempt.now,
  });
}

/** Times of the uncleared failures of one username or one address since `since`, oldest first. */
async function failureTimes(
  db: Kysely<Database>,
  scope: 'username' | 'address',
  value: string,
  since: Date,
): Promise<Date[]> {
  const match = scope === 'username' ? sql`f.entity_id = ${value}` : sql`f.details ->> 'address' = ${value}`;
  const { rows } = await sql<{ at: Date | string }>`
    select f.at from audit_log f
    where f.action = ${LOGIN_FAILED} and ${match} and f.at > ${since}
      and not exists (
        select 1 from audit_log s
        where s.action = 'session.login' and s.actor = 'user:' || f.entity_id
          and s.details ->> 'address' = f.details ->> 'address' and s.id > f.id
      )
    order by f.at, f.id`.execute(db);
  return rows.map((r) => new Date(r.at));
}
