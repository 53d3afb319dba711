import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { SandboxConnection } from './sandbox.ts';

/** The operational store seam: one Kysely handle, whichever Postgres engine is behind it. */
export interface OperationalStore {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Kysely<Database>;
  /** Runs a multi-statement SQL script (migrations, bulk maintenance) outside Kysely's parameter binding. */
  execScript(sqlText: string): Promise<void>;
  /** The connection for statements users write (SQL tags), opened on first use (see sandbox.ts). */
  sandbox(): Promise<SandboxConnection>;
  /** PGlite only: the data directory as a tarball (a template for fresh stores). */
  dump?(): Promise<Blob>;
  close(): Promise<void>;
}
