import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ClickHouseError, parseError } from '@clickhouse/client';
import { dayOfNumber } from '../../shared/day.ts';
import { EventStoreError, type ConfinedLimits, type EventTable, type QueryParams } from './store.ts';

/**
 * Settings applied to every query on both engines, so chDB and a ClickHouse server return identical JS values
 * whatever their own defaults: 64-bit integers and decimals as JSON numbers, DateTime as 'YYYY-MM-DD hh:mm:ss[.sss]'
 * in UTC, and date/time input parsed leniently (ISO strings with 'T'/'Z' are accepted as well as the space form).
 */
export const EVENT_STORE_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  output_format_json_quote_decimals: 0,
  date_time_output_format: 'simple',
  session_timezone: 'UTC',
  date_time_input_format: 'best_effort',
  input_format_json_read_objects_as_strings: 1,
  input_format_defaults_for_omitted_fields: 1,
} as const;

/** Runs `sql` confined (see `EventStore.queryConfined`) through a store's own `query`. */
export async function queryConfined<Row>(
  query: <R>(sql: string, params?: QueryParams) => Promise<R[]>,
  sql: string,
  limits: ConfinedLimits,
): Promise<Row[]> {
  // formatQuery parses exactly one statement (else SYNTAX_ERROR "Multi-statements are not allowed"); what runs is
  // the engine's re-print of it, so nothing after a `;` or inside a comment can ride along.
  const [printed] = await query<{ f: string }>('SELECT formatQuery({q:String}) AS f', { q: sql });
  const seconds = Math.max(0.1, limits.seconds);
  const memory = Math.max(1 << 20, Math.floor(limits.memoryBytes));
  return query<Row>(
    `${printed?.f ?? ''}\nSETTINGS readonly = 1, max_execution_time = ${seconds}, max_memory_usage = ${memory}`,
  );
}

const SCHEMA_PATH = fileURLToPath(new URL('./schema.sql', import.meta.url));

/** The event store DDL as individual statements, in file order. */
export async function schemaStatements(): Promise<string[]> {
  return splitStatements(await readFile(SCHEMA_PATH, 'utf8'));
}

