import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import type { OperationalStore } from '../store/operational/store.ts';

// An import holds a liveness lock for its run (OperationalStore.holdLock) from the moment its import_runs row says
// 'running'. A process killed mid-import (SIGKILL, a crash, a lost machine) loses the lock with its connection, so at
// the next start of any process the row can be closed as failed instead of saying 'running' for ever. The import
// itself left nothing half-done: each file is one transaction unless --allow-partial, whose batches commit whole.

/** Lock namespace of import runs (the id is the run's). */
export const IMPORT_RUN_LOCK = 727_302;

/** Marks 'running' import runs whose process is gone as failed, audited; returns their ids. */
export async function failInterruptedImports(store: OperationalStore, clock: Clock): Promise<number[]> {
  const running = await store.db
    .selectFrom('import_runs')
    .select(['id', 'kind', 'source'])
    .where('status', '=', 'running')
    .execute();
  const failed: number[] = [];
  for (const run of running) {
    if (await store.lockHeld(IMPORT_RUN_LOCK, run.id)) continue;
    const summary = {
      error:
        'interrupted: the process running this import stopped before it finished (found at the next start); nothing of it was committed unless it ran with --allow-partial',
    };
    const closed = await store.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('import_runs')
        .set({ status: 'failed', finished_at: clock.now(), summary: JSON.stringify(summary) })
        .where('id', '=', run.id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (!res.numUpdatedRows) return false;
      await recordAudit(trx, {
        actor: 'system',
        action: `import.${run.kind}`,
        entityType: 'import_run',
        entityId: String(run.id),
        details: { file: run.source, status: 'failed', ...summary },
      });
      return true;
    });
    if (closed) failed.push(run.id);
  }
  return failed;
}
