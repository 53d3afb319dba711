// Handover jobs: creation writes the whole plan (one item per customer and its taker) in one transaction with the
// job, so whatever happens to the process afterwards the job can be resumed from its pending items.
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../../audit/audit.ts';
import type { Clock } from '../../shared/clock.ts';
import { err, ok, type Result } from '../../shared/errors.ts';
import type { Database } from '../../store/operational/database.ts';
import type {
  HandoverItemStatus,
  HandoverJobStatus,
  HandoverKind,
  HandoverSplit,
  HandoverStatus,
} from '../../store/operational/pool-tables.ts';
import { countRows } from '../count.ts';
import { iso } from '../customers.ts';
import { maskName } from '../mask.ts';
import { staffScopeFilter, type DataScope } from '../scope.ts';
import { withStaffNames } from './records.ts';
import {
  checkRequest,
  simulate,
  type HandoverFailure,
  type HandoverPreview,
  type HandoverRequest,
} from './request.ts';

type Deps = { readonly db: Kysely<Database>; readonly clock: Clock };

/** A job with its progress. */
export interface HandoverJob {
  readonly id: number;
  readonly kind: HandoverKind;
  readonly fromManagerId: string;
  readonly takerIds: string[];
  /** Names of the departing manager and of the takers (in takerIds order). */
  readonly fromManagerName: string;
  readonly takerStaff: { id: string; name: string }[];
  readonly split: HandoverSplit;
  readonly reason: string | null;
  readonly status: HandoverJobStatus;
  readonly total: number;
  readonly moved: number;
  readonly refused: number;
  readonly skipped: number;
  readonly pending: number;
  readonly tasksMoved: number;
  readonly chunks: number;
  readonly lastError: string | null;
  readonly createdBy: string;
  readonly createdAt: string | null;
  readonly finishedAt: string | null;
}

/** A job with its per-taker outcome. */
export interface HandoverJobDetail extends HandoverJob {
  readonly takers: {
    takerId: string;
    name: string;
    planned: number;
    moved: number;
    movedAum: number;
    refused: number;
    skipped: number;
  }[];
}

/** One planned customer and what happened to it. */
export interface HandoverItemView {
  readonly seq: number;
  readonly customerNo: string;
  readonly name: string | null;
  readonly aum: number;
  readonly takerId: string;
  readonly takerName: string;
  readonly status: HandoverItemStatus;
  readonly reason: string | null;
  readonly processedAt: string | null;
  readonly handoverStatus: HandoverStatus | null;
}

/** What a handover would do now, without doing it. */
export async function previewHandover(
  deps: Deps,
  scope: DataScope,
  request: HandoverRequest,
): Promise<Result<HandoverPreview, HandoverFailure>> {
  const checked = await checkRequest(deps.db, scope, request, deps.clock.now());
  return checked.ok ? ok(simulate(checked.value)) : checked;
}

/**
 * Creates a job in status running with its whole plan, in one transaction (audited); start it with the runner.
 * Refused while another job of the same manager is still running.
 */
