import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { recordAudit } from '../audit/audit.ts';
import { settleWecomTransfers } from '../pool/handover/wecom-status.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { HandoverStatus } from '../store/operational/pool-tables.ts';
import type { WecomTransferState } from '../store/operational/wecom-transfer-tables.ts';
import { WECOM_ERRCODES, type WecomApi } from './port.ts';

// Completes a handover in WeCom (issue #13, item 6). Flywheel moved the customers' ownership already and marked its
// WeCom friends `waiting` (src/pool/handover/execute.ts); here each of them is asked of WeCom in batches of ≤ 100
// per giver and taker, then transfer_result is read until every one is done, refused by the customer, or the taker
// is at WeCom's limit. Each step's state is committed before the next call, so a driver killed anywhere resumes with
// nothing moved twice: WeCom answers "already being transferred" for a customer asked again, which counts as waiting.

/** WeCom's batch size for transfer_customer. */
export const TRANSFER_BATCH = 100;

/** What the driver needs. */
export interface TransferDeps {
  readonly db: Kysely<Database>;
  readonly api: WecomApi;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The employed-transfer message customers see (≤ 200 characters). */
  readonly successMessage?: string;
}

/** One pass of the driver over a job: how many customers each step touched, and where the job stands. */
export interface TransferPass {
  readonly planned: number;
  readonly requested: number;
  readonly settled: number;
  /** Customers by state after the pass. */
  readonly states: Partial<Record<WecomTransferState, number>>;
  /** Whether every customer of the job has a final state. */
  readonly finished: boolean;
  /** A call that could not be made (WeCom unavailable after retries): the job resumes at the next pass. */
  readonly interrupted?: string;
}

const PER_CUSTOMER: Readonly<Record<number, { state: WecomTransferState; reason: string | null }>> = {
  [WECOM_ERRCODES.ok]: { state: 'waiting', reason: null },
  [WECOM_ERRCODES.alreadyTransferring]: { state: 'waiting', reason: null },
  [WECOM_ERRCODES.takerAtLimit]: { state: 'taker_at_limit', reason: 'taker_at_limit' },
  [WECOM_ERRCODES.transferredTooOften]: { state: 'failed', reason: 'transferred_twice_in_90_days' },
  [WECOM_ERRCODES.handoverNotResigned]: { state: 'failed', reason: 'giver_not_resigned' },
  [WECOM_ERRCODES.notExternalContact]: { state: 'failed', reason: 'not_a_friend' },
  [WECOM_ERRCODES.invalidExternalUserid]: { state: 'failed', reason: 'not_a_friend' },
};
const RESULT_STATE: Readonly<Record<1 | 2 | 3 | 4, WecomTransferState>> = {
  1: 'done',
  2: 'waiting',
  3: 'refused',
  4: 'taker_at_limit',
};
const FINAL: ReadonlySet<WecomTransferState> = new Set(['done', 'refused', 'taker_at_limit', 'failed']);

/** Plans, requests and checks a handover job's WeCom transfers once; call again until `finished`. */
export async function driveWecomTransfers(deps: TransferDeps, jobId: number): Promise<TransferPass> {
  const planned = await planTransfers(deps, jobId);
  let requested = 0;
  let settled = 0;
  let interrupted: string | undefined;
  try {
    requested = await requestTransfers(deps, jobId);
    settled = await checkTransfers(deps, jobId);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'wecom_unavailable') throw error;
    interrupted = error.message;
    deps.logger.warn(
      { jobId, err: error.message },
      'WeCom transfer pass interrupted; it resumes at the next pass',
    );
  }
  const states = await statesOf(deps.db, jobId);
  const open = (states.planned ?? 0) + (states.requested ?? 0) + (states.waiting ?? 0);
  return {
    planned,
    requested,
    settled,
    states,
    finished: open === 0,
    ...(interrupted === undefined ? {} : { interrupted }),
  };
}

