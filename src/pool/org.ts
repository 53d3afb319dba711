import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/operational/database.ts';

/** An org unit with its children: head office → branches → sub-branches. */
export interface OrgNode {
  readonly id: string;
  readonly name: string;
  readonly kind: 'head_office' | 'branch' | 'sub_branch';
  readonly parentId: string | null;
  readonly children: OrgNode[];
}

/** The ids of a unit and every unit below it (recursive CTE); empty when the unit does not exist. */
export async function subtreeUnitIds(db: Kysely<Database>, unitId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    with recursive tree as (
      select id from org_units where id = ${unitId}
      union
      select u.id from org_units u join tree t on u.parent_id = t.id
    )
    select id from tree order by id`.execute(db);
  return rows.map((r) => r.id);
}

/** The org tree as nested nodes, limited to the subtree of `rootId` when given. */
export async function orgTree(db: Kysely<Database>, rootId?: string | null): Promise<OrgNode[]> {
  const units = await db
    .selectFrom('org_units')
    .select(['id', 'name', 'kind', 'parent_id'])
    .orderBy('id')
    .execute();
  const nodes = new Map<string, OrgNode>(
    units.map((u) => [u.id, { id: u.id, name: u.name, kind: u.kind, parentId: u.parent_id, children: [] }]),
  );
  const roots: OrgNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  if (rootId === undefined || rootId === null) return roots;
  const root = nodes.get(rootId);
  return root ? [root] : [];
}

/** The branch (or head office) a unit belongs to: itself for a branch, its parent for a sub-branch. */
export async function branchOfUnits(db: Kysely<Database>): Promise<Map<string, string>> {
  const units = await db.selectFrom('org_units').select(['id', 'kind', 'parent_id']).execute();
  const byId = new Map(units.map((u) => [u.id, u]));
  const out = new Map<string, string>();
  for (const u of units) {
    let cur = u;
    // Walk up to the unit directly below head office (a branch); head office maps to itself.
    while (cur.kind === 'sub_branch' && cur.parent_id !== null) {
      const parent = byId.get(cur.parent_id);
      if (!parent) break;
      cur = parent;
    }
    out.set(u.id, cur.id);
  }
  return out;
}

/** Whether the org unit exists: checked before a write whose foreign key would otherwise refuse it with a 500. */
export async function orgUnitExists(
  db: Kysely<Database> | Transaction<Database>,
  id: string,
): Promise<boolean> {
  const unit = await db.selectFrom('org_units').select('id').where('id', '=', id).executeTakeFirst();
  return unit !== undefined;
}
