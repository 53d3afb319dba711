// Assignment rules: unassigned customers go round-robin to the managers of the most specific rule that matches
// their org unit (the deepest unit on the way up to head office) and tier (a tier rule before an any-tier rule),
// skipping managers who departed or whose pool is full.
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Database, Tier } from '../store/operational/database.ts';
import { orgUnitExists } from './org.ts';
import { countOwned, lockManagers, moveOpenWork, writeOwnership, type OwnershipChange } from './ownership.ts';
import { applyCustomerScope, unitInScope, type DataScope } from './scope.ts';

/** A stored assignment rule. */
export interface AssignmentRule {
  readonly id: number;
  readonly orgUnitId: string;
  readonly tier: Tier | null;
  readonly managerIds: string[];
  readonly nextIndex: number;
}

/** The outcome of rule-based assignment, customer by customer. */
export interface RuleAssignResult {
  readonly customerNo: string;
  readonly status: 'assigned' | 'no_rule' | 'no_capacity';
  readonly managerId: string | null;
  readonly ruleId: number | null;
}

type Deps = { readonly db: Kysely<Database>; readonly clock: Clock };

/** Rules whose unit is in the scope. */
export async function listRules(db: Kysely<Database>, scope: DataScope): Promise<AssignmentRule[]> {
  const rows = await db.selectFrom('pool_assignment_rules').selectAll().orderBy('id').execute();
  return rows.filter((r) => unitInScope(scope, r.org_unit_id)).map(present);
}

/** Creates or replaces the rule for (unit, tier) (audited). */
export async function saveRule(
  deps: Deps,
  who: { actor: string; scope: DataScope },
  input: { orgUnitId: string; tier: Tier | null; managerIds: readonly string[] },
): Promise<Result<AssignmentRule, { code: 'bad_request' | 'forbidden'; message: string }>> {
  if (!unitInScope(who.scope, input.orgUnitId))
    return err({ code: 'forbidden', message: `org unit ${input.orgUnitId} is outside your scope` });
  if (input.managerIds.length === 0) return err({ code: 'bad_request', message: 'managerIds: at least one' });
  return deps.db.transaction().execute(async (tx) => {
    const staff = await tx.selectFrom('staff').select('id').where('id', 'in', input.managerIds).execute();
    const missing = input.managerIds.filter((m) => !staff.some((s) => s.id === m));
    if (missing.length > 0)
      return err({ code: 'bad_request' as const, message: `unknown staff: ${missing.join(', ')}` });
    if (!(await orgUnitExists(tx, input.orgUnitId)))
      return err({ code: 'bad_request' as const, message: `no org unit ${input.orgUnitId}` });
    const existing = await tx
      .selectFrom('pool_assignment_rules')
      .select('id')
      .where('org_unit_id', '=', input.orgUnitId)
      .where(sql<boolean>`coalesce(tier, '') = ${input.tier ?? ''}`)
      .executeTakeFirst();
    const managers = JSON.stringify(input.managerIds);
    const row = existing
      ? await tx
          .updateTable('pool_assignment_rules')
          .set({ manager_ids: managers, next_index: 0, updated_at: deps.clock.now() })
          .where('id', '=', existing.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await tx
          .insertInto('pool_assignment_rules')
          .values({
            org_unit_id: input.orgUnitId,
            tier: input.tier,
            manager_ids: managers,
            created_by: who.actor,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor: who.actor,
      action: 'pool.rule.save',
      entityType: 'assignment_rule',
      entityId: String(row.id),
      details: { orgUnitId: input.orgUnitId, tier: input.tier, managerIds: input.managerIds },
    });
    return ok(present(row));
  });
}

/** Deletes a rule (audited); false when there is none in the scope. */
export async function deleteRule(
  deps: Deps,
  who: { actor: string; scope: DataScope },
  id: number,
): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('pool_assignment_rules')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || !unitInScope(who.scope, row.org_unit_id)) return false;
    await tx.deleteFrom('pool_assignment_rules').where('id', '=', id).execute();
    await recordAudit(tx, {
      actor: who.actor,
      action: 'pool.rule.delete',
      entityType: 'assignment_rule',
      entityId: String(id),
    });
    return true;
  });
}

/**
 * Assigns up to `limit` unassigned customers of the scope by the rules, in one transaction (customer-number order,
 * so a rerun continues where capacity or rules stopped). Returns the outcome per customer.
 */