/** Rows for the job's customers waiting on WeCom that have none yet (their external user id, giver and taker). */
async function planTransfers(deps: TransferDeps, jobId: number): Promise<number> {
  const result = await sql`
    insert into wecom_transfers (job_id, customer_id, external_userid, handover_userid, takeover_userid, kind)
    select j.id, o.customer_id, c.wecom_external_userid, j.from_manager, o.manager_id,
           case when j.kind = 'departed' then 'resigned' else 'employed' end
    from handover_jobs j
    join customer_owners o on o.handover_job_id = j.id and o.handover_status = 'waiting'
    join customers c on c.id = o.customer_id and c.wecom_external_userid is not null
    where j.id = ${jobId}
    on conflict (job_id, customer_id) do nothing`.execute(deps.db);
  return Number(result.numAffectedRows ?? 0);
}

/** Asks WeCom to move planned (and interrupted) customers, ≤ 100 per call per giver and taker. */
async function requestTransfers(deps: TransferDeps, jobId: number): Promise<number> {
  let count = 0;
  for (;;) {
    const batch = await deps.db
      .selectFrom('wecom_transfers')
      .select(['customer_id', 'external_userid', 'handover_userid', 'takeover_userid', 'kind'])
      .where('job_id', '=', jobId)
      .where('state', 'in', ['planned', 'requested'])
      .orderBy('handover_userid')
      .orderBy('takeover_userid')
      .orderBy('customer_id')
      .limit(TRANSFER_BATCH)
      .execute();
    const first = batch[0];
    if (!first) return count;
    const same = batch.filter(
      (r) => r.handover_userid === first.handover_userid && r.takeover_userid === first.takeover_userid,
    );
    const ids = same.map((r) => r.customer_id);
    const now = deps.clock.now();
    // Written before the call: a crash after WeCom scheduled the move leaves `requested`, asked again on resume.
    await deps.db
      .updateTable('wecom_transfers')
      .set({ state: 'requested', attempts: sql`attempts + 1`, requested_at: now, updated_at: now })
      .where('job_id', '=', jobId)
      .where('customer_id', 'in', ids)
      .execute();
    const answer = await deps.api.transferCustomer(first.kind, {
      handover_userid: first.handover_userid,
      takeover_userid: first.takeover_userid,
      external_userid: same.map((r) => r.external_userid),
      ...(first.kind === 'employed' && deps.successMessage
        ? { transfer_success_msg: deps.successMessage.slice(0, 200) }
        : {}),
    });
    const byExternal = new Map(same.map((r) => [r.external_userid, r.customer_id]));
    const outcomes = new Map<number, { errcode: number; state: WecomTransferState; reason: string | null }>();
    if (answer.errcode !== 0) {
      // The whole call was refused (e.g. the giver has not left): every customer of the batch fails with that code.
      for (const r of same) outcomes.set(r.customer_id, failedWith(answer.errcode));
    } else {
      for (const c of answer.customer ?? []) {
        const customerId = byExternal.get(c.external_userid);
        if (customerId !== undefined)
          outcomes.set(customerId, { errcode: c.errcode, ...outcomeOf(c.errcode) });
      }
    }
    await settle(deps, jobId, outcomes, 'requested');
    // Customers WeCom's answer left out stay `requested`; asking again would loop, so the pass moves on.
    if (outcomes.size === 0) return count;
    count += outcomes.size;
  }
}

