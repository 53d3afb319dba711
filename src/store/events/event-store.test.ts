import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChdbHttpServer, type ChdbHttpServer } from '../../../test/support/chdb-http-server.ts';
import { eventStoreContract } from './event-store.contract.ts';
import { openEventStore } from './open.ts';

// Both suites run in this one file, one after the other: chDB binds one data directory per process, so the
// embedded store is closed (and drained) before the HTTP shim opens its own directory.

eventStoreContract('chDB (embedded)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'flywheel-events-'));
  return {
    open: () => openEventStore({ kind: 'chdb', dataDir }),
    dispose: () => rm(dataDir, { recursive: true, force: true }),
  };
});

// No ClickHouse server runs here: the ClickHouse driver talks HTTP to chDB behind test/support/chdb-http-server.ts.
eventStoreContract('ClickHouse driver over HTTP (chDB shim)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'flywheel-ch-'));
  let server: ChdbHttpServer | undefined;
  return {
    async open() {
      // A reopen restarts the "server" on the same directory, as a ClickHouse restart would.
      await server?.close();
      server = await startChdbHttpServer({ dataDir });
      return openEventStore({ kind: 'clickhouse', url: server.url });
    },
    async dispose() {
      await server?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
