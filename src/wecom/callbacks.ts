import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { WecomMatchRule } from '../config/schema.ts';
import { settleWecomTransfers } from '../pool/handover/wecom-status.ts';
import type { Clock } from '../shared/clock.ts';
import { err, ok, type Failure, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { parseCallbackEvent, type ContactChangeEvent, type WecomCallbackEvent } from './callback-xml.ts';
import { openCallback, type CallbackKeys, type CallbackRefusal, type SignedCallback } from './crypto.ts';
import { linkIdentity, recordChanges, refreshCustomerFlags } from './friendships.ts';
import { matchFriends } from './matching.ts';

// WeCom's callbacks (src/wecom/README.md, "Callbacks"): the verify GET answers the decrypted echostr; a POSTed event
// is opened (signature, timestamp window, ciphertext, receiveid), refused if its signature triple was seen before,
// and applied with its receipt and audit record in one transaction — a refusal, or a failure half-way, changes
// nothing, and WeCom's retry of a message whose first delivery failed is applied then.

type Tx = Transaction<Database>;

/** How far a callback's timestamp may be from now; receipts older than twice this are pruned. */
export const CALLBACK_WINDOW_SECONDS = 300;

/** What callbacks need: the store, the clock, the keys and the bank's matching rules. */
export interface CallbackDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly keys: CallbackKeys;
  readonly match: readonly WecomMatchRule[];
}

const REFUSALS: Record<CallbackRefusal, Failure> = {
  bad_signature: { code: 'unauthenticated', message: 'the msg_signature does not match' },
  stale_timestamp: { code: 'bad_request', message: 'the timestamp is outside the accepted window' },
  bad_ciphertext: { code: 'bad_request', message: 'the ciphertext does not decrypt to a WeCom message' },
  wrong_receiveid: { code: 'bad_request', message: 'the message is addressed to another enterprise' },
  missing_field: {
    code: 'bad_request',
    message: 'msg_signature, timestamp, nonce and the ciphertext are required',
  },
  replayed: { code: 'conflict', message: 'this callback was already received' },
};

/** The API's failure for a refusal: its code, a message, and the reason as `details.reason`. */
export function refusal(reason: CallbackRefusal | 'bad_message', message?: string): Failure {
  const base = reason === 'bad_message' ? { code: 'bad_request' as const, message: '' } : REFUSALS[reason];
  return { code: base.code, message: message ?? base.message, details: { reason } };
}

const nowSeconds = (clock: Clock) => Math.floor(clock.now().getTime() / 1000);

/** Opens the verify GET: the decrypted echostr, which WeCom expects back as the body. */
export function verifyUrl(
  deps: Pick<CallbackDeps, 'clock' | 'keys'>,
  signed: SignedCallback,
): Result<string, Failure> {
  const opened = openCallback(deps.keys, signed, nowSeconds(deps.clock), CALLBACK_WINDOW_SECONDS);
  return opened.ok ? opened : err(refusal(opened.error));
}

/** Opens, checks for replay and applies one POSTed callback; the event's kind, or why it was refused. */
export async function receiveCallback(
  deps: CallbackDeps,
  signed: SignedCallback,
): Promise<Result<{ kind: WecomCallbackEvent['kind'] }, Failure>> {
  const opened = openCallback(deps.keys, signed, nowSeconds(deps.clock), CALLBACK_WINDOW_SECONDS);
  if (!opened.ok) return err(refusal(opened.error));
  const event = parseCallbackEvent(opened.value);
  if (!event.ok)
    return err(refusal('bad_message', `the decrypted message is not a WeCom event: ${event.error}`));
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const receipt = await tx
      .insertInto('wecom_callback_receipts')
      .values({
        msg_signature: signed.msgSignature!.toLowerCase(),
        timestamp: signed.timestamp!,
        nonce: signed.nonce!,
        event: event.value.kind,
        received_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('nonce')
      .executeTakeFirst();
    if (!receipt) return err(refusal('replayed'));
    await tx
      .deleteFrom('wecom_callback_receipts')
      .where('received_at', '<', new Date(now.getTime() - 2 * CALLBACK_WINDOW_SECONDS * 1000))
      .execute();
    await applyEvent(tx, event.value, deps.match);
    return ok({ kind: event.value.kind });
  });
}

const ACTOR = 'wecom:callback';

/** Applies one event inside the receipt's transaction, with its audit record. */
async function applyEvent(
  tx: Tx,
  event: WecomCallbackEvent,
  match: readonly WecomMatchRule[],
): Promise<void> {
  const at = new Date(event.at * 1000);
  switch (event.kind) {
    case 'ignored':
      return;
    case 'tag_changed':
      await tx
        .insertInto('wecom_tag_events')
        .values({
          at,
          change_type: event.changeType,
          tag_type: event.tagType,
          tag_id: event.tagId,
          strategy_id: event.strategyId,
        })
        .execute();
      await recordAudit(tx, {
        actor: ACTOR,
        action: 'wecom.tag_event',
        entityType: 'wecom_tag',
        entityId: event.tagId,
        details: { changeType: event.changeType, tagType: event.tagType },
        at,
      });
      return;
    case 'transfer_failed':
      return applyTransferFailure(tx, event, at);
    default:
      return applyContactChange(tx, event, at, match);
  }
}

