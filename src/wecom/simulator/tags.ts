import { WECOM_ERRCODES } from '../port.ts';
import { failAnswer, invalid, okAnswer, text, texts, type Answer, type SimRequest } from './answers.ts';
import type { TagGroup, World } from './world.ts';

// Corp tags: ≤ maxTags in the enterprise; the app edits and deletes only what it created through the API (seeded
// "manual" tags answer 48002); mark_tag sets a staff member's tags on one customer. None of it pushes a callback.

const unknownTag = (id: string) => failAnswer(WECOM_ERRCODES.invalidTagId, `invalid tag id: ${id}`);
const notOwned = (id: string) =>
  failAnswer(
    WECOM_ERRCODES.apiForbidden,
    `tag ${id} was not created by this app and cannot be changed by it`,
  );

function groupAnswer(group: TagGroup) {
  return {
    group_id: group.group_id,
    group_name: group.group_name,
    order: group.order,
    create_time: group.create_time,
    tag: [...group.tags.values()].map(({ id, name, order, create_time }) => ({
      id,
      name,
      order,
      create_time,
    })),
  };
}

/** externalcontact/get_corp_tag_list: every group, or the groups and tags asked for. */
export function getCorpTagList(world: World, request: SimRequest): Answer {
  const tagIds = texts(request.body, 'tag_id');
  const groupIds = texts(request.body, 'group_id');
  if (!tagIds || !groupIds) return invalid('tag_id / group_id');
  const groups: unknown[] = [];
  for (const group of world.tagGroups.values()) {
    if (groupIds.length > 0 && !groupIds.includes(group.group_id)) continue;
    const answer = groupAnswer(group);
    const tag = tagIds.length > 0 ? answer.tag.filter((t) => tagIds.includes(t.id)) : answer.tag;
    if (tagIds.length > 0 && groupIds.length === 0 && tag.length === 0) continue;
    groups.push({ ...answer, tag });
  }
  return okAnswer({ tag_group: groups });
}

/** externalcontact/add_corp_tag: tags into an existing group of the app's, or a new group by name. */
export function addCorpTag(world: World, request: SimRequest): Answer {
  const tags = request.body.tag;
  if (
    !Array.isArray(tags) ||
    tags.length === 0 ||
    !tags.every(
      (t) => typeof t === 'object' && t !== null && typeof (t as { name?: unknown }).name === 'string',
    )
  )
    return invalid('tag (a list of { name })');
  const wanted = tags as { name: string; order?: unknown }[];
  if (wanted.some((t) => t.name.trim() === '' || t.name.length > 30))
    return invalid('tag name (1–30 characters)');
  if (world.tagCount() + wanted.length > world.limits.maxTags)
    return failAnswer(
      WECOM_ERRCODES.tagLimitReached,
      `the enterprise may hold at most ${world.limits.maxTags} tags`,
    );
  const groupId = text(request.body, 'group_id');
  const now = world.clock.seconds();
  let group: TagGroup;
  if (groupId !== undefined) {
    const found = world.tagGroups.get(groupId);
    if (!found) return unknownTag(groupId);
    if (!found.byApp) return notOwned(groupId);
    group = found;
  } else {
    const name = text(request.body, 'group_name');
    if (!name || name.length > 30) return invalid('group_name (1–30 characters) or group_id');
    const order = request.body.order;
    group = world.addTagGroup(name, typeof order === 'number' ? order : 0, true, now);
  }
  const existing = new Set([...group.tags.values()].map((t) => t.name));
  if (wanted.some((t) => existing.has(t.name)))
    return failAnswer(WECOM_ERRCODES.tagNameExists, 'a tag of that name is already in the group');
  for (const t of wanted) world.addTag(group, t.name, typeof t.order === 'number' ? t.order : 0, true, now);
  return okAnswer({ tag_group: groupAnswer(group) });
}

/** externalcontact/edit_corp_tag: a tag's or a group's name and order, if the app created it. */
export function editCorpTag(world: World, request: SimRequest): Answer {
  const id = text(request.body, 'id');
  if (!id) return invalid('id');
  const name = text(request.body, 'name');
  if (name !== undefined && (name.trim() === '' || name.length > 30))
    return invalid('name (1–30 characters)');
  const order = request.body.order;
  const group = world.tagGroups.get(id);
  const tag = group ? undefined : world.findTag(id)?.tag;
  const target = group ?? tag;
  if (!target) return unknownTag(id);
  if (!target.byApp) return notOwned(id);
  if (name !== undefined && group) group.group_name = name;
  if (name !== undefined && tag) tag.name = name;
  if (typeof order === 'number') target.order = order;
  return okAnswer();
}

/** externalcontact/del_corp_tag: tags or whole groups the app created; a group left empty goes too. */
export function delCorpTag(world: World, request: SimRequest): Answer {
  const tagIds = texts(request.body, 'tag_id');
  const groupIds = texts(request.body, 'group_id');
  if (!tagIds || !groupIds || tagIds.length + groupIds.length === 0) return invalid('tag_id or group_id');
  for (const id of groupIds) {
    const group = world.tagGroups.get(id);
    if (!group) return unknownTag(id);
    if (!group.byApp) return notOwned(id);
  }
  for (const id of tagIds) {
    const found = world.findTag(id);
    if (!found) return unknownTag(id);
    if (!found.tag.byApp) return notOwned(id);
  }
  const removed = new Set(tagIds);
  for (const id of groupIds)
    for (const tagId of world.tagGroups.get(id)?.tags.keys() ?? []) removed.add(tagId);
  for (const id of groupIds) world.tagGroups.delete(id);
  for (const id of tagIds) {
    const found = world.findTag(id);
    found?.group.tags.delete(id);
    if (found && found.group.tags.size === 0) world.tagGroups.delete(found.group.group_id);
  }
  for (const follows of world.follows.values())
    for (const f of follows.values()) for (const id of removed) f.tagIds.delete(id);
  return okAnswer();
}

/** externalcontact/mark_tag: add and remove a staff member's tags on one of their customers. */
export function markTag(world: World, request: SimRequest): Answer {
  const userid = text(request.body, 'userid') ?? '';
  const externalUserid = text(request.body, 'external_userid') ?? '';
  const add = texts(request.body, 'add_tag');
  const remove = texts(request.body, 'remove_tag');
  if (!add || !remove || add.length + remove.length === 0)
    return invalid('add_tag and remove_tag are both empty');
  if (!world.staff.has(userid)) return failAnswer(WECOM_ERRCODES.invalidUserid, `invalid userid: ${userid}`);
  if (!world.customers.has(externalUserid))
    return failAnswer(WECOM_ERRCODES.invalidExternalUserid, `invalid external_userid: ${externalUserid}`);
  const follow = world.follow(userid, externalUserid);
  if (!follow) return failAnswer(WECOM_ERRCODES.notExternalContact, 'not an external contact of this member');
  const unknown = [...add, ...remove].find((id) => !world.findTag(id));
  if (unknown !== undefined) return unknownTag(unknown);
  for (const id of add) follow.tagIds.add(id);
  for (const id of remove) follow.tagIds.delete(id);
  return okAnswer();
}
