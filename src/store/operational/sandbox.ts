import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/** What a confined statement returned: its rows and its column names in order. */
export interface SandboxResult<Row> {
  readonly rows: Row[];
  readonly columns: readonly string[];
}

/**
 * A connection for statements users write (SQL tags) that can only read the views of schema sql_tag
 * (migration 0007). Each statement runs alone (the extended query protocol refuses a second command) in a READ ONLY
 * transaction with search_path = sql_tag and a statement timeout.
 */
export interface SandboxConnection {
  /**
   * What confines a statement beyond that: on PostgreSQL a separate login role holding SELECT on the sql_tag views
   * and nothing else ('login_role'); on PGlite, which always runs as its superuser, only the caller's check of the
   * statement's parse tree ('parse_tree', src/tags/sandbox) — and PGlite cannot interrupt a running statement.
   */
  readonly confinedBy: 'login_role' | 'parse_tree';
  /** Runs one statement confined; the timeout cancels it on PostgreSQL (PGlite cannot interrupt). */
  query<Row>(sqlText: string, timeoutMs: number): Promise<SandboxResult<Row>>;
  /** The planner's estimated total cost of a statement (EXPLAIN, nothing executed), under the same settings. */
  planCost(sqlText: string): Promise<number>;
  close(): Promise<void>;
}

const SET_UP = `set local search_path = sql_tag`;

/** The embedded store's sandbox: PGlite's one session, taken through Kysely's queue so nothing interleaves. */
export function pgliteSandbox(pglite: PGlite, db: Kysely<Database>): SandboxConnection {
  const confined = <T>(timeoutMs: number, run: () => Promise<T>) =>
    db.connection().execute(async () => {
      await pglite.exec(`begin transaction read only; ${SET_UP}; set local statement_timeout = ${timeoutMs}`);
      try {
        const result = await run();
        await pglite.exec('commit');
        return result;
      } catch (error) {
        await pglite.exec('rollback');
        throw error;
      }
    });
  return {
    confinedBy: 'parse_tree',
    query: <Row>(sqlText: string, timeoutMs: number) =>
      confined(timeoutMs, async () => {
        // query() is the extended protocol: one statement only.
        const result = await pglite.query<Row>(sqlText);
        return { rows: result.rows, columns: result.fields.map((f) => f.name) };
      }),
    planCost: async (sqlText) => {
      await analyzeOnce(pglite, db);
      return confined(60_000, async () =>
        totalCost((await pglite.query<PlanRow>(`explain (format json) ${sqlText}`)).rows),
      );
    },
    close: async () => undefined,
  };
}

/**
 * PGlite has no autovacuum: a table never analyzed is planned from guesses (5,000 rows estimated as 517), and a
 * plan budget is only as good as the estimates. Tables behind the sandbox views without statistics are analyzed
 * once; later growth is scaled from the table's size by the planner itself.
 */
async function analyzeOnce(pglite: PGlite, db: Kysely<Database>): Promise<void> {
  await db.connection().execute(async () => {
    const missing = await pglite.query<{ name: string }>(
      `select distinct c.relname as name
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
         join pg_depend d on d.refobjid = c.oid
         join pg_rewrite r on r.oid = d.objid
         join pg_class v on v.oid = r.ev_class
         join pg_namespace vn on vn.oid = v.relnamespace and vn.nspname = 'sql_tag'
        where c.relkind = 'r' and c.reltuples < 0`,
    );
    for (const { name } of missing.rows) await pglite.exec(`analyze public.${JSON.stringify(name)}`);
  });
}

/** A sandbox over a pool whose connections log in as the confined role (see sandbox-role.ts). */
export function postgresSandbox(pool: import('pg').Pool): SandboxConnection {
  const confined = async <T>(timeoutMs: number, run: (client: import('pg').PoolClient) => Promise<T>) => {
    const client = await pool.connect();
    try {
      await client.query(`begin transaction read only`);
      await client.query(SET_UP);
      await client.query(`set local statement_timeout = ${Math.floor(timeoutMs)}`);
      const result = await run(client);
      await client.query('commit');
      client.release();
      return result;
    } catch (error) {
      // A connection in an unknown state is not put back in the pool.
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  };
  return {
    confinedBy: 'login_role',
    query: <Row>(sqlText: string, timeoutMs: number) =>
      confined(timeoutMs, async (client) => {
        const result = await client.query({ text: sqlText, values: [], queryMode: 'extended' } as never);
        const r = result as unknown as { rows: Row[]; fields: { name: string }[] };
        return { rows: r.rows, columns: r.fields.map((f) => f.name) };
      }),
    planCost: (sqlText) =>
      confined(60_000, async (client) => {
        const result = await client.query({
          text: `explain (format json) ${sqlText}`,
          values: [],
          queryMode: 'extended',
        } as never);
        return totalCost((result as unknown as { rows: PlanRow[] }).rows);
      }),
    close: () => pool.end(),
  };
}

type PlanRow = { 'QUERY PLAN': [{ Plan: { 'Total Cost': number } }] | string };

function totalCost(rows: PlanRow[]): number {
  const raw = rows[0]?.['QUERY PLAN'];
  const plan = typeof raw === 'string' ? (JSON.parse(raw) as Exclude<PlanRow['QUERY PLAN'], string>) : raw;
  return Number(plan?.[0]?.Plan['Total Cost'] ?? Number.POSITIVE_INFINITY);
}