export async function createHandoverJob(
  deps: Deps,
  who: { actor: string; scope: DataScope },
  request: HandoverRequest,
): Promise<Result<{ job: HandoverJob; preview: HandoverPreview }, HandoverFailure>> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    // Locks the manager's row: two concurrent requests for the same pool cannot both pass the running-job check.
    await tx.selectFrom('staff').select('id').where('id', '=', request.fromManagerId).forUpdate().execute();
    // The request (and the caller's scope) first: a manager outside the scope is forbidden whether or not a job of
    // theirs is running, so the answer tells nothing about other branches' handovers.
    const checked = await checkRequest(tx, who.scope, request, now);
    if (!checked.ok) return checked;
    const running = await tx
      .selectFrom('handover_jobs')
      .select('id')
      .where('from_manager', '=', request.fromManagerId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (running) {
      return err<HandoverFailure>({
        code: 'conflict',
        message: `handover job ${running.id} of ${request.fromManagerId} is still running`,
        details: { jobId: running.id },
      });
    }
    const c = checked.value;
    const preview = simulate(c);
    const job = await tx
      .insertInto('handover_jobs')
      .values({
        kind: c.kind,
        from_manager: c.fromManager.id,
        takers: JSON.stringify(c.takers.map((t) => t.id)),
        split: c.split,
        reason: c.reason,
        status: 'running',
        total: c.plan.length,
        created_by: who.actor,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const items = c.plan.map((p) => ({
      job_id: job.id,
      customer_id: p.customerId,
      seq: p.seq,
      taker_id: p.takerId,
      aum: p.aum,
    }));
    await sql`insert into handover_items (job_id, customer_id, seq, taker_id, aum)
      select job_id, customer_id, seq, taker_id, aum
      from json_populate_recordset(null::handover_items, ${JSON.stringify(items)}::json)`.execute(tx);
    await recordAudit(tx, {
      actor: who.actor,
      action: 'handover.create',
      entityType: 'handover_job',
      entityId: String(job.id),
      details: {
        kind: c.kind,
        fromManager: c.fromManager.id,
        takers: c.takers.map((t) => t.id),
        split: c.split,
        reason: c.reason,
        total: c.plan.length,
        foreseen: preview.foreseen,
      },
    });
    const created = await readJob(tx, job.id);
    return ok({ job: created!, preview });
  });
}

/** A job visible in the scope (its departing manager is in the scope), with per-taker totals. */
export async function getHandoverJob(
  db: Kysely<Database>,
  scope: DataScope,
  id: number,
): Promise<HandoverJobDetail | undefined> {
  if (!(await jobInScope(db, scope, id))) return undefined;
  const job = await readJob(db, id);
  if (!job) return undefined;
  const rows = await db
    .selectFrom('handover_items')
    .select([
      'taker_id',
      sql<number>`count(*)`.as('planned'),
      sql<number>`count(*) filter (where status = 'moved')`.as('moved'),
      sql<number>`coalesce(sum(aum) filter (where status = 'moved'), 0)`.as('moved_aum'),
      sql<number>`count(*) filter (where status = 'refused')`.as('refused'),
      sql<number>`count(*) filter (where status = 'skipped')`.as('skipped'),
    ])
    .where('job_id', '=', id)
    .groupBy('taker_id')
    .orderBy('taker_id')
    .execute();
  const names = new Map(job.takerStaff.map((t) => [t.id, t.name]));
  return {
    ...job,
    takers: rows.map((r) => ({
      takerId: r.taker_id,
      name: names.get(r.taker_id) ?? r.taker_id,
      planned: Number(r.planned),
      moved: Number(r.moved),
      movedAum: Number(r.moved_aum),
      refused: Number(r.refused),
      skipped: Number(r.skipped),
    })),
  };
}

/** Jobs in the scope, newest first. */
export async function listHandoverJobs(
  db: Kysely<Database>,
  scope: DataScope,
  filter: { status?: HandoverJobStatus; limit?: number; offset?: number } = {},
): Promise<HandoverJob[]> {
  let q = db
    .selectFrom('handover_jobs as j')
    .innerJoin('staff', 'staff.id', 'j.from_manager')
    .selectAll('j')
    .where(staffScopeFilter(scope))
    .orderBy('j.id', 'desc')
    .limit(filter.limit ?? 50)
    .offset(filter.offset ?? 0);
  if (filter.status) q = q.where('j.status', '=', filter.status);
  return withStaffNames(db, (await q.execute()).map(presentJob));
}

