import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sandboxRoleName } from '../../src/store/operational/sandbox-role.ts';

/** Admin connection for creating and dropping per-test databases; override with FLYWHEEL_TEST_PG_URL. */
export const TEST_PG_ADMIN_URL =
  process.env['FLYWHEEL_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** True when CI demands every server-backed suite to run (FLYWHEEL_REQUIRE_SERVERS=1). */
export const REQUIRE_SERVERS = ['1', 'true'].includes(process.env['FLYWHEEL_REQUIRE_SERVERS'] ?? '');

let availability: Promise<boolean> | undefined;

/** Whether PostgreSQL answers; when servers are required and it does not, this throws instead. */
export function postgresAvailable(): Promise<boolean> {
  availability ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (error) {
      if (REQUIRE_SERVERS) {
        throw new Error(
          `PostgreSQL is required (FLYWHEEL_REQUIRE_SERVERS=1) but unreachable: ${String(error)}`,
          {
            cause: error,
          },
        );
      }
      console.warn(
        `[flywheel tests] PostgreSQL not reachable at ${TEST_PG_ADMIN_URL}: skipping PostgreSQL suites`,
      );
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return availability;
}

/** A fresh, empty PostgreSQL database for one test file; `drop()` removes it. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates a uniquely named database on the test server. */
export async function createTestDatabase(prefix = 'flywheel_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
        // The SQL-tag login provisioned for this database (roles are cluster-wide; its grants went with the database).
        await c.query(`drop role if exists ${sandboxRoleName(name)}`);
      } finally {
        await c.end();
      }
    },
  };
}
