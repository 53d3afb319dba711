import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import { EventStoreError, type EventStore } from '../store/events/store.ts';
import type { SandboxConnection } from '../store/operational/sandbox.ts';
import { bitmapAggregate, collectBitmaps, type BitmapRow } from './ch-bitmap.ts';
import { unpackIds } from './facts.ts';
import type { SqlSpec } from './definition.ts';
import { checkEventStatement } from './sandbox/ch-check.ts';
import { describeIssues, type SandboxIssue } from './sandbox/issues.ts';
import { checkOperationalStatement } from './sandbox/pg-check.ts';
import { bindPlaceholders, sqlTagDayProblem, type SqlTagDay } from './sandbox/placeholders.ts';
import { SANDBOX_VIEWS } from './sandbox/pg-rules.ts';

// SQL tags: one SELECT returning (customer_id or customer_no, value), which the stores aggregate into one packed
// list (PostgreSQL) or one bitmap (ClickHouse) per value. What makes them safe to hand to analysts is described in
// src/tags/README.md ("The SQL-tag sandbox"): a check of the statement on the engine's own parse tree, then
//
// - operational store: the statement runs on the sandbox connection (src/store/operational/sandbox.ts): alone
//   (extended protocol), READ ONLY, search_path = sql_tag (views without personal data), statement_timeout; on
//   PostgreSQL as a login role that holds SELECT on those views and nothing else. PGlite cannot interrupt a
//   statement and runs inside this process, so there the planner's cost estimate must stay within a budget
//   relative to reading every sandbox view once (a cross join of customers is refused before it runs), and a result
//   that took longer than the limit is refused after the fact.
// - event store: the engine's re-print of the one statement it parsed runs with SETTINGS readonly = 1,
//   max_execution_time and max_memory_usage (EventStore.queryConfined).

/** Why a SQL tag failed, with the tag named; thrown and reported as the tag's error. */
export class SqlTagError extends Error {
  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super(`SQL tag '${key}': ${message}`, options);
    this.name = 'SqlTagError';
  }
}

/** The embedded engine's plan budget: this many times the cost of reading every sandbox view once (at least FLOOR). */
export const PLAN_COST_RATIO = 50;
export const PLAN_COST_FLOOR = 1_000;
/** One statement that reads every sandbox view once: the planner's price of that is the budget's unit. */
const READ_EVERYTHING = `select ${[...SANDBOX_VIEWS].map((v) => `(select count(*) from ${v})`).join(' + ')}`;
/** Memory one event-store SQL tag may use. */
const EVENT_SQL_MEMORY_BYTES = 2 * 1024 ** 3;

/** Where an SQL tag's statement runs; `sandbox` opens the operational store's confined connection. */
export interface SqlTagStores {
  readonly events: EventStore;
  readonly sandbox?: (() => Promise<SandboxConnection>) | undefined;
}

/**
 * Checks an SQL tag as it would run on the day (`{as_of}`, `{tz}`), without running it: the parse tree, then
 * (operational store) the plan's cost on the embedded engine and the columns a zero-row run returns. Issues are
 * located in the text.
 */
export async function checkSqlTag(
  stores: SqlTagStores,
  spec: SqlSpec,
  day: SqlTagDay,
): Promise<Result<{ columns: readonly string[] }, SandboxIssue[]>> {
  try {
    if (spec.store === 'events') {
      const checked = await checkEventStatement(stores.events, spec.sql, day);
      if (!checked.ok) return checked;
      const columns = await stores.events.queryConfined<{ name: string }>(
        `DESCRIBE (${checked.value.text})`,
        {
          seconds: 30,
          memoryBytes: EVENT_SQL_MEMORY_BYTES,
        },
      );
      return columnsOk(columns.map((c) => c.name));
    }
    const prepared = await prepareOperational(stores, spec, day);
    if (!prepared.ok) return prepared;
    const { sandbox, body } = prepared.value;
    const probe = await sandbox.query(
      `select * from (${body}\n) q limit 0`,
      Math.min(spec.timeout_ms, 30_000),
    );
    return columnsOk(probe.columns);
  } catch (error) {
    return err([
      { message: error instanceof Error ? error.message.replace(/^.*?Exception:\s*/s, '') : String(error) },
    ]);
  }
}

function columnsOk(columns: readonly string[]): Result<{ columns: readonly string[] }, SandboxIssue[]> {
  if (columns.includes('value') && (columns.includes('customer_id') || columns.includes('customer_no')))
    return ok({ columns });
  return err([
    {
      message: `the statement must return columns customer_id (or customer_no) and value; it returns ${columns.join(', ') || 'nothing'}`,
    },
  ]);
}

