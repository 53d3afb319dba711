import { sql, type ExpressionBuilder } from 'kysely';
import { err, ok, type Failure, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { Viewer } from './model.ts';

// Who sees and who changes a report or a dashboard. Seeing: its owner, the roles it is shared with, administrators.
// Changing: its owner and administrators. Something the viewer may not see is answered as not found, so its existence
// is not disclosed to other roles.

type Shared = 'reports' | 'dashboards';

/** The SQL condition "the viewer may see this row" over `reports` or `dashboards`. */
export function visibleTo<T extends Shared>(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, T>) =>
    viewer.role === 'admin'
      ? sql<boolean>`true`
      : eb.or([
          eb(sql.ref('owner'), '=', viewer.actor),
          eb(sql.ref('shared_roles'), '@>', sql<string>`${JSON.stringify([viewer.role])}::jsonb`),
        ]);
}

/** Whether the viewer may change or delete a row they can see. */
export function editableBy(viewer: Viewer, owner: string): boolean {
  return viewer.role === 'admin' || owner === viewer.actor;
}

/** Roles listed once each, in a stable order (what is stored and shown). */
export function distinctRoles<R extends string>(roles: readonly R[]): R[] {
  return [...new Set(roles)].sort();
}

/** An ISO time from a timestamp column. */
export const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();

/** The failure of a report or dashboard that does not exist or is not shared with the viewer. */
export function notFound(what: 'report' | 'dashboard', id: number): Failure {
  return { code: 'not_found', message: `no ${what} ${id} (or it is not shared with your role)` };
}

/** A row the viewer asked to change: not_found when they may not see it, forbidden when they may not change it. */
export function changeable<T extends { readonly owner: string }>(
  row: T | undefined,
  viewer: Viewer,
  what: 'report' | 'dashboard',
  id: number,
): Result<T, Failure> {
  if (!row) return err(notFound(what, id));
  if (!editableBy(viewer, row.owner))
    return err({
      code: 'forbidden',
      message: `${what} ${id} belongs to ${row.owner}; only they may change it`,
    });
  return ok(row);
}
