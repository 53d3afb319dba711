import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Locates a file of the workspace's shared public data sets: $FLYWHEEL_SHARED_DATA, then `../shared/data` beside the
 * repository, then /work/shared/data (where a clean clone elsewhere still finds them). Null when none holds it.
 */
export function sharedDataFile(relative: string): string | null {
  const roots = [process.env['FLYWHEEL_SHARED_DATA'], resolve(REPO, '../shared/data'), '/work/shared/data'];
  for (const root of roots) {
    if (root && existsSync(resolve(root, relative))) return resolve(root, relative);
  }
  return null;
}
