// Bulk paths into both stores. The operational store takes each batch as one JSON text parameter expanded by
// json_populate_recordset (one statement per table and slice, no bind-parameter limit, column types taken from
// the table itself). The event store takes NDJSON files parsed by the engine, loaded in the background (chDB
// works on its own threads) while the operational inserts run.
import { rm } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import type { EventStore, EventTable } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';

/** Files queued but not yet loaded before `enqueue` waits: bounds temporary disk use. */
const MAX_QUEUED_FILES = 6;

/** Inserts a JSON array of row objects (keyed by the given columns) into an operational table in one statement. */
export async function insertJson(
  db: Kysely<Database>,
  table: keyof Database,
  columns: readonly string[],
  json: string,
): Promise<void> {
  if (columns.length === 0) return;
  const list = sql.join(columns.map((c) => sql.ref(c)));
  await sql`insert into ${sql.table(table)} (${list})
    select ${list} from json_populate_recordset(null::${sql.table(table)}, ${json}::json)`.execute(db);
}

/** Inserts row objects into an operational table (small reference tables). */
export async function insertRows(
  db: Kysely<Database>,
  table: keyof Database,
  rows: readonly object[],
): Promise<void> {
  if (rows.length > 0) await insertJson(db, table, Object.keys(rows[0] ?? {}), JSON.stringify(rows));
}

/** Loads NDJSON files into the event store one after another, in the background; each file is removed once loaded. */
export class EventLoader {
  readonly #events: EventStore;
  #chain: Promise<void> = Promise.resolve();
  readonly #pending: Promise<void>[] = [];
  #failure: unknown;
  /** Milliseconds the engine spent loading (wall clock of the loads, which overlap other work). */
  loadMs = 0;

  constructor(events: EventStore) {
    this.#events = events;
  }

  /** Queues a file for loading into a table; waits only while several files are already queued. */
  async enqueue(table: EventTable, path: string): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    while (this.#pending.length >= MAX_QUEUED_FILES) await this.#pending[0];
    const load = this.#chain.then(async () => {
      try {
        if (this.#failure !== undefined) return;
        const started = performance.now();
        await this.#events.insertNdjsonFile(table, path);
        this.loadMs += performance.now() - started;
      } catch (error) {
        this.#failure ??= error;
      } finally {
        await rm(path, { force: true });
      }
    });
    this.#chain = load;
    this.#pending.push(load);
    void load.then(() => this.#pending.splice(this.#pending.indexOf(load), 1));
  }

  /** Waits for every queued load and rethrows the first failure. */
  async finish(): Promise<void> {
    await this.#chain;
    if (this.#failure !== undefined) throw this.#failure;
  }
}

/**
 * Drops the secondary indexes (those backing no constraint) of the given tables and returns a function that
 * recreates them from their saved definitions. Building an index once over loaded rows is cheaper than updating it
 * row by row (on PGlite a fifth of the insert time at 100k customers, more at 1M, where random keys such as the
 * phone hash outgrow the buffer cache). Only for tables still empty, inside the loading transaction: a rollback
 * brings the indexes back, and no other session sees the table without them.
 */
export async function deferSecondaryIndexes(
  db: Kysely<Database>,
  tables: readonly (keyof Database)[],
): Promise<() => Promise<void>> {
  const { rows } = await sql<{ name: string; definition: string }>`
    select i.indexname as name, i.indexdef as definition from pg_indexes i
    where i.schemaname = current_schema() and i.tablename in (${sql.join(tables.map((t) => sql.lit(t)))})
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.connamespace = current_schema()::regnamespace)
    order by i.indexname`.execute(db);
  for (const index of rows) await sql`drop index ${sql.id(index.name)}`.execute(db);
  return async () => {
    for (const index of rows) await sql.raw(index.definition).execute(db);
  };
}
