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
import type { GroupMessage, World } from './world.ts';

// Group messages to customers (add_msg_template, chat_type single): nothing goes out until the sender confirms in his
// client (the control API stands in for him), and each customer receives at most one such message per Beijing day
// from the enterprise. Customers who are not the sender's friends, or already got one today, come back in fail_list.

/** externalcontact/add_msg_template */
export function addMsgTemplate(world: World, request: SimRequest): Answer {
  const chatType = request.body.chat_type ?? 'single';
  if (chatType !== 'single') return invalid('chat_type (the simulator sends to customers: single)');
  const sender = text(request.body, 'sender') ?? '';
  if (!world.staff.has(sender)) return failAnswer(WECOM_ERRCODES.invalidUserid, `invalid sender: ${sender}`);
  const customers = texts(request.body, 'external_userid');
  if (!customers || customers.length === 0 || customers.length > 10_000)
    return invalid('external_userid (1–10000)');
  const content = (request.body.text as { content?: unknown } | undefined)?.content;
  if (typeof content !== 'string' || content.length === 0 || content.length > 4000)
    return invalid('text.content (1–4000 characters)');
  const today = world.clock.day();
  const sends: GroupMessage['sends'] = new Map();
  const failList: string[] = [];
  for (const externalUserid of new Set(customers)) {
    const friend = world.follow(sender, externalUserid) !== undefined;
    const status = !friend ? 2 : world.customers.get(externalUserid)?.lastMessageDay === today ? 3 : 0;
    if (status !== 0) failList.push(externalUserid);
    sends.set(externalUserid, { status });
  }
  const msgid = world.nextId('msg');
  world.messages.set(msgid, {
    msgid,
    sender,
    text: content,
    created: world.clock.seconds(),
    state: 'awaiting',
    sends,
  });
  return okAnswer({ msgid, fail_list: failList });
}

/** The sender confirms: each waiting customer gets it, unless no longer a friend or already served today. */
export function confirmMessage(world: World, msgid: string): GroupMessage | string {
  const message = world.messages.get(msgid);
  if (!message) return `no group message ${msgid}`;
  if (message.state !== 'awaiting') return `group message ${msgid} is ${message.state}`;
  const today = world.clock.day();
  const now = world.clock.seconds();
  for (const [externalUserid, send] of message.sends) {
    if (send.status !== 0) continue;
    const customer = world.customers.get(externalUserid);
    if (!customer || !world.follow(message.sender, externalUserid)) send.status = 2;
    else if (customer.lastMessageDay === today) send.status = 3;
    else {
      send.status = 1;
      send.send_time = now;
      customer.lastMessageDay = today;
    }
  }
  message.state = 'confirmed';
  return message;
}

/** The sender never confirms: the message expires and its customers stay "not sent". */
export function expireMessage(world: World, msgid: string): GroupMessage | string {
  const message = world.messages.get(msgid);
  if (!message) return `no group message ${msgid}`;
  if (message.state !== 'awaiting') return `group message ${msgid} is ${message.state}`;
  message.state = 'expired';
  return message;
}

/** externalcontact/get_groupmsg_send_result: per customer of one sender, by cursor. */
export function getGroupMsgSendResult(world: World, request: SimRequest): Answer {
  const msgid = text(request.body, 'msgid') ?? '';
  const userid = text(request.body, 'userid') ?? '';
  const message = world.messages.get(msgid);
  if (!message) return invalid(`msgid ${msgid}`);
  if (!world.staff.has(userid)) return failAnswer(WECOM_ERRCODES.invalidUserid, `invalid userid: ${userid}`);
  const limit = wholeNumber(request.body, 'limit', 1, 1000, world.limits.resultPageSize);
  if (limit === undefined) return invalid('limit (1–1000)');
  const position = decodeCursor(text(request.body, 'cursor'), 1);
  if (!position) return invalid('cursor');
  const from = position[0] ?? 0;
  const rows = message.sender === userid ? [...message.sends] : [];
  const page = rows.slice(from, from + limit).map(([externalUserid, send]) => ({
    external_userid: externalUserid,
    userid: message.sender,
    status: send.status,
    ...(send.send_time === undefined ? {} : { send_time: send.send_time }),
  }));
  return okAnswer({
    send_list: page,
    next_cursor: from + limit < rows.length ? encodeCursor([from + limit]) : '',
  });
}
