import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import { err, ok, type Failure, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { loadDefinitions } from '../tags/definitions.ts';
import { declaredValues } from '../tags/values.ts';
import type { CorpTagGroup, WecomApi } from './port.ts';

// Publishing chosen Flywheel tags to WeCom as corp tags (issue #13, item 5). One corp-tag group per tag, named by the
// tag's zh name, with one corp tag per declared value, named by the value's zh label. (A group per tag rather than
// per category: a WeCom user reads "性别 › 男" as they read it in Flywheel, and a tag's values stay together.)
// wecom_corp_tags maps each (tag, value) to its WeCom ids; only tags in it are ever renamed or deleted, so a manager's
// own tags in WeCom are never touched. Publishing again is idempotent: a mapped value whose label is unchanged costs
// no call, a renamed label is one edit_corp_tag, a value the tag no longer declares is deleted.

/** WeCom's limit of corp tags per enterprise. */
export const WECOM_MAX_CORP_TAGS = 3000;
/** WeCom's limit of a tag or group name. */
const NAME_MAX = 30;

/** What publishing needs. */
export interface TagPublishDeps {
  readonly db: Kysely<Database>;
  readonly api: WecomApi;
  readonly clock: Clock;
  readonly actor: string;
}

/** What publishing did to one tag. */
export interface PublishedTag {
  readonly tagKey: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly created: number;
  readonly renamed: number;
  readonly deleted: number;
}

interface Wanted {
  readonly key: string;
  readonly groupName: string;
  readonly values: { value: string; name: string }[];
}

type MappingRow = {
  tag_key: string;
  value: string;
  wecom_group_id: string;
  wecom_tag_id: string;
  tag_name: string;
};

const clip = (name: string) => [...name.trim()].slice(0, NAME_MAX).join('');

const refused = (message: string, details: Record<string, unknown>): Failure => ({
  code: 'conflict',
  message,
  details,
});

const wecomRefused = (what: string, answer: { errcode: number; errmsg: string }): Failure =>
  refused(`WeCom refused ${what}: ${answer.errmsg}`, { reason: 'wecom_refused', errcode: answer.errcode });

/** The tags to publish with their WeCom names, or why one cannot be. */
async function wantedTags(db: Kysely<Database>, tagKeys: readonly string[]): Promise<Result<Wanted[]>> {
  const defs = new Map((await loadDefinitions(db, { keys: tagKeys })).map((d) => [d.key, d]));
  const out: Wanted[] = [];
  for (const key of tagKeys) {
    const def = defs.get(key);
    if (!def)
      return err({
        code: 'not_found',
        message: `no active tag '${key}'`,
        details: { reason: 'unknown_tag', key },
      });
    const values = declaredValues(def).map((v) => ({ value: v.value, name: clip(v.label.zh) }));
    if (values.length === 0)
      return err(refused(`tag '${key}' declares no values to publish`, { reason: 'no_values', key }));
    // WeCom refuses two tags of one name in a group (40071): say so before any call.
    const names = new Set(values.map((v) => v.name));
    if (names.size !== values.length)
      return err(
        refused(`two values of tag '${key}' have the same zh label`, { reason: 'duplicate_label', key }),
      );
    out.push({ key, groupName: clip(def.name_zh), values });
  }
  return ok(out);
}

/**
 * Publishes the tags as WeCom corp-tag groups (creating, renaming and deleting only what Flywheel created), or refuses
 * before any change when the enterprise would exceed WeCom's 3,000 tags or WeCom refuses a call.
 */
export async function publishTags(
  deps: TagPublishDeps,
  tagKeys: readonly string[],
): Promise<Result<PublishedTag[]>> {
  const keys = [...new Set(tagKeys)];
  const wanted = await wantedTags(deps.db, keys);
  if (!wanted.ok) return wanted;
  const list = await deps.api.getCorpTagList({});
  if (list.errcode !== 0) return err(wecomRefused('get_corp_tag_list', list));
  const groups = new Map((list.tag_group ?? []).map((g) => [g.group_id, g]));
  const tagIds = new Set([...groups.values()].flatMap((g) => g.tag.map((t) => t.id)));
  const mapped = await deps.db
    .selectFrom('wecom_corp_tags')
    .selectAll()
    .where('tag_key', 'in', keys)
    .execute();
  // A mapping whose WeCom tag someone deleted in WeCom is stale: the value is created again.
  const live = mapped.filter((m) => tagIds.has(m.wecom_tag_id));
  const adding = wanted.value.reduce(
    (n, w) =>
      n + w.values.filter((v) => !live.some((m) => m.tag_key === w.key && m.value === v.value)).length,
    0,
  );
  if (tagIds.size + adding > WECOM_MAX_CORP_TAGS)
    return err(
      refused(
        `WeCom allows ${WECOM_MAX_CORP_TAGS} corp tags per enterprise: ${tagIds.size} exist and publishing would add ${adding}`,
        { reason: 'tag_limit', existing: tagIds.size, adding, limit: WECOM_MAX_CORP_TAGS },
      ),
    );
  const out: PublishedTag[] = [];
  for (const w of wanted.value) {
    const mine = live.filter((m) => m.tag_key === w.key);
    const stale = mapped.filter((m) => m.tag_key === w.key && !tagIds.has(m.wecom_tag_id));
    const done = await publishOne(deps, w, mine, stale, groups);
    if (!done.ok) return done;
    out.push(done.value);
  }
  return ok(out);
}

/** One tag: edits, deletions and new tags in WeCom, then its mapping rows and audit record in one transaction. */
async function publishOne(
  deps: TagPublishDeps,
  w: Wanted,
  mine: readonly MappingRow[],
  stale: readonly MappingRow[],
  groups: ReadonlyMap<string, CorpTagGroup>,
): Promise<Result<PublishedTag>> {
  const byValue = new Map(mine.map((m) => [m.value, m]));
  let groupId = mine[0]?.wecom_group_id;
  const group = groupId === undefined ? undefined : groups.get(groupId);
  if (group && group.group_name !== w.groupName) {
    const edited = await deps.api.editCorpTag({ id: group.group_id, name: w.groupName });
    if (edited.errcode !== 0) return err(wecomRefused(`renaming group ${group.group_id}`, edited));
  }
  const renamed: { value: string; name: string }[] = [];
  for (const v of w.values) {
    const m = byValue.get(v.value);
    const current = group?.tag.find((t) => t.id === m?.wecom_tag_id);
    if (!m || !current || current.name === v.name) continue;
    const edited = await deps.api.editCorpTag({ id: m.wecom_tag_id, name: v.name });
    if (edited.errcode !== 0) return err(wecomRefused(`renaming tag ${m.wecom_tag_id}`, edited));
    renamed.push(v);
  }
  const gone = mine.filter((m) => !w.values.some((v) => v.value === m.value));
  if (gone.length > 0) {
    const deleted = await deps.api.delCorpTag({ tag_id: gone.map((m) => m.wecom_tag_id) });
    if (deleted.errcode !== 0) return err(wecomRefused(`deleting tags of '${w.key}'`, deleted));
  }
  const missing = w.values.filter((v) => !byValue.has(v.value));
  const created: { value: string; name: string; id: string }[] = [];
  if (missing.length > 0) {
    // Deleting a group's last tag deletes the group, so a group left without mapped tags is created anew.
    const keepGroup = groupId !== undefined && mine.length > gone.length && groups.has(groupId);
    const added = await deps.api.addCorpTag({
      ...(keepGroup ? { group_id: groupId } : { group_name: w.groupName }),
      tag: missing.map((v) => ({ name: v.name })),
    });
    if (added.errcode !== 0 || !added.tag_group) return err(wecomRefused(`adding tags of '${w.key}'`, added));
    groupId = added.tag_group.group_id;
    for (const v of missing) {
      const tag = added.tag_group.tag.find((t) => t.name === v.name);
      if (tag) created.push({ ...v, id: tag.id });
    }
  }
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const drop = [...stale, ...gone].map((m) => m.value);
    if (drop.length > 0)
      await tx
        .deleteFrom('wecom_corp_tags')
        .where('tag_key', '=', w.key)
        .where('value', 'in', drop)
        .execute();
    for (const r of renamed)
      await tx
        .updateTable('wecom_corp_tags')
        .set({ tag_name: r.name, updated_at: at })
        .where('tag_key', '=', w.key)
        .where('value', '=', r.value)
        .execute();
    await tx
      .updateTable('wecom_corp_tags')
      .set({ group_name: w.groupName })
      .where('tag_key', '=', w.key)
      .execute();
    if (created.length > 0)
      await tx
        .insertInto('wecom_corp_tags')
        .values(
          created.map((c) => ({
            tag_key: w.key,
            value: c.value,
            wecom_group_id: groupId!,
            wecom_tag_id: c.id,
            group_name: w.groupName,
            tag_name: c.name,
            created_at: at,
            updated_at: at,
          })),
        )
        .execute();
    if (created.length + renamed.length + gone.length + stale.length > 0)
      await recordAudit(tx, {
        actor: deps.actor,
        action: 'wecom.tags_published',
        entityType: 'tag',
        entityId: w.key,
        details: {
          groupId,
          created: created.map((c) => c.value),
          renamed: renamed.map((r) => r.value),
          deleted: gone.map((g) => g.value),
          stale: stale.map((s) => s.value),
        },
        at,
      });
  });
  return ok({
    tagKey: w.key,
    groupId: groupId ?? '',
    groupName: w.groupName,
    created: created.length,
    renamed: renamed.length,
    deleted: gone.length,
  });
}
