import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { OperationalStore } from './store.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** What one migration run did. */
export interface MigrationReport {
  readonly applied: readonly string[];
  readonly alreadyApplied: number;
}

// Serialises concurrent starters (several services migrating one PostgreSQL database at once).
const MIGRATION_LOCK = 727274;

/** Applies every pending `.sql` migration in name order, each atomically with its bookkeeping row. */
export async function migrate(store: OperationalStore): Promise<MigrationReport> {
  const { db } = store;
  // Scripts carry no explicit BEGIN/COMMIT: a multi-statement script is one implicit transaction that Postgres rolls
  // back by itself on error. With an explicit BEGIN a failed script would leave its pooled connection inside an
  // aborted transaction. The xact lock also serialises `create table if not exists`, which races on pg_type otherwise.
  await store.execScript(`select pg_advisory_xact_lock(${MIGRATION_LOCK});
create table if not exists schema_migrations (
  name text primary key,
  applied_at timestamptz not null default now()
);`);
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (const file of files) {
    const done = await db
      .selectFrom('schema_migrations')
      .select('name')
      .where('name', '=', file)
      .executeTakeFirst();
    if (done) continue;
    const text = await readFile(MIGRATIONS_DIR + file, 'utf8');
    const name = file.replaceAll("'", "''");
    // The re-check under the lock makes a concurrent loser a no-op rather than a second application.
    const ran = await store
      .execScript(
        `select pg_advisory_xact_lock(${MIGRATION_LOCK});
do $migrate$ begin
  if exists (select 1 from schema_migrations where name = '${name}') then
    raise exception 'flywheel: migration already applied' using errcode = 'P0001', hint = 'already-applied';
  end if;
end $migrate$;
${text}
;
insert into schema_migrations (name) values ('${name}');`,
      )
      .then(
        () => true,
        (error: unknown) => {
          if (String(error).includes('migration already applied')) return false;
          throw error;
        },
      );
    if (ran) applied.push(file);
  }
  return { applied, alreadyApplied: files.length - applied.length };
}
