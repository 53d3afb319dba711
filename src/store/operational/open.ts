import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import type { CustomTypesConfig } from 'pg';
import type { Database } from './database.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { pgliteSandbox, postgresSandbox, type SandboxConnection } from './sandbox.ts';
import { provisionSandboxRole, verifySandboxRole } from './sandbox-role.ts';
import type { OperationalStore } from './store.ts';
import { lockStoreDirectory } from '../directory-lock.ts';

// Postgres type OIDs whose default JS mapping we override, the same way on both engines:
// int8 and numeric become numbers (counts, sums, money within 2^53), date stays 'YYYY-MM-DD'.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

const toNumber = (v: string) => (v === null ? null : Number(v));
const asIs = (v: string) => v;

/** Where the operational store lives. */
export type OperationalTarget =
  | {
      kind: 'pglite';
      dataDir: string | null;
      /** a PGlite data-dir dump to start an empty store from */ template?: Blob;
    }
  | {
      kind: 'postgres';
      url: string;
      /** an operator-provisioned login for SQL tags (FLYWHEEL_SQL_TAG_DATABASE_URL); provisioned when absent */
      sandboxUrl?: string | undefined;
    };

/** Opens the operational store: PGlite in `<dataDir>/pg` (or in memory when dataDir is null), or PostgreSQL. */
export async function openOperationalStore(target: OperationalTarget): Promise<OperationalStore> {
  return target.kind === 'postgres'
    ? openPostgres(target.url, target.sandboxUrl)
    : openPGlite(target.dataDir, target.template);
}

async function openPGlite(dataDir: string | null, template: Blob | undefined): Promise<OperationalStore> {
  let path: string | undefined;
  if (dataDir !== null) {
    path = join(dataDir, 'pg');
    await mkdir(path, { recursive: true });
    // A template only starts an empty store: a cluster already in the directory is opened as it is.
    if (existsSync(join(path, 'PG_VERSION'))) template = undefined;
  }
  // PGlite does not lock its directory: a second process would write the same files and lose writes silently.
  const release = path === undefined ? () => undefined : lockStoreDirectory(path, 'operational store');
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(path, {
      parsers: { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: asIs },
      ...(template ? { loadDataDir: template } : {}),
    });
  } catch (error) {
    release();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  const sandbox = pgliteSandbox(pglite, db);
  return {
    kind: 'pglite',
    db,
    sandbox: async () => sandbox,
    holdLock: async () => async () => undefined,
    lockHeld: async () => false,
    async execScript(sqlText) {
      await pglite.exec(sqlText);
    },
    async dump() {
      return pglite.dumpDataDir('none');
    },
    async close() {
      await db.destroy();
      await pglite.close();
      release();
    },
  };
}

async function openPostgres(url: string, sandboxUrl: string | undefined): Promise<OperationalStore> {
  // Loaded only when used: the embedded default should not pay for the PostgreSQL driver at start-up.
  const { default: pg } = await import('pg');
  const typeParsers = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8 || oid === NUMERIC) return toNumber;
      if (oid === DATE) return asIs;
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types: typeParsers as CustomTypesConfig });
  // An idle connection the server ends (a restart, a failover, an administrator's terminate) is emitted as an 'error'
  // on the pool, which would otherwise crash the process; the pool has already dropped that client and the next query
  // opens a new one, so the error is reported and nothing else is needed.
  pool.on('error', (error) => {
    process.emitWarning(`PostgreSQL: an idle connection was closed (${error.message}); it will be reopened`);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let sandbox: Promise<SandboxConnection> | undefined;
  const openSandbox = async (): Promise<SandboxConnection> => {
    let loginUrl = sandboxUrl;
    if (!loginUrl) {
      const admin = await pool.connect();
      try {
        loginUrl = await provisionSandboxRole(admin, url);
      } finally {
        admin.release();
      }
    }
    const confined = new pg.Pool({
      connectionString: loginUrl,
      max: 2,
      types: typeParsers as CustomTypesConfig,
    });
    confined.on('error', () => undefined);
    try {
      const client = await confined.connect();
      try {
        await verifySandboxRole(client);
      } finally {
        client.release();
      }
    } catch (error) {
      await confined.end();
      throw error;
    }
    return postgresSandbox(confined);
  };
  return {
    kind: 'postgres',
    db,
    async holdLock(namespace, id) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1::int, $2::int)', [namespace, id]);
      } catch (error) {
        client.release(true);
        throw error;
      }
      return async () => {
        try {
          await client.query('select pg_advisory_unlock($1::int, $2::int)', [namespace, id]);
          client.release();
        } catch {
          client.release(true);
        }
      };
    },
    async lockHeld(namespace, id) {
      const client = await pool.connect();
      try {
        const got = await client.query<{ ok: boolean }>(
          'select pg_try_advisory_lock($1::int, $2::int) as ok',
          [namespace, id],
        );
        if (got.rows[0]?.ok)
          await client.query('select pg_advisory_unlock($1::int, $2::int)', [namespace, id]);
        return !got.rows[0]?.ok;
      } finally {
        client.release();
      }
    },
    sandbox() {
      sandbox ??= openSandbox().catch((error: unknown) => {
        sandbox = undefined;
        throw error;
      });
      return sandbox;
    },
    async execScript(sqlText) {
      const client = await pool.connect();
      try {
        await client.query(sqlText);
      } finally {
        client.release();
      }
    },
    async close() {
      const opened = await sandbox?.catch(() => undefined);
      await opened?.close();
      await db.destroy();
    },
  };
}
