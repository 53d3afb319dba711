import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Session, drainPending } from 'chdb';
import {
  EVENT_STORE_SETTINGS,
  loadStatement,
  queryConfined,
  parseJsonEachRow,
  toEventStoreError,
  toJsonEachRow,
} from './sql.ts';
import {
  EventStoreError,
  type ConfinedLimits,
  type EventStore,
  type EventTable,
  type QueryParams,
} from './store.ts';
import { lockStoreDirectory } from '../directory-lock.ts';

// libchdb binds one data directory per process. Stores opened on the same directory share it (each has its own
// connection); a store on a different directory can only open once every earlier one is closed and drained.
// The first of them holds the directory's lock against other processes (released by the last to close).
let boundDir: { path: string; stores: number; release?: () => void } | undefined;

// Readers dedupe with FINAL, so collapsing duplicate ids inside each inserted block is wasted CPU (see sql.ts).
const INSERT_SETTINGS = { optimize_on_insert: 0 };

// Rows per INSERT on the JSON path: bounds the size of one payload string while keeping parts few.
const INSERT_BATCH_ROWS = 50_000;

/** Opens the embedded event store on `<dataDir>/events`, or on a temporary directory removed at close when null. */
export async function openChdbStore(dataDir: string | null): Promise<EventStore> {
  const path = dataDir === null ? null : resolve(dataDir, 'events');
  if (path !== null) await mkdir(path, { recursive: true });
  if (boundDir !== undefined && (path === null || boundDir.path !== path)) {
    throw new EventStoreError(
      `event store: chDB is already open on ${boundDir.path} in this process; it binds one data directory per ` +
        `process, so close that store first (or open the same directory)`,
      {},
    );
  }
  // A previous store may have closed while its last operations were still draining: wait for them.
  await drainPending();
  // Another process on the same directory would lose writes silently: the first store of the process takes it.
  const release =
    path !== null && boundDir === undefined ? lockStoreDirectory(path, 'event store') : undefined;
  let session: Session;
  try {
    // Load tables synchronously at connect, so the first query after a restart sees every table.
    const args = ['--async_load_databases=0', '--async_load_system_database=0'];
    session = new Session(path ?? undefined, { connectionArgs: args });
  } catch (error) {
    release?.();
    throw toEventStoreError(error);
  }
  const bound = path ?? resolve(session.path);
  boundDir = boundDir
    ? { ...boundDir, stores: boundDir.stores + 1 }
    : { path: bound, stores: 1, ...(release ? { release } : {}) };

  // Settings live on the connection, so one SET applies them to every later statement of this store.
  const settings = Object.entries(EVENT_STORE_SETTINGS)
    .map(([k, v]) => `${k} = ${typeof v === 'string' ? `'${v}'` : v}`)
    .join(', ');
  const store = new ChdbEventStore(session);
  try {
    await store.command(`SET ${settings}`);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

class ChdbEventStore implements EventStore {
  readonly kind = 'chdb' as const;
  readonly #session: Session;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor(session: Session) {
    this.#session = session;
  }

  async query<Row>(sql: string, params?: QueryParams): Promise<Row[]> {
    const result = await this.#run(sql, params, 'JSONEachRow');
    return parseJsonEachRow<Row>(result.text());
  }

  queryConfined<Row>(sql: string, limits: ConfinedLimits): Promise<Row[]> {
    return queryConfined<Row>((q, params) => this.query(q, params), sql, limits);
  }

  async command(sql: string, params?: QueryParams): Promise<void> {
    await this.#run(sql, params, 'TabSeparated');
  }

  async insert<T extends EventTable>(table: T, rows: readonly object[]): Promise<number> {
    for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
      // Raw JSONEachRow bytes: the engine's parser does the work; the VALUES path would build SQL text in JS.
      const payload = Buffer.from(
        toJsonEachRow(table, rows, start, Math.min(rows.length, start + INSERT_BATCH_ROWS)),
      );
      await this.#track(
        this.#session
          .insert({ table, values: payload, format: 'JSONEachRow', settings: INSERT_SETTINGS })
          .catch((error: unknown) => {
            throw toEventStoreError(error, `INSERT INTO ${table}`);
          }),
      );
    }
    return rows.length;
  }

  async insertNdjsonFile(table: EventTable, path: string): Promise<void> {
    // The engine reads the file itself (parallel parsing, no JS in the loop); the path is bound, not spliced.
    const absolute = isAbsolute(path) ? path : join(process.cwd(), path);
    // Sorting and writing blocks in parallel roughly halves the wall time of a load on a 2-core machine.
    const sql = loadStatement(
      table,
      (structure) => `file({path:String}, 'JSONEachRow', ${structure})`,
      availableParallelism(),
    );
    await this.#run(sql, { path: absolute }, 'TabSeparated');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    this.#session.close();
    // close() defers the native teardown while anything is still running; wait so a later open can rebind.
    await drainPending();
    if (boundDir && --boundDir.stores <= 0) {
      boundDir.release?.();
      boundDir = undefined;
    }
  }

  async #run(sql: string, params: QueryParams | undefined, format: string) {
    if (this.#closed) throw new EventStoreError('event store: used after close()', {});
    const hasParams = params !== undefined && Object.keys(params).length > 0;
    const pending = hasParams
      ? this.#session.queryBindAsync(sql, params, { format })
      : this.#session.queryAsync(sql, { format });
    return this.#track(pending.catch((error: unknown) => Promise.reject(toEventStoreError(error, sql))));
  }

  #track<T>(operation: Promise<T>): Promise<T> {
    this.#inFlight.add(operation);
    const forget = () => this.#inFlight.delete(operation);
    operation.then(forget, forget);
    return operation;
  }
}
