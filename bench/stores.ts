import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../src/store/operational/migrate.ts';
import { openOperationalStore, type OperationalTarget } from '../src/store/operational/open.ts';
import type { OperationalStore } from '../src/store/operational/store.ts';

// Operational stores for benchmarks: PGlite on disk in a temporary directory, or a fresh PostgreSQL database.

const PG_ADMIN = process.env['FLYWHEEL_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A migrated, empty operational store on `engine`, with its data directory (and URL on PostgreSQL). */
export async function openTarget(
  engine: 'pglite' | 'postgres',
): Promise<{ store: OperationalStore; dataDir: string; url?: string; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flywheel-bench-'));
  let target: OperationalTarget = { kind: 'pglite', dataDir };
  let drop: () => Promise<void> = async () => undefined;
  let url: string | undefined;
  if (engine === 'postgres') {
    const name = `flywheel_bench_${process.pid}_${Date.now()}`;
    await adminQuery(`create database ${name}`);
    const u = new URL(PG_ADMIN);
    u.pathname = `/${name}`;
    url = u.toString();
    target = { kind: 'postgres', url };
    drop = async () => adminQuery(`drop database if exists ${name} with (force)`);
  }
  const store = await openOperationalStore(target);
  await migrate(store);
  return {
    store,
    dataDir,
    ...(url ? { url } : {}),
    async dispose() {
      await store.close().catch(() => undefined);
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Whether PostgreSQL answers at the admin URL. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
