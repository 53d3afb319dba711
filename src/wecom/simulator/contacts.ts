import { WECOM_ERRCODES } from '../port.ts';
import {
  decodeCursor,
  encodeCursor,
  failAnswer,
  invalid,
  okAnswer,
  text,
  texts,
  wholeNumber,
  type Answer,
  type SimRequest,
} from './answers.ts';
import type { Follow, World } from './world.ts';

// Customers as WeCom lists them: one staff member's external_userids, the batch with follow info by cursor, and the
// customers of departed staff awaiting a new owner.

const unknownUser = (userid: string) => failAnswer(WECOM_ERRCODES.invalidUserid, `invalid userid: ${userid}`);

/** externalcontact/list?userid= */
export function listContacts(world: World, request: SimRequest): Answer {
  const userid = request.query.get('userid') ?? '';
  if (!world.staff.has(userid)) return unknownUser(userid);
  return okAnswer({ external_userid: [...world.followsOf(userid).keys()] });
}

function followInfo(world: World, f: Follow) {
  const mobile = world.customers.get(f.external_userid)?.mobile;
  return {
    userid: f.userid,
    remark: f.remark,
    remark_mobiles: mobile === undefined ? [] : [mobile],
    tag_id: [...f.tagIds],
    add_way: f.add_way,
    createtime: f.createtime,
  };
}

/** externalcontact/batch/get_by_user: ≤ 100 staff, limit ≤ 100, cursor over (staff member, customer). */
export function batchGetByUser(world: World, request: SimRequest): Answer {
  const users = texts(request.body, 'userid_list');
  if (!users || users.length === 0 || users.length > 100) return invalid('userid_list (1–100 userids)');
  const limit = wholeNumber(request.body, 'limit', 1, 100, 50);
  if (limit === undefined) return invalid('limit (1–100)');
  const unknown = users.find((u) => !world.staff.has(u));
  if (unknown !== undefined) return unknownUser(unknown);
  const position = decodeCursor(request.body.cursor, 2);
  if (!position) return invalid('cursor');
  let [user = 0, offset = 0] = position;
  const list: unknown[] = [];
  while (user < users.length && list.length < limit) {
    const follows = [...world.followsOf(users[user] ?? '').values()].slice(
      offset,
      offset + limit - list.length,
    );
    for (const f of follows) {
      const c = world.customers.get(f.external_userid);
      if (!c) continue;
      list.push({
        external_contact: {
          external_userid: c.external_userid,
          name: c.name,
          type: c.type,
          ...(c.unionid === undefined ? {} : { unionid: c.unionid }),
        },
        follow_info: followInfo(world, f),
      });
    }
    offset += follows.length;
    if (offset >= world.followsOf(users[user] ?? '').size) {
      user += 1;
      offset = 0;
    }
  }
  return okAnswer({
    external_contact_list: list,
    next_cursor: user < users.length ? encodeCursor([user, offset]) : '',
  });
}

/** Customers of departed staff not yet handed over (a waiting or finished takeover removes them). */
function unassigned(world: World) {
  const moving = new Set(
    world.transfers
      .filter((t) => t.kind === 'resigned' && t.status !== 3 && t.status !== 4)
      .map((t) => t.external_userid),
  );
  const rows: { handover_userid: string; external_userid: string; dimission_time: number }[] = [];
  for (const member of world.staff.values()) {
    if (member.departedAt === undefined) continue;
    for (const externalUserid of world.followsOf(member.userid).keys())
      if (!moving.has(externalUserid))
        rows.push({
          handover_userid: member.userid,
          external_userid: externalUserid,
          dimission_time: member.departedAt,
        });
  }
  return rows;
}

/** externalcontact/get_unassigned_list: page_size ≤ 1000, by cursor. */
export function getUnassignedList(world: World, request: SimRequest): Answer {
  const size = wholeNumber(request.body, 'page_size', 1, 1000, 1000);
  if (size === undefined) return invalid('page_size (1–1000)');
  const position = decodeCursor(text(request.body, 'cursor'), 1);
  if (!position) return invalid('cursor');
  const from = position[0] ?? 0;
  const rows = unassigned(world);
  const page = rows.slice(from, from + size);
  const last = from + size >= rows.length;
  return okAnswer({ info: page, is_last: last, next_cursor: last ? '' : encodeCursor([from + size]) });
}