export async function assignByRules(
  deps: Deps,
  who: { actor: string; scope: DataScope },
  options: { limit?: number } = {},
): Promise<RuleAssignResult[]> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const rules = await tx
      .selectFrom('pool_assignment_rules')
      .selectAll()
      .orderBy('id')
      .forUpdate()
      .execute();
    const units = await tx.selectFrom('org_units').select(['id', 'parent_id']).execute();
    const parentOf = new Map(units.map((u) => [u.id, u.parent_id]));
    const ruleFor = new Map(rules.map((r) => [`${r.org_unit_id}|${r.tier ?? ''}`, r]));
    const customers = await applyCustomerScope(
      tx
        .selectFrom('customers')
        .select(['customers.id', 'customers.customer_no', 'customers.org_unit_id', 'customers.tier'])
        .where(sql<boolean>`not exists (select 1 from customer_owners o where o.customer_id = customers.id)`),
      who.scope,
    )
      .orderBy('customers.customer_no')
      .limit(options.limit ?? 10_000)
      .execute();
    const managerIds = [...new Set(rules.flatMap((r) => r.manager_ids))].sort();
    const staffById = await lockManagers(tx, managerIds);
    const sizes = await countOwned(tx, managerIds);
    const cursor = new Map(rules.map((r) => [r.id, r.next_index]));

    const results: RuleAssignResult[] = [];
    const changes: OwnershipChange[] = [];
    for (const c of customers) {
      const rule = matchRule(c.org_unit_id, c.tier, parentOf, ruleFor);
      if (!rule) {
        results.push({ customerNo: c.customer_no, status: 'no_rule', managerId: null, ruleId: null });
        continue;
      }
      const start = cursor.get(rule.id) ?? 0;
      let chosen: string | null = null;
      for (let k = 0; k < rule.manager_ids.length; k++) {
        const index = (start + k) % rule.manager_ids.length;
        const id = rule.manager_ids[index]!;
        const s = staffById.get(id);
        if (!s || s.status !== 'active' || (sizes.get(id) ?? 0) >= s.pool_capacity) continue;
        chosen = id;
        cursor.set(rule.id, (index + 1) % rule.manager_ids.length);
        sizes.set(id, (sizes.get(id) ?? 0) + 1);
        break;
      }
      results.push({
        customerNo: c.customer_no,
        status: chosen ? 'assigned' : 'no_capacity',
        managerId: chosen,
        ruleId: rule.id,
      });
      if (chosen) changes.push({ customerId: c.id, from: null, to: chosen });
    }
    for (const rule of rules) {
      const next = cursor.get(rule.id) ?? 0;
      if (next !== rule.next_index)
        await tx
          .updateTable('pool_assignment_rules')
          .set({ next_index: next })
          .where('id', '=', rule.id)
          .execute();
    }
    await writeOwnership(tx, changes, {
      kind: 'assign',
      source: 'rule',
      reason: 'assignment rule',
      actor: who.actor,
      at: now,
    });
    await moveOpenWork(tx, changes, now);
    if (changes.length > 0) {
      await recordAudit(tx, {
        actor: who.actor,
        action: 'pool.assign_by_rules',
        entityType: 'customer_batch',
        details: {
          assigned: results
            .filter((r) => r.status === 'assigned')
            .map((r) => [r.customerNo, r.managerId, r.ruleId]),
        },
      });
    }
    return results;
  });
}

function matchRule<R extends { id: number }>(
  unitId: string | null,
  tier: Tier | null,
  parentOf: ReadonlyMap<string, string | null>,
  ruleFor: ReadonlyMap<string, R>,
): R | undefined {
  for (let unit = unitId, hops = 0; unit !== null && hops < 64; unit = parentOf.get(unit) ?? null, hops++) {
    const found = (tier ? ruleFor.get(`${unit}|${tier}`) : undefined) ?? ruleFor.get(`${unit}|`);
    if (found) return found;
  }
  return undefined;
}

function present(r: {
  id: number;
  org_unit_id: string;
  tier: Tier | null;
  manager_ids: string[];
  next_index: number;
}): AssignmentRule {
  return {
    id: r.id,
    orgUnitId: r.org_unit_id,
    tier: r.tier,
    managerIds: r.manager_ids,
    nextIndex: r.next_index,
  };
}
