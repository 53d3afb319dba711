import { sql, type Kysely } from 'kysely';
import { maskName } from '../pool/mask.ts';
import type { Database } from '../store/operational/database.ts';
import type { WecomTransferState } from '../store/operational/wecom-transfer-tables.ts';

// What a branch head sees of a handover's WeCom transfers: how many customers stand where, and a page of them — the
// refused ones first, with a reason and the taker — so they can be given to another taker (transfer-retry.ts). The
// caller has checked that the job is in their scope.

/** One customer's WeCom transfer as the dashboard shows it (name masked). */
export interface TransferView {
  readonly customerNo: string;
  readonly name: string | null;
  readonly giverId: string;
  readonly takerId: string;
  readonly takerName: string | null;
  readonly state: WecomTransferState;
  readonly reason: string | null;
  readonly errcode: number | null;
  readonly attempts: number;
  readonly retriedFrom: string | null;
  readonly requestedAt: string | null;
  readonly finishedAt: string | null;
}

const ORDER: Readonly<Record<WecomTransferState, number>> = {
  refused: 0,
  taker_at_limit: 1,
  failed: 2,
  requested: 3,
  planned: 4,
  waiting: 5,
  done: 6,
};

/** Counts by state and a page of a job's WeCom transfers (those needing a person first). */
export async function listTransfers(
  db: Kysely<Database>,
  jobId: number,
  page: { state?: WecomTransferState | undefined; limit: number; offset: number },
): Promise<{ states: Partial<Record<WecomTransferState, number>>; total: number; items: TransferView[] }> {
  const counts = await db
    .selectFrom('wecom_transfers')
    .select(['state', db.fn.countAll<string>().as('n')])
    .where('job_id', '=', jobId)
    .groupBy('state')
    .execute();
  const states = Object.fromEntries(counts.map((c) => [c.state, Number(c.n)])) as Partial<
    Record<WecomTransferState, number>
  >;
  const total = page.state ? (states[page.state] ?? 0) : Object.values(states).reduce((a, b) => a + b, 0);
  let q = db
    .selectFrom('wecom_transfers as w')
    .innerJoin('customers as c', 'c.id', 'w.customer_id')
    .leftJoin('staff as t', 't.id', 'w.takeover_userid')
    .select([
      'c.customer_no',
      'c.name',
      'w.handover_userid',
      'w.takeover_userid',
      't.name as taker_name',
      'w.state',
      'w.reason',
      'w.errcode',
      'w.attempts',
      'w.retried_from',
      'w.requested_at',
      'w.finished_at',
    ])
    .where('w.job_id', '=', jobId);
  if (page.state) q = q.where('w.state', '=', page.state);
  const rank = sql<number>`case w.state ${sql.join(
    Object.entries(ORDER).map(([state, n]) => sql`when ${state} then ${n}`),
    sql` `,
  )} end`;
  const rows = await q.orderBy(rank).orderBy('c.customer_no').limit(page.limit).offset(page.offset).execute();
  const items = rows.map((r): TransferView => ({
    customerNo: r.customer_no,
    name: maskName(r.name),
    giverId: r.handover_userid,
    takerId: r.takeover_userid,
    takerName: r.taker_name,
    state: r.state,
    reason: r.reason,
    errcode: r.errcode,
    attempts: r.attempts,
    retriedFrom: r.retried_from,
    requestedAt: r.requested_at ? new Date(r.requested_at).toISOString() : null,
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  }));
  return { states, total, items };
}
