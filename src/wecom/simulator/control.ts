import type { CallbackPusher } from './callbacks.ts';
import type { Fault, Gate } from './gate.ts';
import { confirmMessage, expireMessage } from './messages.ts';
import { settleTransfers } from './transfers.ts';
import type { Transfer, World } from './world.ts';

// The simulator's own endpoints under /simulator/ (not WeCom's): what happens in WeCom's clients and console rather
// than through the API — time passing, a manager confirming a group message, leaving the bank, a customer refusing a
// transfer, friendships made and ended (each pushed as a callback) — plus fault injection and a state summary.

/** A control answer: HTTP status and JSON body. */
export interface ControlAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Everything the control endpoints act on. */
export interface SimulatorParts {
  readonly world: World;
  readonly gate: Gate;
  readonly callbacks: CallbackPusher;
}

const refuse = (message: string): ControlAnswer => ({ status: 400, body: { error: message } });
const done = (body: Record<string, unknown> = {}): ControlAnswer => ({
  status: 200,
  body: { ok: true, ...body },
});
const str = (body: Record<string, unknown>, key: string) => {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** Pushes transfer_fail for each transfer that ended refused (3) or with the taker at his limit (4). */
export async function pushTransferFailures(
  parts: SimulatorParts,
  failed: readonly Transfer[],
): Promise<void> {
  for (const t of failed)
    await parts.callbacks.push(t.takeover_time, {
      Event: 'change_external_contact',
      ChangeType: 'transfer_fail',
      FailReason: t.status === 3 ? 'customer_refused' : 'customer_limit_exceed',
      UserID: t.takeover_userid,
      ExternalUserID: t.external_userid,
    });
}

/** Handles POST/GET /simulator/<action>. */
export async function control(
  parts: SimulatorParts,
  method: string,
  action: string,
  body: Record<string, unknown>,
): Promise<ControlAnswer> {
  const { world } = parts;
  if (method === 'GET' && action === 'state') return { status: 200, body: summary(parts) };
  if (method !== 'POST') return { status: 405, body: { error: 'control endpoints take POST (state: GET)' } };
  switch (action) {
    case 'clock': {
      const seconds = body.advance_seconds;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
        return refuse('advance_seconds: a number ≥ 0');
      world.clock.advance(seconds * 1000);
      await pushTransferFailures(parts, settleTransfers(world));
      return done({ now: world.clock.seconds() });
    }
    case 'messages/confirm':
    case 'messages/expire': {
      const msgid = str(body, 'msgid') ?? '';
      const result =
        action === 'messages/confirm' ? confirmMessage(world, msgid) : expireMessage(world, msgid);
      return typeof result === 'string' ? refuse(result) : done({ msgid, state: result.state });
    }
    case 'staff/depart': {
      const member = world.staff.get(str(body, 'userid') ?? '');
      if (!member) return refuse('userid: no such staff member');
      member.departedAt ??= world.clock.seconds();
      return done({ userid: member.userid, dimission_time: member.departedAt });
    }
    case 'customers/refuse': {
      const customer = world.customers.get(str(body, 'external_userid') ?? '');
      if (!customer) return refuse('external_userid: no such customer');
      customer.refusesTransfer = body.refuse !== false;
      return done({ external_userid: customer.external_userid, refuses: customer.refusesTransfer });
    }
    case 'friendships/add':
    case 'friendships/remove':
      return friendship(parts, action === 'friendships/add', body);
    case 'faults':
      return fault(parts.gate, body);
    default:
      return { status: 404, body: { error: `no control endpoint ${action}` } };
  }
}

async function friendship(
  parts: SimulatorParts,
  add: boolean,
  body: Record<string, unknown>,
): Promise<ControlAnswer> {
  const { world } = parts;
  const userid = str(body, 'userid') ?? '';
  const externalUserid = str(body, 'external_userid') ?? '';
  if (!world.staff.has(userid)) return refuse('userid: no such staff member');
  if (add && !world.customers.has(externalUserid)) {
    const name = str(body, 'name') ?? externalUserid;
    world.customers.set(externalUserid, {
      external_userid: externalUserid,
      name,
      type: 1,
      mobile: str(body, 'mobile'),
      refusesTransfer: false,
      moves: [],
      lastMessageDay: undefined,
    });
  }
  const now = world.clock.seconds();
  const changed = add ? !world.follow(userid, externalUserid) : world.unfriend(userid, externalUserid);
  if (add) world.befriend(userid, externalUserid, now);
  if (!changed) return done({ changed: false });
  // del_external_contact: the member deleted the customer; del_follow_user: the customer deleted the member.
  const changeType = add
    ? 'add_external_contact'
    : body.by === 'customer'
      ? 'del_follow_user'
      : 'del_external_contact';
  const delivery = await parts.callbacks.push(now, {
    Event: 'change_external_contact',
    ChangeType: changeType,
    UserID: userid,
    ExternalUserID: externalUserid,
  });
  return done({ changed: true, change_type: changeType, callback: delivery ?? null });
}

function fault(gate: Gate, body: Record<string, unknown>): ControlAnswer {
  const api = str(body, 'api');
  const count = body.count ?? 1;
  if (!api) return refuse('api: the path after /cgi-bin/, e.g. externalcontact/list');
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
    return refuse('count: a whole number ≥ 1');
  let injected: Fault;
  if (body.kind === 'errcode') {
    if (typeof body.errcode !== 'number') return refuse('errcode: a number');
    injected = { kind: 'errcode', errcode: body.errcode };
  } else if (body.kind === 'garbage' || body.kind === 'http_500' || body.kind === 'hang')
    injected = { kind: body.kind };
  else return refuse('kind: errcode, garbage, http_500 or hang');
  gate.injectFault(api, injected, count);
  return done({ api, count });
}

/** GET /simulator/state: counts, never secrets or tokens. */
export function summary(parts: SimulatorParts): Record<string, unknown> {
  const { world } = parts;
  let friendships = 0;
  for (const follows of world.follows.values()) friendships += follows.size;
  const byStatus: Record<string, number> = {};
  for (const t of world.transfers) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  const messages: Record<string, number> = {};
  for (const m of world.messages.values()) messages[m.state] = (messages[m.state] ?? 0) + 1;
  return {
    corp_id: world.corpId,
    now: world.clock.seconds(),
    staff: world.staff.size,
    departed: [...world.staff.values()].filter((s) => s.departedAt !== undefined).map((s) => s.userid),
    customers: world.customers.size,
    friendships,
    tag_groups: world.tagGroups.size,
    tags: world.tagCount(),
    transfers: byStatus,
    messages,
    callbacks: parts.callbacks.deliveries.length,
    calls: Object.fromEntries(parts.gate.calls),
  };
}
