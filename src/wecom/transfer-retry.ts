import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { countOwned, lockManagers, moveOpenWork, writeOwnership } from '../pool/ownership.ts';
import { applyCustomerScope, type DataScope } from '../pool/scope.ts';
import type { Clock } from '../shared/clock.ts';
import type { Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { WecomTransferState } from '../store/operational/wecom-transfer-tables.ts';

// A customer refused a WeCom transfer, or the taker was at WeCom's limit, or the request failed: the branch head
// gives the customer to another taker in one click. Ownership moves in Flywheel (history, open work, audit) and the
// WeCom transfer is planned again from the same giver to the new taker; the driver's next pass asks WeCom.

/** Why a retry was not made. */
export type RetryRefusal =
  'not_found' | 'not_retryable' | 'taker_not_found' | 'taker_departed' | 'taker_at_limit' | 'same_taker';

const RETRYABLE: ReadonlySet<WecomTransferState> = new Set(['refused', 'taker_at_limit', 'failed']);

/** Gives a customer whose WeCom transfer ended without success to `takerId`, and plans the transfer again. */
export async function retryTransfer(
  deps: { db: Kysely<Database>; clock: Clock },
  who: { actor: string; scope: DataScope },
  request: { jobId: number; customerNo: string; takerId: string },
): Promise<Result<{ customerNo: string; from: string; to: string }, RetryRefusal>> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const row = await applyCustomerScope(
      tx
        .selectFrom('wecom_transfers')
        .innerJoin('customers', 'customers.id', 'wecom_transfers.customer_id')
        .select([
          'wecom_transfers.customer_id',
          'wecom_transfers.state',
          'wecom_transfers.takeover_userid',
          'wecom_transfers.handover_userid',
        ]),
      who.scope,
    )
      .where('wecom_transfers.job_id', '=', request.jobId)
      .where('customers.customer_no', '=', request.customerNo)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { ok: false, error: 'not_found' };
    if (!RETRYABLE.has(row.state)) return { ok: false, error: 'not_retryable' };
    if (request.takerId === row.takeover_userid || request.takerId === row.handover_userid)
      return { ok: false, error: 'same_taker' };
    const taker = (await lockManagers(tx, [request.takerId], who.scope)).get(request.takerId);
    if (!taker) return { ok: false, error: 'taker_not_found' };
    if (taker.status !== 'active') return { ok: false, error: 'taker_departed' };
    const owned = (await countOwned(tx, [taker.id])).get(taker.id) ?? 0;
    if (owned >= taker.pool_capacity) return { ok: false, error: 'taker_at_limit' };
    const owner = await tx
      .selectFrom('customer_owners')
      .select('manager_id')
      .where('customer_id', '=', row.customer_id)
      .executeTakeFirst();
    const change = { customerId: row.customer_id, from: owner?.manager_id ?? null, to: taker.id };
    await writeOwnership(tx, [change], {
      kind: 'handover',
      source: 'handover',
      reason: 'WeCom transfer retried with another taker',
      actor: who.actor,
      at: now,
      jobId: request.jobId,
      handoverStatus: new Map([[row.customer_id, 'waiting']]),
    });
    await moveOpenWork(tx, [change], now);
    await sql`update wecom_transfers set takeover_userid = ${taker.id}, state = 'planned', errcode = null,
        reason = null, retried_from = ${row.takeover_userid}, finished_at = null,
        updated_at = ${now.toISOString()}::timestamptz
      where job_id = ${request.jobId} and customer_id = ${row.customer_id}`.execute(tx);
    await recordAudit(tx, {
      actor: who.actor,
      action: 'handover.wecom_retry',
      entityType: 'customer',
      entityId: request.customerNo,
      details: { jobId: request.jobId, from: row.takeover_userid, to: taker.id, was: row.state },
    });
    return { ok: true, value: { customerNo: request.customerNo, from: row.takeover_userid, to: taker.id } };
  });
}
