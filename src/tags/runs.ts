import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/operational/database.ts';

// tag_runs: one row per computation of the catalogue (or of some tags), written as 'running' when it starts so that
// an operator sees work in progress, and finished with the per-tag outcome in the transaction that saves the values.

/** The outcome of one tag in a run. */
export interface TagResult {
  readonly key: string;
  readonly status: 'ok' | 'failed';
  /** Values computed (including empty ones). */
  readonly values: number;
  /** Customers with at least one value. */
  readonly members: number;
  readonly elapsedMs: number;
  readonly error?: string;
}

/** A run as listed by the API. */
export interface TagRun {
  readonly id: number;
  readonly asOf: string;
  readonly trigger: 'schedule' | 'manual' | 'start';
  readonly status: 'running' | 'done' | 'failed';
  readonly startedBy: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly results: TagResult[];
}

/** Records a run as started and returns its id. */
export async function startRun(
  db: Kysely<Database>,
  run: { asOf: string; trigger: TagRun['trigger']; actor: string },
): Promise<number> {
  const row = await db
    .insertInto('tag_runs')
    .values({
      as_of: run.asOf,
      trigger: run.trigger,
      status: 'running',
      started_by: run.actor,
      results: '[]',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Records how a run ended (in the caller's transaction when given). */
export async function finishRun(
  db: Kysely<Database> | Transaction<Database>,
  id: number,
  status: 'done' | 'failed',
  results: readonly TagResult[],
): Promise<void> {
  await db
    .updateTable('tag_runs')
    .set({ status, finished_at: sql`now()`, results: JSON.stringify(results) })
    .where('id', '=', id)
    .execute();
}

/** The latest runs, newest first. */
export async function listRuns(db: Kysely<Database>, limit: number): Promise<TagRun[]> {
  const rows = await db
    .selectFrom('tag_runs')
    .select([
      'id',
      sql<string>`as_of::text`.as('as_of'),
      'trigger',
      'status',
      'started_by',
      'started_at',
      'finished_at',
      'results',
    ])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    asOf: r.as_of,
    trigger: r.trigger,
    status: r.status,
    startedBy: r.started_by,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    results: r.results as TagResult[],
  }));
}
