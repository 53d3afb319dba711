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
  /**
   * Holds a lock for as long as this process lives (or until released): another process can tell whether its
   * holder is still alive (`lockHeld`). On PostgreSQL a session advisory lock on a connection of its own, which a
   * killed process loses with its connection; on PGlite nothing, since only one process can open its directory.
   */
  holdLock(namespace: number, id: number): Promise<() => Promise<void>>;
  /** Whether a live process holds the lock (`holdLock`); always false on PGlite. */
  lockHeld(namespace: number, id: number): Promise<boolean>;
  /** PGlite only: the data directory as a tarball (a template for fresh stores). */
  dump?(): Promise<Blob>;
  close(): Promise<void>;
}
