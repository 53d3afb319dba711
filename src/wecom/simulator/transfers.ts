import { WECOM_ERRCODES } from '../port.ts';
import {
  decodeCursor,
  encodeCursor,
  failAnswer,
  invalid,
  okAnswer,
  text,
  texts,
  type Answer,
  type SimRequest,
} from './answers.ts';
import type { Transfer, World } from './world.ts';

// Handing customers over: transfer_customer (the giver still employed; a customer moves at most twice in 90 days) and
// resigned/transfer_customer (the giver has left). Each customer gets its own errcode; a scheduled move completes
// transferDelaySeconds later on the simulator's clock — done, refused by the customer, or the taker at his limit.

const NINETY_DAYS = 90 * 86_400;

/** externalcontact/transfer_customer or resigned/transfer_customer. */
export function transferCustomer(world: World, kind: 'employed' | 'resigned', request: SimRequest): Answer {
  const handover = text(request.body, 'handover_userid') ?? '';
  const takeover = text(request.body, 'takeover_userid') ?? '';
  const customers = texts(request.body, 'external_userid');
  if (!customers || customers.length === 0 || customers.length > 100)
    return invalid('external_userid (1–100)');
  const message = request.body.transfer_success_msg;
  if (message !== undefined && (typeof message !== 'string' || [...message].length > 200))
    return invalid('transfer_success_msg (≤ 200 characters)');
  const giver = world.staff.get(handover);
  const taker = world.staff.get(takeover);
  if (!giver) return failAnswer(WECOM_ERRCODES.invalidUserid, `invalid handover_userid: ${handover}`);
  if (!taker || taker.departedAt !== undefined)
    return failAnswer(WECOM_ERRCODES.invalidUserid, `invalid takeover_userid: ${takeover}`);
  if (handover === takeover)
    return failAnswer(WECOM_ERRCODES.sameTakerAndGiver, 'handover and takeover are the same');
  const now = world.clock.seconds();
  const waiting = new Set(
    world.transfers
      .slice(world.settled)
      .filter((t) => t.status === 2)
      .map((t) => t.external_userid),
  );
  // A taker already at his limit is refused at once (40099); one who fills up meanwhile ends in status 4.
  const takerFull = world.followsOf(takeover).size >= world.limits.takerCustomerLimit;
  const answers = customers.map((externalUserid) => {
    const errcode = takerFull
      ? WECOM_ERRCODES.takerAtLimit
      : refusal(world, kind, giver.departedAt !== undefined, handover, externalUserid, waiting, now);
    if (errcode === 0) {
      world.transfers.push({
        kind,
        handover_userid: handover,
        takeover_userid: takeover,
        external_userid: externalUserid,
        status: 2,
        takeover_time: now + world.limits.transferDelaySeconds,
      });
      world.customers.get(externalUserid)?.moves.push(now);
      waiting.add(externalUserid);
    }
    return { external_userid: externalUserid, errcode };
  });
  return okAnswer({ customer: answers });
}

function refusal(
  world: World,
  kind: 'employed' | 'resigned',
  departed: boolean,
  handover: string,
  externalUserid: string,
  waiting: ReadonlySet<string>,
  now: number,
): number {
  if (kind === 'resigned' && !departed) return WECOM_ERRCODES.handoverNotResigned;
  const customer = world.customers.get(externalUserid);
  if (!customer) return WECOM_ERRCODES.invalidExternalUserid;
  if (!world.follow(handover, externalUserid)) return WECOM_ERRCODES.notExternalContact;
  if (waiting.has(externalUserid)) return WECOM_ERRCODES.alreadyTransferring;
  if (kind === 'employed' && customer.moves.filter((at) => at > now - NINETY_DAYS).length >= 2)
    return WECOM_ERRCODES.transferredTooOften;
  return 0;
}

/** Completes every transfer due by now; the ones that failed (for transfer_fail callbacks). */
export function settleTransfers(world: World): Transfer[] {
  const now = world.clock.seconds();
  const failed: Transfer[] = [];
  while (world.settled < world.transfers.length) {
    const t = world.transfers[world.settled];
    if (!t || t.takeover_time > now) break;
    world.settled += 1;
    if (t.status !== 2) continue;
    const follow = world.follow(t.handover_userid, t.external_userid);
    if (world.customers.get(t.external_userid)?.refusesTransfer) t.status = 3;
    else if (world.followsOf(t.takeover_userid).size >= world.limits.takerCustomerLimit) t.status = 4;
    else {
      t.status = 1;
      world.unfriend(t.handover_userid, t.external_userid);
      world.befriend(
        t.takeover_userid,
        t.external_userid,
        t.takeover_time,
        follow?.remark ?? '',
        follow?.add_way ?? 0,
      );
    }
    if (t.status !== 1) failed.push(t);
  }
  return failed;
}

/** externalcontact/transfer_result or resigned/transfer_result: one giver and taker's transfers, by cursor. */
export function transferResult(world: World, kind: 'employed' | 'resigned', request: SimRequest): Answer {
  const handover = text(request.body, 'handover_userid') ?? '';
  const takeover = text(request.body, 'takeover_userid') ?? '';
  if (!world.staff.has(handover) || !world.staff.has(takeover))
    return failAnswer(WECOM_ERRCODES.invalidUserid, 'invalid handover_userid or takeover_userid');
  const position = decodeCursor(text(request.body, 'cursor'), 1);
  if (!position) return invalid('cursor');
  const from = position[0] ?? 0;
  const size = world.limits.resultPageSize;
  const rows = world.transfers.filter(
    (t) => t.kind === kind && t.handover_userid === handover && t.takeover_userid === takeover,
  );
  const page = rows.slice(from, from + size).map((t) => ({
    external_userid: t.external_userid,
    status: t.status,
    takeover_time: t.takeover_time,
  }));
  return okAnswer({
    customer: page,
    next_cursor: from + size < rows.length ? encodeCursor([from + size]) : '',
  });
}