/** add / edit / del_external_contact / del_follow_user: the friendship, the customer's flags, the timeline. */
async function applyContactChange(
  tx: Tx,
  event: ContactChangeEvent,
  at: Date,
  rules: readonly WecomMatchRule[],
): Promise<void> {
  const { staffId, externalUserid } = event;
  const before = await tx
    .selectFrom('wecom_friendships')
    .select(['customer_id', 'matched_by', 'remark', 'remark_mobile_sha256'])
    .where('staff_id', '=', staffId)
    .where('external_userid', '=', externalUserid)
    .executeTakeFirst();
  let customerId = before?.customer_id ?? null;
  let matchedBy = before?.matched_by ?? null;
  const removal = event.kind === 'contact_removed_by_staff' || event.kind === 'contact_removed_by_customer';
  if (customerId === null && !removal) {
    // The callback names only the two ids: match on what an earlier sync or link told us of this external user.
    const contact = await tx
      .selectFrom('wecom_contacts')
      .select('unionid')
      .where('external_userid', '=', externalUserid)
      .executeTakeFirst();
    const found = (
      await matchFriends(
        tx,
        [
          {
            externalUserid,
            unionid: contact?.unionid ?? null,
            remark: before?.remark ?? null,
            remarkMobileSha256: before?.remark_mobile_sha256 ?? [],
          },
        ],
        rules,
      )
    ).get(externalUserid);
    if (found) {
      customerId = found.customerId;
      matchedBy = found.matchedBy;
      await linkIdentity(tx, customerId, externalUserid);
    }
  }
  const removedBy = event.kind === 'contact_removed_by_customer' ? 'customer' : 'staff';
  await tx
    .insertInto('wecom_friendships')
    .values({
      staff_id: staffId,
      external_userid: externalUserid,
      customer_id: customerId,
      matched_by: matchedBy,
      added_at: at,
      removed_at: removal ? at : null,
      removed_by: removal ? removedBy : null,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc.columns(['staff_id', 'external_userid']).doUpdateSet({
        customer_id: customerId,
        matched_by: matchedBy,
        updated_at: at,
        ...(removal
          ? { removed_at: at, removed_by: removedBy }
          : event.kind === 'contact_added'
            ? { removed_at: null, removed_by: null, added_at: at }
            : {}),
      }),
    )
    .execute();
  if (customerId !== null) await refreshCustomerFlags(tx, [customerId], at);
  const change = {
    contact_added: 'added',
    contact_edited: 'edited',
    contact_removed_by_staff: 'removed_by_staff',
    contact_removed_by_customer: 'removed_by_customer',
  } as const;
  await recordChanges(tx, [
    { at, staffId, externalUserid, customerId, change: change[event.kind], details: { source: 'callback' } },
  ]);
  await recordAudit(tx, {
    actor: ACTOR,
    action: `wecom.friend_${change[event.kind]}`,
    entityType: 'wecom_friendship',
    entityId: `${staffId}/${externalUserid}`,
    details: { customerId, matchedBy },
    at,
  });
}

/** transfer_fail: the customer's waiting handover is refused (or the taker is at WeCom's limit). */
async function applyTransferFailure(
  tx: Tx,
  event: Extract<WecomCallbackEvent, { kind: 'transfer_failed' }>,
  at: Date,
): Promise<void> {
  const owner = await sql<{ customer_id: number; handover_job_id: number }>`
    select o.customer_id, o.handover_job_id from customer_owners o
     where o.handover_status = 'waiting' and o.handover_job_id is not null
       and o.customer_id in (
         select customer_id from customer_identities where kind = 'wecom' and value = ${event.externalUserid}
         union select id from customers where wecom_external_userid = ${event.externalUserid}
         union select customer_id from wecom_friendships
          where external_userid = ${event.externalUserid} and customer_id is not null)`.execute(tx);
  const status = event.reason === 'customer_refused' ? 'refused' : 'taker_at_limit';
  await settleWecomTransfers(
    tx,
    ACTOR,
    owner.rows.map((r) => ({ customerId: r.customer_id, jobId: r.handover_job_id, status })),
  );
  await recordChanges(
    tx,
    owner.rows.map((r) => ({
      at,
      staffId: event.staffId,
      externalUserid: event.externalUserid,
      customerId: r.customer_id,
      change: 'transfer_failed' as const,
      details: { reason: event.reason, jobId: r.handover_job_id },
    })),
  );
}
