/** One behaviour event as stored: `customer_id` is the dense ordinal, 0 when the distinct id is not yet known. */
export interface BehaviourEvent {
  readonly event_id: string;
  readonly customer_id: number;
  readonly distinct_id: string;
  readonly event: string;
  /** Milliseconds since the epoch, UTC. */
  readonly time: number;
  /** Flat JSON object of event properties. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Transaction kinds the customer initiates (interest and fees are posted by the bank). */
export const CUSTOMER_TRANSACTION_KINDS = [
  'deposit',
  'withdrawal',
  'purchase',
  'redemption',
  'repayment',
  'transfer_in',
  'transfer_out',
] as const;

/** Every kind of transaction the transactions table holds. */
export const TRANSACTION_KINDS = [...CUSTOMER_TRANSACTION_KINDS, 'interest', 'fee'] as const;

/** One monetary transaction on an account. */
export interface TransactionRecord {
  readonly txn_id: string;
  readonly customer_id: number;
  readonly account_no: string;
  readonly product_id: string;
  readonly kind: (typeof TRANSACTION_KINDS)[number];
  /** Amount in CNY, positive, at most 2 decimals (the column is Decimal(18, 2); extra digits are truncated). */
  readonly amount: number;
  readonly channel: string;
  /** Milliseconds since the epoch, UTC. */
  readonly time: number;
}

/** A customer's assets under management on one day. */
export interface DailyCustomerFact {
  /** 'YYYY-MM-DD' */
  readonly date: string;
  readonly customer_id: number;
  readonly aum: number;
  readonly deposit_balance: number;
  readonly investment_balance: number;
  readonly loan_balance: number;
}

export type EventTable = 'events' | 'transactions' | 'customer_daily';

/** Row shape accepted by `insert` for each table. */
export interface EventTableRow {
  events: BehaviourEvent;
  transactions: TransactionRecord;
  customer_daily: DailyCustomerFact;
}

/** Limits of a confined statement (see `EventStore.queryConfined`). */
export interface ConfinedLimits {
  readonly seconds: number;
  readonly memoryBytes: number;
}

/** Query parameters bound server-side as `{name:Type}` placeholders, never spliced into SQL. */
export type QueryParams = Readonly<Record<string, string | number | boolean | readonly (string | number)[]>>;

/**
 * What a query returns, the same on both engines (see `EVENT_STORE_SETTINGS` in sql.ts):
 * UInt64/Int64 and Decimal → JS number (exact below 2^53 / 15 significant digits),
 * DateTime64(3) → 'YYYY-MM-DD hh:mm:ss.sss' in UTC, DateTime → 'YYYY-MM-DD hh:mm:ss', Date → 'YYYY-MM-DD'.
 */
export type EventRow = Record<string, unknown>;

/**
 * The event store seam: ClickHouse-dialect SQL over chDB (embedded) or a ClickHouse server.
 * Read tables through their deduplicated views (`*_dedup`), so a re-sent id never counts twice.
 */
export interface EventStore {
  readonly kind: 'chdb' | 'clickhouse';
  /** Runs a query (no FORMAT clause) and returns its rows. */
  query<Row = EventRow>(sql: string, params?: QueryParams): Promise<Row[]>;
  /**
   * Runs one SELECT someone wrote (an SQL tag) as the only statement of its request, read-only and within limits:
   * the engine re-prints the one statement it parsed (a second one is refused) and runs that re-print with
   * SETTINGS readonly = 1, max_execution_time and max_memory_usage. Callers check the statement first
   * (src/tags/sandbox): a SETTINGS clause inside it could loosen these.
   */
  queryConfined<Row = EventRow>(sql: string, limits: ConfinedLimits): Promise<Row[]>;
  /** Runs a statement that returns nothing (DDL, INSERT … SELECT, OPTIMIZE, TRUNCATE). */
  command(sql: string, params?: QueryParams): Promise<void>;
  /**
   * Inserts rows given as JS objects (`time` as ms epoch, `properties` as an object); returns how many were sent.
   * Not atomic across internal batches; re-sending is safe because ids deduplicate.
   */
  insert<T extends EventTable>(table: T, rows: readonly EventTableRow[T][]): Promise<number>;
  /**
   * Bulk-loads a newline-delimited JSON file whose lines have the `insert` row shape, parsed by the engine
   * (chDB reads the file in-process; a server receives it streamed as the request body).
   */
  insertNdjsonFile(table: EventTable, path: string): Promise<void>;
  close(): Promise<void>;
}

/** A failure reported by the event store, with the ClickHouse error code and name when the engine gave one. */
export class EventStoreError extends Error {
  /** ClickHouse error code, e.g. 62 for a syntax error, 60 for an unknown table; undefined for transport errors. */
  readonly code: number | undefined;
  /** ClickHouse error name, e.g. 'SYNTAX_ERROR'. */
  readonly type: string | undefined;

  constructor(
    message: string,
    details: { code?: number | undefined; type?: string | undefined; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'EventStoreError';
    this.code = details.code;
    this.type = details.type;
  }
}
