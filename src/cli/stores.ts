import type { Config } from '../config/schema.ts';
import type { Stores } from '../store/stores.ts';
import { failInterruptedImports } from '../ingest/recovery.ts';
import { closeStores, openStores } from '../server/stores.ts';
import { systemClock } from '../shared/clock.ts';

/** Opens the stores for one CLI command, runs it, closes them, and sets the exit code it returns. */
export async function withStores(config: Config, run: (stores: Stores) => Promise<number>): Promise<void> {
  const stores = await openStores(config);
  try {
    // Imports a killed process left 'running' are closed as failed by whichever process starts next.
    await failInterruptedImports(stores.operational, systemClock);
    process.exitCode = await run(stores);
  } finally {
    await closeStores(stores);
  }
}
