import { sql, type Kysely } from 'kysely';
import { RoaringBitmap32 } from '../segments/bitmap.ts';
import { EventStoreError, type EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import { bitmapAggregate, queryBitmaps } from './ch-bitmap.ts';
import { unpackIds } from './facts.ts';
import type { SqlSpec } from './definition.ts';
import { hasStatementSeparator, stripComments } from './sql-text.ts';

// SQL tags: one read-only SELECT returning (customer_id or customer_no, value), wrapped so that the stores aggregate
// the answer into one packed list (PostgreSQL) or one bitmap (ClickHouse) per value.
//
// Operational store: the statement runs in a READ ONLY transaction (any write is refused by PostgreSQL) with
// SET LOCAL statement_timeout. PGlite accepts both but cannot interrupt a statement: it runs single-threaded inside
// this process, so its timers only fire once the statement has returned. There the limit is enforced after the
// fact: a result that took longer than the limit is refused (the embedded server is busy meanwhile; use PostgreSQL
// for untrusted or heavy SQL). Event store: SETTINGS readonly = 1, max_execution_time = the limit.
// Both: exactly one statement (wrapped as a subquery, so a second statement is a syntax error anyway), `{as_of}`
// replaced by the business day, and tables holding credentials are refused.

/** Why a SQL tag failed, with the tag named; thrown and reported as the tag's error. */
export class SqlTagError extends Error {
  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super(`SQL tag '${key}': ${message}`, options);
    this.name = 'SqlTagError';
  }
}

const FORBIDDEN = /\b(users|user_sessions|api_keys|audit_log|schema_migrations)\b/i;

function prepare(key: string, spec: SqlSpec, asOf: string, dateLiteral: string): string {
  const body = spec.sql.trim().replace(/;\s*$/, '');
  if (hasStatementSeparator(body)) throw new SqlTagError(key, 'only one statement is allowed');
  if (!/^\s*(select|with)\b/i.test(stripComments(body)))
    throw new SqlTagError(key, 'the statement must be a SELECT');
  if (FORBIDDEN.test(stripComments(body)))
    throw new SqlTagError(key, 'tables holding credentials or audit records cannot be read by tags');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new SqlTagError(key, `bad business day ${asOf}`);
  return body.replaceAll('{as_of}', dateLiteral);
}

/** Runs an operational-store SQL tag: value → members. */
export async function runOperationalSql(
  db: Kysely<Database>,
  key: string,
  spec: SqlSpec,
  asOf: string,
): Promise<Map<string, RoaringBitmap32>> {
  const body = prepare(key, spec, asOf, `date '${asOf}'`);
  const started = performance.now();
  const overTime = () =>
    new SqlTagError(
      key,
      `ran past its time limit of ${spec.timeout_ms} ms (took ${Math.round(performance.now() - started)} ms); result refused`,
    );
  let rows: { v: string; ids: Uint8Array | null }[];
  try {
    rows = await db.transaction().execute(async (tx) => {
      await sql`set transaction read only`.execute(tx);
      await sql.raw(`set local statement_timeout = ${Math.floor(spec.timeout_ms)}`).execute(tx);
      // The key column decides the join: probe one row for the statement's column names.
      const probe = await sql<{ r: Record<string, unknown> }>`select to_jsonb(q) as r from (${sql.raw(body)}
) q limit 1`.execute(tx);
      const columns = Object.keys(probe.rows[0]?.r ?? {});
      if (performance.now() - started > spec.timeout_ms) throw overTime();
      if (probe.rows.length === 0) return [];
      if (
        !columns.includes('value') ||
        !(columns.includes('customer_id') || columns.includes('customer_no'))
      ) {
        throw new SqlTagError(
          key,
          `the statement must return columns customer_id (or customer_no) and value; it returned ${columns.join(', ')}`,
        );
      }
      const byId = columns.includes('customer_id');
      const result = await sql<{ v: string; ids: Uint8Array | null }>`
        select q.value::text as v, string_agg(int4send(${sql.raw(byId ? 'q.customer_id::int4' : 'c.id')}), ''::bytea) as ids
          from (${sql.raw(body)}
          ) q ${sql.raw(byId ? '' : 'join customers c on c.customer_no = q.customer_no::text')}
         where q.value is not null
         group by 1`.execute(tx);
      return result.rows;
    });
  } catch (error) {
    if (error instanceof SqlTagError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/statement timeout/i.test(message))
      throw new SqlTagError(key, `ran past its time limit of ${spec.timeout_ms} ms and was cancelled`, {
        cause: error,
      });
    if (/read-only transaction/i.test(message))
      throw new SqlTagError(key, `writes are not allowed (${message})`, { cause: error });
    throw new SqlTagError(key, message, { cause: error });
  }
  if (performance.now() - started > spec.timeout_ms) throw overTime();
  const out = new Map<string, RoaringBitmap32>();
  for (const row of rows) out.set(String(row.v), new RoaringBitmap32(unpackIds(row.ids).sort()));
  return out;
}

/** Runs an event-store SQL tag (columns customer_id, value): value → members. */
export async function runEventSql(
  events: EventStore,
  key: string,
  spec: SqlSpec,
  asOf: string,
): Promise<Map<string, RoaringBitmap32>> {
  const body = prepare(key, spec, asOf, `toDate('${asOf}')`);
  const seconds = Math.max(0.1, spec.timeout_ms / 1000);
  try {
    const found = await queryBitmaps(
      events,
      `SELECT '' AS k, toString(value) AS v, ${bitmapAggregate('customer_id')} AS b FROM (${body}
       ) WHERE value IS NOT NULL AND customer_id > 0 GROUP BY v
       SETTINGS readonly = 1, max_execution_time = ${seconds}`,
    );
    return found.get('') ?? new Map();
  } catch (error) {
    if (error instanceof EventStoreError && error.code === 159)
      throw new SqlTagError(key, `ran past its time limit of ${spec.timeout_ms} ms and was cancelled`, {
        cause: error,
      });
    if (error instanceof EventStoreError && error.code === 164)
      throw new SqlTagError(key, 'writes are not allowed (read-only)', { cause: error });
    throw new SqlTagError(key, error instanceof Error ? error.message : String(error), { cause: error });
  }
}
