// One chunk of a handover job, in one transaction: the next pending items in plan order are decided against the
// data as it is now, ownership moves with its history, open tasks and reminders follow, items are marked, counters
// and audit are written. A crash anywhere rolls the whole chunk back; a rerun picks up the same items, and items
// already marked are never picked again, so nothing moves twice.
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../../audit/audit.ts';
import type { Database } from '../../store/operational/database.ts';
import { countOwned, moveOpenWork, writeOwnership, type OwnershipChange } from '../ownership.ts';
import { decide, type DecisionState, type HandoverReason, type TakerState } from './plan.ts';
import { recentTransfersOf } from './request.ts';

/** What one chunk did. */
export interface ChunkOutcome {
  /** True when the job has no pending items left (or is no longer running). */
  readonly finished: boolean;
  readonly moved: number;
  readonly refused: number;
  readonly skipped: number;
  readonly tasksMoved: number;
}

/** Processes up to `size` pending items of a running job; finishes the job when none are left. */
export async function executeChunk(
  deps: { db: Kysely<Database>; now: () => Date },
  jobId: number,
  size: number,
): Promise<ChunkOutcome> {
  return deps.db.transaction().execute(async (tx) => {
    const now = deps.now();
    const idle = { moved: 0, refused: 0, skipped: 0, tasksMoved: 0 };
    // The job row lock serialises chunks of one job across runners and processes.
    const job = await tx
      .selectFrom('handover_jobs')
      .selectAll()
      .where('id', '=', jobId)
      .forUpdate()
      .executeTakeFirst();
    if (!job || job.status !== 'running') return { finished: true, ...idle };
    const items = await tx
      .selectFrom('handover_items')
      .select(['customer_id', 'seq', 'taker_id', 'aum'])
      .where('job_id', '=', jobId)
      .where('status', '=', 'pending')
      .orderBy('seq')
      .limit(size)
      .execute();
    if (items.length === 0) {
      await finishJob(tx, job.id, job.created_by, now);
      return { finished: true, ...idle };
    }
    const takerIds = [...job.takers].sort();
    const takerRows = await tx
      .selectFrom('staff')
      .select(['id', 'status', 'pool_capacity'])
      .where('id', 'in', takerIds)
      .orderBy('id')
      .forUpdate()
      .execute();
    const sizes = await countOwned(tx, takerIds);
    const ids = items.map((i) => i.customer_id);
    const owners = await tx
      .selectFrom('customer_owners')
      .select(['customer_id', 'manager_id'])
      .where('customer_id', 'in', ids)
      .forUpdate()
      .execute();
    const friends = await tx
      .selectFrom('customers')
      .select(['id', 'wecom_friend'])
      .where('id', 'in', ids)
      .execute();
    const state: DecisionState = {
      kind: job.kind,
      fromManager: job.from_manager,
      takers: new Map(
        takerRows.map((t): [string, TakerState] => [
          t.id,
          { id: t.id, status: t.status, capacity: t.pool_capacity, owned: sizes.get(t.id) ?? 0 },
        ]),
      ),
      ownerOf: new Map(owners.map((o) => [o.customer_id, o.manager_id])),
      recentTransfers: job.kind === 'in_service' ? await recentTransfersOf(tx, ids, now) : new Map(),
    };
    const wecomFriend = new Set(friends.filter((f) => f.wecom_friend).map((f) => f.id));

    const changes: OwnershipChange[] = [];
    const marks: { customer_id: number; status: string; reason: HandoverReason | null }[] = [];
    const handoverStatus = new Map<number, 'waiting' | 'done'>();
    const refusedStatus: { customer_id: number; hs: 'refused' | 'taker_at_limit' }[] = [];
    for (const item of items) {
      const d = decide(
        {
          customerId: item.customer_id,
          customerNo: '',
          aum: item.aum,
          takerId: item.taker_id,
          seq: item.seq,
        },
        state,
      );
      if (d.status === 'moved') {
        changes.push({ customerId: item.customer_id, from: job.from_manager, to: item.taker_id });
        // A WeCom friend's transfer completes in WeCom later (the integration sets done); others are done now.
        handoverStatus.set(item.customer_id, wecomFriend.has(item.customer_id) ? 'waiting' : 'done');
        marks.push({ customer_id: item.customer_id, status: 'moved', reason: null });
      } else {
        marks.push({ customer_id: item.customer_id, status: d.status, reason: d.reason });
        if (d.status === 'refused')
          refusedStatus.push({
            customer_id: item.customer_id,
            hs: d.reason === 'taker_at_limit' ? 'taker_at_limit' : 'refused',
          });
      }
    }
    await writeOwnership(tx, changes, {
      kind: job.kind === 'departed' ? 'handover' : 'in_service_transfer',
      source: job.kind === 'departed' ? 'handover' : 'in_service_transfer',
      reason: job.reason,
      actor: job.created_by,
      at: now,
      jobId: job.id,
      handoverStatus,
    });
    const work = await moveOpenWork(tx, changes, now);
    if (refusedStatus.length > 0) {
      await sql`update customer_owners o set handover_status = x.hs, handover_job_id = ${job.id}::bigint,
          updated_at = ${now.toISOString()}::timestamptz
        from json_to_recordset(${JSON.stringify(refusedStatus)}::json) as x(customer_id integer, hs text)
        where o.customer_id = x.customer_id and o.manager_id = ${job.from_manager}`.execute(tx);
    }
    await sql`update handover_items i set status = x.status, reason = x.reason, processed_at = ${now.toISOString()}::timestamptz
      from json_to_recordset(${JSON.stringify(marks)}::json) as x(customer_id integer, status text, reason text)
      where i.job_id = ${job.id}::bigint and i.customer_id = x.customer_id and i.status = 'pending'`.execute(
      tx,
    );
    const moved = changes.length;
    const refused = marks.filter((m) => m.status === 'refused').length;
    const skipped = marks.filter((m) => m.status === 'skipped').length;
    await tx
      .updateTable('handover_jobs')
      .set({
        moved: sql`moved + ${moved}`,
        refused: sql`refused + ${refused}`,
        skipped: sql`skipped + ${skipped}`,
        tasks_moved: sql`tasks_moved + ${work.taskIds.length}`,
        chunks: sql`chunks + 1`,
        last_error: null,
        updated_at: now,
      })
      .where('id', '=', job.id)
      .execute();
    // One record per chunk lists every customer it decided: the audit trail of a job is complete and, because it
    // commits with the chunk, never repeats a customer.
    await recordAudit(tx, {
      actor: job.created_by,
      action: 'handover.chunk',
      entityType: 'handover_job',
      entityId: String(job.id),
      details: {
        moved: changes.map((c) => [c.customerId, c.to]),
        refused: marks.filter((m) => m.status === 'refused').map((m) => [m.customer_id, m.reason]),
        skipped: marks.filter((m) => m.status === 'skipped').map((m) => [m.customer_id, m.reason]),
        tasksMoved: work.taskIds,
        remindersMoved: work.reminders,
      },
    });
    const finished = items.length < size;
    if (finished) await finishJob(tx, job.id, job.created_by, now);
    return { finished, moved, refused, skipped, tasksMoved: work.taskIds.length };
  });
}

async function finishJob(db: Kysely<Database>, jobId: number, actor: string, now: Date): Promise<void> {
  const job = await db
    .updateTable('handover_jobs')
    .set({ status: 'done', finished_at: now, updated_at: now })
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .returning(['moved', 'refused', 'skipped', 'tasks_moved', 'total'])
    .executeTakeFirst();
  if (!job) return;
  await recordAudit(db, {
    actor,
    action: 'handover.finish',
    entityType: 'handover_job',
    entityId: String(jobId),
    details: {
      total: job.total,
      moved: job.moved,
      refused: job.refused,
      skipped: job.skipped,
      tasksMoved: job.tasks_moved,
    },
  });
}
