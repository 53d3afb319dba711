// Runs once before the suites: bundles the CLI that test/support/cli.ts runs in child processes (always rebuilt, so
// it never lags the sources; ~0.3 s).
import { fileURLToPath } from 'node:url';
import { bundleCli } from './cli-bundle.ts';

/** vitest global setup. */
export default async function setup(): Promise<void> {
  await bundleCli(fileURLToPath(new URL('../../', import.meta.url)));
}
