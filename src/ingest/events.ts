import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/operational/database.ts';
import type { EventStore } from '../store/events/store.ts';
import { customerIds, type BatchOutcome, type BatchRow, type References } from './operational.ts';

// Events and transactions go to the event store, which has no transactions. So nothing is written there until the
// whole file has been validated: valid rows are staged in a local NDJSON file in the store's bulk-load shape, and
// only when the import is accepted does the engine load that file (chDB reads it in-process; a server gets it
// streamed). Rows already stored with identical values are not staged at all, so a re-import writes nothing.

/** Rows per lookup of existing ids: keeps the bound id list well below URL and query size limits. */
const LOOKUP_CHUNK = 5_000;

/** Resolves Sensors-style distinct ids to customer ordinals: app login identities first, then customer numbers. */
export async function resolveDistinctIds(
  db: Kysely<Database>,
  distinctIds: readonly string[],
): Promise<Map<string, number>> {
  const unique = [...new Set(distinctIds)];
  if (unique.length === 0) return new Map();
  // Two index probes with = any(): a join against unnest() made the planner hash the whole customers table, and a
  // UNION of the two ran at half the speed of two statements on PGlite.
  const identities = await sql<{ key: string; id: number }>`
    select value as key, customer_id as id from customer_identities
    where kind = 'distinct_id' and value = any(${unique}::text[])`.execute(db);
  const customers = await sql<{ key: string; id: number }>`
    select customer_no as key, id from customers where customer_no = any(${unique}::text[])`.execute(db);
  const out = new Map<string, number>();
  for (const r of customers.rows) out.set(r.key, r.id);
  for (const r of identities.rows) out.set(r.key, r.id);
  return out;
}

/** A row in the event store's load shape. */
type StagedRow = Record<string, string | number>;

/** Stages validated event or transaction rows and loads them into the event store on commit. */
export class EventStager {
  readonly #table: 'events' | 'transactions';
  readonly #db: Kysely<Database>;
  readonly #events: EventStore;
  readonly #refs: References;
  readonly #path: string;
  #out: WriteStream | undefined;
  #staged = 0;
  /** The distinct event names of the rows staged (for the data dictionary). */
  readonly eventNames = new Set<string>();

  constructor(
    table: 'events' | 'transactions',
    deps: { db: Kysely<Database>; events: EventStore; refs: References },
    stagingPath: string,
  ) {
    this.#table = table;
    this.#db = deps.db;
    this.#events = deps.events;
    this.#refs = deps.refs;
    this.#path = stagingPath;
  }