/** Splits a SQL script on `;` outside quotes and comments, dropping comments and empty statements. */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === '-' && script[i + 1] === '-') {
      while (i < script.length && script[i] !== '\n') i++;
      current += '\n';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      // Copy a quoted literal or identifier whole; a backslash escapes the next character.
      let j = i + 1;
      while (j < script.length && script[j] !== c) j += script[j] === '\\' ? 2 : 1;
      current += script.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === ';') {
      if (current.trim()) out.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/**
 * How each table is loaded from NDJSON in the `insert` row shape: the columns written, the structure the
 * engine parses the input with, and the SELECT list that converts it (ms-epoch times become DateTime64).
 */
interface LoadShape {
  readonly columns: readonly string[];
  readonly structure: string;
  readonly select: string;
  /** DateTime64 columns that callers give as ms-epoch numbers. */
  readonly msEpochColumns: readonly string[];
}

const LOAD_SHAPES: Record<EventTable, LoadShape> = {
  events: {
    columns: ['event_id', 'customer_id', 'distinct_id', 'event', 'time', 'properties'],
    structure:
      'event_id String, customer_id UInt32, distinct_id String, event String, time Int64, properties String',
    select: "event_id, customer_id, distinct_id, event, fromUnixTimestamp64Milli(time, 'UTC'), properties",
    msEpochColumns: ['time', 'received_at'],
  },
  transactions: {
    columns: ['txn_id', 'customer_id', 'account_no', 'product_id', 'kind', 'amount', 'channel', 'time'],
    structure:
      'txn_id String, customer_id UInt32, account_no String, product_id String, kind String, amount Decimal(18, 2), channel String, time Int64',
    select:
      "txn_id, customer_id, account_no, product_id, kind, amount, channel, fromUnixTimestamp64Milli(time, 'UTC')",
    msEpochColumns: ['time'],
  },
  customer_daily: {
    columns: ['date', 'customer_id', 'aum', 'deposit_balance', 'investment_balance', 'loan_balance'],
    structure:
      'date Date, customer_id UInt32, aum Decimal(18, 2), deposit_balance Decimal(18, 2), investment_balance Decimal(18, 2), loan_balance Decimal(18, 2)',
    select: 'date, customer_id, aum, deposit_balance, investment_balance, loan_balance',
    msEpochColumns: [],
  },
};

/** Checks a table name against the closed set, since table names cannot be bound as parameters. */
export function loadShape(table: EventTable): LoadShape {
  const shape = LOAD_SHAPES[table];
  if (!shape) throw new EventStoreError(`unknown event table ${JSON.stringify(table)}`, {});
  return shape;
}

/**
 * `INSERT … SELECT` that loads `table` from an NDJSON source, e.g. `file({path:String}, 'JSONEachRow', …)` on chDB
 * or `input(…)` on a server. `source` receives the quoted structure literal.
 *
 * optimize_on_insert = 0 skips collapsing duplicate ids inside each inserted block: readers dedupe with FINAL anyway,
 * and on a sorted-by-id table that collapse costs about a third of the load's CPU.
 */
export function loadStatement(
  table: EventTable,
  source: (structure: string) => string,
  maxInsertThreads?: number,
): string {
  const shape = loadShape(table);
  const structure = `'${shape.structure}'`;
  const threads = maxInsertThreads
    ? `, max_insert_threads = ${Math.max(1, Math.floor(maxInsertThreads))}`
    : '';
  return (
    `INSERT INTO ${table} (${shape.columns.join(', ')}) SELECT ${shape.select} FROM ${source(structure)}` +
    ` SETTINGS optimize_on_insert = 0${threads}`
  );
}

const DAY_MS = 86_400_000;
// Date.toISOString costs ~1.3 µs on this class of machine, a third of a row's whole JS cost on bulk inserts:
// format the day once and the time of day with arithmetic.
let cachedDay = Number.NaN;
let cachedDayPrefix = '';
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** 'YYYY-MM-DD hh:mm:ss.sss' in UTC: the DateTime64(3) text form every date_time_input_format accepts. */
export function msToDateTime64(ms: number): string {
  if (!Number.isFinite(ms))
    throw new EventStoreError(`event store: time ${ms} is not a millisecond epoch`, {});
  const whole = Math.floor(ms);
  const day = Math.floor(whole / DAY_MS);
  if (day !== cachedDay) {
    cachedDayPrefix = dayOfNumber(day) + ' ';
    cachedDay = day;
  }
  let rest = whole - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${cachedDayPrefix}${pad(h, 2)}:${pad(m, 2)}:${pad(sec, 2)}.${pad(rest - sec * 1000, 3)}`;
}

/**
 * JSONEachRow text for `rows[start, end)`. Only ms-epoch times are converted (to DateTime64 text, which every
 * date_time_input_format reads the same way); nested objects such as event properties stay JSON objects and land in
 * their String column as compact JSON text through input_format_json_read_objects_as_strings, which is cheaper than
 * stringifying them twice. Each row is serialised at once and dies young, which keeps GC cheap on large batches.
 */
export function toJsonEachRow(
  table: EventTable,
  rows: readonly object[],
  start = 0,
  end = rows.length,
): string {
  const { msEpochColumns } = loadShape(table);
  const lines = new Array<string>(Math.max(0, end - start));
  for (let i = start; i < end; i++) {
    const row = rows[i] as Record<string, unknown>;
    let converted: Record<string, unknown> | undefined;
    for (const column of msEpochColumns) {
      const value = row[column];
      if (typeof value === 'number') (converted ??= { ...row })[column] = msToDateTime64(value);
    }
    lines[i - start] = JSON.stringify(converted ?? row);
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** Parses JSONEachRow text into rows. */
export function parseJsonEachRow<Row>(text: string): Row[] {
  const body = text.trimEnd();
  if (body === '') return [];
  // One JSON.parse over the whole result is markedly faster than one per line.
  return JSON.parse(`[${body.split('\n').join(',')}]`) as Row[];
}

/**
 * Normalises an engine or transport failure into an EventStoreError whose message reads the same on both engines:
 * the ClickHouse message, then its error name and code.
 */
export function toEventStoreError(error: unknown, sqlText?: string): EventStoreError {
  if (error instanceof EventStoreError) return error;
  // The ClickHouse client has already split a server error into message, code and name; chDB gives the raw text.
  const parsed =
    error instanceof ClickHouseError
      ? error
      : parseError(error instanceof Error ? error.message : String(error));
  const code =
    parsed instanceof ClickHouseError && /^\d+$/.test(parsed.code) ? Number(parsed.code) : undefined;
  const type = parsed instanceof ClickHouseError ? parsed.type : undefined;
  const message =
    code !== undefined
      ? `${parsed.message.trim().replace(/\.$/, '')} (${type}, code ${code})`
      : parsed.message;
  const where = sqlText ? ` — in: ${sqlText.replace(/\s+/g, ' ').trim().slice(0, 200)}` : '';
  return new EventStoreError(`event store: ${message}${where}`, { code, type, cause: error });
}
