import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../../test/support/cli.ts';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { createTestDatabase, postgresAvailable } from '../../test/support/postgres.ts';
import { fixedClock } from '../shared/clock.ts';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { failInterruptedImports, IMPORT_RUN_LOCK } from './recovery.ts';

// Issue #9, item 6: an import killed with SIGKILL must not leave its import_runs row 'running' for ever; the next
// start closes it as failed, while an import still running in another live process is left alone.

const clock = fixedClock('2026-11-23T10:00:00Z');
const pg = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), 'flywheel-recovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const running = (store: OperationalStore, source: string) =>
  store.db
    .insertInto('import_runs')
    .values({ kind: 'customers', source, started_at: clock.now(), status: 'running', actor: 'test' })
    .returning('id')
    .executeTakeFirstOrThrow();

describe('interrupted imports', () => {
  it('on PGlite every running import at start is a dead one (one process per data directory)', async () => {
    const store = await openMigratedMemoryStore();
    try {
      const run = await running(store, 'killed.csv');
      expect(await failInterruptedImports(store, clock)).toEqual([run.id]);
      const row = await store.db
        .selectFrom('import_runs')
        .selectAll()
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('failed');
      expect(row.summary).toMatchObject({ error: expect.stringMatching(/^interrupted/) });
      const audit = await store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_type', '=', 'import_run')
        .execute();
      expect(audit).toEqual([
        expect.objectContaining({ action: 'import.customers', entity_id: String(run.id) }),
      ]);
      expect(await failInterruptedImports(store, clock)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it.runIf(pg)(
    'on PostgreSQL an import killed with SIGKILL is closed at the next start; a live one elsewhere is not',
    async () => {
      const database = await createTestDatabase('flywheel_recovery');
      const store = await openOperationalStore({ kind: 'postgres', url: database.url });
      try {
        await migrate(store);
        const mapping = join(dir, 'mapping.json');
        writeFileSync(mapping, JSON.stringify({ columns: { customer_no: 'no', aum: 'aum' } }));
        const file = join(dir, 'big.csv');
        const lines = ['no,aum'];
        for (let i = 1; i <= 400_000; i++) lines.push(`C${i},${i}`);
        writeFileSync(file, lines.join('\n'));
        const child = spawn(process.execPath, [CLI_BIN, 'import', 'customers', file, '--mapping', mapping], {
          env: { ...process.env, DATABASE_URL: database.url, FLYWHEEL_DATA_DIR: dir, LOG_LEVEL: 'warn' },
          stdio: 'ignore',
        });
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // Killed as soon as its run is recorded: mid-file.
        let id: number | undefined;
        for (let i = 0; i < 600 && id === undefined; i++) {
          const row = await store.db
            .selectFrom('import_runs')
            .select('id')
            .where('status', '=', 'running')
            .executeTakeFirst();
          id = row?.id;
          if (id === undefined) await new Promise((r) => setTimeout(r, 50));
        }
        expect(id).toBeDefined();
        child.kill('SIGKILL');
        await exited;

        // A run another live process holds stays running.
        const live = await running(store, 'live.csv');
        const release = await store.holdLock(IMPORT_RUN_LOCK, live.id);
        try {
          expect(await failInterruptedImports(store, clock)).toEqual([id]);
        } finally {
          await release();
        }
        const rows = await store.db
          .selectFrom('import_runs')
          .select(['id', 'status'])
          .orderBy('id')
          .execute();
        expect(rows).toEqual([
          { id, status: 'failed' },
          { id: live.id, status: 'running' },
        ]);
        // Nothing of the killed file was committed (one transaction per file).
        const customers = await store.db
          .selectFrom('customers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(customers.n)).toBe(0);
      } finally {
        await store.close();
        await database.drop();
      }
    },
    120_000,
  );
});
