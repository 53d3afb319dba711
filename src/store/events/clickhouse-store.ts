import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import {
  EVENT_STORE_SETTINGS,
  loadShape,
  loadStatement,
  queryConfined,
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

/** Opens the event store on a ClickHouse server over HTTP(S), e.g. `http://user:pass@host:8123/db`. */
export async function openClickHouseStore(url: string): Promise<EventStore> {
  const client = createClient({
    url,
    clickhouse_settings: { ...EVENT_STORE_SETTINGS },
    // Bulk loads and FINAL scans can run for minutes; the default 30 s would cut them off.
    request_timeout: 600_000,
    // Every failure is rethrown as an EventStoreError with the statement; the client's own console logging would
    // only duplicate it.
    log: { level: ClickHouseLogLevel.OFF },
  });
  const ping = await client.ping();
  if (!ping.success) {
    await client.close();
    const reason = ping.error instanceof Error ? ping.error.message : String(ping.error);
    throw new EventStoreError(`event store: ClickHouse at ${redact(url)} is unreachable: ${reason}`, {
      cause: ping.error,
    });
  }
  return new ClickHouseEventStore(client);
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

class ClickHouseEventStore implements EventStore {
  readonly kind = 'clickhouse' as const;
  readonly #client: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.#client = client;
  }

  async query<Row>(sql: string, params?: QueryParams): Promise<Row[]> {
    try {
      const result = await this.#client.query({
        query: sql,
        format: 'JSONEachRow',
        query_params: params ?? {},
      });
      return await result.json<Row>();
    } catch (error) {
      throw toEventStoreError(error, sql);
    }
  }

  queryConfined<Row>(sql: string, limits: ConfinedLimits): Promise<Row[]> {
    return queryConfined<Row>((q, params) => this.query(q, params), sql, limits);
  }

  async command(sql: string, params?: QueryParams): Promise<void> {
    try {
      await this.#client.command({ query: sql, query_params: params ?? {} });
    } catch (error) {
      throw toEventStoreError(error, sql);
    }
  }

  async insert<T extends EventTable>(table: T, rows: readonly object[]): Promise<number> {
    if (rows.length === 0) return 0;
    loadShape(table);
    // Readers dedupe with FINAL, so collapsing duplicate ids inside each block is wasted CPU (see sql.ts).
    const sql = `INSERT INTO ${table} SETTINGS optimize_on_insert = 0 FORMAT JSONEachRow`;
    // Raw JSONEachRow text serialised batch by batch as the body streams out, so a large insert is never held twice
    // (client.insert would JSON-encode every row a second time).
    await this.#exec(sql, Readable.from(jsonBatches(table, rows)));
    return rows.length;
  }

  async insertNdjsonFile(table: EventTable, path: string): Promise<void> {
    // The server cannot see our disk: stream the file as the body and let input() convert it server-side.
    const sql = `${loadStatement(table, (structure) => `input(${structure})`)} FORMAT JSONEachRow`;
    // Opened first so a missing file is a clean rejection rather than an error event on a stream mid-request.
    const file = await open(path, 'r').catch((error: unknown) => {
      throw toEventStoreError(error, sql);
    });
    const body = file.createReadStream();
    let readError: unknown;
    body.once('error', (error) => (readError = error));
    try {
      await this.#exec(sql, body);
    } finally {
      body.destroy();
      await file.close().catch(() => undefined);
    }
    if (readError) throw toEventStoreError(readError, sql);
  }

  async #exec(sql: string, body: Readable): Promise<void> {
    try {
      const result = await this.#client.exec({ query: sql, values: body });
      // Drain the (empty) response so the socket goes back to the pool.
      for await (const _ of result.stream) void _;
    } catch (error) {
      throw toEventStoreError(error, sql);
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

const STREAM_BATCH_ROWS = 10_000;

function* jsonBatches(table: EventTable, rows: readonly object[]): Generator<string> {
  for (let start = 0; start < rows.length; start += STREAM_BATCH_ROWS) {
    yield toJsonEachRow(table, rows, start, Math.min(rows.length, start + STREAM_BATCH_ROWS));
  }
}