  /** Validates references of one batch, compares with stored rows, and stages what is new or changed. */
  async write(rows: readonly BatchRow[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
    const staged =
      this.#table === 'events' ? await this.#events_(rows, outcome) : await this.#transactions(rows, outcome);
    if (staged.length === 0) return outcome;
    const idColumn = this.#table === 'events' ? 'event_id' : 'txn_id';
    const stored = await this.#stored(staged.map((r) => r[idColumn] as string));
    const lines: string[] = [];
    for (const r of staged) {
      const before = stored.get(r[idColumn] as string);
      if (before === undefined) outcome.inserted++;
      else if (before === fingerprint(this.#table, r)) {
        outcome.unchanged++;
        continue;
      } else outcome.updated++;
      lines.push(JSON.stringify(r));
    }
    if (lines.length) await this.#append(lines.join('\n') + '\n', lines.length);
    return outcome;
  }

  /** Loads the staged rows into the event store. */
  async commit(): Promise<void> {
    await this.#close();
    if (this.#staged > 0) await this.#events.insertNdjsonFile(this.#table, this.#path);
    await this.discard();
  }

  /** Drops the staged rows. */
  async discard(): Promise<void> {
    await this.#close();
    await rm(this.#path, { force: true });
  }

  async #events_(rows: readonly BatchRow[], outcome: BatchOutcome): Promise<StagedRow[]> {
    const byNo = await customerIds(
      this.#db,
      rows.flatMap((r) => (typeof r.data['customer_no'] === 'string' ? [r.data['customer_no']] : [])),
    );
    const byDistinct = await resolveDistinctIds(
      this.#db,
      rows.flatMap((r) => (typeof r.data['distinct_id'] === 'string' ? [r.data['distinct_id']] : [])),
    );
    const out: StagedRow[] = [];
    for (const r of rows) {
      const d = r.data;
      const customerNo = d['customer_no'] as string | null | undefined;
      const distinctId = (d['distinct_id'] as string | null | undefined) ?? customerNo;
      if (!distinctId) {
        outcome.rejected.push([
          {
            row: r.row,
            line: r.line,
            field: 'distinct_id',
            reason: 'distinct_id or customer_no is required',
            value: '',
          },
        ]);
        continue;
      }
      // Without a customer_no, an unknown distinct id is an anonymous visitor (0) until it is linked to a customer.
      const customerId = customerNo ? byNo.get(customerNo) : (byDistinct.get(distinctId) ?? 0);
      if (customerId === undefined) {
        outcome.rejected.push([
          { row: r.row, line: r.line, field: 'customer_no', reason: 'unknown customer', value: customerNo },
        ]);
        continue;
      }
      this.eventNames.add(d['event'] as string);
      out.push({
        event_id: d['event_id'] as string,
        customer_id: customerId,
        distinct_id: distinctId,
        event: d['event'] as string,
        time: d['time'] as number,
        properties: JSON.stringify(d['properties'] ?? {}),
      });
    }
    return out;
  }

  async #transactions(rows: readonly BatchRow[], outcome: BatchOutcome): Promise<StagedRow[]> {
    const ids = await customerIds(
      this.#db,
      rows.map((r) => r.data['customer_no'] as string),
    );
    const out: StagedRow[] = [];
    for (const r of rows) {
      const d = r.data;
      const customerId = ids.get(d['customer_no'] as string);
      const problems = [];
      if (customerId === undefined)
        problems.push({
          row: r.row,
          line: r.line,
          field: 'customer_no',
          reason: 'unknown customer',
          value: d['customer_no'],
        });
      if (!this.#refs.products.has(d['product_id'] as string)) {
        problems.push({
          row: r.row,
          line: r.line,
          field: 'product_id',
          reason: 'unknown product',
          value: d['product_id'],
        });
      }
      if (problems.length || customerId === undefined) {
        outcome.rejected.push(problems);
        continue;
      }
      out.push({
        txn_id: d['txn_id'] as string,
        customer_id: customerId,
        account_no: d['account_no'] as string,
        product_id: d['product_id'] as string,
        kind: d['kind'] as string,
        // Decimal(18, 2) in the store: round here so the stored value equals what a re-import compares against.
        amount: Math.round((d['amount'] as number) * 100) / 100,
        channel: (d['channel'] as string | null) ?? '',
        time: d['time'] as number,
      });
    }
    return out;
  }

  /** Fingerprints of the stored rows with these ids (deduplicated view semantics: the last version wins). */
  async #stored(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const chunk = ids.slice(i, i + LOOKUP_CHUNK);
      const query =
        this.#table === 'events'
          ? `SELECT event_id AS id, customer_id, distinct_id, event, toUnixTimestamp64Milli(time) AS time, properties
             FROM events FINAL WHERE event_id IN {ids:Array(String)}`
          : `SELECT txn_id AS id, customer_id, account_no, product_id, kind, toFloat64(amount) AS amount, channel,
               toUnixTimestamp64Milli(time) AS time FROM transactions FINAL WHERE txn_id IN {ids:Array(String)}`;
      const rows = await this.#events.query<Record<string, string | number>>(query, { ids: chunk });
      for (const row of rows) out.set(String(row['id']), fingerprint(this.#table, row));
    }
    return out;
  }

  async #append(text: string, count: number): Promise<void> {
    this.#out ??= createWriteStream(this.#path);
    this.#staged += count;
    if (!this.#out.write(text)) await once(this.#out, 'drain');
  }

  async #close(): Promise<void> {
    const out = this.#out;
    this.#out = undefined;
    if (out)
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
  }
}

/** The compared values of a row, as one string. */
function fingerprint(table: 'events' | 'transactions', r: Record<string, unknown>): string {
  const cols =
    table === 'events'
      ? ['customer_id', 'distinct_id', 'event', 'time', 'properties']
      : ['customer_id', 'account_no', 'product_id', 'kind', 'amount', 'channel', 'time'];
  return JSON.stringify(cols.map((c) => (typeof r[c] === 'number' ? Number(r[c]) : String(r[c]))));
}
