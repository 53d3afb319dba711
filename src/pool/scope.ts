// Data scope: which customers and staff a principal may see. Every customer list, count, export and search of the
// pool goes through `applyCustomerScope`; single customers through `findCustomerInScope`, which answers "not found"
// for a customer outside the scope so that routes never reveal that it exists.
import { sql, type Expression, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../store/operational/database.ts';
import { subtreeUnitIds } from './org.ts';

/**
 * What a principal sees:
 * - all: every customer (admin; analyst too, whose rows stay masked for lack of `customers.reveal_pii`);
 * - own: customers the staff member owns or assists (account manager);
 * - subtree: customers whose org unit is in the subtree of the principal's unit (branch head);
 * - none: nothing (an account-manager key without a staff id, a branch head without a unit).
 */
export type DataScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'own'; readonly staffId: string }
  | { readonly kind: 'subtree'; readonly orgUnitId: string; readonly unitIds: readonly string[] }
  | { readonly kind: 'none' };

/** Derives the data scope of a principal (one query for a branch head's subtree). */
export async function resolveScope(db: Kysely<Database>, principal: Principal): Promise<DataScope> {
  switch (principal.role) {
    case 'admin':
    case 'analyst':
      return { kind: 'all' };
    case 'branch_head': {
      if (principal.orgUnitId === null) return { kind: 'none' };
      const unitIds = await subtreeUnitIds(db, principal.orgUnitId);
      return unitIds.length > 0
        ? { kind: 'subtree', orgUnitId: principal.orgUnitId, unitIds }
        : { kind: 'none' };
    }
    case 'account_manager':
      return principal.staffId === null ? { kind: 'none' } : { kind: 'own', staffId: principal.staffId };
  }
}

/** The scope as a condition on a customers row aliased `alias` (its `id` and `org_unit_id`). */
export function customerScopeFilter(scope: DataScope, alias = 'customers'): Expression<SqlBool> {
  if (scope.kind !== 'own') return unitScopeFilter(scope, alias);
  // An array computed once (an InitPlan) lets the planner probe customers by primary key for each id of the pool,
  // whatever the bank's size; an IN-subquery gave row estimates that chose a scan of every customer.
  return sql<SqlBool>`${sql.ref(`${alias}.id`)} = any(array(
    select o.customer_id from customer_owners o where o.manager_id = ${scope.staffId}
    union all
    select a.customer_id from customer_assistants a where a.staff_id = ${scope.staffId}))`;
}

/** The scopes that do not depend on whose pool it is, on a row aliased `alias` with an `org_unit_id`. */
function unitScopeFilter(scope: Exclude<DataScope, { kind: 'own' }>, alias: string): Expression<SqlBool> {
  switch (scope.kind) {
    case 'all':
      return sql<SqlBool>`true`;
    case 'none':
      return sql<SqlBool>`false`;
    case 'subtree':
      return sql<SqlBool>`${sql.ref(`${alias}.org_unit_id`)} in (${sql.join(scope.unitIds)})`;
  }
}

/** Restricts a query over customers (aliased `alias`) to the scope: used by every list, count, export and search. */
export function applyCustomerScope<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  scope: DataScope,
  alias = 'customers',
): SelectQueryBuilder<DB, TB, O> {
  return qb.where(customerScopeFilter(scope, alias));
}

/** A customer row the scope allows, by customer number; undefined when unknown or out of scope (same answer). */
export async function findCustomerInScope(db: Kysely<Database>, scope: DataScope, customerNo: string) {
  return applyCustomerScope(db.selectFrom('customers').selectAll('customers'), scope)
    .where('customers.customer_no', '=', customerNo)
    .executeTakeFirst();
}

/** The scope as a condition on a staff row aliased `alias`: whose pools and records the principal may act on. */
export function staffScopeFilter(scope: DataScope, alias = 'staff'): Expression<SqlBool> {
  return scope.kind === 'own'
    ? sql<SqlBool>`${sql.ref(`${alias}.id`)} = ${scope.staffId}`
    : unitScopeFilter(scope, alias);
}

/** Whether a staff member is within the scope (an account manager: only themselves). */
export async function staffInScope(
  db: Kysely<Database>,
  scope: DataScope,
  staffId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('staff')
    .select('id')
    .where('id', '=', staffId)
    .where(staffScopeFilter(scope))
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether an org unit is within the scope (every unit for 'all'; a branch head's subtree). */
export function unitInScope(scope: DataScope, unitId: string): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'subtree') return scope.unitIds.includes(unitId);
  return false;
}
