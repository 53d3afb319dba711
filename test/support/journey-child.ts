import { processDue } from '../../src/journeys/engine.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { openOperationalStore } from '../../src/store/operational/open.ts';
import { OPEN_POLICY } from './journey-fixture.ts';

// A journey worker as a child process for the crash test: processes due memberships at JOURNEY_NOW in batches of
// JOURNEY_LIMIT on the PostgreSQL database at DATABASE_URL (or the PGlite directory JOURNEY_PGLITE_DIR), printing a
// line after each committed batch, until nothing is due. The test SIGKILLs it mid-way.
// Run with `node bin/run-ts.mjs test/support/journey-child.ts`.

const url = process.env['DATABASE_URL'];
const dataDir = process.env['JOURNEY_PGLITE_DIR'];
const now = new Date(process.env['JOURNEY_NOW'] ?? '');
const limit = Number(process.env['JOURNEY_LIMIT'] ?? '50');
if (!(url || dataDir) || Number.isNaN(now.getTime()))
  throw new Error('DATABASE_URL or JOURNEY_PGLITE_DIR, and JOURNEY_NOW, are required');
const store = await openOperationalStore(
  url ? { kind: 'postgres', url } : { kind: 'pglite', dataDir: dataDir! },
);
const deps = {
  db: store.db,
  clock: clockOf(() => now),
  policy: OPEN_POLICY,
  // The crash test's journey has no branch.
  ruleMembers: () => Promise.resolve({ ok: false as const, error: { message: 'no rules here' } }),
};
for (;;) {
  const report = await processDue(deps, { now, limit });
  if (report.claimed === 0) break;
  process.stdout.write(`batch ${report.claimed}\n`);
}
process.stdout.write('done\n');
await store.close();
