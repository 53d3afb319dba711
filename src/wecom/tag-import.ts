import type { Kysely } from 'kysely';
import { AppError } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { TagInput } from '../tags/definition.ts';
import { loadDefinitions, writeDefinition } from '../tags/definitions.ts';
import { importManualValues, manualTagValues, type ManualRow } from '../tags/manual.ts';
import type { CorpTagGroup } from './port.ts';

// Back from WeCom (issue #13, item 5): corp-tag groups Flywheel did not publish (a manager's own, made in WeCom's
// console) become Flywheel manual tags, through src/tags's own functions so versions, history and audit are kept.
// One manual tag per group, key `wecom_<group id>` (lower-cased, other characters as _), category custom; its values
// are the group's tag ids, labelled with the tags' names (a rename in WeCom changes a label, not the customers'
// values). A customer's value comes from the tag ids of their active friendships; WeCom lets one customer carry several
// tags of a group (and different staff members different ones) while a manual tag holds one value, so the group's
// first tag in WeCom's order wins. A group deleted in WeCom leaves its manual tag as it was.

/** What the import needs. */
export interface TagImportDeps {
  readonly db: Kysely<Database>;
  readonly actor: string;
}

/** Manual tags written (created or changed) and customers whose value changed. */
export interface TagImportSummary {
  readonly tags: number;
  readonly values: number;
}

/** The manual tag key of a WeCom group. */
export function wecomTagKey(groupId: string): string {
  return `wecom_${groupId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}

/** Imports every WeCom group Flywheel did not publish as a manual tag with its customers' values. */
export async function importWecomTags(
  deps: TagImportDeps,
  groups: readonly CorpTagGroup[],
): Promise<TagImportSummary> {
  const published = new Set(
    (await deps.db.selectFrom('wecom_corp_tags').select('wecom_group_id').distinct().execute()).map(
      (r) => r.wecom_group_id,
    ),
  );
  const foreign = groups.filter((g) => !published.has(g.group_id) && g.tag.length > 0);
  if (foreign.length === 0) return { tags: 0, values: 0 };
  const owners = await tagOwners(deps.db);
  let tags = 0;
  let values = 0;
  for (const group of foreign) {
    const input = manualInput(group);
    const current = (await loadDefinitions(deps.db, { keys: [input.key], includeRetired: true }))[0];
    // A tag the bank retired stays retired: nothing is imported into it.
    if (current?.status === 'retired') continue;
    if (!current || current.kind !== 'manual' || !sameDefinition(current, input)) {
      await deps.db
        .transaction()
        .execute((tx) =>
          writeDefinition(tx, input, { actor: deps.actor, action: current ? 'tags.update' : 'tags.create' }),
        );
      tags += 1;
    }
    values += await importGroupValues(deps, input, group, owners);
  }
  return { tags, values };
}

function manualInput(group: CorpTagGroup): TagInput & { kind: 'manual' } {
  return {
    key: wecomTagKey(group.group_id),
    name_en: `WeCom: ${group.group_name}`,
    name_zh: `企业微信：${group.group_name}`,
    description: `Tags staff set in WeCom (group ${group.group_id}), imported by the WeCom tag sync.`,
    category: 'custom',
    kind: 'manual',
    spec: { values: group.tag.map((t) => ({ value: t.id, label: { en: t.name, zh: t.name } })) },
  };
}

function sameDefinition(current: TagInput, input: TagInput): boolean {
  return (
    current.name_en === input.name_en &&
    current.name_zh === input.name_zh &&
    JSON.stringify(valuesOf(current)) === JSON.stringify(valuesOf(input))
  );
}

// Compared field by field: the stored spec comes back from jsonb with its keys in another order.
const valuesOf = (def: TagInput) =>
  def.kind === 'manual' ? (def.spec.values ?? []).map((v) => [v.value, v.label.en, v.label.zh]) : null;

/** Every WeCom tag id on an active, matched friendship → the customers (id, number) carrying it. */
async function tagOwners(db: Kysely<Database>): Promise<Map<string, Map<number, string>>> {
  const rows = await db
    .selectFrom('wecom_friendships as f')
    .innerJoin('customers as c', 'c.id', 'f.customer_id')
    .select(['c.id', 'c.customer_no', 'f.wecom_tag_ids'])
    .where('f.removed_at', 'is', null)
    .execute();
  const out = new Map<string, Map<number, string>>();
  for (const r of rows)
    for (const id of r.wecom_tag_ids) {
      let owners = out.get(id);
      if (!owners) out.set(id, (owners = new Map()));
      owners.set(r.id, r.customer_no);
    }
  return out;
}

/** Replaces the manual tag's values with the group's when they differ; the number of customers whose value changed. */
async function importGroupValues(
  deps: TagImportDeps,
  input: TagInput & { kind: 'manual' },
  group: CorpTagGroup,
  owners: ReadonlyMap<string, ReadonlyMap<number, string>>,
): Promise<number> {
  const wanted = new Map<number, { no: string; value: string }>();
  for (const t of group.tag)
    for (const [id, no] of owners.get(t.id) ?? []) if (!wanted.has(id)) wanted.set(id, { no, value: t.id });
  const current = new Map<number, string>();
  for (const [value, members] of await manualTagValues(deps.db, input.key))
    for (const id of members) current.set(id, value);
  let changed = 0;
  for (const [id, w] of wanted) if (current.get(id) !== w.value) changed += 1;
  for (const id of current.keys()) if (!wanted.has(id)) changed += 1;
  if (changed === 0) return 0;
  const rows: ManualRow[] = [...wanted.values()].map((w, i) => ({
    row: i + 1,
    customer_no: w.no,
    value: w.value,
  }));
  const imported = await importManualValues(deps.db, input, rows, { actor: deps.actor, replace: true });
  // Every value is declared and every customer known (read from customers just now): a refusal is a bug.
  if (!imported.ok)
    throw new AppError('internal', `import of ${input.key} refused: ${imported.error.message}`);
  return changed;
}