/** A page of a job's items in plan order (names masked). */
export async function handoverItems(
  db: Kysely<Database>,
  jobId: number,
  page: { status?: HandoverItemStatus; limit?: number; offset?: number } = {},
): Promise<{ total: number; items: HandoverItemView[] }> {
  const base = () => {
    let q = db.selectFrom('handover_items as i').where('i.job_id', '=', jobId);
    if (page.status) q = q.where('i.status', '=', page.status);
    return q;
  };
  const [total, rows] = await Promise.all([
    countRows(base()),
    base()
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .leftJoin('customer_owners as o', (j) =>
        j.onRef('o.customer_id', '=', 'i.customer_id').onRef('o.handover_job_id', '=', 'i.job_id'),
      )
      .leftJoin('staff as t', 't.id', 'i.taker_id')
      .select([
        't.name as taker_name',
        'i.seq',
        'c.customer_no',
        'c.name',
        'i.aum',
        'i.taker_id',
        'i.status',
        'i.reason',
        'i.processed_at',
        'o.handover_status',
      ])
      .orderBy('i.seq')
      .limit(page.limit ?? 100)
      .offset(page.offset ?? 0)
      .execute(),
  ]);
  return {
    total,
    items: rows.map((r) => ({
      seq: r.seq,
      customerNo: r.customer_no,
      name: maskName(r.name),
      aum: Number(r.aum),
      takerId: r.taker_id,
      takerName: r.taker_name ?? r.taker_id,
      status: r.status,
      reason: r.reason,
      processedAt: iso(r.processed_at),
      handoverStatus: r.handover_status,
    })),
  };
}

/** Cancels a running job: pending items are skipped (reason cancelled); what already moved stays (audited). */
export async function cancelHandoverJob(
  deps: Deps,
  who: { actor: string; scope: DataScope },
  id: number,
): Promise<Result<HandoverJob, HandoverFailure>> {
  if (!(await jobInScope(deps.db, who.scope, id)))
    return err({ code: 'not_found', message: `no handover job ${id}` });
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const job = await tx
      .selectFrom('handover_jobs')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!job) return err<HandoverFailure>({ code: 'not_found', message: `no handover job ${id}` });
    if (job.status !== 'running')
      return err<HandoverFailure>({ code: 'conflict', message: `handover job ${id} is ${job.status}` });
    const skipped = await tx
      .updateTable('handover_items')
      .set({ status: 'skipped', reason: 'cancelled', processed_at: now })
      .where('job_id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    const n = Number(skipped.numUpdatedRows);
    await tx
      .updateTable('handover_jobs')
      .set({ status: 'cancelled', skipped: sql`skipped + ${n}`, finished_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, {
      actor: who.actor,
      action: 'handover.cancel',
      entityType: 'handover_job',
      entityId: String(id),
      details: { skipped: n },
    });
    return ok((await readJob(tx, id))!);
  });
}

async function jobInScope(db: Kysely<Database>, scope: DataScope, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('handover_jobs as j')
    .innerJoin('staff', 'staff.id', 'j.from_manager')
    .select('j.id')
    .where('j.id', '=', id)
    .where(staffScopeFilter(scope))
    .executeTakeFirst();
  return row !== undefined;
}

async function readJob(db: Kysely<Database>, id: number): Promise<HandoverJob | undefined> {
  const row = await db.selectFrom('handover_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? (await withStaffNames(db, [presentJob(row)]))[0] : undefined;
}

function presentJob(r: {
  id: number;
  kind: HandoverKind;
  from_manager: string;
  takers: string[];
  split: HandoverSplit;
  reason: string | null;
  status: HandoverJobStatus;
  total: number;
  moved: number;
  refused: number;
  skipped: number;
  tasks_moved: number;
  chunks: number;
  last_error: string | null;
  created_by: string;
  created_at: Date;
  finished_at: Date | null;
}): Omit<HandoverJob, 'fromManagerName' | 'takerStaff'> {
  return {
    id: r.id,
    kind: r.kind,
    fromManagerId: r.from_manager,
    takerIds: r.takers,
    split: r.split,
    reason: r.reason,
    status: r.status,
    total: r.total,
    moved: r.moved,
    refused: r.refused,
    skipped: r.skipped,
    pending: r.total - r.moved - r.refused - r.skipped,
    tasksMoved: r.tasks_moved,
    chunks: r.chunks,
    lastError: r.last_error,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    finishedAt: iso(r.finished_at),
  };
}