async function prepareOperational(
  stores: SqlTagStores,
  spec: SqlSpec,
  day: SqlTagDay,
): Promise<Result<{ sandbox: SandboxConnection; body: string }, SandboxIssue[]>> {
  const problem = sqlTagDayProblem(day);
  if (problem !== undefined) return err([{ message: problem }]);
  const checked = await checkOperationalStatement(spec.sql);
  if (!checked.ok) return checked;
  if (!stores.sandbox)
    return err([{ message: 'no SQL-tag sandbox is configured for the operational store' }]);
  const sandbox = await stores.sandbox();
  const body = bindPlaceholders(checked.value.text, day, (asOf) => `date '${asOf}'`);
  if (sandbox.confinedBy === 'parse_tree') {
    const [cost, baseline] = await Promise.all([
      sandbox.planCost(`select * from (${body}\n) q`),
      sandbox.planCost(READ_EVERYTHING),
    ]);
    const budget = Math.max(PLAN_COST_FLOOR, PLAN_COST_RATIO * baseline);
    if (cost > budget)
      return err([
        {
          message:
            `the planner estimates this statement at ${Math.round(cost).toLocaleString('en')} cost units, more than ` +
            `${PLAN_COST_RATIO}× reading every table once (${Math.round(budget).toLocaleString('en')}); the embedded ` +
            `store cannot interrupt a statement, so it is refused (a cross join or a per-row subquery?)`,
        },
      ]);
  }
  return ok({ sandbox, body });
}

/** Runs an operational-store SQL tag on the sandbox connection: value → members. */
export async function runOperationalSql(
  stores: SqlTagStores,
  key: string,
  spec: SqlSpec,
  day: SqlTagDay,
): Promise<Map<string, RoaringBitmap32>> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let rows: { v: string; ids: Uint8Array | null }[];
  try {
    const prepared = await prepareOperational(stores, spec, day);
    if (!prepared.ok) throw new SqlTagError(key, describeIssues(prepared.error));
    const { sandbox, body } = prepared.value;
    // The key column decides the join: a zero-row run names the statement's columns.
    const probe = await sandbox.query(`select * from (${body}\n) q limit 0`, spec.timeout_ms);
    const columns = columnsOk(probe.columns);
    if (!columns.ok) throw new SqlTagError(key, describeIssues(columns.error));
    const byId = probe.columns.includes('customer_id');
    const result = await sandbox.query<{ v: string; ids: Uint8Array | null }>(
      `select q.value::text as v, string_agg(int4send(${byId ? 'q.customer_id::int4' : 'c.id'}), ''::bytea) as ids
         from (${body}
         ) q ${byId ? '' : 'join customers c on c.customer_no = q.customer_no::text'}
        where q.value is not null
        group by 1`,
      spec.timeout_ms,
    );
    rows = result.rows;
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
  if (performance.now() - started > spec.timeout_ms)
    throw new SqlTagError(
      key,
      `ran past its time limit of ${spec.timeout_ms} ms (took ${elapsed()} ms); result refused`,
    );
  const out = new Map<string, RoaringBitmap32>();
  for (const row of rows) out.set(String(row.v), new RoaringBitmap32(unpackIds(row.ids).sort()));
  return out;
}

/** Runs an event-store SQL tag (columns customer_id, value), confined: value → members. */
export async function runEventSql(
  events: EventStore,
  key: string,
  spec: SqlSpec,
  day: SqlTagDay,
): Promise<Map<string, RoaringBitmap32>> {
  const problem = sqlTagDayProblem(day);
  if (problem !== undefined) throw new SqlTagError(key, problem);
  try {
    const checked = await checkEventStatement(events, spec.sql, day);
    if (!checked.ok) throw new SqlTagError(key, describeIssues(checked.error));
    const rows = await events.queryConfined<BitmapRow>(
      `SELECT '' AS k, toString(value) AS v, ${bitmapAggregate('customer_id')} AS b FROM (${checked.value.text}
       ) WHERE value IS NOT NULL AND customer_id > 0 GROUP BY v`,
      { seconds: spec.timeout_ms / 1000, memoryBytes: EVENT_SQL_MEMORY_BYTES },
    );
    return collectBitmaps(rows).get('') ?? new Map();
  } catch (error) {
    if (error instanceof SqlTagError) throw error;
    if (error instanceof EventStoreError && error.code === 159)
      throw new SqlTagError(key, `ran past its time limit of ${spec.timeout_ms} ms and was cancelled`, {
        cause: error,
      });
    if (error instanceof EventStoreError && error.code === 164)
      throw new SqlTagError(key, 'writes are not allowed (read-only)', { cause: error });
    throw new SqlTagError(key, error instanceof Error ? error.message : String(error), { cause: error });
  }
}
