import type { Kysely } from 'kysely';
import { permissionsOf, type Permission } from '../../auth/principal.ts';
import { err, ok, type Failure, type Result, type ValidationIssue } from '../../shared/errors.ts';
import type { Database } from '../../store/operational/database.ts';
import { cliActor } from './admin.ts';

// What commands that change the bank share: who acts (`--as <username>`, checked for the permission the change
// needs), and how an answer or a refusal is printed. Exit codes: 0 done, 1 refused.

/**
 * Prints a refusal with each located problem (`  /variants/sms/text 1:4: …` for validation_failed's list, the path of
 * each of `details.issues` for a rule or tag definition); exit code 1.
 */
export function refused(failure: Failure): number {
  console.error(`error: ${failure.message}`);
  const details = failure.details as { issues?: unknown } | unknown[] | undefined;
  const issues = Array.isArray(details) ? details : (details as { issues?: unknown })?.issues;
  if (Array.isArray(issues))
    for (const i of issues as Partial<ValidationIssue>[]) {
      const at = i.line ? ` ${i.line}:${i.column ?? 0}` : '';
      console.error(`  ${String(i.path)}${at}: ${i.message}`);
    }
  return 1;
}

/** Prints a result as JSON or by `text`; 0, or 1 with the refusal. */
export function print<T>(result: Result<T>, json: boolean | undefined, text: (value: T) => string): number {
  if (!result.ok) return refused(result.error);
  console.log(json ? JSON.stringify(result.value, null, 2) : text(result.value));
  return 0;
}

/**
 * Who acts: `--as <username>`, an active user holding `permission` (audited as `user:<name>`); without it the
 * operator of this machine (`cli:<login>`), except where a named user is required.
 */
export async function actor(
  db: Kysely<Database>,
  username: string | undefined,
  permission: Permission,
  required = false,
): Promise<Result<string>> {
  if (username === undefined)
    return required
      ? err({ code: 'bad_request', message: `--as <username>: a user holding ${permission} must act` })
      : ok(cliActor());
  const user = await db
    .selectFrom('users')
    .select(['username', 'role', 'grants', 'status'])
    .where('username', '=', username)
    .executeTakeFirst();
  if (!user || user.status !== 'active')
    return err({ code: 'not_found', message: `--as: no active user ${username}` });
  if (!permissionsOf(user.role, user.grants).has(permission))
    return err({
      code: 'forbidden',
      message: `--as: ${username} (${user.role}) lacks permission ${permission}`,
    });
  return ok(`user:${user.username}`);
}
