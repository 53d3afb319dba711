// The seam the WeCom integration drives: WeCom completes a customer's transfer 24 h after it was scheduled and
// reports it through `transfer_result` (1 done, 2 waiting, 3 refused by the customer, 4 taker at customer limit).
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../../audit/audit.ts';
import type { Database } from '../../store/operational/database.ts';
import type { HandoverStatus } from '../../store/operational/pool-tables.ts';

/** WeCom's transfer_result status codes, in the pool's words. */
export const WECOM_TRANSFER_STATUS: Readonly<Record<1 | 2 | 3 | 4, HandoverStatus>> = {
  1: 'done',
  2: 'waiting',
  3: 'refused',
  4: 'taker_at_limit',
};

/**
 * Records WeCom's verdicts on customers whose handover is waiting (others are left alone: a verdict cannot
 * overwrite a later handover's status). Returns how many customers changed; one audit record for the batch.
 */
export async function recordWecomTransferResults(
  db: Kysely<Database>,
  actor: string,
  results: readonly { customerId: number; jobId: number; status: HandoverStatus }[],
): Promise<number> {
  if (results.length === 0) return 0;
  return db.transaction().execute((tx) => settleWecomTransfers(tx, actor, results));
}

/** recordWecomTransferResults inside the caller's transaction (a callback applies it with its own records). */
export async function settleWecomTransfers(
  tx: Transaction<Database>,
  actor: string,
  results: readonly { customerId: number; jobId: number; status: HandoverStatus }[],
): Promise<number> {
  if (results.length === 0) return 0;
  let changed = 0;
  for (const r of results) {
    const res = await tx
      .updateTable('customer_owners')
      .set({ handover_status: r.status, updated_at: new Date() })
      .where('customer_id', '=', r.customerId)
      .where('handover_job_id', '=', r.jobId)
      .where('handover_status', '=', 'waiting')
      .executeTakeFirst();
    changed += Number(res.numUpdatedRows);
  }
  await recordAudit(tx, {
    actor,
    action: 'handover.wecom_result',
    entityType: 'customer_batch',
    details: { results: results.map((r) => [r.customerId, r.jobId, r.status]), changed },
  });
  return changed;
}