/** Reads transfer_result for every giver/taker pair with customers waiting; settles the ones WeCom decided. */
async function checkTransfers(deps: TransferDeps, jobId: number): Promise<number> {
  const pairs = await deps.db
    .selectFrom('wecom_transfers')
    .select(['handover_userid', 'takeover_userid', 'kind'])
    .distinct()
    .where('job_id', '=', jobId)
    .where('state', '=', 'waiting')
    .execute();
  let settled = 0;
  for (const pair of pairs) {
    const waiting = new Map(
      (
        await deps.db
          .selectFrom('wecom_transfers')
          .select(['customer_id', 'external_userid'])
          .where('job_id', '=', jobId)
          .where('state', '=', 'waiting')
          .where('handover_userid', '=', pair.handover_userid)
          .where('takeover_userid', '=', pair.takeover_userid)
          .execute()
      ).map((r) => [r.external_userid, r.customer_id]),
    );
    const outcomes = new Map<number, { errcode: number; state: WecomTransferState; reason: string | null }>();
    let cursor: string | undefined;
    do {
      const page = await deps.api.transferResult(pair.kind, {
        handover_userid: pair.handover_userid,
        takeover_userid: pair.takeover_userid,
        ...(cursor ? { cursor } : {}),
      });
      if (page.errcode !== 0) {
        deps.logger.warn({ jobId, errcode: page.errcode, errmsg: page.errmsg }, 'transfer_result refused');
        break;
      }
      for (const c of page.customer ?? []) {
        const customerId = waiting.get(c.external_userid);
        const state = RESULT_STATE[c.status];
        if (customerId !== undefined && state !== 'waiting')
          outcomes.set(customerId, { errcode: 0, state, reason: state === 'done' ? null : state });
      }
      cursor = page.next_cursor || undefined;
    } while (cursor);
    settled += await settle(deps, jobId, outcomes, 'waiting');
  }
  return settled;
}

function outcomeOf(errcode: number): { state: WecomTransferState; reason: string | null } {
  return PER_CUSTOMER[errcode] ?? { state: 'failed', reason: `wecom_errcode_${errcode}` };
}
function failedWith(errcode: number) {
  return { errcode, ...outcomeOf(errcode === 0 ? -1 : errcode) };
}

/** Writes outcomes of customers still in `from`, and the customers' handover status for final ones, in one go. */
async function settle(
  deps: TransferDeps,
  jobId: number,
  outcomes: ReadonlyMap<number, { errcode: number; state: WecomTransferState; reason: string | null }>,
  from: WecomTransferState,
): Promise<number> {
  if (outcomes.size === 0) return 0;
  const now = deps.clock.now();
  const rows = [...outcomes].map(([customerId, o]) => ({ customer_id: customerId, ...o }));
  await deps.db.transaction().execute(async (tx) => {
    await sql`update wecom_transfers t set state = x.state, errcode = x.errcode, reason = x.reason,
        checked_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz,
        finished_at = case when x.state in ('done', 'refused', 'taker_at_limit', 'failed')
          then ${now.toISOString()}::timestamptz end
      from json_to_recordset(${JSON.stringify(rows)}::json) as x(customer_id integer, errcode integer, state text,
        reason text)
      where t.job_id = ${jobId} and t.customer_id = x.customer_id and t.state = ${from}`.execute(tx);
    const final = rows.filter((r) => FINAL.has(r.state));
    if (final.length > 0)
      await recordAudit(tx, {
        actor: 'system:wecom',
        action: 'handover.wecom_transfer',
        entityType: 'handover_job',
        entityId: String(jobId),
        details: { results: final.map((r) => [r.customer_id, r.state, r.errcode]) },
      });
    // The customers' handover status in the same transaction: a final row is never visited again, so a crash
    // between the two writes would leave a customer waiting for ever.
    await settleWecomTransfers(
      tx,
      'system:wecom',
      final.map((r) => ({ customerId: r.customer_id, jobId, status: handoverStatusOf(r.state) })),
    );
  });
  return rows.length;
}

/** A final WeCom state in the pool's handover words (a failed request counts as refused: it needs a person). */
function handoverStatusOf(state: WecomTransferState): HandoverStatus {
  if (state === 'done') return 'done';
  if (state === 'taker_at_limit') return 'taker_at_limit';
  return 'refused';
}

async function statesOf(db: Kysely<Database>, jobId: number) {
  const rows = await db
    .selectFrom('wecom_transfers')
    .select(['state', db.fn.countAll<string>().as('n')])
    .where('job_id', '=', jobId)
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])) as Partial<
    Record<WecomTransferState, number>
  >;
}
