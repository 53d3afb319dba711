import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE } from '../../scripts/api-types.ts';

// Issue #10 item 3: the dashboard's API types are generated from the server's OpenAPI document. When a route's
// schema changes, the committed web/src/api/schema.d.ts must be regenerated, and the dashboard type-checked against it.

describe('web/src/api/schema.d.ts', () => {
  it('is what the OpenAPI document of the app generates today', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flywheel-api-types-'));
    try {
      const fresh = join(dir, 'schema.d.ts');
      // In a process of its own: the suite's workers share loaded modules, and zod's global registry with them.
      execFileSync(process.execPath, ['bin/run-ts.mjs', 'scripts/api-types.ts', fresh], { stdio: 'pipe' });
      const same = readFileSync(fresh, 'utf8') === readFileSync(SCHEMA_FILE, 'utf8');
      expect(same, 'web/src/api/schema.d.ts is stale: run npm run api:types').toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
